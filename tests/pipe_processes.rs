//! The Pipe across real processes: end of file only once every copy of the
//! send end is closed (P5), one-way direction (P1, P2), broken pipe without
//! SIGPIPE (P8), framing of messages larger than the pipe buffer (P3, P9).

mod common;

use std::io::BufReader;

use common::*;
use ipcscope::ipc::pipe::{Connection, PipeError, PipeKind, pipe};
use ipcscope::proc::spawn::{ChildGuard, Exit, signal};
use nix::sys::signal::Signal;

/// Hands `end` to a child: the fd number stays valid in the child; our copy
/// is closed after the spawn by dropping the returned guard value.
fn raw(end: Connection) -> std::os::fd::OwnedFd {
    let fd = end.into_raw_fd().unwrap();
    // SAFETY: we own the fd just released by the connection.
    unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) }
}

fn sender(guard: &mut ChildGuard, fd: &std::os::fd::OwnedFd, duplex: bool, args: &[&str]) -> i32 {
    use std::os::fd::AsRawFd;
    let n = fd.as_raw_fd();
    let mut a = vec!["pipe-send", "--fd"];
    let s = fd_arg(n);
    a.push(&s);
    if duplex {
        a.push("--duplex");
    }
    a.extend_from_slice(args);
    spawn_role(guard, &a, &[n])
}

fn receiver(guard: &mut ChildGuard, fd: &std::os::fd::OwnedFd, duplex: bool) -> i32 {
    use std::os::fd::AsRawFd;
    let n = fd.as_raw_fd();
    let s = fd_arg(n);
    let mut a = vec!["pipe-recv", "--fd", s.as_str()];
    if duplex {
        a.push("--duplex");
    }
    spawn_role(guard, &a, &[n])
}

#[test]
fn p5_receiver_gets_eof_once_every_send_end_is_closed() {
    for duplex in [false, true] {
        let (rx, tx) = pipe(duplex).unwrap();
        let (rx, tx) = (raw(rx), raw(tx));
        let mut guard = ChildGuard::new();
        let r = receiver(&mut guard, &rx, duplex);
        let s = sender(
            &mut guard,
            &tx,
            duplex,
            &["--msg", "url_0", "--msg", "url_1"],
        );
        drop((rx, tx)); // the parent closes its copies, unlike the lesson's code
        let out = read_all(take_stdout(&mut guard, r));
        assert_eq!(out, "len 5 url_0\nlen 5 url_1\nEOF\n", "duplex={duplex}");
        assert_eq!(guard.wait(s, DEADLINE), Some(Exit::Code(0)));
        assert_eq!(guard.wait(r, DEADLINE), Some(Exit::Code(0)));
    }
}

#[test]
fn p5_a_forgotten_copy_of_the_send_end_keeps_recv_blocked() {
    let (mut rx, tx) = pipe(false).unwrap();
    let tx = raw(tx);
    let mut guard = ChildGuard::new();
    let s = sender(&mut guard, &tx, false, &["--msg", "url_0"]);
    assert_eq!(
        guard.wait(s, DEADLINE),
        Some(Exit::Code(0)),
        "the sender is gone"
    );
    assert_eq!(rx.recv().unwrap(), b"url_0");
    // The parent still holds `tx`: no end of file, poll times out.
    assert!(!rx.poll(Some(0.5)).unwrap(), "recv would block forever");
    drop(tx);
    assert!(rx.poll(Some(30.0)).unwrap(), "end of file is now waiting");
    assert!(matches!(rx.recv(), Err(PipeError::Eof)));
}

#[test]
fn p2_one_way_pipe_ends_refuse_the_wrong_direction() {
    let (mut rx, mut tx) = pipe(false).unwrap();
    assert_eq!(rx.kind(), PipeKind::OneWay);
    assert!(matches!(rx.send(b"x"), Err(PipeError::ReadOnly)));
    assert!(matches!(tx.recv(), Err(PipeError::WriteOnly)));
    assert!(matches!(tx.poll(Some(0.0)), Err(PipeError::WriteOnly)));
    assert_eq!(
        rx.send(b"x").unwrap_err().to_string(),
        "connection is read-only"
    );
    assert_eq!(
        tx.recv().unwrap_err().to_string(),
        "connection is write-only"
    );
}

#[test]
fn p8_send_after_the_reading_process_died_is_broken_pipe_not_sigpipe() {
    for duplex in [false, true] {
        let (rx, mut tx) = pipe(duplex).unwrap();
        let rx = raw(rx);
        let mut guard = ChildGuard::new();
        let r = receiver(&mut guard, &rx, duplex);
        drop(rx);
        let mut out = BufReader::new(take_stdout(&mut guard, r));
        tx.send(b"hello").unwrap();
        assert_eq!(read_line(&mut out), "len 5 hello");
        signal(r, Signal::SIGKILL).unwrap();
        assert_eq!(guard.wait(r, DEADLINE), Some(Exit::Signal(libc::SIGKILL)));
        // Our process survives: the error comes back as a value.
        let mut result = tx.send(b"anyone?");
        let deadline = std::time::Instant::now() + DEADLINE;
        while result.is_ok() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
            result = tx.send(b"anyone?");
        }
        assert!(
            matches!(result, Err(PipeError::BrokenPipe)),
            "duplex={duplex}: {result:?}"
        );
    }
}

#[test]
fn p3_a_message_larger_than_the_pipe_buffer_arrives_whole() {
    const SIZE: usize = 1 << 20; // 16 times a pipe's 64 KiB buffer
    for duplex in [false, true] {
        // Child sends, we receive.
        let (mut rx, tx) = pipe(duplex).unwrap();
        let tx = raw(tx);
        let mut guard = ChildGuard::new();
        let s = sender(&mut guard, &tx, duplex, &["--size", &SIZE.to_string()]);
        drop(tx);
        let msg = rx.recv().unwrap();
        assert_eq!(msg.len(), SIZE, "duplex={duplex}");
        assert!(msg.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
        assert!(matches!(rx.recv(), Err(PipeError::Eof)));
        assert_eq!(guard.wait(s, DEADLINE), Some(Exit::Code(0)));
        // We send, the child receives.
        let (rx, mut tx) = pipe(duplex).unwrap();
        let rx = raw(rx);
        let r = receiver(&mut guard, &rx, duplex);
        drop(rx);
        let big: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
        tx.send(&big).unwrap();
        tx.close();
        let out = read_all(take_stdout(&mut guard, r));
        assert_eq!(out, format!("len {SIZE} pattern-ok=true\nEOF\n"));
    }
}
