//! Request handlers, one function per route, named by the routes' `handler` keys.
//!
//! Each route file names its handler (`handler = "crate::handlers::devices::get"`); the generated
//! code only checks that the item exists (`use crate::handlers::devices::get as _;`). The actual
//! call happens in [`dispatch`], an exhaustive `match` over the generated [`Route`] enum: adding
//! a route without wiring it up is a compile error, and each handler receives its path
//! parameters as typed `&str` arguments instead of looking them up by name.

pub mod admin;
pub mod devices;
pub mod sensors;
pub mod system;

use hyper::StatusCode;
use hyper::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::routes::Route;
use crate::state::State;

/// What a handler gets besides its path parameters.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The request method (some routes accept several).
    pub method: routegen::Method,
    /// The request body, already read in full (the server caps its size).
    pub body: &'a [u8],
    /// The server's shared state.
    pub state: &'a State,
}

/// A handler's answer: a status, a JSON object and any extra headers.
///
/// The server adds `route` and `params` to the object, so handlers only describe their own
/// resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The response status.
    pub status: StatusCode,
    /// The JSON body; an object, so the server can add fields to it.
    pub body: Value,
    /// Headers besides `content-type` (e.g. `location` for 201, `www-authenticate` for 401).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// A reply with `status` and `body`, without extra headers.
    pub fn new(status: StatusCode, body: Value) -> Self {
        Reply {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// 200 OK.
    pub fn ok(body: Value) -> Self {
        Reply::new(StatusCode::OK, body)
    }

    /// 201 Created, with a `location` header pointing at the new resource.
    pub fn created(body: Value, location: &str) -> Self {
        let reply = Reply::new(StatusCode::CREATED, body);
        // Locations come from reverse routing, which percent-encodes everything outside
        // RFC 3986 pchar, so they are always valid header values; should one not be, the body
        // still names the resource.
        match HeaderValue::from_str(location) {
            Ok(value) => reply.with_header(hyper::header::LOCATION, value),
            Err(_) => reply,
        }
    }

    /// 202 Accepted: a command was queued for a device, which runs it later.
    pub fn accepted(body: Value) -> Self {
        Reply::new(StatusCode::ACCEPTED, body)
    }

    /// An error reply: `{"error": message}` with `status`.
    pub fn error(status: StatusCode, message: &str) -> Self {
        Reply::new(status, json!({ "error": message }))
    }

    /// The reply with one more header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The reply with one more field in its JSON object (ignored if the body is not an object).
    pub fn with_field(mut self, key: &str, value: Value) -> Self {
        if let Value::Object(map) = &mut self.body {
            map.insert(key.to_owned(), value);
        }
        self
    }
}

/// A handler's reply, with the path of the handler that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatched {
    /// The handler's path as written in [`dispatch`], e.g. `crate::handlers::devices::get`.
    /// Tests compare it with the route's `handler` key, so the route files and the dispatch
    /// table cannot drift apart unnoticed.
    pub handler: &'static str,
    /// What the handler answered.
    pub reply: Reply,
}

/// Calls a handler and records its path next to its reply.
macro_rules! call {
    ($handler:path $(, $arg:expr)* $(,)?) => {
        Dispatched {
            handler: stringify!($handler),
            reply: $handler($($arg),*),
        }
    };
}

/// Runs the handler of `route`.
pub fn dispatch(route: Route<'_>, ctx: &Ctx<'_>) -> Dispatched {
    match route {
        Route::Health => call!(crate::handlers::system::health),
        Route::Version => call!(crate::handlers::system::version),
        Route::FileDownload { path } => call!(crate::handlers::system::file_download, path),
        Route::DeviceUriTemplate => call!(crate::handlers::system::device_uri_template),
        Route::DebugEcho => call!(crate::handlers::system::echo, ctx),

        Route::DeviceList => call!(crate::handlers::devices::list),
        Route::DeviceCreate => call!(crate::handlers::devices::create, ctx),
        Route::DeviceGet { device_id } => call!(crate::handlers::devices::get, device_id),
        Route::DeviceUpdate { device_id } => {
            call!(crate::handlers::devices::update, device_id, ctx)
        }
        Route::DeviceDelete { device_id } => call!(crate::handlers::devices::delete, device_id),
        Route::DeviceStatus { device_id } => call!(crate::handlers::devices::status, device_id),
        Route::DeviceCachePurge { device_id } => {
            call!(crate::handlers::devices::purge_cache, device_id)
        }
        Route::DeviceFirmware { device_id, version } => {
            call!(crate::handlers::devices::firmware, device_id, version)
        }
        Route::DeviceReboot { device_id } => call!(crate::handlers::devices::reboot, device_id),
        Route::DeviceCommand { device_id, command } => {
            call!(crate::handlers::devices::command, device_id, command, ctx)
        }

        Route::SensorList => call!(crate::handlers::sensors::list),
        Route::SensorGet { sensor_id } => call!(crate::handlers::sensors::get, sensor_id),
        Route::ReadingsList { sensor_id } => {
            call!(crate::handlers::sensors::readings, sensor_id)
        }
        Route::ReadingsIngest { sensor_id } => {
            call!(crate::handlers::sensors::ingest, sensor_id, ctx)
        }
        Route::SensorExport {
            sensor_id,
            export_id,
        } => call!(crate::handlers::sensors::export, sensor_id, export_id),

        Route::AdminStats => call!(crate::handlers::admin::stats, ctx),
        Route::AdminUserList => call!(crate::handlers::admin::users),
        Route::AdminUserDelete { user_id } => {
            call!(crate::handlers::admin::delete_user, user_id)
        }
        Route::AdminPing => call!(crate::handlers::admin::ping),
        Route::AdminMaintenance => call!(crate::handlers::admin::maintenance, ctx),
        Route::AdminJobCancel { job_id } => call!(crate::handlers::admin::cancel_job, job_id),
    }
}

/// Parses a JSON request body; an empty body counts as `null`.
fn parse_body(body: &[u8]) -> Result<Value, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|err| {
        Reply::new(
            StatusCode::BAD_REQUEST,
            json!({ "error": "request body is not valid JSON", "detail": err.to_string() }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::{ROUTES, recognize};

    /// A path that matches `pattern`, every parameter filled with `x<name>` (`{{`/`}}` are
    /// literal braces, `{*rest}` gets two segments).
    fn sample_path(pattern: &str) -> String {
        let mut path = String::new();
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("{{").or_else(|| rest.strip_prefix("}}")) {
                path.push(c);
                rest = after;
            } else if let Some(after) = rest.strip_prefix('{') {
                let (name, after) = after.split_once('}').expect("closed parameter");
                match name.strip_prefix('*') {
                    Some(name) => path.push_str(&format!("x{name}/more")),
                    None => path.push_str(&format!("x{name}")),
                }
                rest = after;
            } else {
                path.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        path
    }

    /// The route files name handlers as strings and `dispatch` calls functions: for every
    /// route, the function that runs must be the one its file names.
    #[test]
    fn dispatch_calls_the_handler_named_in_the_route_file() {
        let state = State::new();
        for info in &ROUTES {
            let path = sample_path(info.pattern());
            let method = info
                .methods()
                .first()
                .copied()
                .unwrap_or(routegen::Method::GET);
            let route = recognize(method, &path)
                .unwrap_or_else(|err| panic!("{} {path}: {err}", info.name()));
            assert_eq!(route.name(), info.name(), "{path}");
            let ctx = Ctx {
                method,
                body: b"",
                state: &state,
            };
            let dispatched = dispatch(route, &ctx);
            let called: String = dispatched.handler.split_whitespace().collect();
            assert_eq!(
                Some(called.as_str()),
                info.handler(),
                "route {}",
                info.name()
            );
        }
    }
}
