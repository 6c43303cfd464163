//! Reading a recording back: every line checked, and any problem — an
//! empty file, a file that is not a recording, another version, a line
//! that is not JSON or not a record, a file cut off mid-record, a
//! directory, binary data — is an error naming the file and the line.

use std::path::{Path, PathBuf};

use super::{Header, MAGIC, VERSION};
use crate::stream::Record;

/// A recording in memory.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub path: PathBuf,
    pub records: Vec<Record>,
}

/// Why a file cannot be read as a recording.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is a directory, not a recording", .0.display())]
    Directory(PathBuf),
    #[error("{} is empty: not a recording", .0.display())]
    Empty(PathBuf),
    #[error("{}:1: not an ipcscope recording (it has no recording header)", .0.display())]
    NotARecording(PathBuf),
    #[error("{}:1: recording version {found}; this ipcscope reads version {VERSION}", .path.display())]
    Version { path: PathBuf, found: u32 },
    #[error("{}:{line}: {what}", .path.display())]
    Line {
        path: PathBuf,
        line: usize,
        what: String,
    },
    #[error("{}:{line}: the file ends in the middle of a record (cut off while it was written?)", .path.display())]
    Truncated { path: PathBuf, line: usize },
}

/// Reads and checks a whole recording.
pub fn load(path: &Path) -> Result<Recording, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::metadata(path).map_err(io)?.is_dir() {
        return Err(ReadError::Directory(path.to_path_buf()));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    parse(path, &bytes)
}

/// Checks and parses the bytes of a recording (`path` names it in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(ReadError::Empty(p()));
    }
    let ends_whole = bytes.last() == Some(&b'\n');
    let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
    let (_, first) = lines.next().ok_or_else(|| ReadError::Empty(p()))?;
    let header: Header =
        serde_json::from_slice(first).map_err(|_| ReadError::NotARecording(p()))?;
    if header.ipcscope != MAGIC {
        return Err(ReadError::NotARecording(p()));
    }
    if header.version != VERSION {
        return Err(ReadError::Version {
            path: p(),
            found: header.version,
        });
    }
    let mut records = Vec::with_capacity(bytes.len() / 120);
    while let Some((i, line)) = lines.next() {
        let number = i + 1;
        let last = lines.peek().is_none();
        if line.is_empty() {
            if last {
                break;
            }
            return Err(ReadError::Line {
                path: p(),
                line: number,
                what: "an empty line where a record should be".into(),
            });
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(r) => records.push(r),
            Err(_) if last && !ends_whole => {
                return Err(ReadError::Truncated {
                    path: p(),
                    line: number,
                });
            }
            Err(e) => {
                let what = if std::str::from_utf8(line).is_err() {
                    "not text: binary data where a record should be".to_string()
                } else {
                    format!("not a record: {e}")
                };
                return Err(ReadError::Line {
                    path: p(),
                    line: number,
                    what,
                });
            }
        }
    }
    Ok(Recording { path: p(), records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Body, Event, Kind};

    fn file(lines: &[&str]) -> Vec<u8> {
        let mut s = lines.join("\n");
        s.push('\n');
        s.into_bytes()
    }

    const HEADER: &str = r#"{"ipcscope":"recording","version":1}"#;

    fn rec(n: u64) -> String {
        serde_json::to_string(&Record {
            n,
            body: Body::Event(Event::new(n, 0, 1, Kind::GetWait)),
        })
        .unwrap()
    }

    fn err(bytes: &[u8]) -> String {
        parse(Path::new("run.rec"), bytes).unwrap_err().to_string()
    }

    #[test]
    fn a_good_recording_reads_back_every_record() {
        let r = parse(Path::new("x"), &file(&[HEADER, &rec(0), &rec(1)])).unwrap();
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.records[1].n, 1);
    }

    #[test]
    fn bad_files_get_an_error_naming_the_file_and_the_line() {
        assert!(err(b"").contains("run.rec is empty"));
        assert!(err(&file(&["hello"])).contains("run.rec:1: not an ipcscope recording"));
        assert!(err(&file(&[r#"{"ipcscope":"recording","version":7}"#])).contains("version 7"));
        let garbage = err(&file(&[HEADER, &rec(0), "{nope", &rec(2)]));
        assert!(garbage.contains("run.rec:3: not a record"), "{garbage}");
        let mut cut = file(&[HEADER, &rec(0)]);
        cut.extend_from_slice(&rec(1).as_bytes()[..10]);
        assert!(err(&cut).contains("run.rec:3: the file ends in the middle"));
        let binary = err(&[HEADER.as_bytes(), b"\n\xff\xfe\x00\x01\n"].concat());
        assert!(binary.contains("run.rec:2: not text"), "{binary}");
    }

    #[test]
    fn a_directory_is_refused_by_name() {
        let e = load(Path::new("/")).unwrap_err().to_string();
        assert!(e.contains("/ is a directory"), "{e}");
    }
}
