//! `recognize` must never touch the heap: every hit and every miss of the generated router is
//! checked under a counting global allocator.
//!
//! Counting is per thread (a thread-local flag and counter), so the test harness and other tests
//! running at the same time cannot disturb the numbers. Everything that allocates (building the
//! paths, formatting assertion messages, `AllowedMethods::to_string`) happens outside the
//! counted region.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use routegen::{MatchError, Method};
use routegen_demo::routes::{ROUTES, Route, recognize};

struct CountingAllocator;

thread_local! {
    // `const` initializers without `Drop` need no lazy setup, so reading them inside the
    // allocator cannot itself allocate or recurse.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn record_allocation() {
    // `try_with` fails only while the thread is being torn down; nothing is counted then.
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// only touches thread-local `Cell`s.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record_allocation();
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record_allocation();
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record_allocation();
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs `f` and returns its result with the number of heap allocations it made on this thread.
fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    ALLOCATIONS.with(|count| count.set(0));
    COUNTING.with(|counting| counting.set(true));
    let result = black_box(f());
    COUNTING.with(|counting| counting.set(false));
    (result, ALLOCATIONS.with(Cell::get))
}

/// One `recognize` call, counted; inputs and output go through `black_box` so the optimizer
/// cannot fold the lookup away.
fn recognize_counted<'p>(method: Method, path: &'p str) -> (Result<Route<'p>, MatchError>, usize) {
    counted(|| recognize(black_box(method), black_box(path)))
}

/// A path matching `pattern`, and the parameter values it carries in pattern order.
///
/// Values are `v-<name>`, which no static segment of the demo's routes equals, so each path
/// reaches the route it was built from (not a higher-priority static sibling). `{{`/`}}` are
/// literal braces; a catch-all gets several segments.
fn sample(pattern: &str) -> (String, Vec<(String, String)>) {
    let mut path = String::new();
    let mut params = Vec::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{{").or_else(|| rest.strip_prefix("}}")) {
            path.push(c);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            let (name, after) = after
                .split_once('}')
                .unwrap_or_else(|| panic!("unclosed parameter in {pattern}"));
            let (name, value) = match name.strip_prefix('*') {
                Some(name) => (name, format!("v-{name}/deeper/file.txt")),
                None => (name, format!("v-{name}")),
            };
            path.push_str(&value);
            params.push((name.to_owned(), value));
            rest = after;
        } else {
            path.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    (path, params)
}

#[test]
fn sample_paths_fill_every_kind_of_parameter() {
    assert_eq!(sample("/a/{id}").0, "/a/v-id");
    assert_eq!(sample("/a/fw-{v}.bin").0, "/a/fw-v-v.bin");
    assert_eq!(sample("/f/{*rest}").0, "/f/v-rest/deeper/file.txt");
    assert_eq!(sample("/t/{{id}}").0, "/t/{id}");
}

#[test]
fn every_route_is_recognized_without_allocating() {
    // Built before anything is counted.
    let cases: Vec<_> = ROUTES
        .iter()
        .map(|info| {
            let (path, params) = sample(info.pattern());
            let methods = if info.methods().is_empty() {
                // Any method: a standard one and an extension one no route file names.
                vec![Method::GET, Method::from_static("BREW")]
            } else {
                info.methods().to_vec()
            };
            (info, path, params, methods)
        })
        .collect();
    assert!(cases.len() >= 20, "the demo declares at least 20 routes");

    let mut lookups = 0;
    for (info, path, params, methods) in &cases {
        for &method in methods {
            let (result, allocations) = recognize_counted(method, path);
            lookups += 1;
            assert_eq!(allocations, 0, "{method} {path} allocated");
            let route = result.unwrap_or_else(|err| panic!("{method} {path}: {err}"));
            assert_eq!(route.name(), info.name(), "{method} {path}");
            assert_eq!(route.info().pattern(), info.pattern());
            // Equal entries say the same of a route, and no two routes share a declaration.
            assert_eq!(route.info(), *info);
            assert_eq!(ROUTES.get(route.index()), Some(*info));
            let (pairs, allocations) = counted(|| route.params());
            assert_eq!(allocations, 0, "params() of {path} allocated");
            let got: Vec<(String, String)> = pairs
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect();
            assert_eq!(&got, params, "params of {method} {path}");
        }
    }
    assert!(lookups > cases.len(), "multi-method routes add lookups");
}

#[test]
fn misses_do_not_allocate() {
    let long = format!("/api/v1/{}", "segment/".repeat(4096));
    let long_static = format!("/{}", "a".repeat(64 * 1024));
    let not_found: Vec<&str> = vec![
        "",
        "/",
        "//",
        "/nope",
        "/HEALTH",
        "/health/",
        "/health/extra",
        "/api",
        "/api/v1",
        "/api/v1/devices/",
        "/api/v1/devices/thermo-1/",
        "/api/v1/devices/thermo-1/status/",
        "/api/v1/devices/thermo-1/commands",
        "/api/v1/devices/thermo-1/commands/",
        "/api/v1/sensors/temp-1/exports/2024.csv",
        "/files",
        "/files/",
        "/templates/device_id",
        "/admin/public",
        "/debug/echo/extra",
        long.as_str(),
        long_static.as_str(),
    ];
    for path in &not_found {
        for method in [Method::GET, Method::POST, Method::from_static("BREW")] {
            let (result, allocations) = recognize_counted(method, path);
            assert_eq!(allocations, 0, "{method} {path:.60} allocated");
            assert_eq!(result, Err(MatchError::NotFound), "{method} {path:.60}");
        }
    }

    // (method, path, the `Allow` value a 405 must carry)
    let wrong_method = [
        (Method::DELETE, "/health", "GET"),
        (Method::HEAD, "/health", "GET"),
        (Method::from_static("BREW"), "/version", "GET, HEAD"),
        (
            Method::POST,
            "/api/v1/devices/thermo-1",
            "GET, PUT, DELETE, PATCH",
        ),
        (Method::GET, "/api/v1/devices/thermo-1/cache", "PURGE"),
        (Method::GET, "/api/v1/devices/gw-7/commands/reboot", "POST"),
        (Method::PUT, "/api/v1/sensors/temp-1/readings", "GET, POST"),
        (Method::GET, "/admin/users/u-1", "DELETE"),
        (Method::GET, "/admin/maintenance/mode", "POST, DELETE"),
        (Method::POST, "/files/a/b.txt", "GET"),
    ];
    for (method, path, expected) in wrong_method {
        let (result, allocations) = recognize_counted(method, path);
        assert_eq!(allocations, 0, "{method} {path} allocated");
        match result {
            Err(MatchError::MethodNotAllowed { allowed }) => {
                assert_eq!(allowed.to_string(), expected, "{method} {path}");
                assert!(!allowed.contains(method), "{method} {path}");
            }
            other => panic!("{method} {path}: expected 405, got {other:?}"),
        }
    }
}

#[test]
fn priority_static_beats_param_and_affixes_split_correctly() {
    let reboot = "/api/v1/devices/gw-7/commands/reboot";
    let identify = "/api/v1/devices/gw-7/commands/identify";
    let firmware = "/api/v1/devices/gw-7/firmware/fw-1.2.3.bin";
    let export = "/api/v1/sensors/temp-1/exports/2024-06.json";

    let (result, allocations) = recognize_counted(Method::POST, reboot);
    assert_eq!(allocations, 0);
    assert_eq!(result, Ok(Route::DeviceReboot { device_id: "gw-7" }));

    let (result, allocations) = recognize_counted(Method::POST, identify);
    assert_eq!(allocations, 0);
    assert_eq!(
        result,
        Ok(Route::DeviceCommand {
            device_id: "gw-7",
            command: "identify"
        })
    );

    let (result, allocations) = recognize_counted(Method::GET, firmware);
    assert_eq!(allocations, 0);
    assert_eq!(
        result,
        Ok(Route::DeviceFirmware {
            device_id: "gw-7",
            version: "1.2.3"
        })
    );

    let (result, allocations) = recognize_counted(Method::GET, export);
    assert_eq!(allocations, 0);
    assert_eq!(
        result,
        Ok(Route::SensorExport {
            sensor_id: "temp-1",
            export_id: "2024-06"
        })
    );
}

/// The counter itself works: otherwise every "0 allocations" above would be meaningless.
#[test]
fn the_counter_sees_allocations() {
    let (_, allocations) = counted(|| black_box(vec![1u8; 16]));
    assert!(allocations >= 1);
}
