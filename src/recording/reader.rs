//! Reading a recording back: every line checked, and any problem — an
//! empty file, a file that is not a recording, another version, a line
//! that is not JSON or not a record, a file cut off mid-record, a
//! directory, binary data — is an error naming the file and the line.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Header, MAGIC, VERSION};
use crate::stream::Record;
use crate::text::words;

/// A recording in memory.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub path: PathBuf,
    pub records: Vec<Record>,
}

/// Why a file cannot be read as a recording. Displays in the current
/// language (the system's and the JSON parser's words inside stay English).
#[derive(Debug)]
pub enum ReadError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Directory(PathBuf),
    Empty(PathBuf),
    NotARecording(PathBuf),
    Version {
        path: PathBuf,
        found: u32,
    },
    Line {
        path: PathBuf,
        line: usize,
        what: LineProblem,
    },
    Truncated {
        path: PathBuf,
        line: usize,
    },
}

/// What is wrong with a line of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// An empty line before the end.
    Empty,
    /// Bytes that are not UTF-8.
    Binary,
    /// Text that is not a record, with the JSON parser's reason.
    NotARecord(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            ReadError::Io { path, source } => t.cannot_read(path, source),
            ReadError::Directory(path) => t.recording_is_directory(path),
            ReadError::Empty(path) => t.recording_empty(path),
            ReadError::NotARecording(path) => t.not_a_recording(path),
            ReadError::Version { path, found } => t.recording_version(path, *found, VERSION),
            ReadError::Line { path, line, what } => {
                let what = match what {
                    LineProblem::Empty => t.empty_line(),
                    LineProblem::Binary => t.binary_line(),
                    LineProblem::NotARecord(why) => t.not_a_record(why),
                };
                format!("{}:{line}: {what}", path.display())
            }
            ReadError::Truncated { path, line } => {
                format!("{}:{line}: {}", path.display(), t.cut_off())
            }
        })
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
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
                what: LineProblem::Empty,
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
                    LineProblem::Binary
                } else {
                    LineProblem::NotARecord(e.to_string())
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
