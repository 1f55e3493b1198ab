//! Build-time code generator for [routegen]: a directory of route files in, a validated,
//! zero-allocation router out.
//!
//! ```no_run
//! // build.rs: `fn main() { routegen_codegen::compile("routes"); }`
//! routegen_codegen::compile("routes");
//! ```
//! and in the crate: `mod routes { routegen::include_routes!(); }`.
//!
//! The generator runs one pipeline, a module per stage:
//! `discover` (sorted walk of the route directories) -> `parse` (TOML with every location kept)
//! -> `validate` (every rule, every error collected) -> `compile` (perfect hash for static
//! routes, priority-ordered segment tree for the others) -> `expand` (`quote!`) -> `format`
//! (prettyplease) -> `write` (only when changed).
//!
//! [routegen]: https://docs.rs/routegen
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod ast;
mod builder;
mod compile;
mod diagnostic;
mod discover;
mod expand;
mod format;
mod interp;
mod model;
mod parse;
mod pattern;
mod phf;
mod validate;
mod write;

use std::path::Path;

pub use builder::{Builder, Generated};
pub use diagnostic::{Diagnostic, Errors, Location};
pub use interp::{Matched, Reference};

/// Generates the router for one directory of route files; the one line a build script needs.
///
/// Equivalent to `Builder::new().route_dir(dir).compile()`: on invalid routes the build fails
/// with every problem shown as `file:line:col` and a snippet.
pub fn compile(dir: impl AsRef<Path>) {
    Builder::new().route_dir(dir).compile();
}

/// The stack the pipeline runs on. Parsing TOML, walking nested groups, building the tree and
/// formatting nested generated code all recurse with the depth of the input; a generous stack
/// of its own keeps deep (or hostile) route files from overflowing the build script's thread.
const PIPELINE_STACK: usize = 256 << 20;

/// Runs `work` on a thread with [`PIPELINE_STACK`] bytes of stack (memory is only committed as
/// the stack is used).
fn with_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("routegen-codegen".into())
            .stack_size(PIPELINE_STACK)
            .spawn_scoped(scope, work)
            .expect("routegen-codegen could not start its pipeline thread");
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Stages 1 to 3, shared by code generation and the reference matcher: the validated router
/// and the discovered files, or every problem found.
fn front_end(
    dirs: &[discover::RouteDir],
    in_memory: &[(String, String)],
    base: &Path,
) -> Result<(model::Router, discover::Discovered), Errors> {
    let mut diags = diagnostic::Diagnostics::default();
    let mut found = discover::discover(dirs, base, &mut diags);
    for (name, text) in in_memory {
        found
            .sources
            .files
            .push(diagnostic::SourceFile::new(name.clone(), text.clone()));
    }
    let files: Vec<ast::RouteFile> = (found.sources.files.iter().enumerate())
        .filter_map(|(id, source)| parse::parse_file(id, &source.text, &mut diags))
        .collect();
    let router = validate::validate(&files, &found.sources, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_errors(&found.sources));
    }
    Ok((router, found))
}

/// Up to this many routes, the generated code is formatted with prettyplease by default.
const PRETTY_ROUTE_LIMIT: usize = 2000;

/// With `ROUTEGEN_TIMINGS` set, the time of each stage on stderr (build scripts show it with
/// `cargo build -vv`): where build time goes for a large route set.
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn from_env() -> Timings {
        Timings(std::env::var_os("ROUTEGEN_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn stage(&mut self, name: &str) {
        if let Some(started) = &mut self.0 {
            eprintln!("routegen-codegen: {name}: {:?}", started.elapsed());
            *started = std::time::Instant::now();
        }
    }
}

/// The whole pipeline.
fn run(
    dirs: &[discover::RouteDir],
    in_memory: &[(String, String)],
    base: &Path,
    pretty: Option<bool>,
) -> Result<Generated, Errors> {
    let mut timings = Timings::from_env();
    let (router, found) = front_end(dirs, in_memory, base)?;
    timings.stage("discover, parse, validate");
    let compiled = compile::compile(&router);
    timings.stage("compile");
    let tokens = expand::expand(&router, &compiled);
    timings.stage("expand");
    let shown: Vec<String> = found
        .sources
        .files
        .iter()
        .map(|f| f.display.clone())
        .collect();
    let pretty = pretty.unwrap_or(router.routes.len() <= PRETTY_ROUTE_LIMIT);
    let code = format::format(tokens, &shown, pretty);
    timings.stage("format");
    Ok(Generated {
        code,
        route_count: router.routes.len(),
        ignored_files: found.ignored,
    })
}
