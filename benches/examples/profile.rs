//! A small driver for `valgrind --tool=callgrind` (instruction counts are stable on a noisy
//! machine): looks up every github path `ROUNDS` times with one contender.
//!
//! `cargo build --release -p routegen-benches --example profile`, then
//! `valgrind --tool=callgrind target/release/examples/profile routegen 1000` and the same with 0
//! rounds; (difference) / (1000 * 130) is the instruction count of one lookup. `static` looks
//! up the 27 static github paths in the static-only router instead (divide by 1000 * 27), and
//! `static-phf` / `static-matchit` in the peers and `static-match` in one `match` on `&str`;
//! `v3` and `v3-matchit` look up the 80 github_v3 paths (divide by 1000 * 80), `scale-100` and
//! `scale-100-matchit` the 100 hit paths of `scale_100` (divide by 1000 * 100);
//! `scale` and `scale-matchit` look up the 1,000 hit paths of the `scale_1000` set (divide by
//! 1000 * 1000), `scale-misses` / `scale-misses-matchit` its 861 miss paths, and `scale-zipf` /
//! `scale-zipf-matchit` 1,000 hits drawn with a Zipf skew (`synth::zipf_hits`). `tables`,
//! `scale-tables` and `scale-zipf-tables` run the same sets generated with `Lookup::Tables`.
//! With `--features scale-10k`, `scale-10k` and `scale-10k-matchit` look up the 10,000 hit
//! paths of `scale_10000` (divide by 1000 * 10000), whose default form is tables, and
//! `scale-10k-misses` and `scale-10k-misses-matchit` its miss paths (8,472), and
//! `scale-10k-zipf` and `scale-10k-zipf-matchit` 10,000 Zipf-drawn hits.
//!
//! The driver prints how many paths one round looks up. `benches/callgrind.sh CONTENDER` runs
//! it under callgrind and divides by the lookups, in all and by function.

use std::hint::black_box;

use routegen::Method;
use routegen_benches::{floor, github, github_v3, scale_100, scale_1000, static_routes};
use routegen_benches::{github_tables, scale_1000_tables};
use routegen_benches::{synth, synth::lines};

/// Looks up every path `rounds` times. One copy per contender (`lookup` is a distinct closure
/// type each time), kept out of line so that callgrind counts it apart from `main`.
#[inline(never)]
fn run<'p, R>(paths: &[&'p str], rounds: usize, lookup: impl Fn(&'p str) -> R) -> usize {
    for _ in 0..rounds {
        for p in black_box(paths) {
            let _ = black_box(lookup(p));
        }
    }
    paths.len()
}

/// The synthetic set's hit paths (one a route, in the benchmark's shuffled order).
fn hit_paths(patterns: &[String]) -> Vec<String> {
    synth::hits(patterns).into_iter().map(|(p, _)| p).collect()
}

/// The paths a scale contender named `who` looks up in the set of `patterns`, as the benchmark
/// does: for `*-misses*` the miss candidates that `matches` turns away, for `*-zipf*` the Zipf
/// draws, else one hit a route.
fn scale_paths(who: &str, patterns: &[String], matches: impl Fn(&str) -> bool) -> Vec<String> {
    if who.contains("misses") {
        (synth::miss_candidates(patterns).into_iter())
            .filter(|p| !matches(p))
            .collect()
    } else if who.contains("zipf") {
        (synth::zipf_hits(patterns).into_iter())
            .map(|(p, _)| p)
            .collect()
    } else {
        hit_paths(patterns)
    }
}

/// Borrowed views of owned strings, for the drivers that take `&[&str]`.
fn strs(owned: &[String]) -> Vec<&str> {
    owned.iter().map(String::as_str).collect()
}

include!(concat!(env!("OUT_DIR"), "/static_phf.rs"));
include!(concat!(env!("OUT_DIR"), "/static_match.rs"));

/// matchit's own driver: through `run`'s closure, LLVM stops inlining `Router::at` and matchit
/// counts 28 more instructions a lookup (546 against 518 on github), so it keeps this one.
#[inline(never)]
fn run_matchit(router: &matchit::Router<usize>, paths: &[&str], rounds: usize) -> usize {
    for _ in 0..rounds {
        for p in black_box(paths) {
            let _ = black_box(router.at(p));
        }
    }
    paths.len()
}

#[inline(never)]
fn run_floor(items: &[(&str, Vec<floor::Seg<'_>>)], rounds: usize) -> usize {
    for _ in 0..rounds {
        for (p, segs) in black_box(items) {
            let mut params = [""; 8];
            black_box(floor::check(segs, p, &mut params));
            black_box(&params);
        }
    }
    items.len()
}

fn matchit_router(routes: &[&str]) -> matchit::Router<usize> {
    let mut router = matchit::Router::new();
    for (i, r) in routes.iter().enumerate() {
        router.insert(*r, i).expect("valid route");
    }
    router
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let who = args.get(1).map(String::as_str).unwrap_or("routegen");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1000);
    let routes = lines(routegen_benches::GITHUB_ROUTES);
    let paths = lines(routegen_benches::GITHUB_PATHS);
    let paths_per_round = match who {
        "routegen" => run(&paths, rounds, |p| github::recognize(Method::GET, p)),
        "tables" => run(&paths, rounds, |p| github_tables::recognize(Method::GET, p)),
        "static" | "static-phf" | "static-matchit" | "static-match" => {
            let statics: Vec<&str> = routes
                .iter()
                .copied()
                .filter(|r| !r.contains('{'))
                .collect();
            match who {
                "static" => run(&statics, rounds, |p| {
                    static_routes::recognize(Method::GET, p)
                }),
                "static-phf" => run(&statics, rounds, |p| STATIC_PHF.get(p)),
                "static-match" => run(&statics, rounds, static_match),
                _ => run_matchit(&matchit_router(&statics), &statics, rounds),
            }
        }
        "matchit" => run_matchit(&matchit_router(&routes), &paths, rounds),
        "v3" | "v3-matchit" => {
            let paths = lines(routegen_benches::GITHUB_V3_PATHS);
            if who == "v3" {
                run(&paths, rounds, |p| github_v3::recognize(Method::GET, p))
            } else {
                let routes = lines(routegen_benches::GITHUB_V3_ROUTES);
                run_matchit(&matchit_router(&routes), &paths, rounds)
            }
        }
        "scale-100" | "scale-100-matchit" => {
            let patterns = synth::routes(100);
            let hits = hit_paths(&patterns);
            let hits = strs(&hits);
            if who == "scale-100" {
                run(&hits, rounds, |p| scale_100::recognize(Method::GET, p))
            } else {
                let patterns = strs(&patterns);
                run_matchit(&matchit_router(&patterns), &hits, rounds)
            }
        }
        #[cfg(feature = "scale-10k")]
        "scale-10k"
        | "scale-10k-matchit"
        | "scale-10k-misses"
        | "scale-10k-misses-matchit"
        | "scale-10k-zipf"
        | "scale-10k-zipf-matchit" => {
            let patterns = synth::routes(10_000);
            let hits = scale_paths(who, &patterns, |p| {
                routegen_benches::scale_10000::recognize(Method::GET, p).is_ok()
            });
            let hits = strs(&hits);
            if matches!(who, "scale-10k" | "scale-10k-misses" | "scale-10k-zipf") {
                run(&hits, rounds, |p| {
                    routegen_benches::scale_10000::recognize(Method::GET, p)
                })
            } else {
                let patterns = strs(&patterns);
                run_matchit(&matchit_router(&patterns), &hits, rounds)
            }
        }
        "scale"
        | "scale-tables"
        | "scale-matchit"
        | "scale-misses"
        | "scale-misses-matchit"
        | "scale-zipf"
        | "scale-zipf-tables"
        | "scale-zipf-matchit" => {
            let patterns = synth::routes(1000);
            let hits = scale_paths(who, &patterns, |p| {
                scale_1000::recognize(Method::GET, p).is_ok()
            });
            let hits = strs(&hits);
            if matches!(who, "scale" | "scale-misses" | "scale-zipf") {
                run(&hits, rounds, |p| scale_1000::recognize(Method::GET, p))
            } else if who.ends_with("tables") {
                run(&hits, rounds, |p| {
                    scale_1000_tables::recognize(Method::GET, p)
                })
            } else {
                let patterns = strs(&patterns);
                run_matchit(&matchit_router(&patterns), &hits, rounds)
            }
        }
        "floor" => {
            let items: Vec<(&str, Vec<floor::Seg<'_>>)> = (paths.iter().zip(&routes))
                .map(|(p, r)| (*p, floor::parse(r)))
                .collect();
            run_floor(&items, rounds)
        }
        other => panic!(
            "unknown contender {other}: routegen, tables, matchit, floor, static, static-phf, \
             static-matchit, static-match, v3, v3-matchit, scale-100, scale-100-matchit, scale, \
             scale-tables, scale-matchit, scale-misses, scale-misses-matchit, scale-zipf, \
             scale-zipf-tables, scale-zipf-matchit, scale-10k, scale-10k-matchit, \
             scale-10k-misses, scale-10k-misses-matchit, scale-10k-zipf or scale-10k-zipf-matchit"
        ),
    };
    // `benches/callgrind.sh` divides by this (and the rounds) for the counts of one lookup.
    eprintln!("{paths_per_round} paths a round");
}
