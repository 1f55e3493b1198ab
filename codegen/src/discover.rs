//! Stage 1: find the route files. A sorted, recursive walk of each route directory, so the
//! same tree gives the same file order (and the same generated code) on every file system.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, Report, SourceFile, Sources};

/// A route directory as the user named it, and where it is.
pub(crate) struct RouteDir {
    pub shown: String,
    pub path: PathBuf,
}

/// What discovery found besides the sources: files it passed over, to warn about.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub sources: Sources,
    pub ignored: Vec<String>,
}

/// Reads every `*.toml` file under the directories. `base` is the crate's manifest directory:
/// paths inside it are shown relative to it, as rustc shows source paths.
pub(crate) fn discover(dirs: &[RouteDir], base: &Path, diags: &mut Diagnostics) -> Discovered {
    let mut found = Discovered::default();
    for dir in dirs {
        match fs::metadata(&dir.path) {
            Ok(meta) if meta.is_dir() => {
                let mut files = Vec::new();
                walk(&dir.path, &mut files, &mut found.ignored, diags, 0);
                for file in files {
                    read(&file, base, &mut found.sources, diags);
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
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        } else {
            ignored.push(path.display().to_string());
        }
    }
}

fn read(path: &Path, base: &Path, sources: &mut Sources, diags: &mut Diagnostics) {
    let display = path
        .strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => sources.files.push(SourceFile::new(display, text)),
            Err(_) => diags.push(Report::general(format!(
                "route file `{display}` is not valid UTF-8"
            ))),
        },
        Err(error) => diags.push(Report::general(format!(
            "cannot read route file `{display}`: {error}"
        ))),
    }
}
