//! End-to-end test crate for routegen: it plays a user crate whose router is generated at build
//! time from the route files in `routes/` (see `build.rs`). The tests in `tests/` check the
//! generated router against matchit, its introspection data, reverse routing, allocation-freedom
//! and compile errors for misuse.
#![deny(warnings)]
#![deny(missing_docs)]

/// The generated router: `Route`, `recognize`, `ROUTES`.
pub mod routes {
    routegen::include_routes!();
}

/// The routes of `routes/` again, generated with `Lookup::Tables`: the tree as static arrays
/// that the runtime walks.
pub mod tables {
    routegen::include_routes!("tables.rs");
}

/// Conditional routes as tables: `kept` is compiled in (debug assertions), `dropped` and
/// `gone` are not.
pub mod conditional_tables {
    routegen::include_routes!("conditional_tables.rs");
}

/// Tables whose walk jumps over the literal prefix `/api/v1/...` but not `/docs/...`.
pub mod jumps {
    routegen::include_routes!("jumps.rs");
}

/// 900 generated routes as tables: more than one function's worth of variants to build, and more
/// routes of one shape than one or-pattern of `params()` holds.
pub mod large {
    routegen::include_routes!("large.rs");
}

/// The second generated file (`transports.rs`): MQTT topics, messages and WebSocket routes from
/// `transports/`, and the plugins of `plugins/` mounted under `/plugins/<name>`.
pub mod transports {
    routegen::include_routes!("transports.rs");

    /// Calls the handler of the `telemetry` topic route, as a service would.
    pub fn handlers_telemetry_ok() -> String {
        let Some(mqtt::Topic::Telemetry { device_id, sensor }) =
            mqtt::recognize("devices/d1/telemetry/temp")
        else {
            return String::new();
        };
        crate::handlers::telemetry(device_id, sensor)
    }
}

/// A router generated from no routes at all: it compiles warning-free and finds nothing.
pub mod empty {
    routegen::include_routes!("empty.rs");
}

/// A router of static routes only, one path with two routes: a direct static table.
pub mod static_only {
    routegen::include_routes!("static_only.rs");
}

/// Twelve static paths with a parameter route beside them, too many literals for the tree: a
/// direct static table and a tree.
pub mod direct {
    routegen::include_routes!("direct.rs");
}

/// As [`direct`], but the static paths share their length and first and last eight bytes, which
/// a direct table cannot tell apart: hash and displace.
pub mod displaced {
    routegen::include_routes!("displaced.rs");
}

/// 320 routes with parameters (`/p{i}/{id}`, `/p{i}/{id}/{file}.txt`): more segment reads than
/// the generated code inlines, so they share one function.
pub mod many_params {
    routegen::include_routes!("many_params.rs");
}

/// The static paths of [`STATIC_PATHS`], route `s{i}` for the `i`th, taking any method: the
/// direct table's slot gives the route.
pub mod static_any {
    routegen::include_routes!("static_any.rs");
}

/// As [`static_any`], every route taking GET only: one method test after the slot.
pub mod static_get {
    routegen::include_routes!("static_get.rs");
}

/// Static paths of every length class of the direct static table: up to 4, 8, 16, 24 and 32
/// bytes and beyond, and one not ASCII.
pub const STATIC_PATHS: &str = include_str!("static_paths.txt");

/// The same generated file included a second time, in a nested private module, to prove that it
/// compiles in any module (its handler paths start with `crate::`).
mod nested {
    pub(crate) mod deeper {
        routegen::include_routes!();
    }
}

/// The number of routes as seen through the nested copy of the router; equal to
/// `routes::ROUTES.len()`. Also keeps the nested copy used.
pub fn nested_route_count() -> usize {
    nested::deeper::ROUTES.len()
}

/// Recognizes `path` with the nested copy of the router and returns the matched route's name.
pub fn nested_recognize_name(method: routegen::Method, path: &str) -> Option<&'static str> {
    nested::deeper::recognize(method, path)
        .ok()
        .map(|route| route.name())
}

/// Handlers named by the route files (`handler = "crate::handlers::..."`). The generated code only
/// checks that they exist.
pub mod handlers {
    /// MQTT `devices/{device_id}/telemetry/{sensor}`.
    pub fn telemetry(device_id: &str, sensor: &str) -> String {
        format!("{device_id}:{sensor}")
    }

    /// `GET /debug/routes`, compiled only with debug assertions, like its route.
    #[cfg(debug_assertions)]
    pub fn debug_only() -> &'static str {
        "debug"
    }

    /// The `ping` message.
    pub fn ping() -> &'static str {
        "pong"
    }

    /// `GET /`.
    pub fn index() -> &'static str {
        "index"
    }

    /// `/health`, any method.
    pub fn health() -> &'static str {
        "ok"
    }

    /// Device handlers.
    pub mod devices {
        /// `GET /api/v1/devices/{device_id}/status`.
        pub fn status(device_id: &str) -> String {
            format!("status of {device_id}")
        }
    }

    /// File handlers.
    pub mod files {
        /// `GET /files/{id}`.
        pub fn download(id: &str) -> String {
            format!("file {id}")
        }
    }
}
