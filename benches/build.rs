//! Generates every router the benchmarks use, into `OUT_DIR` (no generated code is committed):
//! the public GitHub route sets from `../../shared/bench`, their static subset (and a `phf` map
//! of it), and synthetic sets of 100, 1,000 and 10,000 routes.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use routegen_codegen::Lookup;

#[path = "src/synth.rs"]
#[allow(dead_code)]
mod synth;

/// The scale sets' sizes; `src/lib.rs` has one module per size. 10,000 only with feature
/// `scale-10k`.
const SCALES: [usize; 3] = [100, 1_000, 10_000];

fn read(dir: &Path, file: &str) -> String {
    let path = dir.join(file);
    println!("cargo::rerun-if-changed={}", path.display());
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Writes `<name>.rs` with the default lookup, and `<name>_tables.rs` (below 10,000 routes,
/// where the default is code) or `<name>_code.rs` (at 10,000, where it is tables) with the
/// other, so each set compares both shapes in one run.
fn generate(out_dir: &Path, name: &str, patterns: &[&str]) {
    let (suffix, other) = if patterns.len() < 10_000 {
        ("tables", Lookup::Tables)
    } else {
        ("code", Lookup::Code)
    };
    for (file, lookup) in [
        (name.to_owned(), Lookup::Auto),
        (format!("{name}_{suffix}"), other),
    ] {
        routegen_codegen::Builder::new()
            .route_source(format!("{name}.toml"), synth::to_toml(patterns))
            .lookup(lookup)
            .out_dir(out_dir)
            .output_file(format!("{file}.rs"))
            .compile();
    }
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/synth.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let shared = manifest.join("../../shared/bench");

    let github = read(&shared, "github.routes");
    let github = synth::lines(&github);
    generate(&out_dir, "github", &github);

    let github_v3 = read(&shared, "github-v3.routes");
    generate(&out_dir, "github_v3", &synth::lines(&github_v3));

    let statics: Vec<&str> = github
        .iter()
        .copied()
        .filter(|p| !p.contains('{'))
        .collect();
    generate(&out_dir, "static", &statics);
    let mut phf = phf_codegen::Map::new();
    for (i, p) in statics.iter().enumerate() {
        phf.entry(*p, i.to_string());
    }
    let phf_code = format!(
        "/// The static GitHub routes: path -> route index.\n\
         static STATIC_PHF: ::phf::Map<&'static str, usize> = {};\n",
        phf.build()
    );
    write_if_changed(&out_dir.join("static_phf.rs"), &phf_code);
    write_if_changed(&out_dir.join("static_match.rs"), &static_match(&statics));

    let with_10k = env::var_os("CARGO_FEATURE_SCALE_10K").is_some();
    for n in SCALES.into_iter().filter(|&n| n < 10_000 || with_10k) {
        let patterns = synth::routes(n);
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        generate(&out_dir, &format!("scale_{n}"), &patterns);
    }
}

/// The static GitHub routes as a hand-written router would have them: one `match` on `&str`,
/// the design the issue calibrated its static target on (a generated `match` on `&str`, about
/// 3 ns a path there). Out of line, as `recognize` is for the benchmark.
fn static_match(statics: &[&str]) -> String {
    let mut code = String::from(
        "/// The static GitHub routes as one `match` on `&str`: path -> route index.\n\
         #[inline(never)]\n\
         fn static_match(path: &str) -> Option<usize> {\n    match path {\n",
    );
    for (i, p) in statics.iter().enumerate() {
        code.push_str(&format!("        {p:?} => Some({i}),\n"));
    }
    code.push_str("        _ => None,\n    }\n}\n");
    code
}

fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
