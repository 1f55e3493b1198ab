//! A small chat server over WebSocket whose actions and channels are generated at build time by
//! routegen from the TOML files in `routes/` (see `build.rs` and [`ws_routes::websocket`]).
//!
//! # Protocol
//!
//! Every client frame is one JSON object in a text frame; every reply is one JSON object in a
//! text frame. A client frame is one of:
//!
//! | request | reply |
//! | --- | --- |
//! | `{"id": 1, "action": "chat.send", "payload": {...}}` | `{"id": 1, "ok": <result>}` or `{"id": 1, "error": "..."}` |
//! | `{"subscribe": "rooms/lobby"}` | `{"subscribed": "rooms/lobby", "route": "room", "params": {"room": "lobby"}}` or `{"error": "..."}` |
//! | `{"unsubscribe": "rooms/lobby"}` | `{"unsubscribed": "rooms/lobby", "was_subscribed": true}` or `{"error": "..."}` |
//!
//! - An action name goes through the generated [`websocket::action`]; a name no route declares
//!   gets ``{"id": 1, "error": "unknown action `x`"}``. The `id` (any JSON value) is echoed back
//!   as given and left out when the request has none; `payload` defaults to `null`.
//! - A channel name goes through the generated [`websocket::channel`]; a name no route matches
//!   gets ``{"error": "unknown channel `x`"}``. The channel's handler may still refuse the
//!   subscription (`rooms/` matches `rooms/{room}` with an empty `room`, which
//!   [`handlers::chat::room`] refuses).
//! - Invalid JSON, a frame that is not an object, a binary frame or an object with none of the
//!   keys above gets `{"error": "..."}`; the connection stays open.
//!
//! Besides replies, a connection receives a *push* for every event on a channel it subscribed
//! to: `{"channel": "rooms/lobby", "event": {...}}`. Pushes may come between a request and its
//! reply, so clients match replies by `id`.
//!
//! # Actions and channels
//!
//! | route | name | payload / params | result or event |
//! | --- | --- | --- | --- |
//! | action | `chat.send` | `{"room", "user", "text"}` | `{"room", "seq", "delivered", "mentioned"}`; pushes `{"type": "message", "seq", "user", "text"}` to `rooms/<room>` and `{"type": "mention", "room", "seq", "from", "text"}` to `users/<name>/notifications` for each `@name` in the text |
//! | action | `chat.history` | `{"room", "limit"?}` | `{"room", "messages": [{"seq", "user", "text"}, ...]}`, oldest first |
//! | action | `presence.ping` | `{"user"}` | `{"user", "pong": true, "pings"}` |
//! | channel | `rooms/{room}` | `room` | chat messages of the room |
//! | channel | `users/{user}/notifications` | `user` | mentions of the user |
//!
//! The crate is a library plus a thin binary (`src/main.rs`) so that the integration tests can
//! start the same server ([`server::serve`]) on a loopback port.
//!
//! [`websocket::action`]: ws_routes::websocket::action
//! [`websocket::channel`]: ws_routes::websocket::channel

/// The routes generated from `routes/` by `routegen_codegen::compile` in `build.rs`: the
/// WebSocket routes are in its module `websocket`.
pub mod ws_routes {
    routegen::include_routes!();
}

pub mod handlers;
pub mod server;
pub mod state;
