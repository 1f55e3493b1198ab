//! The embedded MQTT broker: rumqttd, started in-process on one TCP address.
//!
//! rumqttd runs its router and its listener on threads of its own and has no shutdown API, so an
//! [`EmbeddedBroker`] serves until the process exits. Tests start one per test on a free
//! loopback port; the binary starts one for its whole run.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};

/// How long [`EmbeddedBroker::start`] waits for the broker to accept connections.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest payload the broker accepts (bytes).
pub const MAX_PAYLOAD: usize = 64 * 1024;

/// A running in-process broker (MQTT 3.1.1 over plain TCP).
#[derive(Debug)]
pub struct EmbeddedBroker {
    addr: SocketAddr,
    thread: JoinHandle<()>,
}

/// Why the broker did not start.
#[derive(Debug)]
pub enum BrokerError {
    /// The address cannot be listened on (in use, or not a local address).
    Bind(SocketAddr, io::Error),
    /// The broker's thread could not be spawned.
    Spawn(io::Error),
    /// The broker stopped, or did not accept connections within [`STARTUP_TIMEOUT`].
    NotListening(SocketAddr),
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerError::Bind(addr, err) => write!(f, "cannot listen on {addr}: {err}"),
            BrokerError::Spawn(err) => write!(f, "cannot start the broker thread: {err}"),
            BrokerError::NotListening(addr) => {
                write!(f, "the broker did not start listening on {addr}")
            }
        }
    }
}

impl std::error::Error for BrokerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BrokerError::Bind(_, err) | BrokerError::Spawn(err) => Some(err),
            BrokerError::NotListening(_) => None,
        }
    }
}

impl EmbeddedBroker {
    /// Starts the broker on `addr` and returns once it accepts TCP connections. Port 0 picks a
    /// free port; [`addr`](Self::addr) tells which.
    pub async fn start(addr: SocketAddr) -> Result<Self, BrokerError> {
        // rumqttd binds on its own thread and only logs a failure to bind, so check here that the
        // address is free (and resolve port 0), then hand it over. Another process could take the
        // port in between; the readiness check below then fails instead of hanging.
        let addr = {
            let probe = TcpListener::bind(addr).map_err(|err| BrokerError::Bind(addr, err))?;
            probe
                .local_addr()
                .map_err(|err| BrokerError::Bind(addr, err))?
        };
        let mut broker = Broker::new(config(addr));
        let thread = std::thread::Builder::new()
            .name("mqtt-broker".to_owned())
            .spawn(move || {
                // `start` blocks while the listener runs; it returns when the listener stopped.
                if let Err(err) = broker.start() {
                    eprintln!("mqtt broker: {err}");
                }
            })
            .map_err(BrokerError::Spawn)?;
        let broker = EmbeddedBroker { addr, thread };
        broker.wait_until_listening().await?;
        Ok(broker)
    }

    /// The address the broker listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    async fn wait_until_listening(&self) -> Result<(), BrokerError> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if self.thread.is_finished() {
                return Err(BrokerError::NotListening(self.addr));
            }
            // The probe connection never sends CONNECT; the broker drops it after its timeout.
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(BrokerError::NotListening(self.addr));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// One plain-TCP MQTT 3.1.1 listener on `addr`, no authentication, limits sized for a demo.
fn config(addr: SocketAddr) -> Config {
    let listener = ServerSettings {
        name: "mqtt".to_owned(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 0,
        connections: ConnectionSettings {
            connection_timeout_ms: 5_000,
            max_payload_size: MAX_PAYLOAD,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            // Accept subscriptions to any filter, not only ones configured up front.
            dynamic_filters: true,
        },
    };
    Config {
        router: RouterConfig {
            max_connections: 256,
            max_outgoing_packet_count: 200,
            max_segment_size: 1024 * 1024,
            max_segment_count: 10,
            ..RouterConfig::default()
        },
        v4: Some(HashMap::from([("1".to_owned(), listener)])),
        ..Config::default()
    }
}
