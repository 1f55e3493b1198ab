//! The server on a loopback port, driven by real tokio-tungstenite clients. Every await has a
//! timeout, so a broken server fails the test instead of hanging it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use routegen_example_websocket::server;
use routegen_example_websocket::state::State;
use routegen_example_websocket::ws_routes::websocket::{self, Action, Channel};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const TIMEOUT: Duration = Duration::from_secs(10);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(TIMEOUT, future)
        .await
        .unwrap_or_else(|_| panic!("timed out after {TIMEOUT:?}: {what}"))
}

/// A server on a free loopback port; dropping `stop` (or sending on it) shuts it down.
struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start() -> Server {
    let listener = within("bind", TcpListener::bind("127.0.0.1:0"))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    let task = tokio::spawn(server::serve(listener, Arc::new(State::new()), shutdown));
    Server { addr, stop, task }
}

struct Client(WebSocketStream<TcpStream>);

impl Client {
    async fn connect(addr: SocketAddr) -> Self {
        let tcp = within("tcp connect", TcpStream::connect(addr))
            .await
            .unwrap();
        let handshake = tokio_tungstenite::client_async(format!("ws://{addr}/"), tcp);
        let (ws, response) = within("handshake", handshake).await.unwrap();
        assert_eq!(response.status(), 101);
        Client(ws)
    }

    async fn send(&mut self, request: Value) {
        within("send", self.0.send(Message::text(request.to_string())))
            .await
            .unwrap();
    }

    async fn recv(&mut self) -> Value {
        loop {
            let frame = within("recv", self.0.next())
                .await
                .expect("connection closed")
                .unwrap();
            match frame {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    async fn ask(&mut self, request: Value) -> Value {
        self.send(request).await;
        self.recv().await
    }

    /// Calls an action with a fresh id and returns its `ok` value, checking the id came back.
    async fn call(&mut self, id: u64, action: &str, payload: Value) -> Value {
        let reply = self
            .ask(json!({ "id": id, "action": action, "payload": payload }))
            .await;
        assert_eq!(reply["id"], id, "{reply}");
        assert!(reply.get("error").is_none(), "{reply}");
        reply["ok"].clone()
    }
}

#[test]
fn generated_api_matches_the_route_files() {
    assert_eq!(websocket::action("chat.send"), Some(Action::SendMessage));
    assert_eq!(websocket::action("chat.history"), Some(Action::History));
    assert_eq!(websocket::action("presence.ping"), Some(Action::Ping));
    assert_eq!(websocket::action("chat.sen"), None);
    assert_eq!(websocket::action("rooms/lobby"), None);

    let room = websocket::channel("rooms/lobby").unwrap();
    assert_eq!(room, Channel::Room { room: "lobby" });
    assert_eq!(room.name(), "room");
    assert_eq!(room.params().collect::<Vec<_>>(), [("room", "lobby")]);
    assert_eq!(room.to_string(), "rooms/lobby");
    assert_eq!(
        websocket::channel("users/bob/notifications"),
        Some(Channel::Notifications { user: "bob" })
    );
    assert_eq!(websocket::channel("users/bob"), None);
    assert_eq!(websocket::channel("rooms/a/b"), None);
    assert_eq!(websocket::channel("chat.send"), None);

    assert_eq!(websocket::ROUTES.len(), 5);
    assert_eq!(Action::SendMessage.name(), "send_message");
    let info = Action::SendMessage.info();
    assert_eq!(info.handler(), Some("crate::handlers::chat::send"));
    assert_eq!(
        websocket::ROUTES.get(Action::SendMessage.index()),
        Some(info)
    );
    assert_eq!(room.info().handler(), Some("crate::handlers::chat::room"));
}

#[tokio::test]
async fn actions_run_their_handlers() {
    let server = start().await;
    let mut client = Client::connect(server.addr).await;

    let ok = client
        .call(1, "presence.ping", json!({ "user": "alice" }))
        .await;
    assert_eq!(ok, json!({ "user": "alice", "pong": true, "pings": 1 }));
    let ok = client
        .call(2, "presence.ping", json!({ "user": "alice" }))
        .await;
    assert_eq!(ok["pings"], 2);

    for (id, text) in [(3, "first"), (4, "second"), (5, "third")] {
        let ok = client
            .call(
                id,
                "chat.send",
                json!({ "room": "lobby", "user": "alice", "text": text }),
            )
            .await;
        assert_eq!(ok["room"], "lobby");
        assert_eq!(ok["seq"], id - 2);
        assert_eq!(ok["delivered"], 0, "nobody is subscribed");
        assert_eq!(ok["mentioned"], json!([]));
    }
    let ok = client
        .call(6, "chat.history", json!({ "room": "lobby", "limit": 2 }))
        .await;
    assert_eq!(
        ok,
        json!({ "room": "lobby", "messages": [
            { "seq": 2, "user": "alice", "text": "second" },
            { "seq": 3, "user": "alice", "text": "third" },
        ] })
    );
    let ok = client
        .call(7, "chat.history", json!({ "room": "empty" }))
        .await;
    assert_eq!(ok["messages"], json!([]));

    // The id is echoed whatever its type, and left out when there is none.
    let reply = client
        .ask(json!({ "id": "abc", "action": "presence.ping", "payload": { "user": "bob" } }))
        .await;
    assert_eq!(reply["id"], "abc");
    let reply = client
        .ask(json!({ "action": "presence.ping", "payload": { "user": "bob" } }))
        .await;
    assert_eq!(
        reply,
        json!({ "ok": { "user": "bob", "pong": true, "pings": 2 } })
    );

    // A handler's error is the reply's error.
    let reply = client
        .ask(json!({ "id": 8, "action": "chat.send", "payload": { "room": "lobby", "user": "alice" } }))
        .await;
    assert_eq!(
        reply,
        json!({ "id": 8, "error": "`payload.text` is missing" })
    );
    let reply = client.ask(json!({ "id": 9, "action": "chat.send" })).await;
    assert_eq!(
        reply,
        json!({ "id": 9, "error": "`payload` must be an object" })
    );
    server.stop.send(()).unwrap();
}

#[tokio::test]
async fn a_post_is_pushed_to_the_rooms_subscribers() {
    let server = start().await;
    let mut bob = Client::connect(server.addr).await;
    let mut alice = Client::connect(server.addr).await;

    let reply = bob.ask(json!({ "subscribe": "rooms/lobby" })).await;
    assert_eq!(
        reply,
        json!({ "subscribed": "rooms/lobby", "route": "room", "params": { "room": "lobby" } })
    );
    let reply = bob
        .ask(json!({ "subscribe": "users/bob/notifications" }))
        .await;
    assert_eq!(reply["params"], json!({ "user": "bob" }));
    assert_eq!(reply["route"], "notifications");

    let ok = alice
        .call(
            1,
            "chat.send",
            json!({ "room": "lobby", "user": "alice", "text": "hi @bob and @carol" }),
        )
        .await;
    assert_eq!(
        ok,
        json!({ "room": "lobby", "seq": 1, "delivered": 1, "mentioned": ["bob", "carol"] })
    );
    assert_eq!(
        bob.recv().await,
        json!({ "channel": "rooms/lobby", "event": {
            "type": "message", "seq": 1, "user": "alice", "text": "hi @bob and @carol",
        } })
    );
    assert_eq!(
        bob.recv().await,
        json!({ "channel": "users/bob/notifications", "event": {
            "type": "mention", "room": "lobby", "seq": 1, "from": "alice", "text": "hi @bob and @carol",
        } })
    );

    // Another room is not pushed to bob, and alice (subscribed to nothing) got no push: the
    // next frame each of them reads is the reply to their next request.
    alice
        .call(
            2,
            "chat.send",
            json!({ "room": "other", "user": "alice", "text": "psst" }),
        )
        .await;
    let ok = bob.call(3, "presence.ping", json!({ "user": "bob" })).await;
    assert_eq!(ok["pings"], 1);
    let ok = alice
        .call(4, "presence.ping", json!({ "user": "alice" }))
        .await;
    assert_eq!(ok["pings"], 1);

    // After unsubscribing, posts to the room reach nobody.
    let reply = bob.ask(json!({ "unsubscribe": "rooms/lobby" })).await;
    assert_eq!(
        reply,
        json!({ "unsubscribed": "rooms/lobby", "was_subscribed": true })
    );
    let ok = alice
        .call(
            5,
            "chat.send",
            json!({ "room": "lobby", "user": "alice", "text": "anyone?" }),
        )
        .await;
    assert_eq!(ok["delivered"], 0);
    bob.call(6, "presence.ping", json!({ "user": "bob" })).await;

    // A subscriber that hangs up is dropped from the channel.
    let mut carol = Client::connect(server.addr).await;
    carol.ask(json!({ "subscribe": "rooms/lobby" })).await;
    let ok = alice
        .call(
            7,
            "chat.send",
            json!({ "room": "lobby", "user": "alice", "text": "one" }),
        )
        .await;
    assert_eq!(ok["delivered"], 1);
    assert_eq!(carol.recv().await["event"]["text"], "one");
    within("close", carol.0.close(None)).await.unwrap();
    while within("close reply", carol.0.next()).await.is_some() {}
    let mut delivered = 1;
    for id in 8..100 {
        let ok = alice
            .call(
                id,
                "chat.send",
                json!({ "room": "lobby", "user": "alice", "text": "two" }),
            )
            .await;
        delivered = ok["delivered"].as_u64().unwrap();
        if delivered == 0 {
            break;
        }
        within("disconnect", tokio::time::sleep(Duration::from_millis(20))).await;
    }
    assert_eq!(delivered, 0, "a closed connection still receives pushes");
    server.stop.send(()).unwrap();
}

#[tokio::test]
async fn unknown_actions_channels_and_bad_frames_get_error_replies() {
    let server = start().await;
    let mut client = Client::connect(server.addr).await;

    let reply = client
        .ask(json!({ "id": 1, "action": "chat.delete", "payload": {} }))
        .await;
    assert_eq!(
        reply,
        json!({ "id": 1, "error": "unknown action `chat.delete`" })
    );
    let reply = client
        .ask(json!({ "id": 2, "action": "rooms/lobby" }))
        .await;
    assert_eq!(
        reply,
        json!({ "id": 2, "error": "unknown action `rooms/lobby`" })
    );

    let reply = client
        .ask(json!({ "subscribe": "rooms/lobby/extra" }))
        .await;
    assert_eq!(
        reply,
        json!({ "error": "unknown channel `rooms/lobby/extra`" })
    );
    let reply = client.ask(json!({ "subscribe": "chat.send" })).await;
    assert_eq!(reply, json!({ "error": "unknown channel `chat.send`" }));
    let reply = client.ask(json!({ "unsubscribe": "nope" })).await;
    assert_eq!(reply, json!({ "error": "unknown channel `nope`" }));
    // `rooms/` matches `rooms/{room}` with an empty room, which the channel's handler refuses.
    let reply = client.ask(json!({ "subscribe": "rooms/" })).await;
    assert_eq!(reply, json!({ "error": "room name must not be empty" }));

    let reply = client.ask(json!({ "id": 3, "action": 7 })).await;
    assert_eq!(
        reply,
        json!({ "id": 3, "error": "`action` must be a string" })
    );
    let reply = client.ask(json!({ "hello": "world" })).await;
    assert_eq!(
        reply,
        json!({ "error": "expected a request with `action`, `subscribe` or `unsubscribe`" })
    );
    let reply = client.ask(json!([1, 2])).await;
    assert_eq!(reply, json!({ "error": "a request must be a JSON object" }));
    within("send", client.0.send(Message::text("{nope")))
        .await
        .unwrap();
    let reply = client.recv().await;
    assert!(
        reply["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON: "),
        "{reply}"
    );
    within("send", client.0.send(Message::binary(vec![1, 2, 3])))
        .await
        .unwrap();
    let reply = client.recv().await;
    assert_eq!(
        reply,
        json!({ "error": "binary frames are not supported; send JSON text" })
    );

    // The connection is still usable after all that.
    let ok = client
        .call(4, "presence.ping", json!({ "user": "x" }))
        .await;
    assert_eq!(ok["pong"], true);
    server.stop.send(()).unwrap();
}

#[tokio::test]
async fn shutdown_closes_open_connections_and_returns() {
    let server = start().await;
    let mut client = Client::connect(server.addr).await;
    client.ask(json!({ "subscribe": "rooms/lobby" })).await;

    server.stop.send(()).unwrap();
    let frame = within("close frame", client.0.next())
        .await
        .expect("a close frame")
        .unwrap();
    match frame {
        Message::Close(Some(close)) => assert_eq!(close.code, CloseCode::Away),
        other => panic!("expected a close frame, got {other:?}"),
    }
    within("serve returns", server.task).await.unwrap().unwrap();
}
