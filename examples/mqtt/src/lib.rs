//! An MQTT service whose topic router is generated at build time by routegen.
//!
//! The route files in `routes/` (`transport = "mqtt"`) become the [`topics::mqtt`] module when
//! `build.rs` runs: `Topic<'t>`, `recognize`, `ROUTES` and `SUBSCRIPTIONS`. The rest of the crate
//! is the plumbing around it:
//!
//! - [`broker`] starts an embedded MQTT broker (rumqttd) on a loopback port;
//! - [`service`] connects an MQTT client (rumqttc), subscribes to every filter of
//!   [`topics::mqtt::SUBSCRIPTIONS`] and hands each incoming message to [`service::dispatch`],
//!   which routes the topic with [`topics::mqtt::recognize`] and calls the route's handler with
//!   an exhaustive `match`;
//! - [`handlers`] are the handlers the route files name;
//! - [`publisher`] is a plain publishing client, the devices of the demo and the tests;
//! - [`table`] renders the route table and the subscriptions for the binary's start-up output.

/// The routers generated from `routes/` by `routegen_codegen::compile` in `build.rs`; the MQTT
/// routes are in [`topics::mqtt`].
pub mod topics {
    routegen::include_routes!();
}

pub mod broker;
pub mod handlers;
pub mod publisher;
pub mod service;
pub mod table;
