//! The routegen demo service: a small IoT-style HTTP API whose router is generated at build time
//! from the TOML files in `routes/` (see `build.rs`).
//!
//! The crate is a library plus a thin binary (`src/main.rs`) so that integration tests can reach
//! the generated [`routes`] module directly, e.g. to check that `recognize` never allocates.
//!
//! Request flow (see [`server::respond`]): the path and method go through the generated
//! [`routes::recognize`]; a miss becomes 404 or 405, a hit runs the route's middleware chain
//! ([`middleware`]) and then its handler ([`handlers::dispatch`]).

/// The router generated from `routes/` by `routegen_codegen::compile` in `build.rs`.
pub mod routes {
    routegen::include_routes!();
}

pub mod handlers;
pub mod middleware;
pub mod server;
pub mod state;
pub mod table;
