//! Times `routegen_codegen::Builder::generate()` (parse, validate, compile, expand, format) on
//! the synthetic scale sets; used by `build-cost.sh`.
//!
//! `codegen-time [N...]` (default 100 1000 10000) prints one line per size:
//! `N <seconds> <bytes of generated code>`, the best of 3 runs.
//! `codegen-time --toml N` prints the route file of the scale set of `N` routes instead.

use std::time::Instant;

use routegen_benches::synth;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--toml") {
        let n: usize = args[1].parse().expect("a route count");
        print!("{}", synth::to_toml(&synth::routes(n)));
        return;
    }
    let mut sizes: Vec<usize> = (args.iter())
        .map(|a| a.parse().expect("route counts are numbers"))
        .collect();
    if sizes.is_empty() {
        sizes = vec![100, 1_000, 10_000];
    }
    for n in sizes {
        let text = synth::to_toml(&synth::routes(n));
        let mut best = f64::INFINITY;
        let mut bytes = 0;
        for _ in 0..3 {
            let start = Instant::now();
            let generated = routegen_codegen::Builder::new()
                .route_source("scale.toml", text.clone())
                .generate()
                .unwrap_or_else(|e| panic!("scale_{n}: {e}"));
            best = best.min(start.elapsed().as_secs_f64());
            bytes = generated.code.len();
            assert_eq!(generated.route_count, n);
        }
        println!("{n} {best:.3} {bytes}");
    }
}
