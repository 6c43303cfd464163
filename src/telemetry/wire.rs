//! The wire format children report on: one JSON object (an [`Event`], the
//! same form the recording uses) per line, each line written with one
//! non-blocking `write(2)` to a pipe shared by all children. A line is
//! shorter than `PIPE_BUF`, so writes never interleave; a full pipe makes
//! the write fail at once (the child counts the event as dropped and
//! carries on): reporting never stalls a child's real IPC. Anything that
//! can write a line of JSON (an instrumented Python program, later) can
//! report the same way.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;

use crate::stream::Event;

/// Longest line, newline included (well under `PIPE_BUF`, 4096).
pub const MAX_LINE: usize = 1024;
/// Longest item label or text carried; longer ones are cut.
const MAX_TEXT: usize = 256;

/// Encodes an event as one line (newline included), cutting long labels and
/// texts so the line stays under [`MAX_LINE`].
pub fn encode(ev: &Event) -> Vec<u8> {
    let mut line = serde_json::to_vec(ev).unwrap_or_default();
    if line.len() >= MAX_LINE {
        let mut cut = ev.clone();
        if let Some(item) = &mut cut.item {
            truncate(item, MAX_TEXT);
        }
        if let crate::stream::Kind::Output { text } = &mut cut.kind {
            truncate(text, MAX_TEXT);
        }
        line = serde_json::to_vec(&cut).unwrap_or_default();
    }
    line.push(b'\n');
    line
}

fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let n = (0..=max)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s.truncate(n);
    }
}

/// Decodes one line (without its newline); `None` when it is not an event.
pub fn decode(line: &[u8]) -> Option<Event> {
    serde_json::from_slice(line).ok()
}

/// Splits a byte stream into lines, keeping a partial line for later.
#[derive(Debug, Default)]
pub struct Lines {
    partial: Vec<u8>,
}

impl Lines {
    /// Calls `f` with every whole line in `bytes` (after what was kept).
    pub fn feed(&mut self, mut bytes: &[u8], mut f: impl FnMut(&[u8])) {
        while let Some(i) = bytes.iter().position(|&b| b == b'\n') {
            if self.partial.is_empty() {
                f(&bytes[..i]);
            } else {
                self.partial.extend_from_slice(&bytes[..i]);
                f(&self.partial);
                self.partial.clear();
            }
            bytes = &bytes[i + 1..];
        }
        if self.partial.len() + bytes.len() <= MAX_LINE {
            self.partial.extend_from_slice(bytes);
        } else {
            // Not a line of ours: drop it rather than grow without bound.
            self.partial.clear();
        }
    }
}

/// The child's end: writes lines without ever blocking.
pub struct Reporter {
    fd: OwnedFd,
}

impl Reporter {
    /// Takes the inherited write end and makes it non-blocking.
    pub fn new(fd: OwnedFd) -> Result<Reporter, Errno> {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        let fl = OFlag::from_bits_truncate(fcntl(&fd, FcntlArg::F_GETFL)?);
        fcntl(&fd, FcntlArg::F_SETFL(fl | OFlag::O_NONBLOCK))?;
        Ok(Reporter { fd })
    }

    /// Sends one event; false when it had to be dropped (pipe full or gone).
    pub fn send(&self, ev: &Event) -> bool {
        let line = encode(ev);
        loop {
            match nix::unistd::write(&self.fd, &line) {
                Ok(n) => return n == line.len(),
                Err(Errno::EINTR) => continue,
                Err(_) => return false,
            }
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Kind;

    fn round_trip(ev: Event) {
        let line = encode(&ev);
        assert_eq!(line.last(), Some(&b'\n'));
        assert_eq!(decode(&line[..line.len() - 1]).unwrap(), ev);
    }

    #[test]
    fn child_events_round_trip() {
        round_trip(
            Event::new(123, 4, 999, Kind::PutWait)
                .with_item("url_7")
                .with_depth(2),
        );
        round_trip(Event::new(1, 0, 5, Kind::GetWait).with_depth(0));
        round_trip(Event::new(
            9,
            1,
            6,
            Kind::Count {
                done: 5000,
                value: -4321,
            },
        ));
        round_trip(
            Event::new(9, 1, 6, Kind::Send)
                .with_item("url_1")
                .with_seq(1),
        );
    }

    #[test]
    fn long_labels_are_cut_at_a_character_boundary_and_the_line_stays_short() {
        let ev = Event::new(0, 0, 0, Kind::Put).with_item("é".repeat(4000));
        let line = encode(&ev);
        assert!(line.len() <= MAX_LINE, "{}", line.len());
        let back = decode(&line[..line.len() - 1]).unwrap();
        assert_eq!(back.item.unwrap(), "é".repeat(MAX_TEXT / 2));
    }

    #[test]
    fn lines_split_across_reads_are_put_back_together() {
        let a = encode(&Event::new(1, 0, 0, Kind::GetWait));
        let b = encode(&Event::new(2, 0, 0, Kind::PutWait));
        let all = [a.clone(), b.clone()].concat();
        let mut lines = Lines::default();
        let mut got = Vec::new();
        for chunk in all.chunks(7) {
            lines.feed(chunk, |l| got.push(decode(l).unwrap().t_ns));
        }
        assert_eq!(got, [1, 2]);
    }

    #[test]
    fn a_full_pipe_drops_instead_of_blocking() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let rep = Reporter::new(w).unwrap();
        let ev = Event::new(0, 0, 0, Kind::Put).with_item("x");
        let mut sent = 0;
        while rep.send(&ev) {
            sent += 1;
            assert!(sent < 100_000, "never filled");
        }
        assert!(sent >= 500, "only {sent} records fit");
        drop(r);
    }
}
