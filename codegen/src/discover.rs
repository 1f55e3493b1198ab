//! Stage 1: find the route files. A sorted, recursive walk of each route directory, so the
//! same tree gives the same file order (and the same generated code) on every file system.

use std::fs;
use std::path::{Path, PathBuf};

use crate::ast::{Format, Transport};
use crate::diagnostic::{Diagnostics, FileId, Report, SourceFile, Sources};

/// A route directory as the user named it, and where it is.
#[derive(Debug, Clone)]
pub(crate) struct RouteDir {
    pub shown: String,
    pub path: PathBuf,
    /// The transport of its files, when the build script gives one.
    pub transport: Option<Transport>,
    pub mount: Mount,
}

/// Where a directory's routes are mounted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mount {
    /// Where the files say.
    None,
    /// Every route under this prefix.
    At(String),
    /// The routes of each entry `<name>` of the directory (a file `<name>.toml` or a directory
    /// `<name>/`) under `<prefix>/<name>`: one prefix per plugin.
    Each(String),
}

/// A route file to parse, and what its source says about it.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub file: FileId,
    pub format: Format,
    pub transport: Option<Transport>,
    pub mount: Option<String>,
}

/// What discovery found: the files, the route files among them, and the files it passed over
/// (to warn about).
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub sources: Sources,
    pub inputs: Vec<Input>,
    pub ignored: Vec<String>,
}

/// The format of a route file, by its extension; `None` for other files.
pub(crate) fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()? {
        "toml" => Some(Format::Toml),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// Reads every `*.toml` and `*.json` file under the directories. `base` is the crate's manifest
/// directory: paths inside it are shown relative to it, as rustc shows source paths.
pub(crate) fn discover(dirs: &[RouteDir], base: &Path, diags: &mut Diagnostics) -> Discovered {
    let mut found = Discovered::default();
    for dir in dirs {
        match fs::metadata(&dir.path) {
            Ok(meta) if meta.is_dir() => {
                let mut files = Vec::new();
                walk(&dir.path, &mut files, &mut found.ignored, diags, 0);
                for file in files {
                    let mount = match &dir.mount {
                        Mount::None => None,
                        Mount::At(prefix) => Some(prefix.clone()),
                        Mount::Each(prefix) => {
                            Some(format!("{prefix}/{}", entry_name(&dir.path, &file)))
                        }
                    };
                    let Some(format) = format_of(&file) else {
                        continue;
                    };
                    if let Some(id) = read(&file, base, &mut found.sources, diags) {
                        found.inputs.push(Input {
                            file: id,
                            format,
                            transport: dir.transport,
                            mount,
                        });
                    }
                }
            }
            Ok(_) => diags.push(Report::general(format!(
                "route directory `{}` is not a directory",
                dir.shown
            ))),
            Err(_) => diags.push(
                Report::general(format!("route directory `{}` does not exist", dir.shown))
                    .with_note(format!("looked for {}", dir.path.display())),
            ),
        }
    }
    found.ignored.sort();
    found
}

/// The entry of `dir` that holds `file`: `auth` for `dir/auth.toml` and for `dir/auth/x.toml`.
fn entry_name(dir: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(dir).unwrap_or(file);
    let mut components = relative.components();
    let first = Path::new(components.next().map_or("".as_ref(), |c| c.as_os_str()));
    let name = if components.next().is_none() {
        first.file_stem()
    } else {
        first.file_name()
    };
    name.map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Directories nested deeper than this are reported rather than followed: a symlink loop
/// would otherwise never end.
const MAX_DEPTH: usize = 64;

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    ignored: &mut Vec<String>,
    diags: &mut Diagnostics,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        diags.push(Report::general(format!(
            "route directories nested more than {MAX_DEPTH} deep at {} (a symlink loop?)",
            dir.display()
        )));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            diags.push(Report::general(format!(
                "cannot read route directory {}: {error}",
                dir.display()
            )));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, ignored, diags, depth + 1);
        } else if format_of(&path).is_some() {
            files.push(path);
        } else {
            ignored.push(path.display().to_string());
        }
    }
}

fn read(
    path: &Path,
    base: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    let display = path
        .strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                sources.files.push(SourceFile::new(display, text));
                Some(sources.files.len() - 1)
            }
            Err(_) => {
                diags.push(Report::general(format!(
                    "route file `{display}` is not valid UTF-8"
                )));
                None
            }
        },
        Err(error) => {
            diags.push(Report::general(format!(
                "cannot read route file `{display}`: {error}"
            )));
            None
        }
    }
}
