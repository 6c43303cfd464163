//! A real cross-process pipe with Python's `multiprocessing.Pipe` contract
//! (rules P1-P10 in PYTHON_CONTRACT.md): this module owns the file
//! descriptors of both ends, the message framing and every system call made on
//! them.
//!
//! `pipe(true)` is a connected `AF_UNIX` stream socketpair whose ends both send
//! and receive; `pipe(false)` is an OS `pipe(2)` whose first end only receives
//! and second end only sends (P1). Each message goes on the wire exactly as
//! Python frames it: a 4-byte big-endian length, then the bytes, so a Python
//! process holding the other end reads our messages and we read its (as raw
//! bytes; the pickle is Python's business).
//!
//! File descriptors are created close-on-exec. A child process gets an end by
//! explicit inheritance: the spawner clears `FD_CLOEXEC` on the number it
//! hands down, and the child rebuilds the end with [`Connection::from_raw_fd`].
//!
//! Nobody dies of `SIGPIPE` (P8). Socket ends write with `send(2)` and
//! `MSG_NOSIGNAL`, so no signal is raised at all. A `pipe(2)` write end has no
//! such flag, so whenever one is made (by [`pipe`] or [`Connection::from_raw_fd`])
//! we check that `SIGPIPE` is ignored and ignore it if it still has the
//! default, killing action. Rust binaries already start with `SIGPIPE`
//! ignored, so in our own processes this changes nothing; a handler someone
//! installed on purpose is left alone. Either way `EPIPE` becomes
//! [`PipeError::BrokenPipe`].

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigHandler, Signal};
use nix::sys::socket::{self, AddressFamily, MsgFlags, SockFlag, SockType, sockopt};
use nix::sys::stat::{SFlag, fstat};
use nix::unistd;

/// The largest message [`Connection::send`] accepts and [`Connection::recv`]
/// believes: 64 MiB.
///
/// It bounds what a corrupt or foreign length header can make `recv` allocate,
/// and sits far above anything a teaching session sends. Python switches to an
/// 8-byte length header only above 2 GiB, so below this limit our framing is
/// byte-for-byte Python's.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Payloads up to this size are written together with their header in one
/// system call, larger ones as two writes, as Python 3.11 does. One write of at
/// most `PIPE_BUF` (4,096) bytes is atomic, which is why two unlocked writers
/// still deliver small messages whole (P10).
const JOIN_HEADER_UP_TO: usize = 16 * 1024;

/// Size of the big-endian length header in front of every message.
const HEADER: usize = 4;

/// What can go wrong on a [`Connection`]; messages follow Python's wording
/// where it has one.
#[derive(Debug, thiserror::Error)]
pub enum PipeError {
    /// `send` on an end that only receives (P2).
    #[error("connection is read-only")]
    ReadOnly,
    /// `recv` or `poll` on an end that only sends (P2).
    #[error("connection is write-only")]
    WriteOnly,
    /// Any use of an end after [`Connection::close`] (P7).
    #[error("handle is closed")]
    Closed,
    /// All data is read and every copy of the other end is closed (P5).
    #[error("end of file: every copy of the other end is closed")]
    Eof,
    /// End of file in the middle of a message (P6).
    #[error("got end of file during message")]
    Truncated,
    /// `send` when every reading end is closed (P8).
    #[error("broken pipe: every reading end is closed")]
    BrokenPipe,
    /// A message (sent, or announced by a received header) above [`MAX_MESSAGE`].
    #[error("message of {len} bytes is larger than the limit of {max} bytes")]
    TooLarge { len: usize, max: usize },
    /// A `poll` timeout that is NaN or infinite.
    #[error("invalid timeout {0}: must be a finite number of seconds")]
    BadTimeout(f64),
    /// Any other failure of a system call, named by `op`.
    #[error("{op}: {source}")]
    Os {
        op: &'static str,
        #[source]
        source: Errno,
    },
}

/// Which kernel object carries the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeKind {
    /// A connected `AF_UNIX` stream socketpair: both ends send and receive.
    Duplex,
    /// An OS `pipe(2)`: one end receives, the other sends.
    OneWay,
}

/// One end of a pipe, owned by this process.
///
/// Dropping it closes the descriptor, like [`Connection::close`].
#[derive(Debug)]
pub struct Connection {
    /// `None` once closed.
    fd: Option<OwnedFd>,
    readable: bool,
    writable: bool,
    kind: PipeKind,
}

/// Makes a connected pair of ends.
///
/// `duplex = true` gives a socketpair whose two ends both send and receive;
/// `duplex = false` gives an OS pipe whose *first* end only receives and whose
/// *second* end only sends, the order of Python's `Pipe(duplex=False)` (P1).
pub fn pipe(duplex: bool) -> Result<(Connection, Connection), PipeError> {
    if duplex {
        let (a, b) = socket::socketpair(
            AddressFamily::Unix,
            SockType::Stream,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .map_err(os("socketpair"))?;
        Ok((
            Connection::new(a, true, true, PipeKind::Duplex),
            Connection::new(b, true, true, PipeKind::Duplex),
        ))
    } else {
        let (read_end, write_end) = unistd::pipe2(OFlag::O_CLOEXEC).map_err(os("pipe2"))?;
        ensure_sigpipe_ignored()?;
        Ok((
            Connection::new(read_end, true, false, PipeKind::OneWay),
            Connection::new(write_end, false, true, PipeKind::OneWay),
        ))
    }
}

impl Connection {
    fn new(fd: OwnedFd, readable: bool, writable: bool, kind: PipeKind) -> Self {
        Self {
            fd: Some(fd),
            readable,
            writable,
            kind,
        }
    }

    /// Sends one message: a 4-byte big-endian length, then `msg`.
    ///
    /// Blocks while the kernel buffer is full (P9) and returns once the whole
    /// message is written, however many writes that takes. An empty message
    /// is a message (P3).
    pub fn send(&mut self, msg: &[u8]) -> Result<(), PipeError> {
        let fd = self.sending_fd()?;
        let len = u32::try_from(msg.len())
            .ok()
            .filter(|_| msg.len() <= MAX_MESSAGE)
            .ok_or(PipeError::TooLarge {
                len: msg.len(),
                max: MAX_MESSAGE,
            })?;
        let header = len.to_be_bytes();
        if msg.len() <= JOIN_HEADER_UP_TO {
            let mut framed = Vec::with_capacity(HEADER + msg.len());
            framed.extend_from_slice(&header);
            framed.extend_from_slice(msg);
            self.write_all(fd, &framed)
        } else {
            self.write_all(fd, &header)?;
            self.write_all(fd, msg)
        }
    }

    /// Receives exactly one whole message, blocking until it has arrived.
    ///
    /// [`PipeError::Eof`] when the other end is closed everywhere and no
    /// message has begun (P5); [`PipeError::Truncated`] when the end of file
    /// cuts a header or a message short (P6). A header announcing more than
    /// [`MAX_MESSAGE`] bytes gives [`PipeError::TooLarge`]; the stream is then
    /// out of step, as it is in Python after its "bad message length".
    pub fn recv(&mut self) -> Result<Vec<u8>, PipeError> {
        let fd = self.receiving_fd()?;
        let mut header = [0u8; HEADER];
        match read_full(fd, &mut header)? {
            0 => return Err(PipeError::Eof),
            HEADER => {}
            _ => return Err(PipeError::Truncated),
        }
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_MESSAGE {
            return Err(PipeError::TooLarge {
                len,
                max: MAX_MESSAGE,
            });
        }
        let mut msg = vec![0u8; len];
        if read_full(fd, &mut msg)? < len {
            return Err(PipeError::Truncated);
        }
        Ok(msg)
    }

    /// Waits until something can be read: true when a message *or* end of file
    /// is waiting (P4), false when the timeout passed first.
    ///
    /// `None` waits forever; a timeout of zero or less only looks and returns
    /// at once; NaN and infinities are [`PipeError::BadTimeout`]. "Something"
    /// is at least one byte, as in Python: a `recv` after `true` may still wait
    /// for the rest of a message that is being written.
    pub fn poll(&mut self, timeout: Option<f64>) -> Result<bool, PipeError> {
        let fd = self.receiving_fd()?;
        let deadline = match timeout {
            None => None,
            Some(t) if !t.is_finite() => return Err(PipeError::BadTimeout(t)),
            Some(t) if t <= 0.0 => Some(Instant::now()),
            // A timeout too long to represent waits forever.
            Some(t) => Duration::try_from_secs_f64(t)
                .ok()
                .and_then(|d| Instant::now().checked_add(d)),
        };
        loop {
            let wait = match deadline {
                None => PollTimeout::NONE,
                Some(at) => poll_millis(at.saturating_duration_since(Instant::now())),
            };
            let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
            match nix::poll::poll(&mut fds, wait) {
                Ok(0) => {
                    // Rounding and the 24-day cap of one poll(2) can wake us
                    // early; only the deadline says "timed out".
                    if deadline.is_some_and(|at| Instant::now() >= at) {
                        return Ok(false);
                    }
                }
                Ok(_) => {
                    let revents = fds[0].revents().unwrap_or(PollFlags::empty());
                    if revents.contains(PollFlags::POLLNVAL) {
                        return Err(PipeError::Os {
                            op: "poll",
                            source: Errno::EBADF,
                        });
                    }
                    // POLLIN: data. POLLHUP: end of file. POLLERR: the next
                    // recv reports the error. Each means recv will not block.
                    return Ok(true);
                }
                Err(Errno::EINTR) => {}
                Err(e) => {
                    return Err(PipeError::Os {
                        op: "poll",
                        source: e,
                    });
                }
            }
        }
    }

    /// Closes this end in this process. Closing twice is fine; any other use
    /// afterwards is [`PipeError::Closed`] (P7). Copies of the descriptor in
    /// other processes stay open (P5).
    pub fn close(&mut self) {
        self.fd = None;
    }

    /// Whether this end may receive.
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// Whether this end may send.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// Socketpair or OS pipe.
    pub fn kind(&self) -> PipeKind {
        self.kind
    }

    /// The descriptor number, `None` once closed. Ownership stays here.
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.fd.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Gives up ownership of the descriptor without closing it, so it can be
    /// handed to a child process that rebuilds the end with
    /// [`Connection::from_raw_fd`]. The caller must close it eventually.
    pub fn into_raw_fd(mut self) -> Result<RawFd, PipeError> {
        self.fd
            .take()
            .map(IntoRawFd::into_raw_fd)
            .ok_or(PipeError::Closed)
    }

    /// Rebuilds an end from a descriptor number, typically one a child process
    /// inherited from the parent that made the pipe.
    ///
    /// The descriptor is checked before it is taken: it must be a socket for
    /// [`PipeKind::Duplex`] or a pipe for [`PipeKind::OneWay`], at least one of
    /// `readable` and `writable` must be set, and its access mode must allow
    /// them (`Os { op: "from_raw_fd", .. }` otherwise). On error the caller
    /// still owns `fd`. Its close-on-exec flag is left as it is.
    ///
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else in this process owns
    /// or will close: the returned `Connection` closes it when closed or
    /// dropped.
    pub unsafe fn from_raw_fd(
        fd: RawFd,
        readable: bool,
        writable: bool,
        kind: PipeKind,
    ) -> Result<Self, PipeError> {
        let invalid = |source| PipeError::Os {
            op: "from_raw_fd",
            source,
        };
        if fd < 0 {
            return Err(invalid(Errno::EBADF));
        }
        if !readable && !writable {
            return Err(invalid(Errno::EINVAL));
        }
        // SAFETY: the caller promises `fd` is open; it is not -1 (checked
        // above), and the borrow ends before this function returns.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let file_type = SFlag::from_bits_truncate(fstat(borrowed).map_err(os("fstat"))?.st_mode)
            & SFlag::S_IFMT;
        match kind {
            PipeKind::Duplex if file_type != SFlag::S_IFSOCK => {
                return Err(invalid(Errno::ENOTSOCK));
            }
            PipeKind::OneWay if file_type != SFlag::S_IFIFO => {
                return Err(invalid(Errno::EINVAL));
            }
            _ => {}
        }
        let flags = fcntl(borrowed, FcntlArg::F_GETFL).map_err(os("fcntl(F_GETFL)"))?;
        let access = OFlag::from_bits_truncate(flags) & OFlag::O_ACCMODE;
        let allowed = if access == OFlag::O_RDWR {
            true
        } else if access == OFlag::O_RDONLY {
            !writable
        } else {
            !readable
        };
        if !allowed {
            return Err(invalid(Errno::EBADF));
        }
        if kind == PipeKind::OneWay && writable {
            ensure_sigpipe_ignored()?;
        }
        // SAFETY: the caller hands us sole ownership of the open `fd`.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Self::new(owned, readable, writable, kind))
    }

    /// Bytes in the kernel buffer not yet read, headers included (`FIONREAD`).
    ///
    /// For an OS pipe both ends see the one buffer between them. For a
    /// socketpair end it is what this end has still to receive.
    pub fn bytes_waiting(&self) -> Result<usize, PipeError> {
        let fd = self.open_fd()?;
        let mut count: libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int through the pointer, which points
        // to a live local; `fd` is open for the duration of the call.
        unsafe { sys::fionread(fd.as_raw_fd(), &mut count) }.map_err(os("ioctl(FIONREAD)"))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Size of the kernel buffer behind this end, in bytes.
    ///
    /// For an OS pipe, `F_GETPIPE_SZ` (65,536 by default); a writer blocks
    /// once about that much is unread (P9), since small writes share pages.
    ///
    /// For a socket, `SO_RCVBUF`, or `SO_SNDBUF` for an end that only sends
    /// (212,992 by default). This is not a payload limit: the kernel charges
    /// every write its own bookkeeping, so what fits depends on write sizes.
    /// Measured with default buffers: 180,224 bytes in 4 KiB writes (Python's
    /// P9 figure), 233,152 in 64 KiB writes, but only 278 writes of any size
    /// up to about 100 bytes, so 278 unread small messages block a writer.
    pub fn capacity(&self) -> Result<usize, PipeError> {
        let fd = self.open_fd()?;
        match self.kind {
            PipeKind::OneWay => {
                let size = fcntl(fd, FcntlArg::F_GETPIPE_SZ).map_err(os("fcntl(F_GETPIPE_SZ)"))?;
                Ok(usize::try_from(size).unwrap_or(0))
            }
            PipeKind::Duplex if self.readable => {
                socket::getsockopt(&fd, sockopt::RcvBuf).map_err(os("getsockopt(SO_RCVBUF)"))
            }
            PipeKind::Duplex => {
                socket::getsockopt(&fd, sockopt::SndBuf).map_err(os("getsockopt(SO_SNDBUF)"))
            }
        }
    }

    /// The inode of the kernel object (`fstat` `st_ino`). Every process holding
    /// this pipe shows it in `/proc/<pid>/fd` as `pipe:[inode]` (both ends of an
    /// OS pipe share one) or `socket:[inode]` (each socketpair end has its own).
    pub fn inode(&self) -> Result<u64, PipeError> {
        let fd = self.open_fd()?;
        Ok(fstat(fd).map_err(os("fstat"))?.st_ino)
    }

    fn open_fd(&self) -> Result<BorrowedFd<'_>, PipeError> {
        self.fd.as_ref().map(AsFd::as_fd).ok_or(PipeError::Closed)
    }

    fn receiving_fd(&self) -> Result<BorrowedFd<'_>, PipeError> {
        let fd = self.open_fd()?;
        if self.readable {
            Ok(fd)
        } else {
            Err(PipeError::WriteOnly)
        }
    }

    fn sending_fd(&self) -> Result<BorrowedFd<'_>, PipeError> {
        let fd = self.open_fd()?;
        if self.writable {
            Ok(fd)
        } else {
            Err(PipeError::ReadOnly)
        }
    }

    /// Writes all of `buf`, retrying partial writes and interrupted calls.
    fn write_all(&self, fd: BorrowedFd<'_>, mut buf: &[u8]) -> Result<(), PipeError> {
        let op = match self.kind {
            PipeKind::Duplex => "send",
            PipeKind::OneWay => "write",
        };
        while !buf.is_empty() {
            let written = match self.kind {
                PipeKind::Duplex => socket::send(fd.as_raw_fd(), buf, MsgFlags::MSG_NOSIGNAL),
                PipeKind::OneWay => unistd::write(fd, buf),
            };
            match written {
                // A blocking write of a non-empty buffer never returns 0;
                // guard against spinning if one ever does.
                Ok(0) => {
                    return Err(PipeError::Os {
                        op,
                        source: Errno::EIO,
                    });
                }
                Ok(n) => buf = &buf[n..],
                Err(Errno::EINTR) => {}
                Err(Errno::EPIPE) => return Err(PipeError::BrokenPipe),
                Err(e) => return Err(PipeError::Os { op, source: e }),
            }
        }
        Ok(())
    }
}

/// Reads until `buf` is full or end of file; returns how many bytes arrived.
fn read_full(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, PipeError> {
    let mut filled = 0;
    while filled < buf.len() {
        match unistd::read(fd, &mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::EINTR) => {}
            Err(e) => {
                return Err(PipeError::Os {
                    op: "read",
                    source: e,
                });
            }
        }
    }
    Ok(filled)
}

/// One `poll(2)` timeout for `left`, rounded up to whole milliseconds so we
/// never wake before the deadline, capped at what `poll(2)` takes.
fn poll_millis(left: Duration) -> PollTimeout {
    let millis = left.as_nanos().div_ceil(1_000_000);
    i32::try_from(millis)
        .ok()
        .and_then(|ms| PollTimeout::try_from(ms).ok())
        .unwrap_or(PollTimeout::MAX)
}

/// Makes sure writing to a pipe nobody reads gives `EPIPE` instead of killing
/// the process: ignores `SIGPIPE` if it still has its default action.
fn ensure_sigpipe_ignored() -> Result<(), PipeError> {
    // SAFETY: an all-zero sigaction is a valid value to be overwritten.
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only reads the current one into `current`.
    let rc = unsafe { libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut current) };
    Errno::result(rc).map_err(os("sigaction(SIGPIPE)"))?;
    if current.sa_sigaction == libc::SIG_DFL {
        // SAFETY: SIG_IGN installs no handler code, so nothing can run in
        // signal context.
        unsafe { nix::sys::signal::signal(Signal::SIGPIPE, SigHandler::SigIgn) }
            .map_err(os("signal(SIGPIPE)"))?;
    }
    Ok(())
}

/// Maps an errno to [`PipeError::Os`] for the named operation.
fn os(op: &'static str) -> impl FnOnce(Errno) -> PipeError {
    move |source| PipeError::Os { op, source }
}

/// The `FIONREAD` ioctl, kept private (the macro makes a `pub fn`).
mod sys {
    nix::ioctl_read_bad!(fionread, libc::FIONREAD, libc::c_int);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;

    /// Generous bound for anything that waits on another thread.
    const DEADLINE: Duration = Duration::from_secs(30);

    /// The same bound for `poll`. Tests that close an end wait for the end of
    /// file with it rather than polling with zero: a process forked by another
    /// test holds a copy of every fd until its `exec`, which delays EOF.
    const DEADLINE_SECS: f64 = 30.0;

    /// Runs `f` on a thread; `within` collects its result or fails the test.
    fn spawn<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx
    }

    fn within<T>(rx: &mpsc::Receiver<T>) -> T {
        rx.recv_timeout(DEADLINE)
            .expect("the other thread did not finish in time (or panicked)")
    }

    /// Writes raw bytes on an end, bypassing the framing.
    fn write_raw(conn: &Connection, bytes: &[u8]) {
        let fd = conn.open_fd().expect("open end");
        conn.write_all(fd, bytes).expect("raw write");
    }

    fn both_kinds() -> [(Connection, Connection); 2] {
        [pipe(true).expect("socketpair"), pipe(false).expect("pipe")]
    }

    /// Fills the buffer from `w` with non-blocking 4,096-byte writes; returns
    /// how many bytes it took before the kernel said "would block".
    fn fill_until_full(w: &Connection) -> usize {
        let fd = w.open_fd().expect("open end");
        let flags = fcntl(fd, FcntlArg::F_GETFL).expect("F_GETFL");
        let nonblocking = OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK;
        fcntl(fd, FcntlArg::F_SETFL(nonblocking)).expect("F_SETFL");
        let chunk = [7u8; 4096];
        let mut total = 0;
        loop {
            let res = match w.kind {
                PipeKind::Duplex => socket::send(fd.as_raw_fd(), &chunk, MsgFlags::MSG_NOSIGNAL),
                PipeKind::OneWay => unistd::write(fd, &chunk),
            };
            match res {
                Ok(n) => total += n,
                Err(Errno::EAGAIN) => return total,
                Err(e) => panic!("write while filling: {e}"),
            }
        }
    }

    #[test]
    fn p1_duplex_both_ends_send_and_receive() {
        let (mut a, mut b) = pipe(true).unwrap();
        assert_eq!(a.kind(), PipeKind::Duplex);
        assert!(a.readable() && a.writable() && b.readable() && b.writable());
        a.send(b"ping").unwrap();
        assert_eq!(b.recv().unwrap(), b"ping");
        b.send(b"pong").unwrap();
        assert_eq!(a.recv().unwrap(), b"pong");
    }

    #[test]
    fn p1_oneway_first_end_receives_only() {
        let (mut r, mut w) = pipe(false).unwrap();
        assert_eq!(r.kind(), PipeKind::OneWay);
        assert!(r.readable() && !r.writable());
        assert!(!w.readable() && w.writable());
        w.send(b"hello").unwrap();
        assert_eq!(r.recv().unwrap(), b"hello");
    }

    #[test]
    fn p2_send_on_receive_only_end_is_read_only() {
        let (mut r, _w) = pipe(false).unwrap();
        let err = r.send(b"x").unwrap_err();
        assert!(matches!(err, PipeError::ReadOnly));
        assert_eq!(err.to_string(), "connection is read-only");
        assert_eq!(r.bytes_waiting().unwrap(), 0, "nothing was written");
    }

    #[test]
    fn p2_recv_and_poll_on_send_only_end_are_write_only() {
        let (_r, mut w) = pipe(false).unwrap();
        let err = w.recv().unwrap_err();
        assert!(matches!(err, PipeError::WriteOnly));
        assert_eq!(err.to_string(), "connection is write-only");
        assert!(matches!(w.poll(Some(0.0)), Err(PipeError::WriteOnly)));
        // Direction is checked before the timeout.
        assert!(matches!(w.poll(Some(f64::NAN)), Err(PipeError::WriteOnly)));
    }

    #[test]
    fn p3_messages_never_merge() {
        for (mut a, mut b) in both_kinds() {
            let sent: [&[u8]; 4] = [b"one", b"", b"three three", &[0u8; 5000]];
            for msg in sent {
                b.send(msg).unwrap();
            }
            for msg in sent {
                assert_eq!(a.recv().unwrap(), msg, "{:?}", a.kind());
            }
            assert!(!a.poll(Some(0.0)).unwrap(), "nothing left over");
        }
    }

    #[test]
    fn p3_empty_message_is_a_message() {
        for (mut a, mut b) in both_kinds() {
            b.send(b"").unwrap();
            assert_eq!(a.bytes_waiting().unwrap(), HEADER, "a bare header");
            assert!(a.poll(Some(0.0)).unwrap());
            assert_eq!(a.recv().unwrap(), b"");
        }
    }

    #[test]
    fn p3_wire_format_is_pythons_big_endian_length_header() {
        let (mut r, mut w) = pipe(false).unwrap();
        w.send(b"abc").unwrap();
        let fd = r.open_fd().unwrap();
        let mut raw = [0u8; 7];
        assert_eq!(read_full(fd, &mut raw).unwrap(), 7);
        assert_eq!(raw, [0, 0, 0, 3, b'a', b'b', b'c']);
        write_raw(&w, &[0, 0, 0, 2, b'h', b'i']);
        assert_eq!(r.recv().unwrap(), b"hi");
    }

    #[test]
    fn p4_poll_zero_returns_at_once() {
        for (mut a, mut b) in both_kinds() {
            for timeout in [0.0, -1.0, -0.0, f64::MIN] {
                let start = Instant::now();
                assert!(!a.poll(Some(timeout)).unwrap());
                assert!(start.elapsed() < Duration::from_secs(1), "{timeout}");
            }
            b.send(b"x").unwrap();
            assert!(a.poll(Some(0.0)).unwrap());
            assert!(a.poll(Some(-5.0)).unwrap());
        }
    }

    #[test]
    fn p4_poll_timeout_waits_that_long() {
        let (mut r, _w) = pipe(false).unwrap();
        let start = Instant::now();
        assert!(!r.poll(Some(0.2)).unwrap());
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(200), "{waited:?}");
        assert!(waited < DEADLINE, "{waited:?}");
    }

    #[test]
    fn p4_poll_none_waits_for_a_message() {
        let (mut r, mut w) = pipe(false).unwrap();
        let poller = spawn(move || r.poll(None).map(|ready| (ready, r)));
        w.send(b"wake").unwrap();
        let (ready, mut r) = within(&poller).unwrap();
        assert!(ready);
        assert_eq!(r.recv().unwrap(), b"wake");
    }

    #[test]
    fn p4_poll_is_true_at_end_of_file() {
        for (mut a, mut b) in both_kinds() {
            b.close();
            assert!(a.poll(Some(DEADLINE_SECS)).unwrap(), "{:?}", a.kind());
            assert!(a.poll(None).unwrap());
        }
    }

    #[test]
    fn p4_non_finite_timeout_is_bad_timeout() {
        let (mut a, _b) = pipe(true).unwrap();
        for t in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(
                matches!(a.poll(Some(t)), Err(PipeError::BadTimeout(_))),
                "{t}"
            );
        }
        assert_eq!(
            PipeError::BadTimeout(f64::INFINITY).to_string(),
            "invalid timeout inf: must be a finite number of seconds"
        );
    }

    #[test]
    fn p4_huge_finite_timeout_is_accepted() {
        let (mut a, mut b) = pipe(true).unwrap();
        b.send(b"now").unwrap();
        assert!(a.poll(Some(1e300)).unwrap());
        assert!(a.poll(Some(1e9)).unwrap());
    }

    #[test]
    fn p5_eof_after_other_end_closed() {
        for (mut a, mut b) in both_kinds() {
            b.send(b"last").unwrap();
            b.close();
            assert_eq!(a.recv().unwrap(), b"last", "data first");
            let err = a.recv().unwrap_err();
            assert!(matches!(err, PipeError::Eof), "{:?}: {err}", a.kind());
            assert!(matches!(a.recv(), Err(PipeError::Eof)), "and again");
        }
    }

    #[test]
    fn p5_copy_of_other_end_keeps_recv_waiting() {
        for (mut a, mut b) in both_kinds() {
            let copy = unistd::dup(b.open_fd().unwrap()).unwrap();
            b.close();
            assert!(!a.poll(Some(0.2)).unwrap(), "a copy still holds the end");
            drop(copy);
            assert!(a.poll(Some(DEADLINE_SECS)).unwrap());
            assert!(matches!(a.recv(), Err(PipeError::Eof)));
        }
    }

    #[test]
    fn p5_duplex_peer_closed_with_unread_data_is_connection_reset() {
        // Linux marks a socket whose peer closed with unread data with
        // ECONNRESET; the first read reports it, later reads see end of file.
        // Python raises ConnectionResetError here, not EOFError.
        let (mut a, mut b) = pipe(true).unwrap();
        a.send(b"never read").unwrap();
        b.close();
        assert!(a.poll(Some(DEADLINE_SECS)).unwrap());
        assert!(matches!(
            a.recv(),
            Err(PipeError::Os {
                op: "read",
                source: Errno::ECONNRESET
            })
        ));
        assert!(matches!(a.recv(), Err(PipeError::Eof)));
    }

    #[test]
    fn p6_truncated_message_is_error() {
        for (mut a, mut b) in both_kinds() {
            write_raw(&b, &[0, 0, 0, 10, 1, 2, 3]);
            b.close();
            let err = a.recv().unwrap_err();
            assert!(matches!(err, PipeError::Truncated), "{:?}: {err}", a.kind());
            assert_eq!(err.to_string(), "got end of file during message");
        }
    }

    #[test]
    fn p6_truncated_header_is_error() {
        for (mut a, mut b) in both_kinds() {
            write_raw(&b, &[0, 0]);
            b.close();
            assert!(
                matches!(a.recv(), Err(PipeError::Truncated)),
                "{:?}",
                a.kind()
            );
        }
    }

    #[test]
    fn p7_use_after_close_is_error() {
        for (mut a, _b) in both_kinds() {
            a.close();
            a.close();
            assert_eq!(a.raw_fd(), None);
            assert!(matches!(a.recv(), Err(PipeError::Closed)));
            assert!(matches!(a.poll(Some(0.0)), Err(PipeError::Closed)));
            assert!(matches!(a.bytes_waiting(), Err(PipeError::Closed)));
            assert!(matches!(a.capacity(), Err(PipeError::Closed)));
            assert!(matches!(a.inode(), Err(PipeError::Closed)));
            assert_eq!(a.recv().unwrap_err().to_string(), "handle is closed");
            assert!(matches!(a.into_raw_fd(), Err(PipeError::Closed)));
        }
        let (_r, mut w) = pipe(false).unwrap();
        w.close();
        assert!(matches!(w.send(b"x"), Err(PipeError::Closed)));
    }

    #[test]
    fn p8_send_without_reader_is_broken_pipe() {
        for (mut a, mut b) in both_kinds() {
            a.close();
            // Large too: the second write of a split message must not kill us.
            for msg in [&b"x"[..], &[0u8; 100_000][..]] {
                // A send may succeed while a forked child of another test
                // still holds a copy of the reading end (see DEADLINE_SECS).
                let start = Instant::now();
                let err = loop {
                    match b.send(msg) {
                        Ok(()) if start.elapsed() < DEADLINE => {
                            thread::sleep(Duration::from_millis(10));
                        }
                        other => break other.unwrap_err(),
                    }
                };
                assert!(
                    matches!(err, PipeError::BrokenPipe),
                    "{:?}: {err}",
                    b.kind()
                );
            }
        }
    }

    #[test]
    fn p8_sigpipe_is_ignored_once_a_oneway_pipe_exists() {
        let _ends = pipe(false).unwrap();
        // SAFETY: zeroed sigaction is valid; a null new action only queries.
        let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut current) };
        assert_eq!(rc, 0);
        assert_eq!(current.sa_sigaction, libc::SIG_IGN);
    }

    #[test]
    fn p9_oneway_buffer_holds_capacity_bytes() {
        let (r, w) = pipe(false).unwrap();
        assert_eq!(r.capacity().unwrap(), 65_536);
        assert_eq!(w.capacity().unwrap(), 65_536);
        assert_eq!(fill_until_full(&w), 65_536);
        assert_eq!(r.bytes_waiting().unwrap(), 65_536);
        assert_eq!(w.bytes_waiting().unwrap(), 65_536, "one buffer, both ends");
    }

    #[test]
    fn p9_duplex_buffer_holds_less_than_capacity() {
        let (a, b) = pipe(true).unwrap();
        let capacity = b.capacity().unwrap();
        let rmem_default = std::fs::read_to_string("/proc/sys/net/core/rmem_default")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok());
        if let Some(default) = rmem_default {
            assert_eq!(capacity, default);
        }
        let held = fill_until_full(&a);
        assert_eq!(b.bytes_waiting().unwrap(), held);
        assert_eq!(a.bytes_waiting().unwrap(), 0, "a's own inbox is empty");
        assert!(held > 0 && held < capacity, "held {held} of {capacity}");
    }

    #[test]
    fn large_message_arrives_whole_with_reader_thread() {
        let big: Vec<u8> = (0..1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
        for (mut a, mut b) in both_kinds() {
            let reader = spawn(move || a.recv().map(|msg| (msg, a)));
            b.send(&big).unwrap();
            b.send(b"after").unwrap();
            let (got, mut a) = within(&reader).unwrap();
            assert_eq!(got.len(), big.len());
            assert!(got == big, "{:?}: content differs", a.kind());
            assert_eq!(a.recv().unwrap(), b"after");
        }
    }

    #[test]
    fn large_messages_cross_both_ways_on_duplex() {
        let big = vec![9u8; 1024 * 1024];
        let (mut a, mut b) = pipe(true).unwrap();
        let expected = big.clone();
        let echo = spawn(move || -> Result<(), PipeError> {
            let msg = b.recv()?;
            assert!(msg == expected);
            b.send(&msg)
        });
        a.send(&big).unwrap();
        assert!(a.recv().unwrap() == big);
        within(&echo).unwrap();
    }

    #[test]
    fn too_large_message_is_refused_both_ways() {
        let (mut r, mut w) = pipe(false).unwrap();
        let huge = vec![0u8; MAX_MESSAGE + 1];
        assert!(matches!(
            w.send(&huge),
            Err(PipeError::TooLarge { len, max }) if len == MAX_MESSAGE + 1 && max == MAX_MESSAGE
        ));
        assert_eq!(r.bytes_waiting().unwrap(), 0, "nothing was written");
        write_raw(&w, &0x7fff_ffffu32.to_be_bytes());
        assert!(matches!(
            r.recv(),
            Err(PipeError::TooLarge {
                len: 0x7fff_ffff,
                ..
            })
        ));
    }

    #[test]
    fn bytes_waiting_counts_headers_and_drains() {
        for (mut a, mut b) in both_kinds() {
            assert_eq!(a.bytes_waiting().unwrap(), 0);
            b.send(&[1u8; 10]).unwrap();
            b.send(&[2u8; 20]).unwrap();
            assert_eq!(a.bytes_waiting().unwrap(), 14 + 24, "{:?}", a.kind());
            a.recv().unwrap();
            assert_eq!(a.bytes_waiting().unwrap(), 24);
            a.recv().unwrap();
            assert_eq!(a.bytes_waiting().unwrap(), 0);
        }
    }

    #[test]
    fn fds_are_close_on_exec() {
        for (a, b) in both_kinds() {
            for end in [&a, &b] {
                let flags = fcntl(end.open_fd().unwrap(), FcntlArg::F_GETFD).unwrap();
                assert!(flags & libc::FD_CLOEXEC != 0, "{:?}", end.kind());
            }
        }
    }

    #[test]
    fn inode_matches_proc_fd_link() {
        let (r, w) = pipe(false).unwrap();
        assert_eq!(r.inode().unwrap(), w.inode().unwrap(), "one pipe object");
        let link = std::fs::read_link(format!("/proc/self/fd/{}", r.raw_fd().unwrap())).unwrap();
        assert_eq!(
            link.to_string_lossy(),
            format!("pipe:[{}]", r.inode().unwrap())
        );

        let (a, b) = pipe(true).unwrap();
        assert_ne!(a.inode().unwrap(), b.inode().unwrap(), "two sockets");
        let link = std::fs::read_link(format!("/proc/self/fd/{}", a.raw_fd().unwrap())).unwrap();
        assert_eq!(
            link.to_string_lossy(),
            format!("socket:[{}]", a.inode().unwrap())
        );
    }

    #[test]
    fn raw_fd_round_trip_rebuilds_the_end() {
        let (mut r, w) = pipe(false).unwrap();
        let raw = w.into_raw_fd().unwrap();
        // SAFETY: `raw` was just released by `into_raw_fd` and nothing else owns it.
        let mut w = unsafe { Connection::from_raw_fd(raw, false, true, PipeKind::OneWay) }.unwrap();
        assert_eq!(w.raw_fd(), Some(raw));
        w.send(b"rebuilt").unwrap();
        assert_eq!(r.recv().unwrap(), b"rebuilt");
    }

    #[test]
    fn from_raw_fd_rejects_a_wrong_description() {
        let (r, w) = pipe(false).unwrap();
        let (a, _b) = pipe(true).unwrap();
        let wrong = [
            (
                r.raw_fd().unwrap(),
                false,
                true,
                PipeKind::OneWay,
                Errno::EBADF,
            ),
            (
                w.raw_fd().unwrap(),
                true,
                false,
                PipeKind::OneWay,
                Errno::EBADF,
            ),
            (
                r.raw_fd().unwrap(),
                true,
                false,
                PipeKind::Duplex,
                Errno::ENOTSOCK,
            ),
            (
                a.raw_fd().unwrap(),
                true,
                true,
                PipeKind::OneWay,
                Errno::EINVAL,
            ),
            (
                a.raw_fd().unwrap(),
                false,
                false,
                PipeKind::Duplex,
                Errno::EINVAL,
            ),
            (-1, true, false, PipeKind::OneWay, Errno::EBADF),
        ];
        for (fd, readable, writable, kind, errno) in wrong {
            // SAFETY: each call fails its checks, so no ownership is taken.
            let res = unsafe { Connection::from_raw_fd(fd, readable, writable, kind) };
            match res {
                Err(PipeError::Os {
                    op: "from_raw_fd",
                    source,
                }) => assert_eq!(source, errno),
                Err(other) => panic!("fd {fd} {readable} {writable} {kind:?}: {other}"),
                Ok(conn) => {
                    // Hand the number back so the real owner alone closes it.
                    let _ = conn.into_raw_fd();
                    panic!("fd {fd} {readable} {writable} {kind:?} was accepted");
                }
            }
        }
    }
}
