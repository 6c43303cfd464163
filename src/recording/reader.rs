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
    /// A device or a socket: never read (`/dev/zero` would not end).
    NotAFile {
        path: PathBuf,
        kind: NotAFile,
    },
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

/// What a path that is not a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAFile {
    CharDevice,
    BlockDevice,
    Socket,
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
    /// A time no clock shows (ns): a damaged record.
    TimeOutOfRange(u64),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            ReadError::Io { path, source } => t.cannot_read(path, source),
            ReadError::Directory(path) => t.recording_is_directory(path),
            ReadError::NotAFile { path, kind } => t.recording_not_a_file(path, *kind),
            ReadError::Empty(path) => t.recording_empty(path),
            ReadError::NotARecording(path) => t.not_a_recording(path),
            ReadError::Version { path, found } => t.recording_version(path, *found, VERSION),
            ReadError::Line { path, line, what } => {
                let what = match what {
                    LineProblem::Empty => t.empty_line(),
                    LineProblem::Binary => t.binary_line(),
                    LineProblem::NotARecord(why) => t.not_a_record(why),
                    LineProblem::TimeOutOfRange(ns) => t.time_out_of_range(*ns),
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

/// Reads and checks a whole recording: a regular file, or a pipe (read to
/// its end). A device is refused before it is read (`/dev/zero` would
/// never end).
pub fn load(path: &Path) -> Result<Recording, ReadError> {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let t = meta.file_type();
    let kind = if t.is_dir() {
        return Err(ReadError::Directory(path.to_path_buf()));
    } else if t.is_char_device() {
        Some(NotAFile::CharDevice)
    } else if t.is_block_device() {
        Some(NotAFile::BlockDevice)
    } else if t.is_socket() {
        Some(NotAFile::Socket)
    } else {
        None
    };
    if let Some(kind) = kind {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
            kind,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(io)?;
    parse(path, &bytes)
}

/// The latest time a record may carry (CLOCK_MONOTONIC ns: about 146
/// years after boot). A later one is a damaged file, refused by its line,
/// so that the model's clock arithmetic never overflows.
pub const MAX_TIME_NS: u64 = 1 << 62;

/// Files at least this big are parsed on several threads.
const PARALLEL_FROM: usize = 1 << 20;
/// At most this many parsing threads.
const MAX_THREADS: usize = 8;

/// Checks and parses the bytes of a recording (`path` names it in errors).
/// A big file is cut at line ends into one piece per core and the pieces
/// are parsed at once; the first problem in the file is the one reported.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    parse_on(path, bytes, threads_for(bytes.len()))
}

/// [`parse`] on at most `threads` threads.
fn parse_on(path: &Path, bytes: &[u8], threads: usize) -> Result<Recording, ReadError> {
    let p = || path.to_path_buf();
    if bytes.is_empty() {
        return Err(ReadError::Empty(p()));
    }
    let (first, body) = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[][..]),
    };
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
    let ends_whole = bytes.last() == Some(&b'\n');
    let pieces = split_at_lines(body, threads);
    let results: Vec<Result<Vec<Record>, Problem>> = if pieces.len() == 1 {
        vec![parse_lines(body, true, ends_whole)]
    } else {
        let last = pieces.len() - 1;
        std::thread::scope(|s| {
            let handles: Vec<_> = pieces
                .iter()
                .enumerate()
                .map(|(k, &(a, b))| {
                    s.spawn(move || parse_lines(&body[a..b], k == last, ends_whole))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(Problem::Failed)))
                .collect()
        })
    };
    let mut records: Vec<Record> = Vec::new();
    for (&(start, _), r) in pieces.iter().zip(results) {
        match r {
            Ok(mut v) if records.is_empty() => std::mem::swap(&mut records, &mut v),
            Ok(v) => records.extend(v),
            Err(problem) => {
                // Line 1 is the header; the piece starts after the lines before it.
                let before = body[..start].iter().filter(|&&b| b == b'\n').count();
                return Err(problem.at(p(), 2 + before));
            }
        }
    }
    Ok(Recording { path: p(), records })
}

/// How many threads to parse `len` bytes on.
fn threads_for(len: usize) -> usize {
    if len < PARALLEL_FROM {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(len / (PARALLEL_FROM / 2))
        .max(1)
}

/// Cuts `body` into about `n` pieces, each ending just after a line end
/// (the last one at the end of `body`): (start, end) byte ranges.
fn split_at_lines(body: &[u8], n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let aim = (body.len() * k / n).max(start);
        let Some(nl) = body[aim..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let end = aim + nl + 1;
        if end >= body.len() {
            break;
        }
        out.push((start, end));
        start = end;
    }
    out.push((start, body.len()));
    out
}

/// serde's words for what is wrong with a line, placed by column (its
/// "line 1" is the line the error names already).
fn in_line(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&at) {
        Some(what) => format!("{what} (column {})", e.column()),
        None => text,
    }
}

/// What is wrong with a line of a piece, by its index in the piece.
enum Problem {
    EmptyLine(usize),
    Truncated(usize),
    NotARecord(usize, String),
    Binary(usize),
    TimeOutOfRange(usize, u64),
    /// A parsing thread did not finish (it cannot panic; kept for safety).
    Failed,
}

impl Problem {
    /// The error, for a piece whose first line is line `first` of the file.
    fn at(self, path: PathBuf, first: usize) -> ReadError {
        let line = |i: usize| first + i;
        match self {
            Problem::EmptyLine(i) => ReadError::Line {
                path,
                line: line(i),
                what: LineProblem::Empty,
            },
            Problem::Truncated(i) => ReadError::Truncated {
                path,
                line: line(i),
            },
            Problem::NotARecord(i, e) => ReadError::Line {
                path,
                line: line(i),
                what: LineProblem::NotARecord(e),
            },
            Problem::Binary(i) => ReadError::Line {
                path,
                line: line(i),
                what: LineProblem::Binary,
            },
            Problem::TimeOutOfRange(i, t) => ReadError::Line {
                path,
                line: line(i),
                what: LineProblem::TimeOutOfRange(t),
            },
            Problem::Failed => ReadError::Line {
                path,
                line: first,
                what: LineProblem::NotARecord("this part of the file could not be read".into()),
            },
        }
    }
}

/// Parses the lines of one piece. `ends_file`: the piece is the end of the
/// file, which `ends_whole` says ends with a line end (else its last line
/// was cut off).
fn parse_lines(piece: &[u8], ends_file: bool, ends_whole: bool) -> Result<Vec<Record>, Problem> {
    let mut records = Vec::with_capacity(piece.len() / 120);
    let mut lines = piece.split(|&b| b == b'\n').enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let last = lines.peek().is_none();
        if line.is_empty() {
            if last {
                break;
            }
            return Err(Problem::EmptyLine(i));
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(r) if r.t_ns().is_some_and(|t| t > MAX_TIME_NS) => {
                return Err(Problem::TimeOutOfRange(i, r.t_ns().unwrap_or_default()));
            }
            Ok(r) => records.push(r),
            Err(_) if last && ends_file && !ends_whole => return Err(Problem::Truncated(i)),
            Err(_) if std::str::from_utf8(line).is_err() => return Err(Problem::Binary(i)),
            Err(e) => return Err(Problem::NotARecord(i, in_line(&e))),
        }
    }
    Ok(records)
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

    /// A file of `n` records (big enough to be cut into pieces).
    fn big(n: u64) -> Vec<u8> {
        let mut lines = vec![HEADER.to_string()];
        lines.extend((0..n).map(rec));
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        file(&lines)
    }

    fn err_on(bytes: &[u8], threads: usize) -> String {
        parse_on(Path::new("run.rec"), bytes, threads)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn pieces_cover_the_body_and_each_ends_at_a_line_end() {
        let body = &big(5_000)[37..];
        for n in [1, 2, 3, 7, 64, 100_000] {
            let pieces = split_at_lines(body, n);
            assert_eq!(pieces.first().map(|p| p.0), Some(0));
            assert_eq!(pieces.last().map(|p| p.1), Some(body.len()));
            for w in pieces.windows(2) {
                assert_eq!(w[0].1, w[1].0, "pieces touch");
                assert_eq!(body[w[0].1 - 1], b'\n', "a piece ends at a line end");
            }
            assert!(pieces.len() <= n);
        }
        assert_eq!(split_at_lines(b"", 4), [(0, 0)]);
        assert_eq!(split_at_lines(b"no line end", 4), [(0, 11)]);
    }

    #[test]
    fn a_file_read_in_pieces_gives_every_record_in_order() {
        let bytes = big(3_000);
        let one = parse_on(Path::new("x"), &bytes, 1).unwrap();
        for threads in [2, 3, 8] {
            let many = parse_on(Path::new("x"), &bytes, threads).unwrap();
            assert_eq!(many.records, one.records, "{threads} threads");
        }
        assert_eq!(one.records.len(), 3_000);
        assert!(one.records.iter().enumerate().all(|(i, r)| r.n == i as u64));
    }

    #[test]
    fn read_in_pieces_the_first_problem_is_named_by_its_line_in_the_file() {
        let text = String::from_utf8(big(3_000)).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        // Line 2,501 is record 2,499; line 1,201 record 1,199.
        lines[2_500] = "{nope".into();
        lines[1_200] = String::new();
        let bytes = (lines.join("\n") + "\n").into_bytes();
        for threads in [1, 2, 3, 8] {
            let e = err_on(&bytes, threads);
            assert!(e.contains("run.rec:1201: an empty line"), "{threads}: {e}");
        }
        lines[1_200] = rec(1_199);
        let bytes = (lines.join("\n") + "\n").into_bytes();
        for threads in [1, 2, 3, 8] {
            let e = err_on(&bytes, threads);
            assert!(e.contains("run.rec:2501: not a record"), "{threads}: {e}");
        }
        lines[2_500] = rec(2_499);
        let mut cut = (lines.join("\n") + "\n").into_bytes();
        cut.truncate(cut.len() - 9);
        for threads in [1, 2, 3, 8] {
            let e = err_on(&cut, threads);
            assert!(
                e.contains("run.rec:3001: the file ends in the middle"),
                "{threads}: {e}"
            );
        }
    }

    #[test]
    fn a_time_no_clock_can_show_is_refused_by_its_line() {
        let t = |t: u64| format!(r#"{{"n":1,"tick":{t}}}"#);
        let ok = [HEADER, &rec(0), &t(MAX_TIME_NS)];
        assert_eq!(parse(Path::new("x"), &file(&ok)).unwrap().records.len(), 2);
        let e = err(&file(&[HEADER, &rec(0), &t(u64::MAX)]));
        assert!(e.contains("run.rec:3: a time out of range"), "{e}");
    }

    /// A replay is exact only if every number reads back to the same
    /// bits: delay scales and slow motion are f64s (serde_json's default
    /// float parsing gets about one in eight of these wrong in the last
    /// bit; its `float_roundtrip` feature is on for this).
    #[test]
    fn every_f64_in_a_record_reads_back_bit_for_bit() {
        let mut values: Vec<f64> = (0..4_000).map(|i| i as f64 * 0.0137).collect();
        values.extend((0..60).map(|k| (1.0f64 / 1.5).powi(k)));
        values.extend((0..60).map(|k| 1.5f64.powi(k)));
        values.extend([
            0.41100000000000003,
            1.1733963864404753e-5,
            f64::MIN_POSITIVE,
        ]);
        let lines: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(n, &scale)| {
                let ev = Event::new(1, 0, 1, Kind::DelayScaled { scale });
                serde_json::to_string(&Record {
                    n: n as u64,
                    body: Body::Event(ev),
                })
                .unwrap()
            })
            .collect();
        let mut all = vec![HEADER];
        all.extend(lines.iter().map(String::as_str));
        let rec = parse(Path::new("x"), &file(&all)).unwrap();
        for (r, want) in rec.records.iter().zip(&values) {
            let Body::Event(Event {
                kind: Kind::DelayScaled { scale },
                ..
            }) = &r.body
            else {
                panic!("{r:?}");
            };
            assert_eq!(
                scale.to_bits(),
                want.to_bits(),
                "{want:?} read as {scale:?}"
            );
        }
    }

    #[test]
    fn a_directory_is_refused_by_name() {
        let e = load(Path::new("/")).unwrap_err().to_string();
        assert!(e.contains("/ is a directory"), "{e}");
    }

    #[test]
    fn a_device_is_refused_before_it_is_read() {
        let e = load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(e, "/dev/zero is a character device, not a recording");
    }
}
