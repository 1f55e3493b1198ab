//! The demo service's binary: prints the route table, binds 127.0.0.1 and serves until ctrl-c.
//!
//! Usage: `routegen-demo [--port N]` (default 3000; `--port 0` lets the OS pick a free port).
//! The line `listening on http://127.0.0.1:PORT` tells scripts and tests which port it got.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use routegen_demo::routes::ROUTES;
use routegen_demo::state::State;
use routegen_demo::{middleware, server, table};
use tokio::net::TcpListener;

const DEFAULT_PORT: u16 = 3000;
const USAGE: &str = "usage: routegen-demo [--port N]   (default 3000; 0 picks a free port)";

fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Refuse to start rather than serve a route whose middleware we would have to skip.
    if let Some((route, name)) = middleware::unknown_middleware(ROUTES) {
        eprintln!(
            "route `{route}` uses middleware `{name}`, which this service does not implement \
             (known: {})",
            middleware::KNOWN.join(", ")
        );
        return ExitCode::FAILURE;
    }
    print!("{}", table::render(ROUTES));

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
    match runtime.block_on(run(port)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(port: u16) -> std::io::Result<()> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let address = listener.local_addr()?;
    // Tests and scripts wait for this line to learn the port, so it must not sit in a buffer.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{address}")?;
    stdout.flush()?;
    drop(stdout);

    let shutdown = async {
        match tokio::signal::ctrl_c().await {
            Ok(()) => eprintln!("ctrl-c received, shutting down"),
            // Without a signal handler the server still runs; it just has to be killed.
            Err(err) => {
                eprintln!("cannot listen for ctrl-c ({err}); stop the process to quit");
                std::future::pending::<()>().await;
            }
        }
    };
    server::serve(listener, Arc::new(State::new()), shutdown).await
}

/// The port from the command line: `Ok(None)` for `--help`.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = DEFAULT_PORT;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "-p" => args.next().ok_or_else(|| format!("{arg} needs a value"))?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unexpected argument `{other}`")),
            },
        };
        port = value
            .parse()
            .map_err(|_| format!("invalid port `{value}` (expected 0-65535)"))?;
    }
    Ok(Some(port))
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    fn parse(args: &[&str]) -> Result<Option<u16>, String> {
        parse_port(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn port_argument_forms() {
        assert_eq!(parse(&[]), Ok(Some(3000)));
        assert_eq!(parse(&["--port", "0"]), Ok(Some(0)));
        assert_eq!(parse(&["--port=8080"]), Ok(Some(8080)));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
