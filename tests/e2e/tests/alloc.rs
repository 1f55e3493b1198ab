//! `recognize`, the `Route` accessors and reverse routing never allocate: a counting global
//! allocator (wrapping `System`) counts the allocations the test thread makes while they run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

use routegen::{MatchError, Method};
use routegen_e2e::routes::{ROUTES, recognize};
use routegen_e2e::tables;

struct Counting;

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = ENABLED.try_with(|enabled| {
        if enabled.get() {
            COUNT.with(|count| count.set(count.get() + 1));
        }
    });
}

// SAFETY: forwards every call to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result and the number of allocations the current thread made.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|count| count.set(0));
    ENABLED.with(|enabled| enabled.set(true));
    let result = f();
    ENABLED.with(|enabled| enabled.set(false));
    (result, COUNT.with(Cell::get))
}

/// A fixed-size `fmt::Write` target on the stack.
struct StackBuf {
    bytes: [u8; 256],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf {
            bytes: [0; 256],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap()
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A path for every route: params filled with `p0`, `p1`, ... and catch-alls with `c/d` (values no
/// static route shadows), and a method the route accepts.
fn route_paths() -> Vec<(Method, String, usize)> {
    ROUTES
        .iter()
        .enumerate()
        .map(|(index, info)| {
            let mut path = String::new();
            let mut rest = info.pattern();
            let mut param = 0;
            while let Some(c) = rest.chars().next() {
                if let Some(after) = rest.strip_prefix("{{") {
                    path.push('{');
                    rest = after;
                } else if let Some(after) = rest.strip_prefix("}}") {
                    path.push('}');
                    rest = after;
                } else if c == '{' {
                    let end = rest.find('}').unwrap();
                    if rest[1..].starts_with('*') {
                        path.push_str("c/d");
                    } else {
                        write!(path, "p{param}").unwrap();
                        param += 1;
                    }
                    rest = &rest[end + 1..];
                } else {
                    path.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
            let method = info.methods().first().copied().unwrap_or(Method::GET);
            (method, path, index)
        })
        .collect()
}

#[test]
fn recognize_every_route_without_allocating() {
    let cases = route_paths();
    assert_eq!(cases.len(), ROUTES.len());
    let (wrong, count) = allocations(|| {
        let mut wrong: Option<usize> = None;
        for (position, (method, path, index)) in cases.iter().enumerate() {
            let ok = match recognize(*method, path) {
                Ok(route) => {
                    let mut buf = StackBuf::new();
                    let reversed = write!(buf, "{route}").is_ok() && buf.as_str() == path;
                    let params = route.params();
                    let all_named = params.len() == params.as_slice().len()
                        && route.params().all(|(name, value)| {
                            !name.is_empty() && (value.starts_with('p') || value == "c/d")
                        });
                    route.index() == *index
                        && route.name() == ROUTES.get(*index).unwrap().name()
                        && route.info().pattern() == ROUTES.get(*index).unwrap().pattern()
                        && all_named
                        && reversed
                }
                Err(_) => false,
            };
            if !ok && wrong.is_none() {
                wrong = Some(position);
            }
        }
        wrong
    });
    if let Some(position) = wrong {
        let (method, path, index) = &cases[position];
        panic!(
            "{method} {path:?}: expected {}, got {:?}",
            ROUTES.get(*index).unwrap().name(),
            recognize(*method, path)
        );
    }
    assert_eq!(count, 0, "recognize/params/Display allocated {count} times");
}

/// The same routes generated as tables (`Lookup::Tables`): every route found, with the same
/// parameters, and no allocation.
#[test]
fn tables_recognize_every_route_without_allocating() {
    let cases = route_paths();
    let (wrong, count) = allocations(|| {
        cases.iter().position(
            |(method, path, index)| match tables::recognize(*method, path) {
                Ok(route) => {
                    let code = recognize(*method, path).map(|r| r.params());
                    route.index() != *index
                        || code.map(|p| p.as_slice() != route.params().as_slice()) != Ok(false)
                }
                Err(_) => true,
            },
        )
    });
    if let Some(position) = wrong {
        let (method, path, index) = &cases[position];
        panic!(
            "{method} {path:?}: expected {}, got {:?}",
            ROUTES.get(*index).unwrap().name(),
            tables::recognize(*method, path)
        );
    }
    assert_eq!(count, 0, "tables::recognize allocated {count} times");
}

#[test]
fn misses_without_allocating() {
    let brew: Method = "BREW".parse().unwrap();
    let purge: Method = "PURGE".parse().unwrap();
    // (method, path, Some(allowed as Allow header) for 405, None for 404)
    let cases: Vec<(Method, &str, Option<&str>)> = vec![
        (Method::GET, "", None),
        (Method::GET, "/nope", None),
        (Method::GET, "/users//", None),
        (Method::GET, "/files/", None),
        (purge, "/cache/", None),
        (Method::GET, "/media/tags/v/info", None),
        (brew, "/repos/a/b/c/d", None),
        (Method::POST, "/items/1", Some("GET, DELETE")),
        (Method::DELETE, "/files/new", Some("GET, POST, PUT")),
        (Method::POST, "/cache/entry/k", Some("GET, DELETE, PURGE")),
        (brew, "/users/1", Some("GET, PUT, PATCH")),
        (Method::HEAD, "/", Some("GET")),
    ];
    let (wrong, count) = allocations(|| {
        cases.iter().position(|(method, path, expected)| {
            let result = recognize(*method, path);
            let mut buf = StackBuf::new();
            let ok = match (result, expected) {
                (Err(MatchError::NotFound), None) => true,
                (Err(MatchError::MethodNotAllowed { allowed }), Some(expected)) => {
                    write!(buf, "{allowed}").is_ok()
                        && buf.as_str() == *expected
                        && allowed.iter().count() == allowed.len()
                }
                _ => false,
            };
            !ok
        })
    });
    if let Some(position) = wrong {
        let (method, path, expected) = &cases[position];
        panic!(
            "{method} {path:?}: expected {expected:?} (None = 404), got {:?}",
            recognize(*method, path)
        );
    }
    assert_eq!(count, 0, "missing lookups allocated {count} times");
}

/// The counter works: an allocation inside the closure is seen.
#[test]
fn the_counter_counts() {
    let (_, count) = allocations(|| std::hint::black_box(vec![1u8; 16]));
    assert!(count >= 1);
}

#[test]
fn transport_lookups_never_allocate() {
    use routegen_e2e::transports::{messages, mqtt, websocket};
    let topics = [
        "devices/d1/telemetry/temp",
        "devices/d1/telemetry/battery",
        "devices/d1/events/a/b/c",
        "alerts",
        "lab///",
        "$SYS/broker/uptime",
        "$SYS/x/status",
        "no/such/topic/here",
    ];
    for topic in topics {
        let (found, count) = allocations(|| {
            let found = mqtt::recognize(topic);
            if let Some(found) = found {
                let mut out = StackBuf::new();
                write!(out, "{found}").unwrap();
                let _ = (found.qos(), found.params().count(), found.info().name());
            }
            found.is_some()
        });
        assert_eq!(
            count, 0,
            "mqtt::recognize({topic:?}) allocated (found: {found})"
        );
    }
    let messages_in: [&[(&str, &str)]; 4] = [
        &[("type", "ping")],
        &[("type", "create"), ("entity", "user")],
        &[("type", "delete"), ("entity", "order"), ("reason", "x")],
        &[],
    ];
    for message in messages_in {
        let (_, count) = allocations(|| {
            messages::recognize(|key| message.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
        });
        assert_eq!(count, 0, "messages::recognize({message:?}) allocated");
    }
    for name in ["chat.send", "presence.ping", "nope", "rooms/a", "rooms/a/b"] {
        let (_, count) = allocations(|| (websocket::action(name), websocket::channel(name)));
        assert_eq!(count, 0, "websocket lookups of {name:?} allocated");
    }
}
