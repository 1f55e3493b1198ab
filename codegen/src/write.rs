//! Stage 7: write the generated file, only when its content changed, so an unchanged route set
//! does not make cargo rebuild the crate that includes it.

use std::fs;
use std::io;
use std::path::Path;

/// Writes `contents` to `path` unless the file already holds exactly that. Returns whether it
/// wrote.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes() {
        let dir = std::env::temp_dir().join(format!("routegen-write-{}", std::process::id()));
        let path = dir.join("routes.rs");
        assert!(write_if_changed(&path, "a").unwrap());
        assert!(!write_if_changed(&path, "a").unwrap());
        assert!(write_if_changed(&path, "b").unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), "b");
        fs::remove_dir_all(dir).unwrap();
    }
}
