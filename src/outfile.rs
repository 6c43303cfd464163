//! Output files a run writes (the trace, a recording, an export): opened so
//! that opening never blocks, never follows a symbolic link and only ever
//! truncates a regular file, with errors that name the file and say why.
//!
//! Policy for a file that already exists: `--trace` and `--record` overwrite
//! it, like a shell's `>` ([`Existing::Overwrite`]); `export` refuses unless
//! given `--force` ([`Existing::Refuse`]). Anything that is not a regular file
//! is refused whatever the policy: a FIFO (opening one for writing blocks
//! until a reader comes), a socket, a device (`/dev/null`, `/dev/full`), a
//! directory. A symbolic link as the last component is refused too, dangling
//! or not: give the file's real path.
//!
//! [`check`] is the dry run the command line uses as a value parser, so a bad
//! path is a usage error (exit 2) before any process starts; [`create`] then
//! opens the file for real and checks again, on the open descriptor.

use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::unistd::{AccessFlags, access};

use crate::text::words;

/// What to do when the output file already exists (as a regular file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Truncate it and write anew (`--trace`, `--record`, `export --force`).
    Overwrite,
    /// Refuse, leaving it untouched (`export` without `--force`).
    Refuse,
}

/// Which output a file is for; it names the file in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Trace,
    Recording,
    Export,
}

impl fmt::Display for What {
    /// "the trace", in the current language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(words().output_what(*self))
    }
}

/// An output file that cannot be written: which output, which path, why.
/// Displays (in the current language) as `cannot write the trace to
/// /tmp/x: it is a FIFO, not a regular file`.
#[derive(Debug)]
pub struct OutputError {
    pub what: What,
    pub path: PathBuf,
    pub reason: Reason,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = words().output_what(self.what);
        f.write_str(&words().cannot_write(what, &self.path, &self.reason.to_string()))
    }
}

impl std::error::Error for OutputError {}

/// Why an output file cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    SymbolicLink,
    NotRegular(Kind),
    TrailingSlash,
    Exists,
    NoDirectory(PathBuf),
    NotADirectory(PathBuf),
    PermissionDenied,
    ReadOnly,
    /// Any other failure, as the system describes it (lowercased, in
    /// English whatever the language).
    Os(Errno),
}

impl fmt::Display for Reason {
    /// In the current language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            Reason::SymbolicLink => t.is_symbolic_link(),
            Reason::NotRegular(kind) => t.not_regular(*kind),
            Reason::TrailingSlash => t.trailing_slash(),
            Reason::Exists => t.already_exists(),
            Reason::NoDirectory(dir) => t.no_directory(dir),
            Reason::NotADirectory(p) => t.not_a_directory(p),
            Reason::PermissionDenied => t.permission_denied(),
            Reason::ReadOnly => t.read_only(),
            Reason::Os(e) => lowercase_first(e.desc()),
        })
    }
}

impl std::error::Error for Reason {}

/// A kind of file that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Directory,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl Kind {
    /// `None` for a regular file or a symbolic link (both handled apart).
    fn of(t: FileType) -> Option<Kind> {
        let kind = if t.is_file() || t.is_symlink() {
            return None;
        } else if t.is_dir() {
            Kind::Directory
        } else if t.is_fifo() {
            Kind::Fifo
        } else if t.is_socket() {
            Kind::Socket
        } else if t.is_char_device() {
            Kind::CharDevice
        } else if t.is_block_device() {
            Kind::BlockDevice
        } else {
            Kind::Other
        };
        Some(kind)
    }
}

impl OutputError {
    fn new(what: What, path: &Path, reason: Reason) -> OutputError {
        OutputError {
            what,
            path: path.to_path_buf(),
            reason,
        }
    }

    /// A failure writing to an output file already open (a full disk), in
    /// the same words: `cannot write the trace to t.jsonl: no space left on
    /// device`.
    pub fn write_failed(what: What, path: &Path, err: &io::Error) -> OutputError {
        let errno = err.raw_os_error().map_or(Errno::EIO, Errno::from_raw);
        OutputError::new(what, path, reason_of(errno, path))
    }
}

/// Opens `path` for writing `what`, without blocking: `O_NONBLOCK |
/// O_NOFOLLOW | O_CLOEXEC` (std sets the last), then `fstat` refuses
/// anything but a regular file, then (with [`Existing::Overwrite`]) it is
/// truncated, and `O_NONBLOCK` is cleared. A missing file is created (mode
/// 0666 less the umask); with [`Existing::Refuse`] it must not exist
/// (`O_EXCL`).
pub fn create(path: &Path, what: What, policy: Existing) -> Result<File, OutputError> {
    let fail = |reason| OutputError::new(what, path, reason);
    // Refuse by name first, so a device or FIFO is never even opened.
    inspect(path, policy).map_err(fail)?;
    let mut flags = libc::O_NONBLOCK | libc::O_NOFOLLOW;
    if policy == Existing::Refuse {
        flags |= libc::O_EXCL;
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| fail(open_failure(&e, path)))?;
    let meta = file.metadata().map_err(|e| fail(io_reason(&e, path)))?;
    if let Some(kind) = Kind::of(meta.file_type()) {
        return Err(fail(Reason::NotRegular(kind)));
    }
    if policy == Existing::Overwrite {
        file.set_len(0).map_err(|e| fail(io_reason(&e, path)))?;
    }
    let status = fcntl(&file, FcntlArg::F_GETFL).map_err(|e| fail(reason_of(e, path)))?;
    let blocking = OFlag::from_bits_truncate(status) - OFlag::O_NONBLOCK;
    fcntl(&file, FcntlArg::F_SETFL(blocking)).map_err(|e| fail(reason_of(e, path)))?;
    Ok(file)
}

/// Two paths naming one file: the same name in the same directory (`a` and
/// `./a`), or the same existing inode (hard links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let place = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some((std::fs::canonicalize(dir).ok()?, p.file_name()?.to_owned()))
    };
    let inode = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    a == b
        || place(a).is_some_and(|x| place(b) == Some(x))
        || inode(a).is_some_and(|x| inode(b) == Some(x))
}

/// Whether [`create`] would succeed, changing nothing: no file is created or
/// truncated, and only an existing regular file is opened (to ask the
/// kernel whether it may be written). For the command line's value parsers.
pub fn check(path: &Path, what: What, policy: Existing) -> Result<(), OutputError> {
    let fail = |reason| OutputError::new(what, path, reason);
    match inspect(path, policy).map_err(fail)? {
        Found::Regular => {
            let file = OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
                .open(path)
                .map_err(|e| fail(open_failure(&e, path)))?;
            let meta = file.metadata().map_err(|e| fail(io_reason(&e, path)))?;
            match Kind::of(meta.file_type()) {
                Some(kind) => Err(fail(Reason::NotRegular(kind))),
                None => Ok(()),
            }
        }
        Found::Nothing { dir } => access(&dir, AccessFlags::W_OK | AccessFlags::X_OK)
            .map_err(|e| fail(reason_of(e, &dir))),
    }
}

/// What is at the output path now.
enum Found {
    Regular,
    /// Nothing yet; `dir` is where it would be created.
    Nothing {
        dir: PathBuf,
    },
}

/// Looks at `path` without following a final symbolic link and without
/// opening anything.
fn inspect(path: &Path, policy: Existing) -> Result<Found, Reason> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Reason::NotRegular(Kind::Directory),
            _ => Reason::TrailingSlash,
        });
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Reason::SymbolicLink),
        Ok(meta) => match Kind::of(meta.file_type()) {
            Some(kind) => Err(Reason::NotRegular(kind)),
            None if policy == Existing::Refuse => Err(Reason::Exists),
            None => Ok(Found::Regular),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = parent_dir(path);
            match std::fs::metadata(&dir) {
                Ok(meta) if meta.is_dir() => Ok(Found::Nothing { dir }),
                Ok(_) => Err(Reason::NotADirectory(dir)),
                Err(e) => Err(io_reason(&e, path)),
            }
        }
        Err(e) => Err(io_reason(&e, path)),
    }
}

/// The directory a relative or absolute `path` would be created in.
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Why opening failed; a refusal by `O_NOFOLLOW`, `O_EXCL` or `O_NONBLOCK`
/// (a file replaced since [`inspect`] looked) is told by looking again.
fn open_failure(err: &io::Error, path: &Path) -> Reason {
    let errno = err.raw_os_error().map(Errno::from_raw);
    match errno {
        Some(Errno::ELOOP) => Reason::SymbolicLink,
        Some(Errno::EEXIST) => match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => Reason::SymbolicLink,
            _ => Reason::Exists,
        },
        Some(Errno::ENXIO | Errno::EISDIR | Errno::ENODEV) => {
            match std::fs::symlink_metadata(path)
                .ok()
                .and_then(|m| Kind::of(m.file_type()))
            {
                Some(kind) => Reason::NotRegular(kind),
                None => io_reason(err, path),
            }
        }
        // The directory is there (inspect saw it) but will not take it.
        Some(Errno::ENOENT) if parent_dir(path).is_dir() => Reason::Os(Errno::ENOENT),
        _ => io_reason(err, path),
    }
}

fn io_reason(err: &io::Error, path: &Path) -> Reason {
    reason_of(err.raw_os_error().map_or(Errno::EIO, Errno::from_raw), path)
}

/// The reason for an errno met at `path`.
fn reason_of(errno: Errno, path: &Path) -> Reason {
    match errno {
        Errno::EACCES | Errno::EPERM => Reason::PermissionDenied,
        Errno::EROFS => Reason::ReadOnly,
        Errno::ENOENT => Reason::NoDirectory(parent_dir(path)),
        Errno::ENOTDIR => Reason::NotADirectory(parent_dir(path)),
        Errno::ELOOP => Reason::SymbolicLink,
        Errno::EISDIR => Reason::NotRegular(Kind::Directory),
        other => Reason::Os(other),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::os::unix::fs::symlink;
    use std::sync::mpsc;
    use std::time::Duration;

    use nix::sys::stat::Mode;

    use super::*;

    /// A fresh directory under the system's temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("ipcscope-outfile-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir(&dir).expect("scratch dir");
            Scratch(dir)
        }

        fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn reason(r: Result<File, OutputError>) -> Reason {
        r.expect_err("should be refused").reason
    }

    fn checked(path: &Path, policy: Existing) -> Reason {
        check(path, What::Trace, policy)
            .expect_err("check should refuse")
            .reason
    }

    /// Runs `f` on another thread and fails the test, instead of hanging
    /// it, if `f` blocks for a minute.
    fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("opening blocked for a minute")
    }

    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = Scratch::new("fifo");
        let fifo = dir.join("fifo");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        for policy in [Existing::Overwrite, Existing::Refuse] {
            let p = fifo.clone();
            let err = within_a_minute(move || create(&p, What::Trace, policy)).unwrap_err();
            assert_eq!(err.reason, Reason::NotRegular(Kind::Fifo));
            assert_eq!(
                err.to_string(),
                format!(
                    "cannot write the trace to {}: it is a FIFO, not a regular file",
                    fifo.display()
                )
            );
            let p = fifo.clone();
            let err = within_a_minute(move || check(&p, What::Trace, policy)).unwrap_err();
            assert_eq!(err.reason, Reason::NotRegular(Kind::Fifo));
        }
    }

    #[test]
    fn socket_is_refused() {
        let dir = Scratch::new("socket");
        let sock = dir.join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let err = create(&sock, What::Recording, Existing::Overwrite).unwrap_err();
        assert_eq!(err.reason, Reason::NotRegular(Kind::Socket));
        assert!(
            err.to_string()
                .starts_with("cannot write the recording to ")
        );
        assert_eq!(
            checked(&sock, Existing::Overwrite),
            Reason::NotRegular(Kind::Socket)
        );
    }

    #[test]
    fn symlink_to_a_file_is_refused_and_the_file_kept() {
        let dir = Scratch::new("symlink");
        let target = dir.join("target");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.join("link");
        symlink(&target, &link).unwrap();
        for policy in [Existing::Overwrite, Existing::Refuse] {
            let err = create(&link, What::Trace, policy).unwrap_err();
            assert_eq!(err.reason, Reason::SymbolicLink);
            assert_eq!(
                err.to_string(),
                format!(
                    "cannot write the trace to {}: it is a symbolic link; give the file's real path",
                    link.display()
                )
            );
            assert_eq!(checked(&link, policy), Reason::SymbolicLink);
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }

    #[test]
    fn dangling_symlink_is_refused_and_nothing_created() {
        let dir = Scratch::new("dangling");
        let target = dir.join("not-there");
        let link = dir.join("link");
        symlink(&target, &link).unwrap();
        for policy in [Existing::Overwrite, Existing::Refuse] {
            assert_eq!(
                reason(create(&link, What::Trace, policy)),
                Reason::SymbolicLink
            );
            assert_eq!(checked(&link, policy), Reason::SymbolicLink);
        }
        assert!(!target.exists(), "the link's target must not be created");
    }

    /// The descriptor-level refusals, for a file swapped in after the look
    /// by name: `O_NOFOLLOW` gives ELOOP, `O_NONBLOCK` on a FIFO without a
    /// reader ENXIO.
    #[test]
    fn open_failures_are_told_by_looking_again() {
        let dir = Scratch::new("openfail");
        let fifo = dir.join("fifo");
        nix::unistd::mkfifo(&fifo, Mode::from_bits_truncate(0o600)).unwrap();
        let err = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap_err();
        assert_eq!(open_failure(&err, &fifo), Reason::NotRegular(Kind::Fifo));
        let link = dir.join("link");
        symlink(&fifo, &link).unwrap();
        let err = OpenOptions::new()
            .write(true)
            .create(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&link)
            .unwrap_err();
        assert_eq!(open_failure(&err, &link), Reason::SymbolicLink);
        let err = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&link)
            .unwrap_err();
        assert_eq!(open_failure(&err, &link), Reason::SymbolicLink);
    }

    #[test]
    fn directory_is_refused() {
        let dir = Scratch::new("directory");
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        for policy in [Existing::Overwrite, Existing::Refuse] {
            assert_eq!(
                reason(create(&sub, What::Trace, policy)),
                Reason::NotRegular(Kind::Directory)
            );
            assert_eq!(checked(&sub, policy), Reason::NotRegular(Kind::Directory));
        }
        let slash = PathBuf::from(format!("{}/", sub.display()));
        assert_eq!(
            checked(&slash, Existing::Overwrite),
            Reason::NotRegular(Kind::Directory)
        );
        let new_slash = PathBuf::from(format!("{}/", dir.join("new").display()));
        assert_eq!(
            reason(create(&new_slash, What::Trace, Existing::Overwrite)),
            Reason::TrailingSlash
        );
        assert!(!dir.join("new").exists());
    }

    #[test]
    fn dev_full_and_dev_null_are_refused() {
        for dev in ["/dev/full", "/dev/null"] {
            let path = Path::new(dev);
            let err = create(path, What::Trace, Existing::Overwrite).unwrap_err();
            assert_eq!(err.reason, Reason::NotRegular(Kind::CharDevice), "{dev}");
            assert_eq!(
                err.to_string(),
                format!(
                    "cannot write the trace to {dev}: it is a character device, not a regular file"
                )
            );
            assert_eq!(
                checked(path, Existing::Overwrite),
                Reason::NotRegular(Kind::CharDevice)
            );
        }
    }

    #[test]
    fn missing_parent_directory_is_named() {
        let dir = Scratch::new("noparent");
        let nope = dir.join("nope");
        let path = nope.join("t.jsonl");
        let err = create(&path, What::Trace, Existing::Overwrite).unwrap_err();
        assert_eq!(err.reason, Reason::NoDirectory(nope.clone()));
        assert!(
            err.to_string().ends_with(&format!(
                ": the directory {} does not exist",
                nope.display()
            )),
            "{err}"
        );
        assert_eq!(
            checked(&path, Existing::Overwrite),
            Reason::NoDirectory(nope)
        );
        let err = check(Path::new("/nope/t.jsonl"), What::Trace, Existing::Overwrite).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write the trace to /nope/t.jsonl: the directory /nope does not exist"
        );
    }

    #[test]
    fn parent_that_is_a_file_is_named() {
        let dir = Scratch::new("fileparent");
        let file = dir.join("file");
        std::fs::write(&file, "").unwrap();
        let path = file.join("t.jsonl");
        assert_eq!(
            reason(create(&path, What::Trace, Existing::Overwrite)),
            Reason::NotADirectory(file.clone())
        );
        assert_eq!(
            checked(&path, Existing::Overwrite),
            Reason::NotADirectory(file)
        );
    }

    #[test]
    fn unwritable_place_is_permission_denied() {
        // sysfs refuses creating files, even to root (so this runs as any
        // user; `check` relies on access(2), which root always passes).
        let path = Path::new("/sys/ipcscope-test.jsonl");
        let err = create(path, What::Trace, Existing::Overwrite).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write the trace to /sys/ipcscope-test.jsonl: permission denied"
        );
        assert!(!path.exists());
    }

    #[test]
    fn existing_file_is_overwritten_and_left_blocking() {
        let dir = Scratch::new("overwrite");
        let path = dir.join("t.jsonl");
        std::fs::write(&path, "a much longer old content\n").unwrap();
        check(&path, What::Trace, Existing::Overwrite).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a much longer old content\n",
            "check changes nothing"
        );
        let mut f = create(&path, What::Trace, Existing::Overwrite).unwrap();
        f.write_all(b"new\n").unwrap();
        drop(f);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");

        let f = create(&path, What::Trace, Existing::Overwrite).unwrap();
        let fl = OFlag::from_bits_truncate(fcntl(&f, FcntlArg::F_GETFL).unwrap());
        assert!(!fl.contains(OFlag::O_NONBLOCK), "{fl:?}");
        assert!(fl.contains(OFlag::O_WRONLY), "{fl:?}");
        let fd = fcntl(&f, FcntlArg::F_GETFD).unwrap();
        assert!(fd & libc::FD_CLOEXEC != 0, "close-on-exec");
        assert_eq!(f.metadata().unwrap().len(), 0, "truncated");
    }

    #[test]
    fn existing_file_is_refused_without_force_and_kept() {
        let dir = Scratch::new("refuse");
        let path = dir.join("export.json");
        std::fs::write(&path, "keep").unwrap();
        let err = create(&path, What::Export, Existing::Refuse).unwrap_err();
        assert_eq!(err.reason, Reason::Exists);
        assert_eq!(
            err.to_string(),
            format!(
                "cannot write the export to {}: it already exists (give --force to overwrite it)",
                path.display()
            )
        );
        assert_eq!(checked(&path, Existing::Refuse), Reason::Exists);
        let mut s = String::new();
        File::open(&path).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "keep");
    }

    #[test]
    fn new_file_is_created_by_create_and_not_by_check() {
        let dir = Scratch::new("new");
        for (name, policy) in [("a", Existing::Overwrite), ("b", Existing::Refuse)] {
            let path = dir.join(name);
            check(&path, What::Trace, policy).unwrap();
            assert!(!path.exists(), "check must not create {name}");
            let mut f = create(&path, What::Trace, policy).unwrap();
            f.write_all(b"x").unwrap();
            assert!(path.metadata().unwrap().is_file());
        }
    }

    #[test]
    fn relative_path_in_the_current_directory_is_checked_there() {
        assert_eq!(parent_dir(Path::new("t.jsonl")), PathBuf::from("."));
        assert_eq!(parent_dir(Path::new("a/t.jsonl")), PathBuf::from("a"));
    }

    #[test]
    fn write_failures_name_the_file_in_lowercase() {
        let e = io::Error::from_raw_os_error(libc::ENOSPC);
        let err = OutputError::write_failed(What::Trace, Path::new("t.jsonl"), &e);
        assert_eq!(
            err.to_string(),
            "cannot write the trace to t.jsonl: no space left on device"
        );
    }
}
