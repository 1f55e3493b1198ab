//! The MQTT service: subscribes to the generated subscriptions and dispatches each message to the
//! handler of the route its topic matches.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, MqttOptions, Outgoing, Packet, SubscribeFilter,
    SubscribeReasonCode,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::handlers::{self, Handled};
use crate::topics::mqtt::{self, SUBSCRIPTIONS, Topic};

/// How long the service waits before reconnecting after it lost the broker.
pub const RECONNECT_DELAY: Duration = Duration::from_millis(500);

/// How many outcomes wait in the channel before the service stops reading from the broker.
pub const OUTCOME_CAPACITY: usize = 256;

/// What the service did with one incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The topic matched a route and the route's handler ran.
    Handled {
        /// The route's name (`telemetry`).
        route: &'static str,
        /// The QoS the route asks for, from its route file.
        qos: routegen::QoS,
        /// The topic the message was published to.
        topic: String,
        /// What the handler did.
        handled: Handled,
    },
    /// No route matches the topic: it came in under one of the extra filters.
    Unmatched {
        /// The topic the message was published to.
        topic: String,
        /// The message's payload.
        payload: Vec<u8>,
    },
}

impl Outcome {
    /// The topic the message was published to.
    pub fn topic(&self) -> &str {
        match self {
            Outcome::Handled { topic, .. } | Outcome::Unmatched { topic, .. } => topic,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Handled {
                route,
                topic,
                handled,
                ..
            } => write!(f, "{topic} -> {route}: {}", handled.summary),
            Outcome::Unmatched { topic, payload } => {
                write!(f, "{topic} -> no route ({} bytes dropped)", payload.len())
            }
        }
    }
}

/// Routes one message: recognizes `topic` with the generated router and runs the matching
/// route's handler. The `match` is exhaustive, so a route added to `routes/` without a handler
/// call here is a compile error.
pub fn dispatch(topic: &str, payload: &[u8]) -> Outcome {
    let Some(route) = mqtt::recognize(topic) else {
        return Outcome::Unmatched {
            topic: topic.to_owned(),
            payload: payload.to_vec(),
        };
    };
    let handled = match route {
        Topic::Telemetry { device_id, sensor } => handlers::telemetry(device_id, sensor, payload),
        Topic::DeviceStatus { device_id } => handlers::device_status(device_id, payload),
        Topic::DeviceEvents { device_id, rest } => {
            handlers::device_events(device_id, rest, payload)
        }
        Topic::FireAlarm => handlers::fire_alarm(payload),
        Topic::Alert { level } => handlers::alert(level, payload),
        Topic::ZoneAlert { zone, level } => handlers::zone_alert(zone, level, payload),
    };
    Outcome::Handled {
        route: route.name(),
        qos: route.qos(),
        topic: topic.to_owned(),
        handled,
    }
}

/// The client side of the QoS: what `rumqttc` calls the level of a generated subscription.
pub fn client_qos(qos: routegen::QoS) -> rumqttc::QoS {
    match qos {
        routegen::QoS::AtMostOnce => rumqttc::QoS::AtMostOnce,
        routegen::QoS::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
        routegen::QoS::ExactlyOnce => rumqttc::QoS::ExactlyOnce,
    }
}

/// The filters the service subscribes to: every entry of [`SUBSCRIPTIONS`] with its QoS, then
/// `extra` ones.
pub fn filters(extra: &[(String, rumqttc::QoS)]) -> Vec<SubscribeFilter> {
    SUBSCRIPTIONS
        .iter()
        .map(|sub| SubscribeFilter::new(sub.filter().to_owned(), client_qos(sub.qos())))
        .chain(
            extra
                .iter()
                .map(|(filter, qos)| SubscribeFilter::new(filter.clone(), *qos)),
        )
        .collect()
}

/// How to connect and what to subscribe to besides the routes.
#[derive(Debug, Clone)]
pub struct Options {
    /// The MQTT client id; ids must differ between the services sharing a broker.
    pub client_id: String,
    /// Filters to subscribe to besides [`SUBSCRIPTIONS`], e.g. to observe traffic no route
    /// takes: their messages are reported as [`Outcome::Unmatched`] unless a route matches.
    pub extra_filters: Vec<(String, rumqttc::QoS)>,
}

impl Options {
    /// Options with `client_id` and no extra filters.
    pub fn new(client_id: impl Into<String>) -> Self {
        Options {
            client_id: client_id.into(),
            extra_filters: Vec::new(),
        }
    }
}

/// Why the service did not start.
#[derive(Debug)]
pub enum Error {
    /// The first connection to the broker failed.
    Connect(ConnectionError),
    /// The broker refused these filters.
    Refused(Vec<String>),
    /// The client could not queue its subscription request.
    Client(rumqttc::ClientError),
    /// The service's task ended before it was subscribed.
    Stopped,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect(err) => write!(f, "cannot connect to the broker: {err}"),
            Error::Refused(filters) => {
                write!(f, "the broker refused the subscriptions {filters:?}")
            }
            Error::Client(err) => write!(f, "cannot subscribe: {err}"),
            Error::Stopped => f.write_str("the service stopped before it was subscribed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect(err) => Some(err),
            Error::Client(err) => Some(err),
            Error::Refused(_) | Error::Stopped => None,
        }
    }
}

/// Message counts of a running service.
#[derive(Debug, Default)]
struct Counts {
    handled: AtomicU64,
    unmatched: AtomicU64,
}

/// A running service: a connected, subscribed client and the task that reads from it.
///
/// Dropping it aborts the task without a clean MQTT disconnect; [`stop`](Self::stop) disconnects.
#[derive(Debug)]
pub struct Service {
    task: Option<JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
    counts: Arc<Counts>,
}

impl Service {
    /// Connects to the broker at `broker`, subscribes and returns once the broker acknowledged
    /// every subscription, with the receiving end of the outcomes: one [`Outcome`] per incoming
    /// message, in arrival order.
    ///
    /// A broker that cannot be reached fails within rumqttc's connection timeout (5 s). After
    /// the start, a lost connection is logged and retried every [`RECONNECT_DELAY`], and the
    /// subscriptions are made again on each new connection.
    pub async fn start(
        broker: SocketAddr,
        options: Options,
    ) -> Result<(Service, mpsc::Receiver<Outcome>), Error> {
        let mut mqtt_options =
            MqttOptions::new(options.client_id, broker.ip().to_string(), broker.port());
        mqtt_options.set_keep_alive(Duration::from_secs(10));
        let (client, eventloop) = AsyncClient::new(mqtt_options, 16);
        let (outcomes, outcomes_rx) = mpsc::channel(OUTCOME_CAPACITY);
        let (ready, ready_rx) = oneshot::channel();
        let (stop, stop_rx) = oneshot::channel();
        let counts = Arc::new(Counts::default());
        let reader = Reader {
            client,
            filters: filters(&options.extra_filters),
            outcomes,
            counts: Arc::clone(&counts),
            ready: Some(ready),
        };
        let task = tokio::spawn(reader.run(eventloop, stop_rx));
        let service = Service {
            task: Some(task),
            stop: Some(stop),
            counts,
        };
        match ready_rx.await {
            Ok(Ok(())) => Ok((service, outcomes_rx)),
            Ok(Err(err)) => Err(err),
            Err(_) => Err(Error::Stopped),
        }
    }

    /// How many messages reached a handler so far.
    pub fn handled(&self) -> u64 {
        self.counts.handled.load(Ordering::Relaxed)
    }

    /// How many messages matched no route so far.
    pub fn unmatched(&self) -> u64 {
        self.counts.unmatched.load(Ordering::Relaxed)
    }

    /// Disconnects from the broker and waits (up to a second) for the task to end.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            // The task may already have ended; then there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(1), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// The task that drives the MQTT connection.
struct Reader {
    client: AsyncClient,
    filters: Vec<SubscribeFilter>,
    outcomes: mpsc::Sender<Outcome>,
    counts: Arc<Counts>,
    /// Told the result of the first subscription; `None` once the service runs.
    ready: Option<oneshot::Sender<Result<(), Error>>>,
}

impl Reader {
    async fn run(mut self, mut eventloop: EventLoop, mut stop: oneshot::Receiver<()>) {
        loop {
            let event = tokio::select! {
                event = eventloop.poll() => event,
                _ = &mut stop => break,
            };
            match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => self.subscribe(),
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let refused: Vec<String> = ack
                        .return_codes
                        .iter()
                        .zip(&self.filters)
                        .filter(|(code, _)| matches!(code, SubscribeReasonCode::Failure))
                        .map(|(_, filter)| filter.path.clone())
                        .collect();
                    if refused.is_empty() {
                        self.started(Ok(()));
                    } else if !self.started(Err(Error::Refused(refused.clone()))) {
                        eprintln!("mqtt: the broker refused the subscriptions {refused:?}");
                    }
                }
                Ok(Event::Incoming(Packet::Publish(publish))) => {
                    let outcome = dispatch(&publish.topic, &publish.payload);
                    let count = match &outcome {
                        Outcome::Handled { .. } => &self.counts.handled,
                        Outcome::Unmatched { topic, .. } => {
                            eprintln!("mqtt: no route for topic `{topic}`");
                            &self.counts.unmatched
                        }
                    };
                    count.fetch_add(1, Ordering::Relaxed);
                    // Nobody listening for outcomes is fine: the counts still go up.
                    let _ = self.outcomes.send(outcome).await;
                }
                Ok(_) => {}
                Err(err) => {
                    if self.ready.is_some() {
                        self.started(Err(Error::Connect(err)));
                        return;
                    }
                    eprintln!("mqtt: connection lost ({err}); reconnecting");
                    tokio::select! {
                        () = tokio::time::sleep(RECONNECT_DELAY) => {}
                        _ = &mut stop => break,
                    }
                }
            }
        }
        self.disconnect(&mut eventloop).await;
    }

    /// Subscribes to every filter; called on each (re)connection, since a clean session starts
    /// without subscriptions.
    fn subscribe(&mut self) {
        if self.filters.is_empty() {
            self.started(Ok(()));
            return;
        }
        // The request channel is empty right after a connection, so this cannot be full.
        if let Err(err) = self.client.try_subscribe_many(self.filters.clone()) {
            let message = err.to_string();
            if !self.started(Err(Error::Client(err))) {
                eprintln!("mqtt: cannot subscribe: {message}");
            }
        }
    }

    /// Reports the start's result, once; false when it had already been reported.
    fn started(&mut self, result: Result<(), Error>) -> bool {
        match self.ready.take() {
            Some(ready) => {
                // `start` may have been cancelled; the task then just runs on.
                let _ = ready.send(result);
                true
            }
            None => false,
        }
    }

    /// Sends DISCONNECT and drives the connection until it is out (or a second passed).
    async fn disconnect(&self, eventloop: &mut EventLoop) {
        if self.client.try_disconnect().is_err() {
            return;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, dispatch};

    fn route_and_params(topic: &str) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        match dispatch(topic, b"payload") {
            Outcome::Handled { route, handled, .. } => {
                assert_eq!(handled.handler, route, "the route's own handler ran");
                assert_eq!(handled.payload, b"payload");
                Some((route, handled.params))
            }
            Outcome::Unmatched { topic: t, payload } => {
                assert_eq!((t.as_str(), payload.as_slice()), (topic, &b"payload"[..]));
                None
            }
        }
    }

    fn params(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    }

    #[test]
    fn dispatch_runs_the_matching_handler() {
        assert_eq!(
            route_and_params("devices/d1/telemetry/temp"),
            Some((
                "telemetry",
                params(&[("device_id", "d1"), ("sensor", "temp")])
            ))
        );
        assert_eq!(
            route_and_params("alerts/fire"),
            Some(("fire_alarm", vec![]))
        );
        assert_eq!(
            route_and_params("alerts/fire2"),
            Some(("alert", params(&[("level", "fire2")])))
        );
        assert_eq!(
            route_and_params("devices/d1/events/a//b"),
            Some((
                "device_events",
                params(&[("device_id", "d1"), ("rest", "a//b")])
            ))
        );
    }

    #[test]
    fn a_recognized_topic_displays_as_itself() {
        for topic in [
            "devices/d1/telemetry/temp",
            "devices//status",
            "devices/d1/events/a/b/c",
            "devices/d1/events/",
            "alerts/fire",
            "alerts/zones/n/low",
        ] {
            let route = crate::topics::mqtt::recognize(topic).map(|route| route.to_string());
            assert_eq!(route.as_deref(), Some(topic));
        }
    }

    #[test]
    fn dispatch_reports_topics_no_route_takes() {
        for topic in [
            "",
            "lab/x",
            "devices/d1",
            "devices/d1/telemetry",
            "devices/d1/telemetry/temp/extra",
            "devices/d1/eventsx",
            "alerts",
            "alerts/zones/north",
            "$SYS/devices/d1/status",
        ] {
            assert_eq!(route_and_params(topic), None, "{topic}");
        }
    }

    #[test]
    fn handlers_read_their_payloads() {
        let summary = |topic: &str, payload: &[u8]| match dispatch(topic, payload) {
            Outcome::Handled { handled, .. } => handled.summary,
            Outcome::Unmatched { .. } => panic!("{topic} should match"),
        };
        assert_eq!(
            summary("devices/d1/telemetry/t", b" 21.5\n"),
            "d1: t = 21.5"
        );
        assert_eq!(
            summary("devices/d1/telemetry/t", b"hot"),
            "d1: t sent an unreadable reading `hot`"
        );
        assert_eq!(summary("devices/d1/status", b"offline"), "d1 went offline");
        assert_eq!(
            summary("devices/d1/events/x", &[0xff]),
            "d1: event `x` (1 level, 1 bytes)"
        );
        assert_eq!(summary("alerts/zones/n/low", b"ok"), "zone n [low] ok");
    }
}
