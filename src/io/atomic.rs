//! Safe writes: a temporary file beside the target, then a rename, so a crash or a full disk
//! never leaves a half-written file where a good one stood.

use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A file could not be written.
#[derive(Debug, Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Write `contents` to `path` atomically: to a temporary file in the same directory, synced,
/// then renamed over `path`. On any error the previous file (if any) is untouched.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new_in(temp_dir_for(path))
        .map_err(|e| err(without_temp_path(e)))?;
    tmp.write_all(contents).map_err(err)?;
    persist(tmp, path)
}

/// The error without the temporary file's name that `tempfile` adds to it: the user gave
/// `path`, and a message naming `.tmp6R5Ots` beside it only confuses.
pub(crate) fn without_temp_path(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::from(e.kind()),
    }
}

/// Check, before long work, that `path` can be written: its directory exists and takes a new
/// file, and `path` is not a directory. Nothing is left behind.
pub fn check_writable(path: &Path) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    let dir = temp_dir_for(path);
    if !dir.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no such directory {}", dir.display()),
        )));
    }
    tempfile::NamedTempFile::new_in(dir)
        .map(drop)
        .map_err(|e| err(without_temp_path(e)))
}

/// The directory a temporary file for `path` goes in (the same one, so the rename is atomic).
pub(crate) fn temp_dir_for(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Sync a finished temporary file and rename it over `path`. It gets the permissions of the file
/// it replaces, or `rw-r--r--` (temporary files are created private).
pub(crate) fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritable_paths_are_found_before_work_and_named_as_given() {
        let e = check_writable(Path::new("/nonexistent/x.csv")).unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("cannot write /nonexistent/x.csv:"),
            "{text}"
        );
        assert!(!text.contains(".tmp"), "{text}");
        let e = write_atomic(Path::new("/nonexistent/x.csv"), b"x").unwrap_err();
        assert!(!e.to_string().contains(".tmp"), "{e}");
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(check_writable(dir.path()).is_err());
        let ok = dir.path().join("y.csv");
        check_writable(&ok).expect("writable");
        assert!(!ok.exists());
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
    }

    #[test]
    fn replaces_content_and_keeps_old_file_on_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.csv");
        write_atomic(&path, b"first").expect("write");
        write_atomic(&path, b"second").expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "not left private like a temporary file"
            );
        }
        // A target inside a missing directory fails and leaves nothing behind.
        let bad = dir.path().join("missing").join("b.csv");
        assert!(write_atomic(&bad, b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }
}
