//! The handlers named by the route files (`handler = "crate::handlers::..."`).
//!
//! Each takes the topic's parameters and the payload and returns a [`Handled`] record of what it
//! did, which the service passes on as its outcome; a real service would store a reading or raise
//! an alarm here instead.

use std::borrow::Cow;

/// What a handler did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// The handler that ran: the last segment of its path in the route file (`telemetry`).
    pub handler: &'static str,
    /// The topic parameters the handler was given, in pattern order.
    pub params: Vec<(&'static str, String)>,
    /// The payload the handler was given.
    pub payload: Vec<u8>,
    /// What the handler made of the message, in one line.
    pub summary: String,
}

impl Handled {
    fn new(
        handler: &'static str,
        params: &[(&'static str, &str)],
        payload: &[u8],
        summary: String,
    ) -> Self {
        Handled {
            handler,
            params: params
                .iter()
                .map(|&(name, value)| (name, value.to_owned()))
                .collect(),
            payload: payload.to_vec(),
            summary,
        }
    }
}

/// `devices/{device_id}/telemetry/{sensor}`: a numeric reading of one sensor.
pub fn telemetry(device_id: &str, sensor: &str, payload: &[u8]) -> Handled {
    let text = text(payload);
    let summary = match text.trim().parse::<f64>() {
        Ok(value) => format!("{device_id}: {sensor} = {value}"),
        Err(_) => format!("{device_id}: {sensor} sent an unreadable reading `{text}`"),
    };
    Handled::new(
        "telemetry",
        &[("device_id", device_id), ("sensor", sensor)],
        payload,
        summary,
    )
}

/// `devices/{device_id}/status`: `online`, `offline` or anything else (reported as unknown).
pub fn device_status(device_id: &str, payload: &[u8]) -> Handled {
    let summary = match text(payload).trim() {
        "online" => format!("{device_id} is online"),
        "offline" => format!("{device_id} went offline"),
        other => format!("{device_id} reported an unknown status `{other}`"),
    };
    Handled::new(
        "device_status",
        &[("device_id", device_id)],
        payload,
        summary,
    )
}

/// `devices/{device_id}/events/#`: an event whose kind is the rest of the topic, which may span
/// several levels (`door/open`) or be empty (`devices/d1/events`).
pub fn device_events(device_id: &str, rest: &str, payload: &[u8]) -> Handled {
    let summary = if rest.is_empty() {
        format!(
            "{device_id}: event without a kind ({} bytes)",
            payload.len()
        )
    } else {
        let levels = rest.split('/').count();
        format!(
            "{device_id}: event `{rest}` ({levels} level{}, {} bytes)",
            if levels == 1 { "" } else { "s" },
            payload.len()
        )
    };
    Handled::new(
        "device_events",
        &[("device_id", device_id), ("rest", rest)],
        payload,
        summary,
    )
}

/// `alerts/fire`: the one alert that has a topic of its own.
pub fn fire_alarm(payload: &[u8]) -> Handled {
    let summary = format!("FIRE ALARM: {}", text(payload));
    Handled::new("fire_alarm", &[], payload, summary)
}

/// `alerts/{level}`: any other alert, by level.
pub fn alert(level: &str, payload: &[u8]) -> Handled {
    let summary = format!("[{level}] {}", text(payload));
    Handled::new("alert", &[("level", level)], payload, summary)
}

/// `alerts/zones/{zone}/{level}`: an alert about one zone.
pub fn zone_alert(zone: &str, level: &str, payload: &[u8]) -> Handled {
    let summary = format!("zone {zone} [{level}] {}", text(payload));
    Handled::new(
        "zone_alert",
        &[("zone", zone), ("level", level)],
        payload,
        summary,
    )
}

/// The payload as text, with invalid UTF-8 replaced.
fn text(payload: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(payload)
}
