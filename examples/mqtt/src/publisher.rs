//! A plain MQTT client that publishes: the demo's device simulator and the tests' sender.

use std::net::SocketAddr;
use std::time::Duration;

use rumqttc::{AsyncClient, ClientError, ConnectionError, Event, MqttOptions, Packet, QoS};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A connected publishing client; its connection is driven by a task of its own.
#[derive(Debug)]
pub struct Publisher {
    client: AsyncClient,
    task: JoinHandle<()>,
}

impl Publisher {
    /// Connects to the broker at `broker` and returns once the broker accepted the connection.
    pub async fn connect(
        broker: SocketAddr,
        client_id: impl Into<String>,
    ) -> Result<Self, ConnectionError> {
        let mut options = MqttOptions::new(client_id, broker.ip().to_string(), broker.port());
        options.set_keep_alive(Duration::from_secs(10));
        let (client, mut eventloop) = AsyncClient::new(options, 64);
        let (connected, connected_rx) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut connected = Some(connected);
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        if let Some(connected) = connected.take() {
                            let _ = connected.send(Ok(()));
                        }
                    }
                    Ok(_) => {}
                    Err(err) => match connected.take() {
                        Some(connected) => {
                            let _ = connected.send(Err(err));
                            return;
                        }
                        None => {
                            eprintln!("publisher: connection lost ({err}); reconnecting");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                    },
                }
            }
        });
        match connected_rx.await {
            Ok(Ok(())) => Ok(Publisher { client, task }),
            Ok(Err(err)) => Err(err),
            // The task cannot end without answering; treat it as a closed connection.
            Err(_) => Err(ConnectionError::RequestsDone),
        }
    }

    /// Queues one message (not retained); it goes out as soon as the connection allows.
    pub async fn publish(
        &self,
        topic: &str,
        qos: QoS,
        payload: impl Into<Vec<u8>>,
    ) -> Result<(), ClientError> {
        self.client.publish(topic, qos, false, payload).await
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.task.abort();
    }
}
