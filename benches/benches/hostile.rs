//! Hostile paths: `recognize` time on paths of 1 KiB, 16 KiB, 128 KiB and 1 MiB, to show that
//! lookup time grows at most linearly with the path's length: flat time where the router
//! rejects the path early, flat bytes/s where it must read a long parameter.
//!
//! Shapes: one long segment, many `/a` segments, a long path under a real prefix and one long
//! parameter value against the github router; a long catch-all tail against the scale_100
//! router's first catch-all route (the github set has none).
//!
//! `cargo bench -p routegen-benches --bench hostile -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use routegen::Method;
use routegen_benches::{github, scale_100, synth};

const SIZES: [(usize, &str); 4] = [
    (1 << 10, "1KiB"),
    (16 << 10, "16KiB"),
    (128 << 10, "128KiB"),
    (1 << 20, "1MiB"),
];

/// `prefix` followed by `unit` repeated up to `len` bytes.
fn fill(prefix: &str, unit: &str, len: usize) -> String {
    let mut s = String::with_capacity(len + unit.len());
    s.push_str(prefix);
    while s.len() + unit.len() <= len {
        s.push_str(unit);
    }
    s
}

fn hostile(c: &mut Criterion) {
    // A catch-all route of the scale_100 set, and a hit path prefix for it.
    let patterns = synth::routes(100);
    let (index, catch_all) = (patterns.iter().enumerate())
        .find(|(_, p)| p.contains("{*"))
        .expect("scale_100 has a catch-all route");
    let tail_prefix = catch_all.replace("{id}", "x1").replace("{*path}", "");

    type Shape = (&'static str, fn(usize) -> String);
    let github_shapes: [Shape; 4] = [
        ("long_segment", |n| fill("/", "a", n)),
        ("many_slashes", |n| fill("", "/a", n)),
        // a long path under a real prefix: /repos/{p1}/{p2}/ then many segments (no route)
        ("deep_under_prefix", |n| fill("/repos/p1/p2", "/a", n)),
        // /repos/{owner} is no route, but finding where `{owner}` ends reads every byte
        ("long_param", |n| fill("/repos/", "a", n)),
    ];
    for (shape, make) in github_shapes {
        let mut group = c.benchmark_group(format!("hostile_github_{shape}"));
        for (len, label) in SIZES {
            let path = make(len);
            assert!(
                github::recognize(Method::GET, &path).is_err(),
                "{shape} matches nothing"
            );
            group.throughput(Throughput::Bytes(path.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(label), &path, |b, path| {
                b.iter(|| black_box(github::recognize(Method::GET, black_box(path))))
            });
        }
        group.finish();
    }

    let mut group = c.benchmark_group("hostile_catch_all_tail");
    for (len, label) in SIZES {
        let path = fill(&tail_prefix, "a/", len);
        let route = scale_100::recognize(Method::GET, &path).expect("the catch-all matches");
        assert_eq!(route.index(), index, "{path:.80}");
        group.throughput(Throughput::Bytes(path.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &path, |b, path| {
            b.iter(|| black_box(scale_100::recognize(Method::GET, black_box(path))))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = hostile
}
criterion_main!(benches);
