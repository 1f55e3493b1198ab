//! Compiles every example of docs/SEMANTICS.md and a few hundred random route sets into generated
//! routers, so the tests can run the real generated code against the reference matcher and matchit.
//!
//! `ROUTEGEN_DIFF_SEED` picks the random sets (a fixed seed by default), `ROUTEGEN_DIFF_SETS` how
//! many matchit-accepted sets to generate (200 by default).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

// The path and value helpers of spec.rs are for the tests, not this script.
#[allow(dead_code)]
#[path = "src/spec.rs"]
mod spec;

use routegen_codegen::Lookup;
use spec::{Rng, RouteSpec};

/// What a compiled set is checked against.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A `semantics` block of docs/SEMANTICS.md (the N-th of them).
    Example(usize),
    /// A random any-method set that matchit accepts: generated, reference and matchit agree.
    Matchit,
    /// A random set matchit rejects but routegen accepts (documented orderings): generated and
    /// reference agree.
    BeyondMatchit,
    /// A random set with method lists: generated and reference agree (matchit has no methods).
    Methods,
}

struct Set {
    kind: Kind,
    routes: Vec<RouteSpec>,
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let semantics = manifest.join("../../docs/SEMANTICS.md");
    println!("cargo::rerun-if-changed={}", semantics.display());
    println!("cargo::rerun-if-changed=src/spec.rs");
    println!("cargo::rerun-if-env-changed=ROUTEGEN_DIFF_SEED");
    println!("cargo::rerun-if-env-changed=ROUTEGEN_DIFF_SETS");
    let seed: u64 = env::var("ROUTEGEN_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let wanted: usize = env::var("ROUTEGEN_DIFF_SETS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);

    let mut sets = Vec::new();
    let markdown = fs::read_to_string(&semantics).expect("docs/SEMANTICS.md");
    for (n, block) in spec::blocks(&markdown)
        .into_iter()
        .filter(|b| !b.conflict)
        .enumerate()
    {
        sets.push(Set {
            kind: Kind::Example(n),
            routes: block.routes,
        });
    }

    // Random sets: keep drawing until `wanted` sets that matchit accepts. Sets matchit rejects
    // are kept (up to a tenth as many) when routegen accepts them; a set matchit accepts and
    // routegen rejects is a false conflict, which the tests report.
    let mut rng = Rng(seed);
    let (mut accepted, mut beyond, mut false_conflicts) = (0, 0, Vec::new());
    while accepted < wanted {
        let routes = spec::random_set(&mut rng, false);
        let matchit_ok = {
            let mut router = matchit::Router::new();
            routes
                .iter()
                .all(|r| router.insert(r.pattern.as_str(), ()).is_ok())
        };
        let routegen_ok = generate(&routes).is_ok();
        match (matchit_ok, routegen_ok) {
            (true, true) => {
                accepted += 1;
                sets.push(Set {
                    kind: Kind::Matchit,
                    routes,
                });
            }
            (true, false) => {
                accepted += 1;
                false_conflicts.push(spec::toml(&routes));
            }
            (false, true) if beyond < wanted / 10 => {
                beyond += 1;
                sets.push(Set {
                    kind: Kind::BeyondMatchit,
                    routes,
                });
            }
            _ => {}
        }
    }
    let mut with_methods = 0;
    while with_methods < wanted / 5 {
        let routes = spec::random_set(&mut rng, true);
        if generate(&routes).is_ok() {
            with_methods += 1;
            sets.push(Set {
                kind: Kind::Methods,
                routes,
            });
        }
    }

    let mut statics = 0;
    while statics < wanted / 10 {
        let routes = spec::static_set(&mut rng);
        if !routes.is_empty() && generate(&routes).is_ok() {
            statics += 1;
            sets.push(Set {
                kind: Kind::Methods,
                routes,
            });
        }
    }

    let mut index = String::new();
    writeln!(
        index,
        "/// The seed the random sets were drawn with.\npub const SEED: u64 = {seed};"
    )
    .unwrap();
    writeln!(
        index,
        "/// Route sets matchit accepts and routegen rejected (must stay empty)."
    )
    .unwrap();
    writeln!(
        index,
        "pub static FALSE_CONFLICTS: &[&str] = &{false_conflicts:?};"
    )
    .unwrap();
    // Each set twice: as code (the default at these sizes) and as tables, the shape of large
    // route sets; the tests hold both to the same answers.
    for (i, set) in sets.iter().enumerate() {
        for (module, lookup) in [("set", Lookup::Code), ("tables", Lookup::Tables)] {
            let code = generate_with(&set.routes, lookup).expect("checked above");
            fs::write(out.join(format!("{module}_{i}.rs")), code).unwrap();
            writeln!(
                index,
                "mod {module}_{i} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{module}_{i}.rs\")); \
                 pub fn adapter(method: ::routegen::Method, path: &str) -> crate::Outcome<'_> {{ \
                 recognize(method, path).map(|r| (r.index(), r.params().collect())) }} }}"
            )
            .unwrap();
        }
    }
    writeln!(
        index,
        "/// Every compiled set.\npub static SETS: &[Set] = &["
    )
    .unwrap();
    for (i, set) in sets.iter().enumerate() {
        let kind = match set.kind {
            Kind::Example(n) => format!("Kind::Example({n})"),
            Kind::Matchit => "Kind::Matchit".to_owned(),
            Kind::BeyondMatchit => "Kind::BeyondMatchit".to_owned(),
            Kind::Methods => "Kind::Methods".to_owned(),
        };
        writeln!(
            index,
            "    Set {{ kind: {kind}, toml: {:?}, recognize: set_{i}::adapter, \
             recognize_tables: tables_{i}::adapter }},",
            spec::toml(&set.routes)
        )
        .unwrap();
    }
    writeln!(index, "];").unwrap();
    fs::write(out.join("sets.rs"), index).unwrap();
}

fn generate(routes: &[RouteSpec]) -> Result<String, routegen_codegen::Errors> {
    generate_with(routes, Lookup::Code)
}

fn generate_with(routes: &[RouteSpec], lookup: Lookup) -> Result<String, routegen_codegen::Errors> {
    routegen_codegen::Builder::new()
        .route_source("set.toml", spec::toml(routes))
        .lookup(lookup)
        .generate()
        .map(|generated| generated.code)
}
