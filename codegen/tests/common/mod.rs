//! Helpers shared by the integration tests: scratch directories of route files, and errors as
//! `file:line:col: message` lines.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use routegen_codegen::Errors;

/// An empty scratch directory, unique to this test process and `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("routegen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to `dir/file`, creating the directories on the way.
pub fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `file:line:col: message` of every diagnostic (`message` alone when it has no place).
pub fn lines(errors: &Errors) -> Vec<String> {
    errors
        .diagnostics()
        .iter()
        .map(|d| match d.location() {
            Some(location) => format!("{location}: {}", d.message()),
            None => d.message().to_owned(),
        })
        .collect()
}
