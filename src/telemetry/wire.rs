//! The wire format children use to report events: fixed 80-byte records,
//! each written with one non-blocking `write(2)` to a pipe shared by all
//! children. Records are smaller than `PIPE_BUF`, so writes never interleave;
//! a full pipe makes the write fail at once (the child counts the event as
//! dropped and carries on): reporting never stalls a child's real IPC.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;

use super::event::{ChildId, Event, Kind};

pub const RECORD: usize = 80;
const LABEL: usize = 32;

const K_PUT_WAIT: u8 = 1;
const K_PUT: u8 = 2;
const K_PUT_FULL: u8 = 3;
const K_GET_WAIT: u8 = 4;
const K_GET: u8 = 5;
const K_GET_EMPTY: u8 = 6;
const K_SEND: u8 = 7;
const K_SEND_WAIT: u8 = 8;
const K_RECV: u8 = 9;
const K_RECV_WAIT: u8 = 10;
const K_RECV_EOF: u8 = 11;
const K_LOCK_RECOVERED: u8 = 12;
const K_COUNT: u8 = 13;
const K_EXITING: u8 = 14;

/// Encodes a child event. Events only the supervisor makes (spawn, exit,
/// kill, ...) have no wire form and give `None`.
pub fn encode(ev: &Event) -> Option<[u8; RECORD]> {
    let mut b = [0u8; RECORD];
    let (kind, extra, extra2, label2): (u8, i64, u64, Option<&str>) = match &ev.kind {
        Kind::PutWait => (K_PUT_WAIT, 0, 0, None),
        Kind::Put => (K_PUT, 0, 0, None),
        Kind::PutFull => (K_PUT_FULL, 0, 0, None),
        Kind::GetWait => (K_GET_WAIT, 0, 0, None),
        Kind::Get => (K_GET, 0, 0, None),
        Kind::GetEmpty => (K_GET_EMPTY, 0, 0, None),
        Kind::Send => (K_SEND, 0, 0, None),
        Kind::SendWait => (K_SEND_WAIT, 0, 0, None),
        Kind::Recv => (K_RECV, 0, 0, None),
        Kind::RecvWait => (K_RECV_WAIT, 0, 0, None),
        Kind::RecvEof => (K_RECV_EOF, 0, 0, None),
        Kind::LockRecovered { dead, lost } => (K_LOCK_RECOVERED, *dead as i64, 0, lost.as_deref()),
        Kind::Count { done, value } => (K_COUNT, *value, *done, None),
        Kind::Exiting => (K_EXITING, 0, 0, None),
        _ => return None,
    };
    b[0..8].copy_from_slice(&ev.t_ns.to_le_bytes());
    b[8..16].copy_from_slice(&ev.seq.map_or(u64::MAX, |s| s).to_le_bytes());
    b[16..24].copy_from_slice(&extra.to_le_bytes());
    b[24..32].copy_from_slice(&extra2.to_le_bytes());
    b[32..36].copy_from_slice(&ev.pid.to_le_bytes());
    b[36..38].copy_from_slice(&ev.child.to_le_bytes());
    b[38] = kind;
    b[40..44].copy_from_slice(&ev.depth.map_or(-1, |d| d as i32).to_le_bytes());
    // The label slot carries the item, or for a recovery the lost item.
    let label = label2.or(ev.item.as_deref());
    match label {
        Some(l) => {
            let n = l.len().min(LABEL - 1);
            let n = (0..=n).rev().find(|&i| l.is_char_boundary(i)).unwrap_or(0);
            b[39] = n as u8;
            b[48..48 + n].copy_from_slice(&l.as_bytes()[..n]);
        }
        None => b[39] = u8::MAX,
    }
    Some(b)
}

/// Decodes one record; `None` for an unknown kind.
pub fn decode(b: &[u8; RECORD]) -> Option<Event> {
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let t_ns = u64_at(0);
    let seq = u64_at(8);
    let extra = u64_at(16) as i64;
    let extra2 = u64_at(24);
    let pid = i32::from_le_bytes(b[32..36].try_into().unwrap_or_default());
    let child = ChildId::from_le_bytes(b[36..38].try_into().unwrap_or_default());
    let depth = i32::from_le_bytes(b[40..44].try_into().unwrap_or_default());
    let label = match b[39] {
        u8::MAX => None,
        n => Some(String::from_utf8_lossy(&b[48..48 + (n as usize).min(LABEL)]).into_owned()),
    };
    let (kind, item) = match b[38] {
        K_PUT_WAIT => (Kind::PutWait, label),
        K_PUT => (Kind::Put, label),
        K_PUT_FULL => (Kind::PutFull, label),
        K_GET_WAIT => (Kind::GetWait, label),
        K_GET => (Kind::Get, label),
        K_GET_EMPTY => (Kind::GetEmpty, label),
        K_SEND => (Kind::Send, label),
        K_SEND_WAIT => (Kind::SendWait, label),
        K_RECV => (Kind::Recv, label),
        K_RECV_WAIT => (Kind::RecvWait, label),
        K_RECV_EOF => (Kind::RecvEof, label),
        K_LOCK_RECOVERED => (
            Kind::LockRecovered {
                dead: extra as i32,
                lost: label,
            },
            None,
        ),
        K_COUNT => (
            Kind::Count {
                done: extra2,
                value: extra,
            },
            None,
        ),
        K_EXITING => (Kind::Exiting, label),
        _ => return None,
    };
    Some(Event {
        t_ns,
        child,
        pid,
        kind,
        item,
        depth: (depth >= 0).then_some(depth as u32),
        seq: (seq != u64::MAX).then_some(seq),
    })
}

/// The child's end: writes records without ever blocking.
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
        let Some(rec) = encode(ev) else { return false };
        loop {
            match nix::unistd::write(&self.fd, &rec) {
                Ok(n) => return n == RECORD,
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

    fn round_trip(ev: Event) {
        let b = encode(&ev).expect("encodable");
        assert_eq!(decode(&b).unwrap(), ev);
    }

    #[test]
    fn child_events_round_trip() {
        round_trip(
            Event::new(123, 4, 999, Kind::Put)
                .with_item("url_7")
                .with_depth(2)
                .with_seq(11),
        );
        round_trip(Event::new(1, 0, 5, Kind::GetWait).with_depth(0));
        round_trip(Event::new(
            9,
            1,
            6,
            Kind::LockRecovered {
                dead: 77,
                lost: Some("url_3".into()),
            },
        ));
        round_trip(Event::new(
            9,
            1,
            6,
            Kind::Count {
                done: 5000,
                value: 4321,
            },
        ));
        round_trip(Event::new(9, 1, 6, Kind::RecvEof));
    }

    #[test]
    fn supervisor_events_have_no_wire_form() {
        assert!(
            encode(&Event::new(
                0,
                0,
                0,
                Kind::Exit {
                    code: Some(0),
                    signal: None
                }
            ))
            .is_none()
        );
    }

    #[test]
    fn long_labels_are_cut_at_a_character_boundary() {
        let ev = Event::new(0, 0, 0, Kind::Put).with_item("é".repeat(40));
        let back = decode(&encode(&ev).unwrap()).unwrap();
        assert_eq!(back.item.unwrap(), "é".repeat(15));
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
