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
