//! The Queue across real processes: timeouts (Q3, Q4), wake-ups, order and
//! exactly-once delivery (Q7), and surviving killed processes (Q10).

mod common;

use std::collections::HashMap;
use std::io::BufReader;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::*;
use ipcscope::ipc::queue::{Item, LostKind, Queue, QueueError, WaitKind};
use ipcscope::proc::spawn::{ChildGuard, Exit, is_alive, signal};
use nix::sys::signal::Signal;

fn item(label: &str) -> Item {
    Item::new(label, 0, 1)
}

#[test]
fn q3_put_timeout_raises_full_not_before_the_timeout() {
    let mut q = Queue::new(1).unwrap();
    q.put_nowait(&item("a")).unwrap();
    let start = Instant::now();
    let r = q.put(&item("b"), true, Some(0.2));
    let took = start.elapsed();
    assert!(matches!(r, Err(QueueError::Full)), "{r:?}");
    assert!(took >= Duration::from_millis(200), "Full after {took:?}");
    assert!(took < Duration::from_secs(10), "Full only after {took:?}");
    assert_eq!(q.waits(), 1, "a timed put sleeps in the kernel");
}

#[test]
fn q3_put_timeout_zero_negative_or_nonblocking_raises_full_without_waiting() {
    let mut q = Queue::new(1).unwrap();
    q.put_nowait(&item("a")).unwrap();
    for (block, timeout) in [
        (true, Some(0.0)),
        (true, Some(-1.0)),
        (false, None),
        (false, Some(3.0)),
    ] {
        let r = q.put(&item("b"), block, timeout);
        assert!(
            matches!(r, Err(QueueError::Full)),
            "{block} {timeout:?}: {r:?}"
        );
    }
    assert!(matches!(q.put_nowait(&item("b")), Err(QueueError::Full)));
    assert_eq!(q.waits(), 0, "none of these calls may wait");
}

#[test]
fn q4_get_timeout_raises_empty_not_before_the_timeout() {
    let mut q = Queue::new(0).unwrap();
    let start = Instant::now();
    let r = q.get(true, Some(0.2));
    let took = start.elapsed();
    assert!(matches!(r, Err(QueueError::Empty)), "{r:?}");
    assert!(took >= Duration::from_millis(200), "Empty after {took:?}");
    assert!(took < Duration::from_secs(10), "Empty only after {took:?}");
}

#[test]
fn q4_get_timeout_zero_negative_or_nonblocking_raises_empty_without_waiting() {
    let mut q = Queue::new(0).unwrap();
    for (block, timeout) in [
        (true, Some(0.0)),
        (true, Some(-2.5)),
        (false, None),
        (false, Some(3.0)),
    ] {
        let r = q.get(block, timeout);
        assert!(
            matches!(r, Err(QueueError::Empty)),
            "{block} {timeout:?}: {r:?}"
        );
    }
    assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
    assert_eq!(q.waits(), 0, "none of these calls may wait");
}

#[test]
fn q4_blocking_get_in_another_process_wakes_when_we_put() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let pid = spawn_role(&mut guard, &["block-get", "--queue-fd", &fd_arg(fd)], &[fd]);
    let mut out = BufReader::new(take_stdout(&mut guard, pid));
    assert_eq!(read_line(&mut out), "ready");
    wait_until("the child sleeps in get", || {
        obs.snapshot(0).get_waiters == 1
    });
    q.put_nowait(&item("url_1")).unwrap();
    assert_eq!(read_line(&mut out), "got url_1");
    assert_eq!(guard.wait(pid, DEADLINE), Some(Exit::Code(0)));
}

#[test]
fn q7_four_writers_two_readers_every_item_once_each_writer_in_order() {
    const WRITERS: u32 = 4;
    const ITEMS: u64 = 20_000;
    let mut q = Queue::new(0).unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let readers: Vec<i32> = (0..2)
        .map(|_| {
            spawn_role(
                &mut guard,
                &["test-reader", "--queue-fd", &fd_arg(fd)],
                &[fd],
            )
        })
        .collect();
    let writers: Vec<i32> = (1..=WRITERS)
        .map(|w| {
            spawn_role(
                &mut guard,
                &[
                    "test-writer",
                    "--queue-fd",
                    &fd_arg(fd),
                    "--writer",
                    &w.to_string(),
                    "--count",
                    &ITEMS.to_string(),
                ],
                &[fd],
            )
        })
        .collect();
    // Readers' output is read on threads so a full stdout pipe never stalls them.
    let outs: Vec<_> = readers
        .iter()
        .map(|&pid| {
            let so = take_stdout(&mut guard, pid);
            std::thread::spawn(move || read_all(so))
        })
        .collect();
    for &w in &writers {
        assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(0)), "writer {w}");
    }
    for _ in &readers {
        q.put(&item("STOP"), true, None).unwrap();
    }
    for &r in &readers {
        assert_eq!(guard.wait(r, DEADLINE), Some(Exit::Code(0)), "reader {r}");
    }
    let mut seen: HashMap<(u32, u64), usize> = HashMap::new();
    for out in outs {
        let text = out.join().unwrap();
        let mut last: HashMap<u32, u64> = HashMap::new();
        for line in text.lines() {
            let mut f = line.split(' ');
            let w: u32 = f.next().unwrap().parse().unwrap();
            let s: u64 = f.next().unwrap().parse().unwrap();
            assert_eq!(f.next().unwrap(), format!("w{w}_{s}"));
            // Within one reader, each writer's items arrive in put order.
            let prev = last.insert(w, s).unwrap_or(0);
            assert!(s > prev, "writer {w}: {s} after {prev}");
            *seen.entry((w, s)).or_default() += 1;
        }
    }
    assert_eq!(
        seen.len(),
        (WRITERS as u64 * ITEMS) as usize,
        "every item received"
    );
    assert!(seen.values().all(|&n| n == 1), "no item received twice");
    assert!(q.empty());
}

/// Starts a child that takes the lock at `phase` and waits there; returns
/// its pid once it reports holding the lock.
fn spawn_holder(guard: &mut ChildGuard, q: &Queue, phase: &str) -> i32 {
    let fd = q.fd().as_raw_fd();
    let pid = spawn_role(
        guard,
        &["hold-lock", "--queue-fd", &fd_arg(fd), "--phase", phase],
        &[fd],
    );
    let mut out = BufReader::new(take_stdout(guard, pid));
    assert_eq!(read_line(&mut out), "holding");
    pid
}

#[test]
fn q10_killed_holding_the_lock_mid_put_others_carry_on_and_the_loss_is_named() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let holder = spawn_holder(&mut guard, &q, "put-before-commit");
    // A writer that must wait for the lock the holder keeps.
    let writer = spawn_role(
        &mut guard,
        &[
            "test-writer",
            "--queue-fd",
            &fd_arg(fd),
            "--writer",
            "1",
            "--count",
            "100",
        ],
        &[fd],
    );
    signal(holder, Signal::SIGKILL).unwrap();
    assert_eq!(
        guard.wait(holder, DEADLINE),
        Some(Exit::Signal(libc::SIGKILL))
    );
    assert_eq!(
        guard.wait(writer, DEADLINE),
        Some(Exit::Code(0)),
        "writer carried on"
    );
    let mut labels = Vec::new();
    while let Ok(g) = q.get_nowait() {
        labels.push(g.item.item.label);
    }
    let expected: Vec<String> = (1..=100).map(|n| format!("w1_{n}")).collect();
    assert_eq!(
        labels, expected,
        "the half-put item never appears, nothing twice"
    );
    let snap = obs.snapshot(0);
    assert_eq!(snap.recoveries, 1, "the recovery is counted");
    let (_, rec) = snap.recent_recoveries.last().unwrap();
    assert_eq!(rec.pid, holder);
    assert!(rec.held_lock);
    assert_eq!(
        rec.lost,
        Some((LostKind::NotPut, Item::new("doomed", 9, 1)))
    );
}

#[test]
fn q10_killed_holding_the_lock_after_taking_an_item_it_is_not_delivered_twice() {
    let mut q = Queue::new(0).unwrap();
    q.put_nowait(&item("url_1")).unwrap();
    q.put_nowait(&item("url_2")).unwrap();
    let mut guard = ChildGuard::new();
    let holder = spawn_holder(&mut guard, &q, "get-after-commit");
    signal(holder, Signal::SIGKILL).unwrap();
    assert_eq!(
        guard.wait(holder, DEADLINE),
        Some(Exit::Signal(libc::SIGKILL))
    );
    let got = q.get(true, Some(30.0)).unwrap();
    assert_eq!(
        got.item.item.label, "url_2",
        "url_1 went with the dead process"
    );
    assert!(q.empty());
    let recs = q.take_recoveries();
    assert_eq!(recs.len(), 1, "this get performed the recovery");
    assert_eq!(recs[0].pid, holder);
    assert_eq!(recs[0].lost, Some((LostKind::Taken, item("url_1"))));
    assert_eq!(q.recoveries(), 1);
}

#[test]
fn q10_killed_while_blocked_in_get_others_carry_on_and_recovery_is_counted() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let victim = spawn_role(&mut guard, &["block-get", "--queue-fd", &fd_arg(fd)], &[fd]);
    wait_until("the victim sleeps in get", || {
        obs.snapshot(0).get_waiters == 1
    });
    signal(victim, Signal::SIGKILL).unwrap();
    assert_eq!(
        guard.wait(victim, DEADLINE),
        Some(Exit::Signal(libc::SIGKILL))
    );
    assert!(!is_alive(victim));
    // Python's queue would now be wedged (its reader lock died with the victim).
    let other = spawn_role(&mut guard, &["block-get", "--queue-fd", &fd_arg(fd)], &[fd]);
    let mut out = BufReader::new(take_stdout(&mut guard, other));
    assert_eq!(read_line(&mut out), "ready");
    q.put_nowait(&item("url_1")).unwrap();
    assert_eq!(read_line(&mut out), "got url_1");
    assert_eq!(guard.wait(other, DEADLINE), Some(Exit::Code(0)));
    let rec = q
        .recover_process(victim)
        .unwrap()
        .expect("something to recover");
    assert_eq!(rec.released_wait, Some(WaitKind::Data));
    assert_eq!(rec.lost, None, "it had taken nothing");
    assert_eq!(q.recoveries(), 1);
    assert_eq!(
        obs.snapshot(0).get_waiters,
        0,
        "the dead waiter is released"
    );
    assert!(q.empty());
}

#[test]
fn q10_a_process_killed_outside_any_operation_leaves_nothing_to_recover() {
    let mut q = Queue::new(0).unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let w = spawn_role(
        &mut guard,
        &[
            "test-writer",
            "--queue-fd",
            &fd_arg(fd),
            "--writer",
            "1",
            "--count",
            "3",
        ],
        &[fd],
    );
    assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(0)));
    assert_eq!(q.recover_process(w).unwrap(), None);
    assert_eq!(q.qsize(), 3);
}
