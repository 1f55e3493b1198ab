//! State shared by every connection of one server.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crate::middleware::RateLimiter;

/// What the service remembers between requests. The demo keeps no data beyond this: devices and
/// sensors are fixtures, so writes are acknowledged but not stored.
#[derive(Debug)]
pub struct State {
    /// When the server started, for `/admin/stats`.
    pub started: Instant,
    /// Requests answered so far, whatever their status.
    pub requests: AtomicU64,
    /// Set by `POST /admin/maintenance/mode`, cleared by `DELETE` on the same path.
    pub maintenance: AtomicBool,
    /// Fixed-window counters for the `rate_limit` middleware.
    pub limiter: RateLimiter,
}

impl State {
    /// Fresh state for a server that starts now.
    pub fn new() -> Self {
        State {
            started: Instant::now(),
            requests: AtomicU64::new(0),
            maintenance: AtomicBool::new(false),
            limiter: RateLimiter::new(),
        }
    }

    /// Whether maintenance mode is on.
    pub fn in_maintenance(&self) -> bool {
        self.maintenance.load(Ordering::Relaxed)
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}
