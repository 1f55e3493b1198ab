//! Lookup time: routegen's generated routers against matchit, wayfind, path-tree, actix-router,
//! a `phf` map and a plain `match` on `&str` (static routes), and `floor` (the work no router
//! can avoid, see `floor.rs`).
//!
//! Each benchmark looks up ALL paths of its set once per iteration; divide by the path count
//! for a per-path figure (BENCHMARKS.md does). The scale sets have three groups each:
//! `scale_N` (one hit path per route, shuffled: every route equally cold), `scale_N_zipf` (as
//! many hits drawn with a Zipf skew, as in service traffic: `synth::zipf_hits`) and
//! `scale_N_misses`.
//!
//! Every result is kept alive with `black_box(&result)`, by reference. By value, the harness
//! copied each result into `black_box`'s argument: for a result that the callee wrote into memory
//! a byte at a time (routegen's `Result<Route, MatchError>` on the static set, whose route is one
//! byte), the copy's 16-byte loads could not be forwarded from those stores, and the stall cost
//! more than the lookup itself (7.6 against 3.4 ns a path). A caller that matches on the result
//! reads what was written, as `black_box(&result)` does.
//!
//! Before any timing, every contender is checked to return the expected route for every path
//! (and nothing for the misses), so a broken pattern conversion cannot produce a fast wrong
//! number.
//!
//! `cargo bench -p routegen-benches --bench lookup -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use routegen::Method;
use routegen_benches::floor::{self, Seg};
use routegen_benches::{github, github_v3, scale_100, scale_1000, static_routes};
use routegen_benches::{
    github_tables, github_v3_tables, scale_100_tables, scale_1000_tables, static_routes_tables,
};
use routegen_benches::{synth, synth::lines};

include!(concat!(env!("OUT_DIR"), "/static_phf.rs"));
include!(concat!(env!("OUT_DIR"), "/static_match.rs"));

/// `{p}` -> `<p>`, `{*p}` -> `<*p>`.
fn to_wayfind(pattern: &str) -> String {
    pattern.replace('{', "<").replace('}', ">")
}

/// `{p}` -> `:p`, `{*p}` -> `:p+` (one or more characters, `/` included: routegen's catch-all).
fn to_path_tree(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("balanced braces");
        let name = &rest[open + 1..close];
        match name.strip_prefix('*') {
            Some(name) => out.push_str(&format!(":{name}+")),
            None => out.push_str(&format!(":{name}")),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `{p}` stays, `{*p}` -> `{p}*` (actix's tail).
fn to_actix(pattern: &str) -> String {
    match pattern.find("{*") {
        Some(open) => format!("{}{{{}*", &pattern[..open], &pattern[open + 2..]),
        None => pattern.to_owned(),
    }
}

/// actix-router tries routes in registration order, first match wins. Registering them sorted by
/// the kind of each segment (literal, parameter with affixes, parameter, catch-all) gives the
/// priority the other routers implement with their trees (literal first, depth first).
fn actix_order(patterns: &[String]) -> Vec<usize> {
    let key = |p: &str| -> Vec<u8> {
        floor::parse(p)
            .iter()
            .map(|s| match s {
                Seg::Lit(_) => 0,
                Seg::Param { prefix, suffix } if !prefix.is_empty() || !suffix.is_empty() => 1,
                Seg::Param { .. } => 2,
                Seg::CatchAll => 3,
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..patterns.len()).collect();
    order.sort_by_key(|&i| key(&patterns[i]));
    order
}

/// The peer routers, built from one route set; the value of each route is its index.
struct Peers {
    matchit: matchit::Router<usize>,
    wayfind: wayfind::Router<usize>,
    path_tree: path_tree::PathTree<usize>,
    actix: actix_router::Router<usize>,
}

impl Peers {
    fn new(patterns: &[String]) -> Peers {
        let mut matchit = matchit::Router::new();
        let mut wayfind = wayfind::RouterBuilder::new();
        let mut path_tree = path_tree::PathTree::new();
        for (i, p) in patterns.iter().enumerate() {
            matchit
                .insert(p.as_str(), i)
                .unwrap_or_else(|e| panic!("matchit {p}: {e}"));
            wayfind
                .insert(&to_wayfind(p), i)
                .unwrap_or_else(|e| panic!("wayfind {p}: {e}"));
            let _ = path_tree.insert(&to_path_tree(p), i);
        }
        let mut actix = actix_router::Router::<usize>::build();
        for i in actix_order(patterns) {
            actix.path(to_actix(&patterns[i]).as_str(), i);
        }
        Peers {
            matchit,
            wayfind: wayfind.build(),
            path_tree,
            actix: actix.finish(),
        }
    }

    fn matchit(&self, path: &str) -> Option<usize> {
        self.matchit.at(path).ok().map(|m| *m.value)
    }
    fn wayfind(&self, path: &str) -> Option<usize> {
        self.wayfind.search(path).map(|m| *m.data())
    }
    fn path_tree(&self, path: &str) -> Option<usize> {
        self.path_tree.find(path).map(|(v, _)| *v)
    }
    fn actix(&self, path: &str) -> Option<usize> {
        let mut p = actix_router::Path::new(path);
        self.actix.recognize(&mut p).map(|(v, _)| *v)
    }
}

/// Asserts that `f` gives `expected[i]` for `paths[i]`, for every path.
fn verify(
    who: &str,
    set: &str,
    paths: &[&str],
    expected: &[Option<usize>],
    f: impl Fn(&str) -> Option<usize>,
) {
    for (path, want) in paths.iter().zip(expected) {
        assert_eq!(f(path), *want, "{who} on {set}: wrong result for {path}");
    }
}

/// The benchmarks every group has: the peers, and floor when `floor_segs` is given.
fn bench_peers(
    group: &mut BenchmarkGroup<'_, WallTime>,
    set: &str,
    peers: &Peers,
    paths: &[&str],
    expected: &[Option<usize>],
    route_count: usize,
) {
    verify("matchit", set, paths, expected, |p| peers.matchit(p));
    verify("wayfind", set, paths, expected, |p| peers.wayfind(p));
    verify("path-tree", set, paths, expected, |p| peers.path_tree(p));
    verify("actix-router", set, paths, expected, |p| peers.actix(p));
    group.bench_function("matchit", |b| {
        b.iter(|| {
            for p in black_box(paths) {
                black_box(&peers.matchit.at(p));
            }
        })
    });
    group.bench_function("wayfind", |b| {
        b.iter(|| {
            for p in black_box(paths) {
                black_box(&peers.wayfind.search(p));
            }
        })
    });
    group.bench_function("path-tree", |b| {
        b.iter(|| {
            for p in black_box(paths) {
                black_box(&peers.path_tree.find(p));
            }
        })
    });
    if route_count >= 10_000 {
        // actix-router scans its routes in order: one iteration over 10,000 paths takes about a
        // minute (630 s for criterion's 10 samples). Checked above, not timed.
        return;
    }
    group.bench_function("actix-router", |b| {
        b.iter(|| {
            for p in black_box(paths) {
                let mut path = actix_router::Path::new(*p);
                black_box(&peers.actix.recognize(&mut path));
                black_box(&path);
            }
        })
    });
}

/// `floor`: each path with its (known) pattern's segments.
fn bench_floor(
    group: &mut BenchmarkGroup<'_, WallTime>,
    set: &str,
    patterns: &[String],
    paths: &[&str],
    expected: &[Option<usize>],
) {
    let segs: Vec<Vec<Seg<'_>>> = patterns.iter().map(|p| floor::parse(p)).collect();
    let items: Vec<(&str, &[Seg<'_>])> = (paths.iter().zip(expected))
        .map(|(p, e)| {
            (
                *p,
                segs[e.expect("floor needs a matching route")].as_slice(),
            )
        })
        .collect();
    for (p, s) in &items {
        let mut params = [""; 8];
        assert!(
            floor::check(s, p, &mut params).is_some(),
            "floor on {set}: {p}"
        );
    }
    group.bench_function("floor", |b| {
        b.iter(|| {
            for (p, s) in black_box(&items) {
                let mut params = [""; 8];
                black_box(&floor::check(s, p, &mut params));
                black_box(&params);
            }
        })
    });
}

/// A whole group for one generated module: `routegen` first, then the peers and floor.
macro_rules! group {
    ($c:expr, $name:expr, $module:ident, $other:ident, $other_name:expr, $patterns:expr, $paths:expr, $expected:expr, $floor:expr) => {{
        let (name, patterns, paths, expected): (&str, &[String], &[&str], &[Option<usize>]) =
            ($name, $patterns, $paths, $expected);
        verify("routegen", name, paths, expected, |p| {
            $module::recognize(Method::GET, p).ok().map(|r| r.index())
        });
        verify($other_name, name, paths, expected, |p| {
            $other::recognize(Method::GET, p).ok().map(|r| r.index())
        });
        let peers = Peers::new(patterns);
        let mut group = $c.benchmark_group(name);
        group.throughput(criterion::Throughput::Elements(paths.len() as u64));
        if patterns.len() >= 10_000 {
            group.sample_size(10);
        }
        group.bench_function("routegen", |b| {
            b.iter(|| {
                for p in black_box(paths) {
                    black_box(&$module::recognize(Method::GET, p));
                }
            })
        });
        group.bench_function($other_name, |b| {
            b.iter(|| {
                for p in black_box(paths) {
                    black_box(&$other::recognize(Method::GET, p));
                }
            })
        });
        bench_peers(&mut group, name, &peers, paths, expected, patterns.len());
        if $floor {
            bench_floor(&mut group, name, patterns, paths, expected);
        }
        group
    }};
}

/// The label of the `Lookup::Tables` form of a set whose default lookup is code.
const TABLES: &str = "routegen-tables";

fn owned(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

fn github_sets(c: &mut Criterion) {
    // github: path i is route i's own path.
    let routes = owned(&lines(routegen_benches::GITHUB_ROUTES));
    let paths = lines(routegen_benches::GITHUB_PATHS);
    let expected: Vec<Option<usize>> = (0..paths.len()).map(Some).collect();
    group!(
        c,
        "github",
        github,
        github_tables,
        TABLES,
        &routes,
        &paths,
        &expected,
        true
    )
    .finish();

    // github_v3: the expected route of each path is matchit's (routegen promises its semantics).
    let routes_v3 = owned(&lines(routegen_benches::GITHUB_V3_ROUTES));
    let paths_v3 = lines(routegen_benches::GITHUB_V3_PATHS);
    let reference = Peers::new(&routes_v3);
    let expected_v3: Vec<Option<usize>> = paths_v3.iter().map(|p| reference.matchit(p)).collect();
    assert!(
        expected_v3.iter().all(Option::is_some),
        "every github-v3 path matches"
    );
    group!(
        c,
        "github_v3",
        github_v3,
        github_v3_tables,
        TABLES,
        &routes_v3,
        &paths_v3,
        &expected_v3,
        true
    )
    .finish();

    // static: the github routes without parameters, and their own paths.
    let statics: Vec<String> = routes
        .iter()
        .filter(|p| !p.contains('{'))
        .cloned()
        .collect();
    let static_paths: Vec<&str> = statics.iter().map(String::as_str).collect();
    let static_expected: Vec<Option<usize>> = (0..statics.len()).map(Some).collect();
    verify("phf", "static", &static_paths, &static_expected, |p| {
        STATIC_PHF.get(p).copied()
    });
    let mut group = group!(
        c,
        "static",
        static_routes,
        static_routes_tables,
        TABLES,
        &statics,
        &static_paths,
        &static_expected,
        true
    );
    group.bench_function("phf", |b| {
        b.iter(|| {
            for p in black_box(&static_paths) {
                black_box(&STATIC_PHF.get(p));
            }
        })
    });
    verify(
        "match",
        "static",
        &static_paths,
        &static_expected,
        static_match,
    );
    group.bench_function("match", |b| {
        b.iter(|| {
            for p in black_box(&static_paths) {
                black_box(&static_match(p));
            }
        })
    });
    group.finish();
}

macro_rules! scale {
    ($c:expr, $n:literal, $module:ident, $other:ident, $other_name:expr) => {{
        let patterns = synth::routes($n);
        // Every route once, shuffled (each equally cold); then as many hits drawn with a Zipf
        // skew, as in a service's traffic, where a few routes take most lookups.
        for (suffix, hits) in [
            ("", synth::hits(&patterns)),
            ("_zipf", synth::zipf_hits(&patterns)),
        ] {
            let paths: Vec<&str> = hits.iter().map(|(p, _)| p.as_str()).collect();
            let expected: Vec<Option<usize>> = hits.iter().map(|(_, i)| Some(*i)).collect();
            let name = format!("scale_{}{suffix}", $n);
            group!(
                $c,
                name.as_str(),
                $module,
                $other,
                $other_name,
                &patterns,
                &paths,
                &expected,
                true
            )
            .finish();
        }

        let reference = Peers::new(&patterns);
        let misses: Vec<String> = (synth::miss_candidates(&patterns).into_iter())
            .filter(|p| reference.matchit(p).is_none())
            .collect();
        let miss_paths: Vec<&str> = misses.iter().map(String::as_str).collect();
        eprintln!(
            "{}: {} miss paths",
            concat!("scale_", stringify!($n)),
            miss_paths.len()
        );
        let none = vec![None; miss_paths.len()];
        let name = concat!("scale_", stringify!($n), "_misses");
        group!(
            $c,
            name,
            $module,
            $other,
            $other_name,
            &patterns,
            &miss_paths,
            &none,
            false
        )
        .finish();
    }};
}

fn scale_sets(c: &mut Criterion) {
    scale!(c, 100, scale_100, scale_100_tables, TABLES);
    scale!(c, 1000, scale_1000, scale_1000_tables, TABLES);
    #[cfg(feature = "scale-10k")]
    {
        use routegen_benches::{scale_10000, scale_10000_code};
        // At 10,000 routes the default lookup is tables; the code form is the other contender.
        scale!(c, 10000, scale_10000, scale_10000_code, "routegen-code");
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = lookup;
    config = config();
    targets = github_sets, scale_sets
}
criterion_main!(lookup);
