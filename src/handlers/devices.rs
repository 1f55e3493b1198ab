//! The device registry and remote control (`routes/devices.toml`).
//!
//! Devices are a fixed set of fixtures; changes are validated and acknowledged but not stored.

use hyper::StatusCode;
use serde_json::{Value, json};

use super::{Ctx, Reply, parse_body};
use crate::routes::Route;

/// A registered device.
#[derive(Debug, Clone, Copy)]
struct Device {
    id: &'static str,
    kind: &'static str,
    location: &'static str,
    firmware: &'static str,
    online: bool,
}

const DEVICES: [Device; 3] = [
    Device {
        id: "thermo-1",
        kind: "thermostat",
        location: "kitchen",
        firmware: "2.4.1",
        online: true,
    },
    Device {
        id: "gw-7",
        kind: "gateway",
        location: "basement",
        firmware: "1.9.0",
        online: true,
    },
    Device {
        id: "cam-3",
        kind: "camera",
        location: "porch",
        firmware: "3.0.2",
        online: false,
    },
];

/// Commands a device understands besides `reboot`, which has its own route.
const COMMANDS: [&str; 3] = ["identify", "calibrate", "factory-reset"];

fn find(device_id: &str) -> Result<&'static Device, Reply> {
    DEVICES
        .iter()
        .find(|device| device.id == device_id)
        .ok_or_else(|| {
            Reply::error(StatusCode::NOT_FOUND, "no such device")
                .with_field("device_id", json!(device_id))
        })
}

fn to_json(device: &Device) -> Value {
    json!({
        "id": device.id,
        "kind": device.kind,
        "location": device.location,
        "firmware": device.firmware,
        "online": device.online,
        "href": Route::DeviceGet { device_id: device.id }.to_string(),
    })
}

/// `GET /api/v1/devices`
pub fn list() -> Reply {
    let devices: Vec<Value> = DEVICES.iter().map(to_json).collect();
    Reply::ok(json!({ "count": devices.len(), "devices": devices }))
}

/// `POST /api/v1/devices` with `{"id": "...", "kind": "..."}`: registers a device.
pub fn create(ctx: &Ctx<'_>) -> Reply {
    let body = match parse_body(ctx.body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(id) = body
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
    else {
        return Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "`id` (a string) is required",
        );
    };
    if find(id).is_ok() {
        return Reply::error(StatusCode::CONFLICT, "device already exists")
            .with_field("device_id", json!(id));
    }
    let kind = body
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("generic");
    let location = Route::DeviceGet { device_id: id }.to_string();
    Reply::created(
        json!({ "device": { "id": id, "kind": kind, "online": false, "href": location } }),
        &location,
    )
}

/// `GET /api/v1/devices/{device_id}`
pub fn get(device_id: &str) -> Reply {
    match find(device_id) {
        Ok(device) => Reply::ok(json!({ "device": to_json(device) })),
        Err(reply) => reply,
    }
}

/// `PUT|PATCH /api/v1/devices/{device_id}`: PUT replaces the settable fields, PATCH merges.
pub fn update(device_id: &str, ctx: &Ctx<'_>) -> Reply {
    let device = match find(device_id) {
        Ok(device) => device,
        Err(reply) => return reply,
    };
    let changes = match parse_body(ctx.body) {
        Ok(Value::Object(changes)) => changes,
        Ok(_) => return Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "body must be an object"),
        Err(reply) => return reply,
    };
    let mode = if ctx.method == routegen::Method::PATCH {
        "merge"
    } else {
        "replace"
    };
    Reply::ok(json!({
        "device_id": device.id,
        "mode": mode,
        "changed_fields": changes.keys().collect::<Vec<_>>(),
    }))
}

/// `DELETE /api/v1/devices/{device_id}`
pub fn delete(device_id: &str) -> Reply {
    match find(device_id) {
        Ok(device) => Reply::ok(json!({ "deleted": device.id })),
        Err(reply) => reply,
    }
}

/// `GET /api/v1/devices/{device_id}/status`
pub fn status(device_id: &str) -> Reply {
    let device = match find(device_id) {
        Ok(device) => device,
        Err(reply) => return reply,
    };
    // Deterministic stand-in for a live reading: derived from the id so tests can rely on it.
    let battery = 40 + device.id.len() * 7 % 60;
    Reply::ok(json!({
        "device_id": device.id,
        "online": device.online,
        "battery_percent": battery,
        "firmware": device.firmware,
    }))
}

/// `PURGE /api/v1/devices/{device_id}/cache`: drops the cached state of a device.
pub fn purge_cache(device_id: &str) -> Reply {
    match find(device_id) {
        Ok(device) => Reply::ok(json!({ "purged": device.id })),
        Err(reply) => reply,
    }
}

/// `GET /api/v1/devices/{device_id}/firmware/fw-{version}.bin`: metadata of a firmware image.
pub fn firmware(device_id: &str, version: &str) -> Reply {
    let device = match find(device_id) {
        Ok(device) => device,
        Err(reply) => return reply,
    };
    let well_formed = version
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Reply::error(StatusCode::BAD_REQUEST, "version must look like 1.2.3")
            .with_field("version", json!(version));
    }
    Reply::ok(json!({
        "device_id": device.id,
        "version": version,
        "image": format!("fw-{version}.bin"),
        "installed": device.firmware == version,
    }))
}

/// `POST /api/v1/devices/{device_id}/commands/reboot`
pub fn reboot(device_id: &str) -> Reply {
    match find(device_id) {
        Ok(device) => Reply::accepted(json!({ "device_id": device.id, "queued": "reboot" })),
        Err(reply) => reply,
    }
}

/// `POST /api/v1/devices/{device_id}/commands/{command}`, with optional JSON arguments.
pub fn command(device_id: &str, command: &str, ctx: &Ctx<'_>) -> Reply {
    let device = match find(device_id) {
        Ok(device) => device,
        Err(reply) => return reply,
    };
    if !COMMANDS.contains(&command) {
        return Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "unknown command")
            .with_field("command", json!(command))
            .with_field("known", json!(COMMANDS));
    }
    match parse_body(ctx.body) {
        Ok(args) => Reply::accepted(json!({
            "device_id": device.id,
            "queued": command,
            "args": args,
        })),
        Err(reply) => reply,
    }
}
