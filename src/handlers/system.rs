//! Service-level endpoints (`routes/system.toml`).

use hyper::StatusCode;
use serde_json::json;

use super::{Ctx, Reply};
use crate::routes::{ROUTES, Route};

/// `GET /health`: liveness.
pub fn health() -> Reply {
    Reply::ok(json!({ "status": "ok" }))
}

/// `GET|HEAD /version`: what is running.
pub fn version() -> Reply {
    Reply::ok(json!({
        "service": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "routes": ROUTES.len(),
    }))
}

/// `GET /files/{*path}`: metadata of a stored file.
///
/// The catch-all hands over the raw rest of the path, so `..` segments are refused here: a real
/// file server would otherwise let `/files/../../etc/passwd` escape its root.
pub fn file_download(path: &str) -> Reply {
    if path.split('/').any(|segment| segment == "..") {
        return Reply::error(StatusCode::BAD_REQUEST, "path must not contain `..`");
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let content_type = match file_name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("json") => "application/json",
        Some("csv") => "text/csv",
        Some("bin") => "application/octet-stream",
        Some("txt" | "log") => "text/plain",
        _ => "application/octet-stream",
    };
    Reply::ok(json!({
        "file": path,
        "name": file_name,
        "depth": path.split('/').count(),
        "content_type": content_type,
    }))
}

/// `GET /templates/{device_id}` (literal braces): documents the device URI template, with an
/// example built by reverse routing.
pub fn device_uri_template() -> Reply {
    let example = Route::DeviceStatus {
        device_id: "hall sensor/2",
    };
    Reply::ok(json!({
        "template": Route::DeviceGet { device_id: "" }.info().pattern(),
        "example_device_id": "hall sensor/2",
        "example_status_url": example.to_string(),
    }))
}

/// `ANY /debug/echo`: reflects the method and body, for checking clients and proxies.
pub fn echo(ctx: &Ctx<'_>) -> Reply {
    Reply::ok(json!({
        "method": ctx.method.as_str(),
        "body_bytes": ctx.body.len(),
        "body": String::from_utf8_lossy(ctx.body),
    }))
}
