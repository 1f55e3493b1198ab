//! `cargo run -p routegen-example-websocket [-- --port N] [-- --serve]`
//!
//! Starts the chat server on `127.0.0.1:N` (default 9001), prints the actions and channels of
//! the generated `ROUTES` table, then runs a short scripted demo over loopback (two clients:
//! one subscribes, the other posts, the push arrives) and exits. With `--serve` it keeps
//! serving until Ctrl-C instead.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use routegen_example_websocket::server;
use routegen_example_websocket::state::State;
use routegen_example_websocket::ws_routes::websocket;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

const DEFAULT_PORT: u16 = 9001;
const USAGE: &str = "usage: routegen-example-websocket [--port N] [--serve]";

/// The longest the scripted demo may take before it is reported as failed.
const DEMO_TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut port = DEFAULT_PORT;
    let mut keep_serving = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => return usage("--port needs a number from 0 to 65535"),
            },
            "--serve" => keep_serving = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }

    print_routes();
    let listener = match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("listening on ws://{addr}");
    let state = Arc::new(State::new());

    if keep_serving {
        let ctrl_c = async {
            if let Err(err) = tokio::signal::ctrl_c().await {
                eprintln!("cannot wait for Ctrl-C: {err}");
                std::future::pending::<()>().await;
            }
        };
        return match server::serve(listener, state, ctrl_c).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("server failed: {err}");
                ExitCode::FAILURE
            }
        };
    }

    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let demo = tokio::time::timeout(DEMO_TIMEOUT, demo(addr)).await;
    let _ = stop.send(());
    let _ = server.await;
    match demo {
        Ok(Ok(())) => {
            println!("demo done (run with --serve to keep the server up)");
            ExitCode::SUCCESS
        }
        Ok(Err(err)) => {
            eprintln!("demo failed: {err}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("demo timed out after {DEMO_TIMEOUT:?}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}\n{USAGE}");
    ExitCode::from(2)
}

/// Prints the generated route table: each action and channel with its handler and route file.
fn print_routes() {
    println!("websocket routes ({}):", websocket::ROUTES.len());
    for info in &websocket::ROUTES {
        // An action's pattern is its name, which `action` recognizes; a channel's is a pattern.
        let kind = if websocket::action(info.pattern()).is_some() {
            "action"
        } else {
            "channel"
        };
        println!(
            "  {kind:<7} {:<28} {:<14} -> {} ({}:{})",
            info.pattern(),
            info.name(),
            info.handler().unwrap_or("-"),
            info.file(),
            info.line(),
        );
    }
}

type Error = Box<dyn std::error::Error>;

/// A demo client: sends JSON requests and prints what goes each way.
struct Client {
    name: &'static str,
    ws: WebSocketStream<TcpStream>,
}

impl Client {
    async fn connect(name: &'static str, addr: SocketAddr) -> Result<Self, Error> {
        let tcp = TcpStream::connect(addr).await?;
        let (ws, _response) = tokio_tungstenite::client_async(format!("ws://{addr}/"), tcp).await?;
        println!("{name}: connected");
        Ok(Client { name, ws })
    }

    async fn send(&mut self, request: Value) -> Result<(), Error> {
        println!("{} -> {request}", self.name);
        self.ws.send(Message::text(request.to_string())).await?;
        Ok(())
    }

    /// The next text frame, as JSON.
    async fn recv(&mut self) -> Result<Value, Error> {
        loop {
            match self
                .ws
                .next()
                .await
                .ok_or("the server closed the connection")??
            {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(text.as_str())?;
                    println!("{} <- {value}", self.name);
                    return Ok(value);
                }
                Message::Close(_) => return Err("the server closed the connection".into()),
                _ => {}
            }
        }
    }

    /// Sends a request and returns the next frame, which must not be an error.
    async fn ask(&mut self, request: Value) -> Result<Value, Error> {
        self.send(request).await?;
        let reply = self.recv().await?;
        match reply.get("error") {
            Some(err) => Err(format!("unexpected error reply: {err}").into()),
            None => Ok(reply),
        }
    }
}

/// The scripted demo: bob subscribes to a room and to his notifications, alice posts a message
/// that mentions him, bob receives both pushes; then an unknown action and an unknown channel.
async fn demo(addr: SocketAddr) -> Result<(), Error> {
    let mut alice = Client::connect("alice", addr).await?;
    let mut bob = Client::connect("bob", addr).await?;

    bob.ask(json!({ "subscribe": "rooms/lobby" })).await?;
    bob.ask(json!({ "subscribe": "users/bob/notifications" }))
        .await?;
    alice
        .ask(json!({ "id": 1, "action": "presence.ping", "payload": { "user": "alice" } }))
        .await?;
    let payload = json!({ "room": "lobby", "user": "alice", "text": "hello @bob" });
    alice
        .ask(json!({ "id": 2, "action": "chat.send", "payload": payload }))
        .await?;
    // Two pushes for bob: the room's message and his mention, in that order.
    for channel in ["rooms/lobby", "users/bob/notifications"] {
        let push = bob.recv().await?;
        if push["channel"] != channel {
            return Err(format!("expected a push on {channel}, got {push}").into());
        }
    }
    alice
        .ask(json!({ "id": 3, "action": "chat.history", "payload": { "room": "lobby" } }))
        .await?;

    // Errors are replies, not disconnects.
    alice
        .send(json!({ "id": 4, "action": "chat.delete", "payload": {} }))
        .await?;
    alice.recv().await?;
    bob.send(json!({ "subscribe": "rooms/lobby/extra" }))
        .await?;
    bob.recv().await?;

    alice.ws.close(None).await?;
    bob.ws.close(None).await?;
    Ok(())
}
