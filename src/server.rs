//! The HTTP side: hyper glue ([`serve`]) around a synchronous, directly testable core
//! ([`respond`]) that routes a request and runs middleware and handler.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
    WWW_AUTHENTICATE,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use routegen::{MatchError, MetaValue, Method, RouteInfo};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::handlers::{self, Ctx, Reply};
use crate::middleware::{self, AuthError, Verdict};
use crate::routes::{self, Route};
use crate::state::State;

/// The largest request body the service reads; larger ones get 413 before any routing.
pub const MAX_BODY: usize = 64 * 1024;

/// How long shutdown waits for open connections to finish their current request.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

/// Serves HTTP/1.1 on `listener` until `shutdown` completes, then stops accepting, lets open
/// connections finish (up to [`SHUTDOWN_GRACE`]) and returns.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // Accept errors are per connection (the peer reset, or we are out of file
                // descriptors for a moment); the listener itself stays usable.
                Err(err) => {
                    eprintln!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let state = Arc::clone(&state);
        let service = service_fn(move |req| handle(Arc::clone(&state), req));
        let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                // Clients that hang up mid-request are routine; log and move on.
                eprintln!("connection error: {err}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            eprintln!("gave up waiting for open connections after {SHUTDOWN_GRACE:?}");
        }
    }
    Ok(())
}

/// One request: reads the (size-capped) body, then hands everything to [`respond`].
async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => {
            let reply = if err.downcast_ref::<LengthLimitError>().is_some() {
                Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
                    .with_field("max_bytes", json!(MAX_BODY))
            } else {
                Reply::error(StatusCode::BAD_REQUEST, "could not read the request body")
            };
            state.requests.fetch_add(1, Ordering::Relaxed);
            return Ok(into_response(reply));
        }
    };
    Ok(respond(
        &state,
        &parts.method,
        parts.uri.path(),
        &parts.headers,
        &body,
    ))
}

/// Routes one request and produces its response.
///
/// * a method that no [`Method`] can hold: 501;
/// * no route for the path: 404; routes for the path but not the method: 405 with `Allow`;
/// * otherwise the route's middleware run outermost first, and the handler last. Its reply gets
///   `route` and `params` added, and `cache-control` from the route's `cache_seconds` meta.
pub fn respond(
    state: &State,
    method: &hyper::Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Full<Bytes>> {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let Ok(method) = Method::try_from(method) else {
        // Only an extension method longer than any route could name ends up here.
        return into_response(Reply::error(
            StatusCode::NOT_IMPLEMENTED,
            "method not implemented",
        ));
    };
    let route = match routes::recognize(method, path) {
        Ok(route) => route,
        Err(MatchError::MethodNotAllowed { allowed }) => {
            let reply = Reply::new(
                StatusCode::METHOD_NOT_ALLOWED,
                json!({
                    "error": "method not allowed",
                    "method": method.as_str(),
                    "path": path,
                    "allowed": allowed.iter().map(|m| m.as_str().to_owned()).collect::<Vec<_>>(),
                }),
            );
            // `AllowedMethods` displays as `GET, DELETE`: method tokens and ", ", so it is
            // always a valid header value.
            let reply = match HeaderValue::try_from(allowed.to_string()) {
                Ok(value) => reply.with_header(ALLOW, value),
                Err(_) => reply,
            };
            return into_response(reply);
        }
        // `MatchError` is non-exhaustive; anything but 405 means no route for the path.
        Err(_) => {
            return into_response(Reply::new(
                StatusCode::NOT_FOUND,
                json!({ "error": "not found", "path": path }),
            ));
        }
    };
    let ctx = Ctx {
        method,
        body,
        state,
    };
    let reply = run_route(route, &ctx, headers, path);
    into_response(reply)
}

/// The middleware chain and the handler of a matched route.
fn run_route(route: Route<'_>, ctx: &Ctx<'_>, headers: &HeaderMap, path: &str) -> Reply {
    let info = route.info();
    // Headers that middleware contribute to whatever the response ends up being.
    let mut extra: Vec<(HeaderName, HeaderValue)> = Vec::new();
    // Set once the chain passes `audit`: from there on, the outcome is logged.
    let mut audited = false;
    let mut rejection = None;
    for &name in info.middleware() {
        let outcome = match name {
            "auth" => authenticate(headers, info),
            "rate_limit" => rate_limit(ctx.state, route.index(), info, &mut extra),
            "audit" => {
                audited = true;
                Ok(())
            }
            unknown => Err(Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "route uses an unknown middleware",
            )
            .with_field("middleware", json!(unknown))),
        };
        if let Err(reply) = outcome {
            rejection = Some(reply);
            break;
        }
    }
    let mut reply = match rejection {
        Some(reply) => reply,
        None if ctx.state.in_maintenance() && blocked_by_maintenance(ctx.method, info) => {
            Reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "maintenance mode: read only",
            )
            .with_header(RETRY_AFTER, HeaderValue::from(300u32))
        }
        None => {
            let dispatched = handlers::dispatch(route, ctx);
            let mut reply = dispatched.reply;
            if reply.status.is_success() {
                reply.headers.push((CACHE_CONTROL, cache_control(info)));
            }
            reply
        }
    };
    reply.headers.extend(extra);
    let params: Map<String, Value> = route
        .params()
        .map(|(name, value)| (name.to_owned(), Value::from(value)))
        .collect();
    let reply = reply
        .with_field("route", json!(route.name()))
        .with_field("params", Value::Object(params));
    if audited {
        audit(ctx.method, path, route.name(), reply.status);
    }
    reply
}

/// The `auth` middleware, as a reply on refusal.
fn authenticate(headers: &HeaderMap, info: RouteInfo) -> Result<(), Reply> {
    match middleware::authorize(headers, info) {
        Ok(()) => Ok(()),
        Err(AuthError::MissingToken) => Err(unauthorized("bearer token required")),
        Err(AuthError::UnknownToken) => Err(unauthorized("unknown token")),
        Err(AuthError::MissingScope(scope)) => Err(Reply::error(
            StatusCode::FORBIDDEN,
            "token lacks the required scope",
        )
        .with_field("required_scope", json!(scope))),
    }
}

fn unauthorized(message: &str) -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, message).with_header(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"routegen-demo\""),
    )
}

/// The `rate_limit` middleware: counts the request and reports the budget in headers.
fn rate_limit(
    state: &State,
    index: usize,
    info: RouteInfo,
    extra: &mut Vec<(HeaderName, HeaderValue)>,
) -> Result<(), Reply> {
    match state
        .limiter
        .check(index, middleware::limit_of(info), Instant::now())
    {
        Verdict::Allowed { limit, remaining } => {
            extra.push((X_RATELIMIT_LIMIT, HeaderValue::from(limit)));
            extra.push((X_RATELIMIT_REMAINING, HeaderValue::from(remaining)));
            Ok(())
        }
        Verdict::Limited { limit, retry_after } => {
            extra.push((X_RATELIMIT_LIMIT, HeaderValue::from(limit)));
            extra.push((X_RATELIMIT_REMAINING, HeaderValue::from(0u32)));
            Err(
                Reply::error(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded")
                    .with_header(RETRY_AFTER, HeaderValue::from(retry_after)),
            )
        }
    }
}

/// In maintenance mode only reads and the admin endpoints (which switch it off again) run.
fn blocked_by_maintenance(method: Method, info: RouteInfo) -> bool {
    let is_admin = matches!(
        info.meta_value("tags"),
        Some(MetaValue::Array(tags)) if tags.iter().any(|tag| tag.as_str() == Some("admin"))
    );
    method != Method::GET && method != Method::HEAD && !is_admin
}

/// `cache-control` for a successful response: `max-age` from the route's `cache_seconds` meta,
/// `no-store` when it is absent or zero (data that changes with every request must not be
/// served stale by a proxy).
fn cache_control(info: RouteInfo) -> HeaderValue {
    match info
        .meta_value("cache_seconds")
        .and_then(|value| value.as_integer())
    {
        Some(seconds) if seconds > 0 => HeaderValue::try_from(format!("max-age={seconds}"))
            .unwrap_or(HeaderValue::from_static("no-store")),
        _ => HeaderValue::from_static("no-store"),
    }
}

/// The `audit` middleware's record: one line on stderr per audited request.
fn audit(method: Method, path: &str, route: &str, status: StatusCode) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    eprintln!(
        "audit t={now} {method} {path} route={route} status={}",
        status.as_u16()
    );
}

/// Serializes a reply as a JSON response.
fn into_response(reply: Reply) -> Response<Full<Bytes>> {
    // Serializing a `Value` cannot fail (its map keys are strings), but a fallback body is
    // cheaper than proving that to the compiler with an `unwrap`.
    let body = serde_json::to_vec(&reply.body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in reply.headers {
        headers.append(name, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, path: &str, auth: Option<&str>) -> (StatusCode, HeaderMap, Value) {
        let state = State::new();
        let mut headers = HeaderMap::new();
        if let Some(token) = auth {
            let value = HeaderValue::try_from(format!("Bearer {token}")).expect("token is ASCII");
            headers.insert(hyper::header::AUTHORIZATION, value);
        }
        let method = hyper::Method::from_bytes(method.as_bytes()).expect("valid method");
        let response = respond(&state, &method, path, &headers, b"");
        let status = response.status();
        let headers = response.headers().clone();
        let body = body_bytes(response.into_body());
        (
            status,
            headers,
            serde_json::from_slice(&body).expect("JSON body"),
        )
    }

    /// The bytes of a `Full` body, which is ready without waiting.
    fn body_bytes(body: Full<Bytes>) -> Bytes {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime
            .block_on(body.collect())
            .map(|collected| collected.to_bytes())
            .unwrap_or_default()
    }

    #[test]
    fn too_long_extension_method_is_not_implemented() {
        let (status, _, _) = call("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "/health", None);
        assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    }

    #[test]
    fn cache_control_follows_meta() {
        let (status, headers, body) = call("GET", "/version", None);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[CACHE_CONTROL], "max-age=300");
        assert_eq!(body["route"], "version");
        let (_, headers, _) = call("GET", "/health", None);
        assert_eq!(headers[CACHE_CONTROL], "no-store");
    }

    #[test]
    fn scope_is_enforced_after_the_token() {
        let (status, _, body) = call("GET", "/admin/stats", Some("demo-token"));
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["required_scope"], "admin");
        let (status, _, _) = call("GET", "/admin/stats", Some("admin-token"));
        assert_eq!(status, StatusCode::OK);
    }

    #[test]
    fn maintenance_mode_blocks_writes_but_not_reads() {
        let state = State::new();
        state.maintenance.store(true, Ordering::Relaxed);
        let mut headers = HeaderMap::new();
        headers.insert(
            hyper::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer demo-token"),
        );
        let write = respond(
            &state,
            &hyper::Method::POST,
            "/api/v1/devices/gw-7/commands/reboot",
            &headers,
            b"",
        );
        assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
        let read = respond(
            &state,
            &hyper::Method::GET,
            "/api/v1/devices/gw-7",
            &headers,
            b"",
        );
        assert_eq!(read.status(), StatusCode::OK);
    }
}
