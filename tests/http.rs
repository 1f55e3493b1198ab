//! End-to-end tests of the demo binary: start it on a free port, talk HTTP/1.1 to it over
//! loopback and check status codes, headers and JSON bodies.
//!
//! The client is a few lines over `std::net::TcpStream` (one request per connection, with
//! `Connection: close`), which keeps the test free of an HTTP client dependency and shows exactly
//! what goes over the wire.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use routegen_demo::routes::ROUTES;
use serde_json::{Value, json};

const AUTH: (&str, &str) = ("authorization", "Bearer demo-token");
const ADMIN: (&str, &str) = ("authorization", "Bearer admin-token");

/// A running demo server; dropping it kills the process, so a failed assertion cannot leave it
/// behind.
struct Server {
    child: Child,
    port: u16,
    /// What the server printed before `listening on`: the route table.
    banner: Vec<String>,
}

impl Server {
    fn start() -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_routegen-demo"))
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // The audit log goes to stderr; tests do not look at it.
            .stderr(Stdio::null())
            .spawn()
            .expect("start the demo binary");
        let mut server = Server {
            child,
            port: 0,
            banner: Vec::new(),
        };
        let stdout = server.child.stdout.take().expect("stdout is piped");
        let (lines_tx, lines_rx) = mpsc::channel();
        // Reads stdout on a thread so the wait below can time out, and keeps draining it
        // afterwards so the server can never block on a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            let line = lines_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the server prints `listening on` within a minute");
            if let Some(address) = line.strip_prefix("listening on http://127.0.0.1:") {
                server.port = address.parse().expect("a port number");
                break;
            }
            server.banner.push(line);
        }
        assert_ne!(server.port, 0, "--port 0 is replaced by the real port");
        server
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        self.request("GET", path, headers, "")
    }

    /// Sends one request on a fresh connection and reads the whole response.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> HttpResponse {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("set timeout");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nconnection: close\r\n\
             content-length: {}\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        HttpResponse::parse(&raw, method == "HEAD")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn parse(raw: &[u8], head: bool) -> HttpResponse {
        let split = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
        let head_text = std::str::from_utf8(&raw[..split]).expect("ASCII head");
        let mut lines = head_text.split("\r\n");
        let status_line = lines.next().expect("status line");
        let mut parts = status_line.splitn(3, ' ');
        assert_eq!(parts.next(), Some("HTTP/1.1"), "{status_line}");
        let status = parts
            .next()
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line}"));
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').expect("header line");
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let body = raw[split + 4..].to_vec();
        let response = HttpResponse {
            status,
            headers,
            body,
        };
        // The server always sends a length (no chunking), and for HEAD no body at all.
        if head {
            assert!(response.body.is_empty(), "HEAD response has a body");
        } else if let Some(length) = response.header("content-length") {
            assert_eq!(length.parse::<usize>().ok(), Some(response.body.len()));
        }
        response
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        assert_eq!(self.header("content-type"), Some("application/json"));
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "body is not JSON ({err}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status and that the body names `route` with exactly `params`.
    fn expect_route(&self, status: u16, route: &str, params: Value) -> Value {
        let body = self.json();
        assert_eq!(self.status, status, "{body}");
        assert_eq!(body["route"], route, "{body}");
        assert_eq!(body["params"], params, "{body}");
        body
    }
}

#[test]
fn prints_the_route_table_before_listening() {
    let server = Server::start();
    assert_eq!(
        server.banner.len(),
        ROUTES.len() + 1,
        "{:#?}",
        server.banner
    );
    assert!(server.banner[0].starts_with("METHODS"));
    for info in &ROUTES {
        let source = format!("{}:{}", info.file(), info.line());
        let row = server
            .banner
            .iter()
            .find(|line| line.split_whitespace().any(|cell| cell == info.name()))
            .unwrap_or_else(|| panic!("no row for {}", info.name()));
        assert!(row.contains(info.pattern()), "{row}");
        assert!(row.contains(&source), "{row}");
        if let Some(handler) = info.handler() {
            assert!(row.contains(handler), "{row}");
        }
    }
    let echo = server
        .banner
        .iter()
        .find(|line| line.contains("debug_echo"))
        .expect("debug_echo row");
    assert!(echo.starts_with("ANY"), "{echo}");
    let update = server
        .banner
        .iter()
        .find(|line| line.contains("device_update"))
        .expect("device_update row");
    assert!(update.starts_with("PUT,PATCH"), "{update}");
}

#[test]
fn matched_routes_answer_with_their_name_and_params() {
    let server = Server::start();

    let health = server.get("/health", &[]);
    let body = health.expect_route(200, "health", json!({}));
    assert_eq!(body["status"], "ok");
    assert_eq!(health.header("cache-control"), Some("no-store"));

    let device = server.get("/api/v1/devices/thermo-1", &[AUTH]);
    let body = device.expect_route(200, "device_get", json!({ "device_id": "thermo-1" }));
    assert_eq!(body["device"]["kind"], "thermostat");

    let status = server.get("/api/v1/devices/gw-7/status", &[AUTH]);
    let body = status.expect_route(200, "device_status", json!({ "device_id": "gw-7" }));
    assert_eq!(body["online"], true);
    assert_eq!(status.header("cache-control"), Some("max-age=5"));

    // A parameter between a static prefix and suffix in one segment.
    let firmware = server.get("/api/v1/devices/thermo-1/firmware/fw-2.4.1.bin", &[AUTH]);
    let body = firmware.expect_route(
        200,
        "device_firmware",
        json!({ "device_id": "thermo-1", "version": "2.4.1" }),
    );
    assert_eq!(body["installed"], true);

    // A parameter with a static suffix; the sensors file adds a rate limit of 600/min.
    let export = server.get("/api/v1/sensors/temp-1/exports/2024-06.json", &[AUTH]);
    let body = export.expect_route(
        200,
        "sensor_export",
        json!({ "sensor_id": "temp-1", "export_id": "2024-06" }),
    );
    assert_eq!(body["format"], "json");
    assert_eq!(export.header("x-ratelimit-limit"), Some("600"));
    assert_eq!(export.header("x-ratelimit-remaining"), Some("599"));

    // The catch-all takes the rest of the path, slashes included.
    let file = server.get("/files/firmware/gw-7/image.bin", &[AUTH]);
    let body = file.expect_route(
        200,
        "file_download",
        json!({ "path": "firmware/gw-7/image.bin" }),
    );
    assert_eq!(body["name"], "image.bin");
    assert_eq!(body["content_type"], "application/octet-stream");

    // The static `reboot` segment wins over the `{command}` parameter beside it.
    let reboot = server.request("POST", "/api/v1/devices/gw-7/commands/reboot", &[AUTH], "");
    reboot.expect_route(202, "device_reboot", json!({ "device_id": "gw-7" }));
    let identify = server.request(
        "POST",
        "/api/v1/devices/gw-7/commands/identify",
        &[AUTH],
        r#"{"blink": 3}"#,
    );
    let body = identify.expect_route(
        202,
        "device_command",
        json!({ "device_id": "gw-7", "command": "identify" }),
    );
    assert_eq!(body["args"]["blink"], 3);

    // A custom verb.
    let purge = server.request("PURGE", "/api/v1/devices/cam-3/cache", &[AUTH], "");
    let body = purge.expect_route(200, "device_cache_purge", json!({ "device_id": "cam-3" }));
    assert_eq!(body["purged"], "cam-3");

    // A route without `method` answers any verb.
    let echo = server.request("BREW", "/debug/echo", &[], "coffee");
    let body = echo.expect_route(200, "debug_echo", json!({}));
    assert_eq!(body["method"], "BREW");
    assert_eq!(body["body"], "coffee");

    // `{{device_id}}` in the route file is the literal text `{device_id}`.
    let template = server.get("/templates/{device_id}", &[]);
    let body = template.expect_route(200, "device_uri_template", json!({}));
    assert_eq!(body["template"], "/api/v1/devices/{device_id}");
    assert_eq!(
        body["example_status_url"],
        "/api/v1/devices/hall%20sensor%2F2/status"
    );

    // The route matched but the resource does not exist: a handler-level 404.
    let missing = server.get("/api/v1/devices/no-such-device", &[AUTH]);
    let body = missing.expect_route(404, "device_get", json!({ "device_id": "no-such-device" }));
    assert_eq!(body["error"], "no such device");

    // HEAD is listed for /version: headers only.
    let head = server.request("HEAD", "/version", &[], "");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("application/json"));
}

#[test]
fn creating_returns_201_with_a_location() {
    let server = Server::start();
    let created = server.request(
        "POST",
        "/api/v1/devices",
        &[AUTH, ("content-type", "application/json")],
        r#"{"id": "door 9", "kind": "lock"}"#,
    );
    let body = created.expect_route(201, "device_create", json!({}));
    assert_eq!(body["device"]["kind"], "lock");
    assert_eq!(created.header("location"), Some("/api/v1/devices/door%209"));

    let ingest = server.request(
        "POST",
        "/api/v1/sensors/hum-1/readings",
        &[AUTH],
        r#"[{"value": 41.5}, {"value": 42}]"#,
    );
    let body = ingest.expect_route(201, "readings_ingest", json!({ "sensor_id": "hum-1" }));
    assert_eq!(body["accepted"], 2);

    let invalid = server.request("POST", "/api/v1/devices", &[AUTH], "{not json");
    let body = invalid.expect_route(400, "device_create", json!({}));
    assert_eq!(body["error"], "request body is not valid JSON");
}

#[test]
fn unknown_paths_are_404() {
    let server = Server::start();
    for path in [
        "/nope",
        "/health/",
        "/api/v1/devices/",
        "/api/v1/devices/thermo-1/commands/",
        "/files/",
        "/api/v1/sensors/temp-1/exports/2024-06.csv",
    ] {
        // Routing comes before middleware: no token is needed to learn that nothing is there.
        let response = server.get(path, &[]);
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(
            response.json(),
            json!({ "error": "not found", "path": path }),
            "{path}"
        );
    }
}

#[test]
fn wrong_methods_are_405_with_an_allow_header() {
    let server = Server::start();
    for (method, path, allow) in [
        (
            "POST",
            "/api/v1/devices/thermo-1",
            "GET, PUT, DELETE, PATCH",
        ),
        ("DELETE", "/health", "GET"),
        ("HEAD", "/health", "GET"),
        ("GET", "/api/v1/devices/cam-3/cache", "PURGE"),
        ("PUT", "/api/v1/sensors/temp-1/readings", "GET, POST"),
        ("GET", "/admin/users/u-1", "DELETE"),
        ("PATCH", "/admin/maintenance/mode", "POST, DELETE"),
    ] {
        let response = server.request(method, path, &[], "");
        assert_eq!(response.status, 405, "{method} {path}");
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
        if method != "HEAD" {
            let body = response.json();
            assert_eq!(body["error"], "method not allowed");
            let listed: Vec<&str> = allow.split(", ").collect();
            assert_eq!(body["allowed"], json!(listed), "{method} {path}");
        }
    }
}

#[test]
fn auth_requires_a_token_and_the_route_scope() {
    let server = Server::start();
    for path in ["/api/v1/devices", "/files/a.txt", "/admin/stats"] {
        let response = server.get(path, &[]);
        assert_eq!(response.status, 401, "{path}");
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer realm=\"routegen-demo\"")
        );
        assert_eq!(response.json()["error"], "bearer token required");
    }
    let wrong = server.get("/api/v1/devices", &[("authorization", "Bearer guess")]);
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "unknown token");

    // demo-token lacks the `admin` scope that admin.toml requires.
    let forbidden = server.get("/admin/stats", &[AUTH]);
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.json()["required_scope"], "admin");
    let stats = server.get("/admin/stats", &[ADMIN]);
    stats.expect_route(200, "admin_stats", json!({}));

    let list = server.get("/api/v1/devices", &[AUTH]);
    let body = list.expect_route(200, "device_list", json!({}));
    assert_eq!(body["count"], 3);

    // The public group sets `inherit_middleware = false`, dropping the file's auth.
    let ping = server.get("/admin/public/ping", &[]);
    let body = ping.expect_route(200, "admin_ping", json!({}));
    assert_eq!(body["pong"], true);
}

#[test]
fn rate_limit_answers_429_past_the_route_budget() {
    let server = Server::start();
    // routes/system.toml gives debug_echo `rate_limit = 20` per minute.
    for i in 0..20 {
        let response = server.request("POST", "/debug/echo", &[], "");
        assert_eq!(response.status, 200, "request {i}");
        assert_eq!(response.header("x-ratelimit-limit"), Some("20"));
    }
    let limited = server.request("POST", "/debug/echo", &[], "");
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    let body = limited.json();
    assert_eq!(body["route"], "debug_echo");
    assert_eq!(body["error"], "rate limit exceeded");
}

#[test]
fn maintenance_mode_makes_the_api_read_only() {
    let server = Server::start();
    let on = server.request("POST", "/admin/maintenance/mode", &[ADMIN], "");
    assert_eq!(
        on.expect_route(200, "admin_maintenance", json!({}))["maintenance"],
        true
    );

    let blocked = server.request("POST", "/api/v1/devices/gw-7/commands/reboot", &[AUTH], "");
    assert_eq!(blocked.status, 503);
    assert_eq!(blocked.header("retry-after"), Some("300"));
    let read = server.get("/api/v1/devices/gw-7", &[AUTH]);
    assert_eq!(read.status, 200);

    let off = server.request("DELETE", "/admin/maintenance/mode", &[ADMIN], "");
    assert_eq!(
        off.expect_route(200, "admin_maintenance", json!({}))["maintenance"],
        false
    );
    let reboot = server.request("POST", "/api/v1/devices/gw-7/commands/reboot", &[AUTH], "");
    assert_eq!(reboot.status, 202);
}
