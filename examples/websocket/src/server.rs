//! The WebSocket side: tokio-tungstenite glue ([`serve`]) around a synchronous, directly
//! testable core ([`respond`]) that routes one client frame through the generated
//! [`websocket`] module and runs its handler.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::handlers;
use crate::state::{ConnId, State};
use crate::ws_routes::websocket::{self, Action, Channel};

/// The largest client message the server reads; a larger one closes the connection.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// How long a new connection has to complete the WebSocket handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long shutdown waits for open connections to close.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves WebSocket connections on `listener` until `shutdown` completes, then stops accepting,
/// closes every open connection (close code 1001, "going away") and returns.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(connection(stream, Arc::clone(&state), stopped.clone()));
                }
                // Accept errors are per connection (the peer reset, or we are out of file
                // descriptors for a moment); the listener itself stays usable.
                Err(err) => {
                    eprintln!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so that the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    drop(stop);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        eprintln!("gave up waiting for open connections after {SHUTDOWN_GRACE:?}");
        connections.shutdown().await;
    }
    Ok(())
}

/// One connection: the handshake, then requests and pushes until either side closes.
async fn connection(stream: TcpStream, state: Arc<State>, mut stopped: watch::Receiver<()>) {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let handshake = tokio_tungstenite::accept_async_with_config(stream, Some(config));
    let mut ws = match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(err)) => return eprintln!("websocket handshake failed: {err}"),
        Err(_) => return eprintln!("websocket handshake timed out"),
    };
    let (conn, mut pushes) = state.hub.connect();
    let result: Result<(), tungstenite::Error> = async {
        loop {
            tokio::select! {
                frame = ws.next() => {
                    let reply = match frame {
                        None => return Ok(()),
                        Some(frame) => match frame? {
                            Message::Text(text) => respond(&state, conn, text.as_str()),
                            Message::Binary(_) => error("binary frames are not supported; send JSON text"),
                            // tungstenite answers pings and close frames itself.
                            Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_) => continue,
                        },
                    };
                    ws.send(Message::text(reply.to_string())).await?;
                }
                Some(push) = pushes.recv() => ws.send(Message::text(push)).await?,
                _ = stopped.changed() => {
                    let frame = tungstenite::protocol::CloseFrame {
                        code: CloseCode::Away,
                        reason: "server shutting down".into(),
                    };
                    return ws.close(Some(frame)).await;
                }
            }
        }
    }
    .await;
    state.hub.disconnect(conn);
    match result {
        Ok(())
        | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed)
        | Err(tungstenite::Error::Protocol(
            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
        )) => {}
        Err(err) => eprintln!("connection {conn} failed: {err}"),
    }
}

/// Answers one client text frame (see the [protocol](crate#protocol)): runs an action,
/// subscribes or unsubscribes connection `conn`, or describes what is wrong with the frame.
pub fn respond(state: &State, conn: ConnId, text: &str) -> Value {
    let request = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(request)) => request,
        Ok(_) => return error("a request must be a JSON object"),
        Err(err) => return error(&format!("invalid JSON: {err}")),
    };
    if let Some(name) = request.get("action") {
        let mut reply = match name.as_str() {
            None => error("`action` must be a string"),
            Some(name) => {
                let payload = request.get("payload").unwrap_or(&Value::Null);
                match websocket::action(name) {
                    None => error(&format!("unknown action `{name}`")),
                    Some(action) => match call(state, action, payload) {
                        Ok(ok) => json!({ "ok": ok }),
                        Err(err) => error(&err),
                    },
                }
            }
        };
        if let Some(id) = request.get("id") {
            reply["id"] = id.clone();
        }
        reply
    } else if let Some(name) = request.get("subscribe") {
        match name.as_str() {
            None => error("`subscribe` must be a string"),
            Some(name) => subscribe(state, conn, name),
        }
    } else if let Some(name) = request.get("unsubscribe") {
        match name.as_str() {
            None => error("`unsubscribe` must be a string"),
            Some(name) => unsubscribe(state, conn, name),
        }
    } else {
        error("expected a request with `action`, `subscribe` or `unsubscribe`")
    }
}

/// Runs an action's handler: the match is exhaustive, so a new action in `routes/` is a compile
/// error here until it is handled.
pub fn call(state: &State, action: Action, payload: &Value) -> Result<Value, String> {
    match action {
        Action::SendMessage => handlers::chat::send(state, payload),
        Action::History => handlers::chat::history(state, payload),
        Action::Ping => handlers::presence::ping(state, payload),
    }
}

/// Runs a channel's subscription handler, which may refuse the subscription.
pub fn admit(state: &State, channel: Channel<'_>) -> Result<(), String> {
    match channel {
        Channel::Room { room } => handlers::chat::room(state, room),
        Channel::Notifications { user } => handlers::presence::notifications(state, user),
    }
}

fn subscribe(state: &State, conn: ConnId, name: &str) -> Value {
    let Some(channel) = websocket::channel(name) else {
        return error(&format!("unknown channel `{name}`"));
    };
    if let Err(err) = admit(state, channel) {
        return error(&err);
    }
    // The canonical name, as `Channel`'s `Display` writes it and the handlers publish to.
    let canonical = channel.to_string();
    state.hub.subscribe(conn, &canonical);
    let params: Map<String, Value> = channel
        .params()
        .map(|(key, value)| (key.to_owned(), json!(value)))
        .collect();
    json!({ "subscribed": canonical, "route": channel.name(), "params": params })
}

fn unsubscribe(state: &State, conn: ConnId, name: &str) -> Value {
    let Some(channel) = websocket::channel(name) else {
        return error(&format!("unknown channel `{name}`"));
    };
    let canonical = channel.to_string();
    let was_subscribed = state.hub.unsubscribe(conn, &canonical);
    json!({ "unsubscribed": canonical, "was_subscribed": was_subscribed })
}

fn error(message: &str) -> Value {
    json!({ "error": message })
}
