//! The Queue across real processes: timeouts (Q3, Q4), wake-ups, order and
//! exactly-once delivery (Q7), surviving killed processes (Q10) at every
//! kill point of a put and a get, the op log, and corrupt memory or hostile
//! arguments given to a child.

mod common;

use std::collections::HashMap;
use std::io::BufReader;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::*;
use ipcscope::ipc::queue::{Item, KillPoint, OpBatch, Queue, QueueError, QueueObserver, QueueOp};
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
    let rec = snap.recent_recoveries.last().unwrap();
    assert_eq!(rec.dead_pid, holder);
    assert_eq!(
        rec.by_pid, writer,
        "the writer that found the lock repaired it"
    );
    assert!(rec.held_lock);
    assert_eq!(rec.lost, Some(Item::new("doomed", 9, 1)));
    assert_eq!(snap.lost, 1);
}

#[test]
fn q10_killed_holding_the_lock_after_its_get_committed_the_item_counts_as_got_not_lost() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
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
        "url_1 was got by the dead process"
    );
    assert!(q.empty());
    let recs = q.take_recoveries();
    assert_eq!(recs.len(), 1, "this get performed the recovery");
    assert_eq!(recs[0].dead_pid, holder);
    assert!(recs[0].held_lock);
    assert_eq!(
        recs[0].lost, None,
        "a get that committed is a get, not a loss"
    );
    let ops = read_all_ops(&obs).ops;
    assert!(ops.iter().any(|op| matches!(op,
        QueueOp::Get { pid, item, .. } if *pid == holder && item.label == "url_1")));
    assert_conserved(&ops, 0);
}

#[test]
fn q10_killed_while_blocked_in_get_others_carry_on_and_nothing_is_called_a_recovery() {
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
    assert_eq!(
        q.recover_process(victim, Some(Instant::now() + DEADLINE))
            .unwrap(),
        None,
        "it held nothing and had nothing in flight"
    );
    assert_eq!(q.recoveries(), 0);
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
    assert_eq!(
        q.recover_process(w, Some(Instant::now() + DEADLINE))
            .unwrap(),
        None
    );
    assert_eq!(q.qsize(), 3);
}

// ------------------------------------------------------------ conservation --

/// Every op of the whole run, from op 0, in one read.
fn read_all_ops(obs: &QueueObserver) -> OpBatch {
    let mut cur = obs.cursor_from_start();
    let batch = obs.read_ops(&mut cur, usize::MAX);
    assert_eq!(
        (
            batch.missed_puts,
            batch.missed_gets,
            batch.missed_recoveries
        ),
        (0, 0, 0),
        "nothing overwritten in these runs"
    );
    batch
}

/// Labels are unique in these runs. Checks that ops come in op order, that
/// each item has exactly one Put and at most one Get after it (naming that
/// put), that no item is both put and lost, and that puts == gets + depth.
fn assert_conserved(ops: &[QueueOp], depth: usize) {
    let mut put_at: HashMap<String, (u64, i32)> = HashMap::new();
    let mut got: HashMap<String, u64> = HashMap::new();
    let mut lost: Vec<String> = Vec::new();
    let mut last = (0, 0);
    for op in ops {
        let key = match op {
            QueueOp::Put { seq, .. } | QueueOp::Get { seq, .. } => (*seq, 0),
            QueueOp::Recovered { after_seq, .. } => (*after_seq, 1),
        };
        assert!(key >= last, "{op:?} after {last:?}");
        last = key;
        match op {
            QueueOp::Put { seq, pid, item, .. } => {
                let prev = put_at.insert(item.label.clone(), (*seq, *pid));
                assert!(prev.is_none(), "{} put twice", item.label);
            }
            QueueOp::Get {
                seq,
                item,
                put_seq,
                put_pid,
                ..
            } => {
                let put = put_at.get(&item.label);
                assert_eq!(put, Some(&(*put_seq, *put_pid)), "{op:?}: its put");
                assert!(put_seq < seq);
                assert!(
                    got.insert(item.label.clone(), *seq).is_none(),
                    "{op:?}: got twice"
                );
            }
            QueueOp::Recovered { lost: Some(l), .. } => lost.push(l.label.clone()),
            QueueOp::Recovered { .. } => {}
        }
    }
    for l in &lost {
        assert!(!put_at.contains_key(l), "{l} was both put and lost");
    }
    assert_eq!(put_at.len(), got.len() + depth, "puts == gets + depth");
}

// -------------------------------------------------------------- kill points --

/// One kill point: a process sleeps in the kernel on the word the killed
/// operation would wake (or, for a wait point, on the word the killed
/// operation waits on too); the operation dies at `point`; we recover it as
/// the supervisor does after reaping; then the sleeper must wake, the queue
/// must keep moving items through real processes, and the op log must
/// conserve every item.
fn survive_kill_at(point: KillPoint) {
    let mut q = Queue::new(1).unwrap();
    let obs = q.observer().unwrap();
    let fd = q.fd().as_raw_fd();
    let fds = fd_arg(fd);
    let mut guard = ChildGuard::new();
    let is_put = point.op() == "put";
    // A put that commits wakes a reader; a get that commits wakes a writer;
    // a killed waiter sleeps beside one of its own kind.
    let reader_sleeps = is_put != point.waits();
    if !reader_sleeps {
        q.put_nowait(&Item::new("first", 1, 1)).unwrap();
    }
    let sleeper = if reader_sleeps {
        spawn_role(&mut guard, &["block-get", "--queue-fd", &fds], &[fd])
    } else {
        spawn_role(
            &mut guard,
            &["block-put", "--queue-fd", &fds, "--label", "blocked"],
            &[fd],
        )
    };
    let out = Lines::new(take_stdout(&mut guard, sleeper));
    assert_eq!(out.next("ready"), "ready");
    let offsets = QueueObserver::futex_offsets();
    let word = if reader_sleeps {
        offsets.not_empty
    } else {
        offsets.not_full
    };
    wait_until("the sleeper is asleep in the kernel on its word", || {
        asleep_on_queue_word(sleeper, word)
    });

    let killer = spawn_role(
        &mut guard,
        &[
            "kill-at",
            "--queue-fd",
            &fds,
            "--op",
            point.op(),
            "--point",
            point.name(),
        ],
        &[fd],
    );
    assert_eq!(
        guard.wait(killer, DEADLINE),
        Some(Exit::Signal(libc::SIGKILL)),
        "killed at {point:?}"
    );

    let rec = q
        .recover_process(killer, Some(Instant::now() + DEADLINE))
        .unwrap();
    let doomed = Item::new("doomed", 9, 1);
    let lost = (is_put && !point.committed()).then(|| doomed.clone());
    if point.holds_lock() || lost.is_some() {
        let rec = rec.unwrap_or_else(|| panic!("{point:?}: a recovery"));
        assert_eq!(rec.dead_pid, killer);
        assert_eq!(rec.held_lock, point.holds_lock(), "{rec:?}");
        assert_eq!(rec.lost, lost, "{rec:?}");
    } else {
        assert_eq!(rec, None, "{point:?}: nothing to repair");
    }

    // The sleeper wakes: at once if the killed op committed, else once we
    // make the move the killed op did not.
    let expected = if reader_sleeps {
        if is_put && point.committed() {
            "got doomed"
        } else {
            q.put(&Item::new("next", 1, 2), true, Some(60.0)).unwrap();
            "got next"
        }
    } else {
        let got_by_the_killer = !is_put && point.committed();
        if !got_by_the_killer {
            let g = q.get(true, Some(60.0)).unwrap();
            assert_eq!(g.item.item.label, "first");
        }
        "put blocked"
    };
    assert_eq!(out.next(expected), expected, "{point:?}");
    assert_eq!(guard.wait(sleeper, DEADLINE), Some(Exit::Code(0)));

    // The queue keeps moving: 200 items through maxsize 1, both ways asleep.
    while q.get_nowait().is_ok() {}
    let reader = spawn_role(&mut guard, &["test-reader", "--queue-fd", &fds], &[fd]);
    let reader_out = take_stdout(&mut guard, reader);
    let reader_out = std::thread::spawn(move || read_all(reader_out));
    let writer = spawn_role(
        &mut guard,
        &[
            "test-writer",
            "--queue-fd",
            &fds,
            "--writer",
            "1",
            "--count",
            "200",
        ],
        &[fd],
    );
    assert_eq!(guard.wait(writer, DEADLINE), Some(Exit::Code(0)));
    q.put(&item("STOP"), true, Some(60.0)).unwrap();
    assert_eq!(guard.wait(reader, DEADLINE), Some(Exit::Code(0)));
    assert_eq!(reader_out.join().unwrap().lines().count(), 200);

    let ops = read_all_ops(&obs).ops;
    assert_conserved(&ops, q.qsize());
    let doomed_put = ops
        .iter()
        .any(|op| matches!(op, QueueOp::Put { item, .. } if *item == doomed));
    let doomed_lost = ops
        .iter()
        .any(|op| matches!(op, QueueOp::Recovered { lost: Some(l), .. } if *l == doomed));
    assert_eq!(
        (doomed_put, doomed_lost),
        (is_put && point.committed(), is_put && !point.committed()),
        "{point:?}: the doomed item entered the queue or was named lost"
    );
    if !is_put && point.committed() {
        assert!(
            ops.iter().any(|op| matches!(op,
                QueueOp::Get { pid, item, .. } if *pid == killer && item.label == "first")),
            "the dead getter's get is in the log"
        );
    }
}

macro_rules! kill_point_tests {
    ($($name:ident => $point:ident,)*) => {
        $(
            #[test]
            fn $name() {
                survive_kill_at(KillPoint::$point);
            }
        )*
        const TESTED_KILL_POINTS: &[KillPoint] = &[$(KillPoint::$point),*];
    };
}

kill_point_tests! {
    killed_putting_before_the_lock_the_item_is_named_lost_and_the_queue_moves => PutBeforeLock,
    killed_putting_after_the_lock_the_queue_moves => PutAfterLock,
    killed_putting_after_the_slot_write_the_item_is_named_lost_and_the_queue_moves => PutAfterSlotWrite,
    killed_putting_after_the_tail_commit_the_item_is_queued_and_the_reader_wakes => PutAfterCommit,
    killed_putting_after_the_record_state_the_reader_wakes => PutAfterRecordState,
    killed_putting_after_granting_a_wake_the_reader_still_wakes => PutAfterGrantWake,
    killed_putting_after_unlock_before_the_futex_wake_the_reader_still_wakes => PutAfterUnlock,
    killed_putting_after_the_futex_wake_the_queue_moves => PutAfterWake,
    killed_waiting_to_put_after_registering_the_other_writer_wakes => PutAfterRegisterWait,
    killed_waiting_to_put_before_sleeping_the_other_writer_wakes => PutAfterUnlockBeforeSleep,
    killed_getting_after_the_lock_the_queue_moves => GetAfterLock,
    killed_getting_after_the_get_log_the_item_stays_queued => GetAfterGetLog,
    killed_getting_after_the_head_commit_it_is_a_get_and_the_writer_wakes => GetAfterCommit,
    killed_getting_after_granting_a_wake_the_writer_still_wakes => GetAfterGrantWake,
    killed_getting_after_unlock_before_the_futex_wake_the_writer_still_wakes => GetAfterUnlock,
    killed_getting_after_the_futex_wake_the_queue_moves => GetAfterWake,
    killed_waiting_to_get_after_registering_the_other_reader_wakes => GetAfterRegisterWait,
    killed_waiting_to_get_before_sleeping_the_other_reader_wakes => GetAfterUnlockBeforeSleep,
}

#[test]
fn every_kill_point_has_a_test() {
    for p in KillPoint::ALL {
        assert!(TESTED_KILL_POINTS.contains(&p), "{p:?} has no test");
    }
}

#[test]
fn recover_process_returns_a_timeout_while_a_stopped_process_holds_the_lock() {
    let mut q = Queue::new(0).unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    // A process that died (and was reaped) while another holds the lock.
    let dead = spawn_role(
        &mut guard,
        &[
            "test-writer",
            "--queue-fd",
            &fd_arg(fd),
            "--writer",
            "1",
            "--count",
            "0",
        ],
        &[fd],
    );
    assert_eq!(guard.wait(dead, DEADLINE), Some(Exit::Code(0)));
    let holder = spawn_holder(&mut guard, &q, "idle");
    signal(holder, Signal::SIGSTOP).unwrap();
    let start = Instant::now();
    let r = q.recover_process(dead, Some(start + Duration::from_millis(200)));
    let took = start.elapsed();
    assert!(matches!(r, Err(QueueError::LockTimeout)), "{r:?}");
    assert!(took >= Duration::from_millis(200), "{took:?}");
    assert!(took < Duration::from_secs(10), "only after {took:?}");
    // Once the holder is gone the same call succeeds.
    signal(holder, Signal::SIGKILL).unwrap();
    assert_eq!(
        guard.wait(holder, DEADLINE),
        Some(Exit::Signal(libc::SIGKILL))
    );
    let rec = q
        .recover_process(holder, Some(Instant::now() + DEADLINE))
        .unwrap()
        .expect("it died holding the lock");
    assert!(rec.held_lock);
    assert_eq!(rec.dead_pid, holder);
}

// ------------------------------------------------------------------ op log --

fn spawn_writers_and_readers(
    guard: &mut ChildGuard,
    q: &Queue,
    writers: u32,
    readers: usize,
    items: u64,
) -> (Vec<i32>, Vec<i32>) {
    let fd = q.fd().as_raw_fd();
    let r = (0..readers)
        .map(|_| spawn_role(guard, &["test-reader", "--queue-fd", &fd_arg(fd)], &[fd]))
        .collect();
    let w = (1..=writers)
        .map(|w| {
            spawn_role(
                guard,
                &[
                    "test-writer",
                    "--queue-fd",
                    &fd_arg(fd),
                    "--writer",
                    &w.to_string(),
                    "--count",
                    &items.to_string(),
                ],
                &[fd],
            )
        })
        .collect();
    (w, r)
}

#[test]
fn op_log_of_a_multi_process_run_has_one_put_per_item_at_most_one_get_after_it() {
    const WRITERS: u32 = 3;
    const ITEMS: u64 = 3_000;
    let mut q = Queue::new(8).unwrap();
    let obs = q.observer().unwrap();
    let mut guard = ChildGuard::new();
    let (writers, readers) = spawn_writers_and_readers(&mut guard, &q, WRITERS, 2, ITEMS);
    for &r in &readers {
        let so = take_stdout(&mut guard, r);
        std::thread::spawn(move || read_all(so));
    }
    // Read while they run, in small batches, as a supervisor would.
    let mut cur = obs.cursor_from_start();
    let mut ops = Vec::new();
    let mut running = true;
    while running {
        running = writers.iter().any(|&w| ipcscope::proc::spawn::is_alive(w));
        let b = obs.read_ops(&mut cur, 500);
        assert_eq!((b.missed_puts, b.missed_gets), (0, 0));
        ops.extend(b.ops);
    }
    for &w in &writers {
        assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(0)));
    }
    for _ in &readers {
        q.put(&item("STOP"), true, Some(60.0)).unwrap();
    }
    for &r in &readers {
        assert_eq!(guard.wait(r, DEADLINE), Some(Exit::Code(0)));
    }
    loop {
        let b = obs.read_ops(&mut cur, 500);
        if b.ops.is_empty() {
            break;
        }
        ops.extend(b.ops);
    }
    // STOP is put twice: give the copies distinct labels for the check.
    let mut stops = 0;
    for op in &mut ops {
        if let QueueOp::Put { item, .. } | QueueOp::Get { item, .. } = op
            && item.label == "STOP"
        {
            let n = match op {
                QueueOp::Put { seq, .. } | QueueOp::Get { put_seq: seq, .. } => *seq,
                _ => unreachable!(),
            };
            if let QueueOp::Put { item, .. } | QueueOp::Get { item, .. } = op {
                item.label = format!("STOP@{n}");
            }
            stops += 1;
        }
    }
    assert_eq!(stops, 4, "two STOPs, each put and got");
    let puts = ops
        .iter()
        .filter(|o| matches!(o, QueueOp::Put { .. }))
        .count();
    assert_eq!(puts as u64, WRITERS as u64 * ITEMS + 2);
    assert_conserved(&ops, q.qsize());
    assert_eq!(q.qsize(), 0);
    let snap = obs.snapshot(0);
    assert_eq!(snap.puts as usize, puts);
}

#[test]
fn op_log_read_while_a_small_ring_wraps_counts_missed_and_returns_nothing_wrong() {
    const ITEMS: u64 = 20_000;
    let mut q = Queue::with_capacity(0, 64).unwrap();
    let obs = q.observer().unwrap();
    let mut guard = ChildGuard::new();
    let (writers, readers) = spawn_writers_and_readers(&mut guard, &q, 2, 1, ITEMS);
    let so = take_stdout(&mut guard, readers[0]);
    std::thread::spawn(move || read_all(so));
    let mut cur = obs.cursor_from_start();
    let (mut seen, mut missed) = (0u64, 0u64);
    let mut put_seq_of: HashMap<(u32, u64), u64> = HashMap::new();
    let mut got = std::collections::HashSet::new();
    let mut last_seq = 0;
    let mut check = |b: OpBatch| {
        missed += b.missed_puts + b.missed_gets;
        for op in b.ops {
            seen += 1;
            match op {
                QueueOp::Put { item, .. } | QueueOp::Get { item, .. } if item.label == "STOP" => {}
                QueueOp::Put { seq, item, .. } => {
                    assert!(seq > last_seq, "in op order");
                    last_seq = seq;
                    assert_eq!(item.label, format!("w{}_{}", item.writer, item.seq));
                    let again = put_seq_of.insert((item.writer, item.seq), seq);
                    assert_eq!(again, None, "{item:?} put twice");
                }
                QueueOp::Get {
                    seq, item, put_seq, ..
                } => {
                    assert!(seq > last_seq, "in op order");
                    last_seq = seq;
                    assert_eq!(item.label, format!("w{}_{}", item.writer, item.seq));
                    assert!(got.insert((item.writer, item.seq)), "{item:?} got twice");
                    if let Some(p) = put_seq_of.get(&(item.writer, item.seq)) {
                        assert_eq!(*p, put_seq, "the get names its put");
                    }
                }
                other => panic!("{other:?}"),
            }
        }
    };
    while writers.iter().any(|&w| ipcscope::proc::spawn::is_alive(w)) {
        check(obs.read_ops(&mut cur, 1000));
    }
    for &w in &writers {
        assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(0)));
    }
    q.put(&item("STOP"), true, Some(60.0)).unwrap();
    assert_eq!(guard.wait(readers[0], DEADLINE), Some(Exit::Code(0)));
    loop {
        let b = obs.read_ops(&mut cur, 1000);
        if b.ops.is_empty() && b.missed_puts + b.missed_gets == 0 {
            break;
        }
        check(b);
    }
    let snap = obs.snapshot(0);
    assert_eq!(
        seen + missed,
        snap.puts + snap.gets,
        "every op seen or counted missed"
    );
}

// -------------------------------------------------- corrupt memory, hostile args --

#[test]
fn a_writer_given_a_queue_whose_head_is_past_its_tail_exits_with_one_error_line() {
    let q = Queue::new(0).unwrap();
    q.debug_set_indices(5, 2);
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let w = spawn_role_capturing_stderr(
        &mut guard,
        &[
            "test-writer",
            "--queue-fd",
            &fd_arg(fd),
            "--writer",
            "1",
            "--count",
            "10",
        ],
        &[fd],
    );
    let err = take_stderr(&mut guard, w);
    assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(1)));
    let text = read_all_stderr(err);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("queue memory is corrupt: head is past tail"),
        "{text}"
    );
}

#[test]
fn a_writer_that_finds_the_queue_corrupted_while_it_waits_exits_instead_of_spinning() {
    let mut q = Queue::new(1).unwrap();
    q.put_nowait(&item("a")).unwrap();
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let w = spawn_role_capturing_stderr(
        &mut guard,
        &["block-put", "--queue-fd", &fd_arg(fd), "--label", "b"],
        &[fd],
    );
    let err = take_stderr(&mut guard, w);
    wait_until("the writer sleeps waiting for space", || {
        asleep_on_queue_word(w, QueueObserver::futex_offsets().not_full)
    });
    q.debug_set_indices(7, 3);
    q.set_maxsize(1).unwrap(); // wakes the writer, which finds head past tail
    assert_eq!(guard.wait(w, DEADLINE), Some(Exit::Code(1)));
    let text = read_all_stderr(err);
    assert!(text.contains("corrupt"), "{text}");
}

#[test]
fn pipe_send_refuses_a_size_beyond_a_message_with_one_line_not_a_panic() {
    for size in ["18446744073709551615", "100000000000"] {
        let (a, _b) = ipcscope::ipc::pipe::pipe(true).unwrap();
        let fd = a.raw_fd().unwrap();
        let mut guard = ChildGuard::new();
        let pid = spawn_role_capturing_stderr(
            &mut guard,
            &["pipe-send", "--fd", &fd_arg(fd), "--duplex", "--size", size],
            &[fd],
        );
        let err = take_stderr(&mut guard, pid);
        assert_eq!(
            guard.wait(pid, DEADLINE),
            Some(Exit::Code(1)),
            "--size {size}"
        );
        let text = read_all_stderr(err);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("too large"), "{text}");
        assert!(!text.contains("panicked"), "{text}");
    }
}

fn read_all_stderr(mut e: std::process::ChildStderr) -> String {
    use std::io::Read;
    let mut s = String::new();
    e.read_to_string(&mut s).unwrap();
    s
}
