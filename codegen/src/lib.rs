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
        found.sources.files.push(diagnostic::SourceFile {
            display: name.clone(),
            text: text.clone(),
        });
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

/// The whole pipeline.
fn run(
    dirs: &[discover::RouteDir],
    in_memory: &[(String, String)],
    base: &Path,
) -> Result<Generated, Errors> {
    let (router, found) = front_end(dirs, in_memory, base)?;
    let compiled = compile::compile(&router);
    let tokens = expand::expand(&router, &compiled);
    let shown: Vec<String> = found
        .sources
        .files
        .iter()
        .map(|f| f.display.clone())
        .collect();
    Ok(Generated {
        code: format::format(tokens, &shown),
        route_count: router.routes.len(),
        ignored_files: found.ignored,
    })
}
