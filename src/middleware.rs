//! The middleware that route files name in `middleware = [...]`.
//!
//! The generated router only records the names (outermost first, see
//! [`RouteInfo::middleware`](routegen::RouteInfo::middleware)); this module gives them meaning:
//!
//! * `auth`: a bearer token from [`TOKENS`] is required (401 otherwise), and it must grant the
//!   route's `auth_scope` meta value when there is one (403 otherwise).
//! * `rate_limit`: at most `rate_limit` requests (a meta integer, default [`DEFAULT_LIMIT`]) per
//!   route per minute; 429 beyond that.
//! * `audit`: everything inside it (later middleware and the handler) is logged to stderr with
//!   its outcome, rejections included.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hyper::header::{AUTHORIZATION, HeaderMap};
use routegen::{RouteInfo, Routes};

/// Every middleware name the service implements.
///
/// A route naming any other one is refused at start-up (see [`unknown_middleware`]) and answered
/// with 500 should it ever be reached: skipping a middleware we do not know, say a misspelt
/// `"auht"`, would silently serve a route that was meant to be protected.
pub const KNOWN: [&str; 3] = ["auth", "rate_limit", "audit"];

/// The first `(route name, middleware name)` pair whose middleware this service does not
/// implement, if any.
pub fn unknown_middleware(routes: Routes) -> Option<(&'static str, &'static str)> {
    routes.iter().find_map(|route| {
        route
            .middleware()
            .iter()
            .find(|name| !KNOWN.contains(name))
            .map(|name| (route.name(), *name))
    })
}

/// The bearer tokens the demo accepts and the scopes each grants; `"*"` grants every scope.
/// A real service would verify a signed token instead of looking it up in a table.
pub const TOKENS: &[(&str, &[&str])] = &[
    (
        "demo-token",
        &[
            "devices:read",
            "devices:write",
            "devices:control",
            "telemetry:read",
            "telemetry:write",
            "files:read",
        ],
    ),
    ("admin-token", &["*"]),
];

/// Why `auth` refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization: Bearer <token>` header (401).
    MissingToken,
    /// A bearer token that is not in [`TOKENS`] (401).
    UnknownToken,
    /// A valid token without the route's `auth_scope` (403).
    MissingScope(&'static str),
}

/// The `auth` middleware: checks the bearer token and the route's `auth_scope`.
pub fn authorize(headers: &HeaderMap, route: RouteInfo) -> Result<(), AuthError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token)
        .ok_or(AuthError::MissingToken)?;
    let scopes = TOKENS
        .iter()
        .find(|(known, _)| *known == token)
        .map(|(_, scopes)| *scopes)
        .ok_or(AuthError::UnknownToken)?;
    match route
        .meta_value("auth_scope")
        .and_then(|value| value.as_str())
    {
        Some(required) if !scopes.iter().any(|s| *s == "*" || *s == required) => {
            Err(AuthError::MissingScope(required))
        }
        _ => Ok(()),
    }
}

/// The token of an `Authorization` header value, if it uses the `Bearer` scheme (whose name is
/// case-insensitive, RFC 9110 section 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Requests per route per window when the route's meta has no `rate_limit`.
pub const DEFAULT_LIMIT: u32 = 120;

/// The length of a rate-limit window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// The request limit of a route: its `rate_limit` meta integer, else [`DEFAULT_LIMIT`].
pub fn limit_of(route: RouteInfo) -> u32 {
    route
        .meta_value("rate_limit")
        .and_then(|value| value.as_integer())
        .map_or(DEFAULT_LIMIT, |limit| {
            u32::try_from(limit.max(0)).unwrap_or(u32::MAX)
        })
}

/// Fixed-window request counters, one per route.
///
/// The windows are per route, not per client: the demo has no client identity worth keying on
/// (tokens are shared), and a per-route budget is what protects the hardware behind commands.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<usize, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// The `rate_limit` middleware's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead; `remaining` more requests fit in the current window.
    Allowed {
        /// The route's limit per window.
        limit: u32,
        /// Requests left in the current window after this one.
        remaining: u32,
    },
    /// Over the limit: try again in `retry_after` seconds.
    Limited {
        /// The route's limit per window.
        limit: u32,
        /// Whole seconds until the current window ends (at least 1).
        retry_after: u64,
    },
}

impl RateLimiter {
    /// A limiter with no requests counted yet.
    pub fn new() -> Self {
        RateLimiter::default()
    }

    /// Counts one request to route `route_index` at `now` against `limit` per [`WINDOW`].
    pub fn check(&self, route_index: usize, limit: u32, now: Instant) -> Verdict {
        // A panic while holding the lock cannot leave a window half-updated (both fields are
        // written together), so a poisoned lock is still safe to use.
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.entry(route_index).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.saturating_duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= limit {
            let left = WINDOW.saturating_sub(now.saturating_duration_since(window.started));
            return Verdict::Limited {
                limit,
                retry_after: left.as_secs().max(1),
            };
        }
        window.count += 1;
        Verdict::Allowed {
            limit,
            remaining: limit - window.count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::ROUTES;
    use hyper::header::HeaderValue;

    #[test]
    fn every_route_names_only_known_middleware() {
        assert_eq!(unknown_middleware(ROUTES), None);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer"), None);
    }

    #[test]
    fn auth_checks_token_then_scope() {
        let admin = ROUTES
            .iter()
            .find(|route| route.name() == "admin_stats")
            .expect("admin_stats is declared in routes/admin/admin.toml");
        let mut headers = HeaderMap::new();
        assert_eq!(authorize(&headers, admin), Err(AuthError::MissingToken));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer nope"));
        assert_eq!(authorize(&headers, admin), Err(AuthError::UnknownToken));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer demo-token"));
        assert_eq!(
            authorize(&headers, admin),
            Err(AuthError::MissingScope("admin"))
        );
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer admin-token"),
        );
        assert_eq!(authorize(&headers, admin), Ok(()));
    }

    #[test]
    fn limiter_counts_per_route_and_resets_after_the_window() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        assert_eq!(
            limiter.check(0, 2, start),
            Verdict::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.check(0, 2, start),
            Verdict::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        assert!(matches!(
            limiter.check(0, 2, start),
            Verdict::Limited { limit: 2, .. }
        ));
        assert!(matches!(
            limiter.check(1, 2, start),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(
            limiter.check(0, 2, start + WINDOW),
            Verdict::Allowed { remaining: 1, .. }
        ));
    }
}
