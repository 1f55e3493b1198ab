//! The MQTT example's binary: starts an embedded broker on 127.0.0.1, prints the generated route
//! table and subscriptions, runs the service, publishes a few demo messages from a second client,
//! prints what each handler did and exits.
//!
//! Usage: `routegen-example-mqtt [--port N] [--serve]`. The demo run takes a free port unless
//! `--port` is given; `--serve` skips the demo messages and serves until ctrl-c, on port 1883
//! unless `--port` is given, for any MQTT client to publish to.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use routegen_example_mqtt::broker::EmbeddedBroker;
use routegen_example_mqtt::publisher::Publisher;
use routegen_example_mqtt::service::{Options, Outcome, Service};
use routegen_example_mqtt::table;
use routegen_example_mqtt::topics::mqtt::{ROUTES, SUBSCRIPTIONS};
use rumqttc::QoS;
use tokio::sync::mpsc;

const USAGE: &str = "usage: routegen-example-mqtt [--port N] [--serve]\n  \
    --port N  the broker's port on 127.0.0.1 (0 picks a free one; default: a free one, \
    1883 with --serve)\n  \
    --serve   serve until ctrl-c instead of running the demo";

/// The broker's port with `--serve` and no `--port`: the standard MQTT port.
const SERVE_PORT: u16 = 1883;

/// The extra filter the service subscribes to so that the demo can show an unmatched topic.
const LAB_FILTER: &str = "lab/#";

/// How long the demo waits for the outcome of its messages before giving up.
const DEMO_TIMEOUT: Duration = Duration::from_secs(10);

/// The demo's messages: topic, QoS and payload. All but the last match a route.
const DEMO: [(&str, QoS, &str); 8] = [
    (
        "devices/thermo-1/telemetry/temperature",
        QoS::AtLeastOnce,
        "21.5",
    ),
    ("devices/thermo-1/status", QoS::AtMostOnce, "online"),
    (
        "devices/thermo-1/events/door/open",
        QoS::ExactlyOnce,
        "{\"by\":\"badge-42\"}",
    ),
    ("devices/thermo-1/events", QoS::ExactlyOnce, "reboot"),
    ("alerts/fire", QoS::ExactlyOnce, "smoke in the kitchen"),
    (
        "alerts/warning",
        QoS::AtLeastOnce,
        "battery low on thermo-1",
    ),
    (
        "alerts/zones/north/critical",
        QoS::AtMostOnce,
        "door forced",
    ),
    ("lab/bench-3/scratch", QoS::AtMostOnce, "not routed"),
];

/// What the command line asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Args {
    port: Option<u16>,
    serve: bool,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    println!("MQTT routes:\n{}", table::routes(ROUTES));
    println!("Subscriptions:\n{}", table::subscriptions(&SUBSCRIPTIONS));

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let port = args.port.unwrap_or(if args.serve { SERVE_PORT } else { 0 });
    let broker = EmbeddedBroker::start(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let addr = broker.addr();
    println!("broker listening on mqtt://{addr}");

    let mut options = Options::new("routegen-example-mqtt");
    options
        .extra_filters
        .push((LAB_FILTER.to_owned(), QoS::AtMostOnce));
    let (service, outcomes) = Service::start(addr, options).await?;
    println!("service subscribed (plus `{LAB_FILTER}` to show unmatched topics)");

    if args.serve {
        serve(addr, outcomes).await;
    } else {
        demo(addr, outcomes).await?;
    }
    println!(
        "{} message(s) handled, {} unmatched",
        service.handled(),
        service.unmatched()
    );
    service.stop().await;
    Ok(())
}

/// Publishes [`DEMO`] from a second client and prints the outcome of each message.
async fn demo(
    addr: SocketAddr,
    mut outcomes: mpsc::Receiver<Outcome>,
) -> Result<(), Box<dyn std::error::Error>> {
    let devices = Publisher::connect(addr, "demo-devices").await?;
    println!();
    for (topic, qos, payload) in DEMO {
        println!("publish {topic} (QoS {}) {payload:?}", qos as u8);
        devices.publish(topic, qos, payload).await?;
    }
    println!();
    for _ in 0..DEMO.len() {
        match tokio::time::timeout(DEMO_TIMEOUT, outcomes.recv()).await {
            Ok(Some(outcome)) => print_outcome(&outcome),
            Ok(None) => return Err("the service stopped".into()),
            Err(_) => return Err(format!("no message for {DEMO_TIMEOUT:?}").into()),
        }
    }
    Ok(())
}

/// Prints outcomes as they come until ctrl-c.
async fn serve(addr: SocketAddr, mut outcomes: mpsc::Receiver<Outcome>) {
    println!(
        "serving until ctrl-c; try `mosquitto_pub -h {} -p {} -t devices/d1/telemetry/temp -m 21.5`",
        addr.ip(),
        addr.port()
    );
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            outcome = outcomes.recv() => match outcome {
                Some(outcome) => print_outcome(&outcome),
                None => break,
            },
            result = &mut ctrl_c => {
                if let Err(err) = result {
                    eprintln!("cannot listen for ctrl-c ({err}); stop the process to quit");
                    std::future::pending::<()>().await;
                }
                break;
            }
        }
    }
}

fn print_outcome(outcome: &Outcome) {
    match outcome {
        Outcome::Handled {
            route,
            qos,
            topic,
            handled,
        } => println!("{topic}\n  -> {route} (route {qos}): {}", handled.summary),
        Outcome::Unmatched { topic, payload } => {
            println!("{topic}\n  -> no route ({} bytes dropped)", payload.len());
        }
    }
}

/// The command line: `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: None,
        serve: false,
    };
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--serve" => {
                parsed.serve = true;
                continue;
            }
            "--port" | "-p" => args.next().ok_or_else(|| format!("{arg} needs a value"))?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unexpected argument `{other}`")),
            },
        };
        let port = value
            .parse()
            .map_err(|_| format!("invalid port `{value}` (expected 0-65535)"))?;
        parsed.port = Some(port);
    }
    Ok(Some(parsed))
}

#[cfg(test)]
mod tests {
    use super::{Args, parse_args};

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn argument_forms() {
        let args = |port, serve| Ok(Some(Args { port, serve }));
        assert_eq!(parse(&[]), args(None, false));
        assert_eq!(parse(&["--port", "0"]), args(Some(0), false));
        assert_eq!(parse(&["--port=1884", "--serve"]), args(Some(1884), true));
        assert_eq!(parse(&["--serve"]), args(None, true));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
