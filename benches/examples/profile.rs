//! A small driver for `valgrind --tool=callgrind` (instruction counts are stable on a noisy
//! machine): looks up every github path `ROUNDS` times with one contender.
//!
//! `cargo build --release -p routegen-benches --example profile`, then
//! `valgrind --tool=callgrind target/release/examples/profile routegen 1000` and the same with 0
//! rounds; (difference) / (1000 * 130) is the instruction count of one lookup. `static` looks
//! up the 27 static github paths in the static-only router instead (divide by 1000 * 27).

use std::hint::black_box;

use routegen::Method;
use routegen_benches::{floor, github, static_routes, synth::lines};

#[inline(never)]
fn run_routegen(paths: &[&str], rounds: usize) {
    for _ in 0..rounds {
        for p in black_box(paths) {
            let _ = black_box(github::recognize(Method::GET, p));
        }
    }
}

#[inline(never)]
fn run_static(paths: &[&str], rounds: usize) {
    for _ in 0..rounds {
        for p in black_box(paths) {
            let _ = black_box(static_routes::recognize(Method::GET, p));
        }
    }
}

#[inline(never)]
fn run_matchit(router: &matchit::Router<usize>, paths: &[&str], rounds: usize) {
    for _ in 0..rounds {
        for p in black_box(paths) {
            let _ = black_box(router.at(p));
        }
    }
}

#[inline(never)]
fn run_floor(items: &[(&str, Vec<floor::Seg<'_>>)], rounds: usize) {
    for _ in 0..rounds {
        for (p, segs) in black_box(items) {
            let mut params = [""; 8];
            black_box(floor::check(segs, p, &mut params));
            black_box(&params);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let who = args.get(1).map(String::as_str).unwrap_or("routegen");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1000);
    let routes = lines(routegen_benches::GITHUB_ROUTES);
    let paths = lines(routegen_benches::GITHUB_PATHS);
    match who {
        "routegen" => run_routegen(&paths, rounds),
        "static" => {
            let statics: Vec<&str> = routes
                .iter()
                .copied()
                .filter(|r| !r.contains('{'))
                .collect();
            run_static(&statics, rounds);
        }
        "matchit" => {
            let mut router = matchit::Router::new();
            for (i, r) in routes.iter().enumerate() {
                router.insert(*r, i).expect("valid route");
            }
            run_matchit(&router, &paths, rounds);
        }
        "floor" => {
            let items: Vec<(&str, Vec<floor::Seg<'_>>)> = (paths.iter().zip(&routes))
                .map(|(p, r)| (*p, floor::parse(r)))
                .collect();
            run_floor(&items, rounds);
        }
        other => panic!("unknown contender {other}: routegen, static, matchit or floor"),
    }
}
