//! The build-script API: [`Builder`] and its options.

use std::env;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Errors;
use crate::ast::Transport;
use crate::discover::{Mount, RouteDir};
use crate::source::{RouteSource, SourceHandle};

/// A route directory as the build script named it.
#[derive(Debug, Clone)]
struct DirSpec {
    dir: PathBuf,
    transport: Option<Transport>,
    mount: Mount,
}

/// Configures and runs the generator. Start from [`Builder::new`], chain options, and end with
/// [`compile`](Builder::compile) in a build script (or [`generate`](Builder::generate) to get the
/// code as a string).
///
/// ```no_run
/// // in build.rs's `fn main`
/// routegen_codegen::Builder::new()
///     .route_dir("routes")
///     .route_dir("plugin_routes")
///     .compile();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    route_dirs: Vec<DirSpec>,
    sources: Vec<SourceHandle>,
    in_memory: Vec<(String, String)>,
    out_dir: Option<PathBuf>,
    output_file: String,
    base_dir: Option<PathBuf>,
    pretty: Option<bool>,
    lookup: Lookup,
}

/// The shape of the generated lookup for HTTP routes (see [`Builder::lookup`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookup {
    /// [`Code`](Lookup::Code) up to 2,000 HTTP routes, [`Tables`](Lookup::Tables) above.
    #[default]
    Auto,
    /// The route tree as nested generated code, static routes in it or in a perfect-hash
    /// table: the fastest lookups, at a build cost that grows with the route count (about 30 s
    /// of debug build at 10,000 routes).
    Code,
    /// The route tree as static arrays that the runtime walks: a few seconds of build at
    /// 10,000 routes and a smaller binary, for slower lookups on small route sets
    /// (BENCHMARKS.md has the figures).
    Tables,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// The result of a successful run.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The generated Rust source.
    pub code: String,
    /// How many routes it defines.
    pub route_count: usize,
    /// Files under the route directories that are not route files (not `*.toml` or `*.json`)
    /// and were therefore not read.
    pub ignored_files: Vec<String>,
}

impl Builder {
    /// A builder with no route directory yet, writing `routes.rs` to `$OUT_DIR`.
    pub fn new() -> Builder {
        Builder {
            route_dirs: Vec::new(),
            sources: Vec::new(),
            in_memory: Vec::new(),
            out_dir: None,
            output_file: "routes.rs".to_owned(),
            base_dir: None,
            pretty: None,
            lookup: Lookup::Auto,
        }
    }

    /// Adds a directory of route files, searched recursively for `*.toml` and `*.json`. A
    /// relative path is relative to the crate's manifest directory. All sources are validated
    /// together, as one route set.
    ///
    /// ```no_run
    /// routegen_codegen::Builder::new().route_dir("routes").compile();
    /// ```
    pub fn route_dir(self, dir: impl AsRef<Path>) -> Builder {
        self.dir(dir, None, Mount::None)
    }

    /// Adds a directory whose files route `transport`: they need no `transport` key, and one
    /// they write must agree.
    ///
    /// ```no_run
    /// use routegen_codegen::{Builder, Transport};
    /// Builder::new().route_dir("routes").transport_dir(Transport::Mqtt, "topics").compile();
    /// ```
    pub fn transport_dir(self, transport: Transport, dir: impl AsRef<Path>) -> Builder {
        self.dir(dir, Some(transport), Mount::None)
    }

    /// Adds a directory whose HTTP routes all live under `prefix` (`"/admin"`), as if each of
    /// its files started with that prefix.
    ///
    /// ```no_run
    /// routegen_codegen::Builder::new().route_dir("routes").mount("/admin", "admin").compile();
    /// ```
    pub fn mount(self, prefix: impl Into<String>, dir: impl AsRef<Path>) -> Builder {
        self.dir(dir, None, Mount::At(prefix.into()))
    }

    /// Adds a directory of plugins: the routes of each entry `<name>` (a file `<name>.toml` or
    /// `<name>.json`, or a directory `<name>/`) live under `<prefix>/<name>`.
    ///
    /// ```no_run
    /// // plugins/auth.toml -> /plugins/auth/..., plugins/billing/*.toml -> /plugins/billing/...
    /// routegen_codegen::Builder::new().mount_each("/plugins", "plugins").compile();
    /// ```
    pub fn mount_each(self, prefix: impl Into<String>, dir: impl AsRef<Path>) -> Builder {
        self.dir(dir, None, Mount::Each(prefix.into()))
    }

    fn dir(mut self, dir: impl AsRef<Path>, transport: Option<Transport>, mount: Mount) -> Builder {
        self.route_dirs.push(DirSpec {
            dir: dir.as_ref().to_path_buf(),
            transport,
            mount,
        });
        self
    }

    /// Adds a programmatic source of routes (see [`RouteSource`]), validated together with the
    /// route directories.
    pub fn source(mut self, source: impl RouteSource + 'static) -> Builder {
        self.sources.push(SourceHandle(std::sync::Arc::new(source)));
        self
    }

    /// Adds one route file given as text, shown as `name` in diagnostics and `RouteInfo::file`;
    /// JSON when `name` ends in `.json`, TOML otherwise. It is validated together with the
    /// other sources, after them. For route files made by a program (tests, tools).
    ///
    /// ```
    /// let generated = routegen_codegen::Builder::new()
    ///     .route_source("memory/a.toml", "[[route]]\nname = \"a\"\npath = \"/a\"\n")
    ///     .generate()
    ///     .unwrap();
    /// assert_eq!(generated.route_count, 1);
    /// ```
    pub fn route_source(mut self, name: impl Into<String>, text: impl Into<String>) -> Builder {
        self.in_memory.push((name.into(), text.into()));
        self
    }

    /// Where to write the generated file; `$OUT_DIR` (set by cargo for build scripts) by default.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The generated file's name, `routes.rs` by default. Include another name with
    /// `routegen::include_routes!("name.rs")`.
    ///
    /// ```no_run
    /// routegen_codegen::Builder::new().route_dir("admin").output_file("admin_routes.rs").compile();
    /// ```
    pub fn output_file(mut self, name: impl Into<String>) -> Builder {
        self.output_file = name.into();
        self
    }

    /// Whether to format the generated code with prettyplease. By default it is formatted up to
    /// 2,000 routes; larger route sets are written as plain token text, which compiles the same
    /// but saves most of the generator's time.
    pub fn pretty(mut self, pretty: bool) -> Builder {
        self.pretty = Some(pretty);
        self
    }

    /// The shape of the HTTP lookup: generated code, or tables walked by the runtime. Both give
    /// the same answers; by default ([`Lookup::Auto`]) route sets above 2,000 HTTP routes get
    /// tables, which build many times faster.
    ///
    /// ```no_run
    /// use routegen_codegen::{Builder, Lookup};
    /// Builder::new().route_dir("routes").lookup(Lookup::Tables).compile();
    /// ```
    pub fn lookup(mut self, lookup: Lookup) -> Builder {
        self.lookup = lookup;
        self
    }

    /// The directory relative route directories are resolved against, and file paths in
    /// diagnostics and `RouteInfo::file` are shown relative to; `$CARGO_MANIFEST_DIR` (or the
    /// current directory) by default.
    pub fn base_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.base_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    fn base(&self) -> PathBuf {
        self.base_dir
            .clone()
            .or_else(|| env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .or_else(|| env::current_dir().ok())
            .unwrap_or_default()
    }

    /// Runs the pipeline and returns the generated code, without writing anything or printing
    /// cargo instructions.
    ///
    /// # Errors
    /// Every problem found in the route files, rendered like rustc's diagnostics.
    pub fn generate(&self) -> Result<Generated, Errors> {
        let base = self.base();
        crate::with_large_stack(|| crate::run(&self.inputs(&base), &base, self.pretty, self.lookup))
    }

    /// Validates the routes and returns the reference matcher over them (see [`Reference`]),
    /// without generating code.
    ///
    /// # Errors
    /// Every problem found in the route files, as for [`generate`](Builder::generate).
    ///
    /// [`Reference`]: crate::Reference
    pub fn reference(&self) -> Result<crate::Reference, Errors> {
        let base = self.base();
        let (routers, _) =
            crate::with_large_stack(|| crate::front_end(&self.inputs(&base), &base))?;
        Ok(crate::Reference::new(routers.http))
    }

    fn inputs(&self, base: &Path) -> crate::Inputs {
        crate::Inputs {
            dirs: self
                .route_dirs
                .iter()
                .map(|spec| RouteDir {
                    shown: spec.dir.display().to_string(),
                    path: base.join(&spec.dir),
                    transport: spec.transport,
                    mount: spec.mount.clone(),
                })
                .collect(),
            sources: self.sources.clone(),
            in_memory: self.in_memory.clone(),
        }
    }

    /// The build-script entry point: tells cargo to rerun when a route file changes, generates
    /// the router and writes it to the output file (only if its content changed).
    ///
    /// On invalid routes it prints one `cargo::error=` line per problem, then the rendered
    /// diagnostics on stderr, and exits the build script with status 1: cargo then fails the
    /// build and shows them. It never panics on bad input.
    pub fn compile(&self) {
        let base = self.base();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for spec in &self.route_dirs {
            // cargo scans a directory recursively for changes, so adding, editing or deleting a
            // route file reruns the build script.
            let _ = writeln!(
                out,
                "cargo::rerun-if-changed={}",
                base.join(&spec.dir).display()
            );
        }
        for source in &self.sources {
            for path in source.0.watched(&base) {
                let _ = writeln!(out, "cargo::rerun-if-changed={}", base.join(path).display());
            }
        }
        let result = self.generate().and_then(|generated| {
            for ignored in &generated.ignored_files {
                let _ = writeln!(
                    out,
                    "cargo::warning=routegen: ignoring {ignored}: route files end in .toml or .json"
                );
            }
            self.write(&generated.code)
                .map_err(|message| crate::diagnostic::general_errors(&message))
        });
        if let Err(errors) = result {
            for diagnostic in errors.diagnostics() {
                let line = match diagnostic.location() {
                    Some(location) => format!("{location}: {}", diagnostic.message()),
                    None => diagnostic.message().to_owned(),
                };
                let _ = writeln!(out, "cargo::error={line}");
            }
            let _ = out.flush();
            eprintln!("{errors}");
            std::process::exit(1);
        }
    }

    fn write(&self, code: &str) -> Result<PathBuf, String> {
        let out_dir = self
            .out_dir
            .clone()
            .or_else(|| env::var_os("OUT_DIR").map(PathBuf::from))
            .ok_or(
                "OUT_DIR is not set: call `compile` from a build script, or set `Builder::out_dir`",
            )?;
        let path = out_dir.join(&self.output_file);
        crate::write::write_if_changed(&path, code)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        Ok(path)
    }
}
