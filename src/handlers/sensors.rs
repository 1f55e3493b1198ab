//! Sensors and telemetry (`routes/sensors.toml`).

use hyper::StatusCode;
use serde_json::{Value, json};

use super::{Ctx, Reply, parse_body};
use crate::routes::Route;

/// A sensor and the device it is attached to.
#[derive(Debug, Clone, Copy)]
struct Sensor {
    id: &'static str,
    device_id: &'static str,
    quantity: &'static str,
    unit: &'static str,
}

const SENSORS: [Sensor; 3] = [
    Sensor {
        id: "temp-1",
        device_id: "thermo-1",
        quantity: "temperature",
        unit: "°C",
    },
    Sensor {
        id: "hum-1",
        device_id: "thermo-1",
        quantity: "humidity",
        unit: "%",
    },
    Sensor {
        id: "motion-3",
        device_id: "cam-3",
        quantity: "motion",
        unit: "events",
    },
];

/// The most readings one ingest request may carry.
const MAX_READINGS: usize = 1000;

fn find(sensor_id: &str) -> Result<&'static Sensor, Reply> {
    SENSORS
        .iter()
        .find(|sensor| sensor.id == sensor_id)
        .ok_or_else(|| {
            Reply::error(StatusCode::NOT_FOUND, "no such sensor")
                .with_field("sensor_id", json!(sensor_id))
        })
}

fn to_json(sensor: &Sensor) -> Value {
    json!({
        "id": sensor.id,
        "device": Route::DeviceGet { device_id: sensor.device_id }.to_string(),
        "quantity": sensor.quantity,
        "unit": sensor.unit,
        "readings": Route::ReadingsList { sensor_id: sensor.id }.to_string(),
    })
}

/// `GET /api/v1/sensors`
pub fn list() -> Reply {
    let sensors: Vec<Value> = SENSORS.iter().map(to_json).collect();
    Reply::ok(json!({ "count": sensors.len(), "sensors": sensors }))
}

/// `GET /api/v1/sensors/{sensor_id}`
pub fn get(sensor_id: &str) -> Reply {
    match find(sensor_id) {
        Ok(sensor) => Reply::ok(json!({ "sensor": to_json(sensor) })),
        Err(reply) => reply,
    }
}

/// `GET /api/v1/sensors/{sensor_id}/readings`: the latest readings (synthetic and stable).
pub fn readings(sensor_id: &str) -> Reply {
    let sensor = match find(sensor_id) {
        Ok(sensor) => sensor,
        Err(reply) => return reply,
    };
    let readings: Vec<Value> = (0..3u32)
        .map(|i| json!({ "t": 1_700_000_000 + 60 * i, "value": 20.5 + f64::from(i) / 2.0 }))
        .collect();
    Reply::ok(json!({ "sensor_id": sensor.id, "unit": sensor.unit, "readings": readings }))
}

/// `POST /api/v1/sensors/{sensor_id}/readings`: one reading object or an array of them, each
/// with a numeric `value`.
pub fn ingest(sensor_id: &str, ctx: &Ctx<'_>) -> Reply {
    let sensor = match find(sensor_id) {
        Ok(sensor) => sensor,
        Err(reply) => return reply,
    };
    let readings = match parse_body(ctx.body) {
        Ok(Value::Array(readings)) => readings,
        Ok(reading @ Value::Object(_)) => vec![reading],
        Ok(_) => {
            return Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "body must be a reading or an array of readings",
            );
        }
        Err(reply) => return reply,
    };
    if readings.len() > MAX_READINGS {
        return Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "too many readings")
            .with_field("max", json!(MAX_READINGS));
    }
    if let Some(bad) = readings
        .iter()
        .position(|reading| !reading.get("value").is_some_and(Value::is_number))
    {
        return Reply::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "every reading needs a numeric `value`",
        )
        .with_field("index", json!(bad));
    }
    let location = Route::ReadingsList {
        sensor_id: sensor.id,
    }
    .to_string();
    Reply::created(
        json!({ "sensor_id": sensor.id, "accepted": readings.len() }),
        &location,
    )
}

/// `GET /api/v1/sensors/{sensor_id}/exports/{export_id}.json`: a stored export's summary.
pub fn export(sensor_id: &str, export_id: &str) -> Reply {
    match find(sensor_id) {
        Ok(sensor) => Reply::ok(json!({
            "sensor_id": sensor.id,
            "export_id": export_id,
            "format": "json",
            "rows": 24 * 30,
        })),
        Err(reply) => reply,
    }
}
