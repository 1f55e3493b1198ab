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
mod json;
mod model;
mod parse;
mod pattern;
mod phf;
mod source;
mod validate;
mod write;

use std::path::Path;

pub use ast::{Format, Transport};
pub use builder::{Builder, Generated, Lookup};
pub use diagnostic::{Diagnostic, Errors, Location};
pub use interp::{Matched, Reference};
pub use source::{RouteSource, RouteText, SourceError};

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

/// Everything a build reads routes from.
pub(crate) struct Inputs {
    dirs: Vec<discover::RouteDir>,
    sources: Vec<source::SourceHandle>,
    in_memory: Vec<(String, String)>,
}

/// Stages 1 to 3, shared by code generation and the reference matcher: the validated routers
/// and the discovered files, or every problem found.
fn front_end(
    inputs: &Inputs,
    base: &Path,
) -> Result<(model::Routers, discover::Discovered), Errors> {
    let mut diags = diagnostic::Diagnostics::default();
    check_mounts(&inputs.dirs, &mut diags);
    let mut found = discover::discover(&inputs.dirs, base, &mut diags);
    source::load(&inputs.sources, base, &mut found, &mut diags);
    for (name, text) in &inputs.in_memory {
        found.inputs.push(discover::Input {
            file: found.sources.files.len(),
            format: discover::format_of(Path::new(name)).unwrap_or(Format::Toml),
            transport: None,
            mount: None,
        });
        found
            .sources
            .files
            .push(diagnostic::SourceFile::new(name.clone(), text.clone()));
    }
    let files: Vec<ast::RouteFile> = (found.inputs.iter())
        .filter_map(|input| {
            let text = &found.sources.files[input.file].text;
            let mut file =
                parse::parse_file(input.file, text, input.format, input.transport, &mut diags)?;
            file.mount.clone_from(&input.mount);
            Some(file)
        })
        .collect();
    let routers = validate::validate(&files, &found.sources, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_errors(&found.sources));
    }
    Ok((routers, found))
}

/// Mount prefixes come from the build script: literal paths, so that joining them to a file's
/// patterns never glues two words or doubles a `/`.
fn check_mounts(dirs: &[discover::RouteDir], diags: &mut diagnostic::Diagnostics) {
    for dir in dirs {
        let (discover::Mount::At(prefix) | discover::Mount::Each(prefix)) = &dir.mount else {
            continue;
        };
        if !prefix.starts_with('/') || prefix.ends_with('/') {
            diags.push(diagnostic::Report::general(format!(
                "mount prefix `{prefix}` of `{}` must start with `/` and not end with one",
                dir.shown
            )));
        }
    }
}

/// Above this many HTTP routes, [`Lookup::Auto`] generates the tree as tables.
const TABLE_ROUTE_LIMIT: usize = 2000;

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
    inputs: &Inputs,
    base: &Path,
    pretty: Option<bool>,
    lookup: Lookup,
) -> Result<Generated, Errors> {
    let mut timings = Timings::from_env();
    let (routers, found) = front_end(inputs, base)?;
    timings.stage("discover, parse, validate");
    let tables = match lookup {
        Lookup::Code => false,
        Lookup::Tables => true,
        Lookup::Auto => routers.http.routes.len() > TABLE_ROUTE_LIMIT,
    };
    let compiled = compile::compile(&routers.http, tables);
    timings.stage("compile");
    let tokens = expand::expand(&routers, &compiled);
    timings.stage("expand");
    let shown: Vec<String> = found
        .sources
        .files
        .iter()
        .map(|f| f.display.clone())
        .collect();
    let pretty = pretty.unwrap_or(routers.route_count() <= PRETTY_ROUTE_LIMIT);
    let code = format::format(tokens, &shown, pretty);
    timings.stage("format");
    Ok(Generated {
        code,
        route_count: routers.route_count(),
        ignored_files: found.ignored,
    })
}
