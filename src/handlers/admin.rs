//! Operator endpoints (`routes/admin/admin.toml`).

use std::sync::atomic::Ordering;

use hyper::StatusCode;
use serde_json::json;

use super::{Ctx, Reply};
use crate::routes::ROUTES;

const USERS: [(&str, &str); 2] = [("u-1", "alice"), ("u-2", "bob")];

/// `GET /admin/stats`: uptime and traffic counters.
pub fn stats(ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({
        "uptime_seconds": ctx.state.started.elapsed().as_secs(),
        "requests": ctx.state.requests.load(Ordering::Relaxed),
        "maintenance": ctx.state.in_maintenance(),
        "routes": ROUTES.len(),
    }))
}

/// `GET /admin/users`
pub fn users() -> Reply {
    let users: Vec<_> = USERS
        .iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect();
    Reply::ok(json!({ "users": users }))
}

/// `DELETE /admin/users/{user_id}`
pub fn delete_user(user_id: &str) -> Reply {
    if USERS.iter().any(|(id, _)| *id == user_id) {
        Reply::ok(json!({ "deleted": user_id }))
    } else {
        Reply::error(StatusCode::NOT_FOUND, "no such user").with_field("user_id", json!(user_id))
    }
}

/// `GET /admin/public/ping`: reachable without a token (the group drops the file's auth).
pub fn ping() -> Reply {
    Reply::ok(json!({ "pong": true }))
}

/// `POST|DELETE /admin/maintenance/mode`: enters or leaves maintenance mode.
pub fn maintenance(ctx: &Ctx<'_>) -> Reply {
    let on = ctx.method == routegen::Method::POST;
    let was = ctx.state.maintenance.swap(on, Ordering::Relaxed);
    Reply::ok(json!({ "maintenance": on, "changed": was != on }))
}

/// `POST /admin/maintenance/jobs/{job_id}/cancel`
pub fn cancel_job(job_id: &str) -> Reply {
    Reply::ok(json!({ "job_id": job_id, "cancelled": true }))
}
