//! Route sources besides directories: a trait a build script implements to load routes from
//! anything (another format, an API description, a database dump), validated together with the
//! route files.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ast::{Format, Transport};
use crate::diagnostic::{Diagnostics, Loc, Report, SourceFile};
use crate::discover::{Discovered, Input};

/// A programmatic source of route files.
///
/// ```
/// use std::path::Path;
/// use routegen_codegen::{RouteSource, RouteText, SourceError};
///
/// /// Routes for every table of a (here, hard-coded) schema.
/// struct Tables(Vec<&'static str>);
///
/// impl RouteSource for Tables {
///     fn describe(&self) -> String {
///         "table routes".into()
///     }
///     fn load(&self, _base: &Path) -> Result<Vec<RouteText>, SourceError> {
///         let mut toml = String::new();
///         for table in &self.0 {
///             toml += &format!("[[route]]\nname = \"{table}_list\"\npath = \"/{table}\"\n");
///         }
///         Ok(vec![RouteText::toml("tables.toml", toml).mount("/db")])
///     }
/// }
///
/// let generated = routegen_codegen::Builder::new()
///     .source(Tables(vec!["users", "orders"]))
///     .generate()
///     .unwrap();
/// assert!(generated.code.contains("\"/db/users\""));
/// ```
pub trait RouteSource: Send + Sync {
    /// What the source is, for error messages ("OpenAPI document api.json").
    fn describe(&self) -> String;

    /// Loads the route files. `base` is the crate's manifest directory.
    ///
    /// # Errors
    /// A [`SourceError`] when the source cannot be loaded: the build fails with it, and every
    /// other source is still checked in the same build.
    fn load(&self, base: &Path) -> Result<Vec<RouteText>, SourceError>;

    /// Files or directories whose change should rerun the build script.
    fn watched(&self, base: &Path) -> Vec<PathBuf> {
        let _ = base;
        Vec::new()
    }
}

/// One route file a [`RouteSource`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteText {
    name: String,
    text: String,
    format: Format,
    transport: Option<Transport>,
    mount: Option<String>,
}

impl RouteText {
    /// A route file in TOML, shown as `name` in diagnostics and `RouteInfo::file`.
    pub fn toml(name: impl Into<String>, text: impl Into<String>) -> RouteText {
        RouteText::new(name, text, Format::Toml)
    }

    /// A route file in JSON, shown as `name` in diagnostics and `RouteInfo::file`.
    pub fn json(name: impl Into<String>, text: impl Into<String>) -> RouteText {
        RouteText::new(name, text, Format::Json)
    }

    /// A route file in `format`.
    pub fn new(name: impl Into<String>, text: impl Into<String>, format: Format) -> RouteText {
        RouteText {
            name: name.into(),
            text: text.into(),
            format,
            transport: None,
            mount: None,
        }
    }

    /// The file's transport when it has no `transport` key (and what that key must say if it
    /// has one).
    pub fn transport(mut self, transport: Transport) -> RouteText {
        self.transport = Some(transport);
        self
    }

    /// Puts every HTTP route of the file under `prefix` (`"/admin"`).
    pub fn mount(mut self, prefix: impl Into<String>) -> RouteText {
        self.mount = Some(prefix.into());
        self
    }
}

/// Why a [`RouteSource`] could not load, and where, when the problem is in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    message: String,
    location: Option<(PathBuf, usize, usize)>,
}

impl SourceError {
    /// An error without a location.
    pub fn new(message: impl Into<String>) -> SourceError {
        SourceError {
            message: message.into(),
            location: None,
        }
    }

    /// Places the error at `line` and `column` (1-based) of `file` (relative to the manifest
    /// directory, or absolute): the build shows that line, as for route files.
    pub fn at(mut self, file: impl Into<PathBuf>, line: usize, column: usize) -> SourceError {
        self.location = Some((file.into(), line, column));
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((file, line, column)) = &self.location {
            write!(f, "{}:{line}:{column}: ", file.display())?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}

/// A shared handle, so that [`Builder`](crate::Builder) stays `Clone` and `Debug`.
#[derive(Clone)]
pub(crate) struct SourceHandle(pub Arc<dyn RouteSource>);

impl fmt::Debug for SourceHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RouteSource({})", self.0.describe())
    }
}

/// Loads every programmatic source into `found`, reporting those that fail.
pub(crate) fn load(
    sources: &[SourceHandle],
    base: &Path,
    found: &mut Discovered,
    diags: &mut Diagnostics,
) {
    for source in sources {
        match source.0.load(base) {
            Ok(texts) => {
                for text in texts {
                    found.inputs.push(Input {
                        file: found.sources.files.len(),
                        format: text.format,
                        transport: text.transport,
                        mount: text.mount,
                    });
                    found
                        .sources
                        .files
                        .push(SourceFile::new(text.name, text.text));
                }
            }
            Err(error) => report(&*source.0, error, base, found, diags),
        }
    }
}

fn report(
    source: &dyn RouteSource,
    error: SourceError,
    base: &Path,
    found: &mut Discovered,
    diags: &mut Diagnostics,
) {
    let message = format!(
        "route source `{}` failed to load: {}",
        source.describe(),
        error.message
    );
    let Some((file, line, column)) = &error.location else {
        diags.push(Report::general(message));
        return;
    };
    // Show the line the source points at, when the file can be read: the source's file joins
    // the build's files only for that.
    let path = base.join(file);
    let text = std::fs::read_to_string(&path).ok();
    let offset = text.as_deref().and_then(|text| {
        let line_start = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>();
        let line_text = text[line_start..].lines().next().unwrap_or("");
        let column_offset = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        (*line >= 1 && line_start <= text.len()).then_some(line_start + column_offset)
    });
    match (text, offset) {
        (Some(text), Some(offset)) => {
            let id = found.sources.files.len();
            let shown = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            found.sources.files.push(SourceFile::new(shown, text));
            let end = found.sources.files[id].text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            diags.push(Report::at(Loc::new(id, offset..end), message, "here"));
        }
        _ => diags.push(Report::general(format!(
            "{}:{line}:{column}: {message}",
            file.display()
        ))),
    }
}
