//! Unit tests of the queue within one process: Python's contract, repairs
//! of (simulated) dead processes, the op log, corrupt memory.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::layout::IDLE;
use super::layout::PUTTING;
use super::*;

const FAKE_PID: i32 = 999_999;

fn item(n: u64) -> Item {
    Item::new(format!("url_{n}"), 1, n)
}

#[test]
fn q7_items_come_out_in_put_order() {
    let mut q = Queue::new(0).unwrap();
    for n in 1..=5 {
        q.put(&item(n), true, None).unwrap();
    }
    for n in 1..=5 {
        assert_eq!(q.get(true, None).unwrap().item.item, item(n));
    }
}

#[test]
fn q2_maxsize_zero_or_negative_is_unbounded_up_to_capacity() {
    let mut q = Queue::with_capacity(-3, 4).unwrap();
    assert_eq!(q.maxsize(), 0);
    for n in 0..4 {
        q.put_nowait(&item(n)).unwrap();
    }
    assert!(matches!(q.put_nowait(&item(9)), Err(QueueError::Full)));
    assert_eq!(q.limit(), 4);
}

#[test]
fn q3_put_nonblocking_on_full_raises_full_without_waiting() {
    let mut q = Queue::new(1).unwrap();
    q.put(&item(1), true, None).unwrap();
    assert!(matches!(
        q.put(&item(2), false, Some(5.0)),
        Err(QueueError::Full)
    ));
    assert!(matches!(
        q.put(&item(2), true, Some(0.0)),
        Err(QueueError::Full)
    ));
    assert!(matches!(
        q.put(&item(2), true, Some(-1.0)),
        Err(QueueError::Full)
    ));
    assert!(matches!(q.put_nowait(&item(2)), Err(QueueError::Full)));
    assert_eq!(q.waits(), 0);
}

#[test]
fn q4_get_nonblocking_on_empty_raises_empty_without_waiting() {
    let mut q = Queue::new(0).unwrap();
    assert!(matches!(q.get(false, Some(5.0)), Err(QueueError::Empty)));
    assert!(matches!(q.get(true, Some(0.0)), Err(QueueError::Empty)));
    assert!(matches!(q.get(true, Some(-0.5)), Err(QueueError::Empty)));
    assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
    assert_eq!(q.waits(), 0);
}

#[test]
fn q6_qsize_empty_full_are_exact() {
    let mut q = Queue::new(2).unwrap();
    assert!(q.empty() && !q.full());
    q.put_nowait(&item(1)).unwrap();
    assert_eq!(q.qsize(), 1);
    assert!(!q.empty());
    q.put_nowait(&item(2)).unwrap();
    assert!(q.full());
}

#[test]
fn q8_close_is_per_handle_and_idempotent() {
    let mut a = Queue::new(0).unwrap();
    let mut b = a.try_clone().unwrap();
    a.close();
    a.close();
    assert!(matches!(a.put_nowait(&item(1)), Err(QueueError::Closed)));
    assert!(matches!(a.get_nowait(), Err(QueueError::Closed)));
    b.put_nowait(&item(1)).unwrap();
    assert_eq!(b.get_nowait().unwrap().item.item, item(1));
}

#[test]
fn bad_input_gives_clear_errors() {
    assert!(matches!(
        Queue::with_capacity(10, 4),
        Err(QueueError::MaxsizeOutOfRange {
            maxsize: 10,
            capacity: 4
        })
    ));
    assert!(matches!(
        Queue::with_capacity(0, 0),
        Err(QueueError::CapacityOutOfRange(0))
    ));
    let mut q = Queue::new(0).unwrap();
    assert!(matches!(
        q.put(&item(1), true, Some(f64::NAN)),
        Err(QueueError::BadTimeout(_))
    ));
    assert!(matches!(
        q.get(true, Some(f64::INFINITY)),
        Err(QueueError::BadTimeout(_))
    ));
    let long = Item::new("x".repeat(LABEL_MAX + 1), 1, 1);
    let err = q.put_nowait(&long).unwrap_err();
    assert!(matches!(err, QueueError::LabelTooLong { .. }));
    assert!(err.to_string().contains("at most 31 bytes"));
    assert!(matches!(
        q.set_maxsize(1 << 30),
        Err(QueueError::MaxsizeOutOfRange { .. })
    ));
}

#[test]
fn every_operation_gets_a_growing_global_sequence_number() {
    let mut q = Queue::new(0).unwrap();
    let p1 = q.put_nowait(&item(1)).unwrap();
    let p2 = q.put_nowait(&item(2)).unwrap();
    let g1 = q.get_nowait().unwrap();
    assert!(p1.seq < p2.seq && p2.seq < g1.seq);
    assert_eq!(g1.item.put_seq, p1.seq);
    assert_eq!(g1.depth, 1);
    assert_eq!(p2.depth, 2);
}

#[test]
fn observer_sees_queued_items_in_order() {
    let mut q = Queue::new(3).unwrap();
    let obs = q.observer().unwrap();
    for n in 1..=3 {
        q.put_nowait(&item(n)).unwrap();
    }
    q.get_nowait().unwrap();
    let snap = obs.snapshot(100);
    assert_eq!(snap.depth, 2);
    assert_eq!(snap.maxsize, 3);
    let labels: Vec<_> = snap.items.iter().map(|i| i.item.label.as_str()).collect();
    assert_eq!(labels, ["url_2", "url_3"]);
    assert_eq!((snap.puts, snap.gets), (3, 1));
}

#[test]
fn raising_maxsize_lets_a_blocked_put_through() {
    let mut q = Queue::new(1).unwrap();
    q.put_nowait(&item(1)).unwrap();
    let mut q2 = q.try_clone().unwrap();
    let t = std::thread::spawn(move || q2.put(&item(2), true, Some(30.0)).map(|d| d.waited));
    let obs = q.observer().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while obs.snapshot(0).put_waiters == 0 {
        assert!(Instant::now() < deadline, "put never blocked");
        std::thread::yield_now();
    }
    q.set_maxsize(2).unwrap();
    assert!(t.join().unwrap().unwrap());
    assert_eq!(q.qsize(), 2);
}

#[test]
fn lowering_maxsize_below_depth_makes_puts_wait() {
    let mut q = Queue::new(4).unwrap();
    for n in 0..3 {
        q.put_nowait(&item(n)).unwrap();
    }
    q.set_maxsize(2).unwrap();
    assert!(matches!(q.put_nowait(&item(9)), Err(QueueError::Full)));
    q.get_nowait().unwrap();
    q.get_nowait().unwrap();
    q.put_nowait(&item(9)).unwrap();
}

#[test]
fn futex_offsets_are_distinct_cache_lines() {
    let o = QueueObserver::futex_offsets();
    assert_ne!(o.not_empty / 64, o.not_full / 64);
    assert_ne!(o.lock / 64, o.not_empty / 64);
}

/// Makes a handle's record look like that of a dead process `FAKE_PID`
/// (the handle forgets it, as a killed process would).
fn orphan_record(q: &mut Queue) -> usize {
    let r = q.claim_record().unwrap();
    q.record = None;
    q.view.rec(r).pid.store(FAKE_PID as u32, Ordering::Release);
    r
}

/// A record left by a process killed while putting `it`, before its commit.
fn dead_putter(q: &Queue, it: &Item) {
    let mut other = q.try_clone().unwrap();
    let r = orphan_record(&mut other);
    let rec = q.view.rec(r);
    rec.item
        .store(&Slot::from_item(it, FAKE_PID as u32).unwrap());
    rec.state.store(PUTTING, Ordering::Release);
}

/// Whether thread `tid` sleeps in a futex wait on address `word`.
fn asleep_on(tid: i32, word: u64) -> bool {
    use crate::proc::probe::{SyscallInfo, read_sample};
    matches!(read_sample(tid), Ok(Some(s)) if s.state == 'S' && matches!(
        s.syscall,
        Some(SyscallInfo::Blocked { nr, args, .. }) if nr == libc::SYS_futex && args[0] == word
    ))
}

fn dl() -> Option<Instant> {
    Some(Instant::now() + Duration::from_secs(30))
}

#[test]
fn recover_process_names_an_item_a_dead_putter_never_committed() {
    let mut q = Queue::new(0).unwrap();
    q.put_nowait(&item(1)).unwrap();
    dead_putter(&q, &item(2));
    let rec = q.recover_process(FAKE_PID, dl()).unwrap().unwrap();
    assert_eq!(rec.lost, Some(item(2)));
    assert_eq!(
        (rec.dead_pid, rec.by_pid),
        (FAKE_PID, std::process::id() as i32)
    );
    assert!(!rec.held_lock);
    assert_eq!(rec.after_seq, 1, "after the put numbered 1");
    assert!(rec.ts_ns > 0, "recoveries always have a time");
    assert_eq!(q.recoveries(), 1);
    let snap = q.observer().unwrap().snapshot(10);
    assert_eq!(snap.recent_recoveries, vec![rec]);
    assert_eq!(snap.lost, 1);
    assert_eq!((snap.puts, snap.gets, snap.depth), (1, 0, 1));
    assert!(
        snap.in_flight.iter().all(|f| f.pid != FAKE_PID),
        "record freed"
    );
}

#[test]
fn recover_process_says_nothing_for_a_process_that_held_nothing() {
    let mut q = Queue::new(0).unwrap();
    let mut other = q.try_clone().unwrap();
    let r = orphan_record(&mut other);
    // It was asleep in get: registered as a waiter, nothing in flight.
    let word = q.register_wait(r, WaitKind::Data);
    let _ = word;
    let obs = q.observer().unwrap();
    assert_eq!(obs.snapshot(0).get_waiters, 1);
    assert_eq!(q.recover_process(FAKE_PID, dl()).unwrap(), None);
    let snap = obs.snapshot(0);
    assert_eq!(snap.get_waiters, 0, "its registration is released");
    assert_eq!((snap.recoveries, snap.lost), (0, 0), "nothing logged");
    assert!(
        snap.in_flight.iter().all(|f| f.pid != FAKE_PID),
        "record freed"
    );
}

#[test]
fn recover_process_wakes_a_sleeper_whose_wake_was_counted_but_never_sent() {
    let mut q = Queue::new(0).unwrap();
    let mut reader = q.try_clone().unwrap();
    // The futex address in the reader's own mapping.
    let word = reader.map_base() + QueueObserver::futex_offsets().not_empty;
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        // SAFETY: gettid has no preconditions.
        tid_tx.send(unsafe { libc::gettid() }).unwrap();
        reader.get(true, Some(60.0)).map(|g| g.item.item)
    });
    let tid = tid_rx.recv().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !asleep_on(tid, word) {
        assert!(Instant::now() < deadline, "get never slept");
        std::thread::sleep(Duration::from_millis(2));
    }
    // A putter committed, counted its wake as sent, bumped the word, and
    // died before its futex_wake (the tail store made directly here).
    {
        let h = q.view.header();
        q.view.slot(0).store(&Slot {
            op_seq: 1,
            ..Slot::from_item(&item(1), FAKE_PID as u32).unwrap()
        });
        h.locked.op_seq.store(1, Ordering::Relaxed);
        h.locked.tail.store(1, Ordering::Release);
        assert!(q.grant_wake(WaitKind::Data));
    }
    // Another put finds the wake already counted, so it wakes nobody.
    q.put_nowait(&item(2)).unwrap();
    assert!(!t.is_finished(), "the sleeper must still be asleep here");
    assert_eq!(q.recover_process(FAKE_PID, dl()).unwrap(), None);
    // Its own 60 s timeout would also end the wait: the repair must be first.
    let woken = Instant::now() + Duration::from_secs(20);
    while !t.is_finished() {
        assert!(Instant::now() < woken, "the repair left the sleeper asleep");
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(t.join().unwrap().unwrap(), item(1), "woken by the repair");
}

#[test]
fn recover_process_gives_up_at_its_deadline_while_the_lock_is_held() {
    let mut q = Queue::new(0).unwrap();
    let mut holder = q.try_clone().unwrap();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        holder.enter(None).unwrap();
        held_tx.send(()).unwrap();
        let _ = done_rx.recv_timeout(Duration::from_secs(60));
        holder.leave();
    });
    held_rx.recv().unwrap();
    let start = Instant::now();
    let r = q.recover_process(FAKE_PID, Some(start + Duration::from_millis(100)));
    assert!(matches!(r, Err(QueueError::LockTimeout)), "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
    done_tx.send(()).unwrap();
    t.join().unwrap();
    assert_eq!(
        q.recover_process(FAKE_PID, dl()).unwrap(),
        None,
        "retry works"
    );
}

#[test]
fn recovery_log_keeps_the_latest_256_and_counts_the_rest_as_missed() {
    let mut q = Queue::new(0).unwrap();
    for n in 0..300 {
        dead_putter(&q, &item(n));
        assert!(q.recover_process(FAKE_PID, dl()).unwrap().is_some());
    }
    let obs = q.observer().unwrap();
    let mut cur = obs.cursor_from_start();
    let batch = obs.read_ops(&mut cur, usize::MAX);
    assert_eq!(batch.missed_recoveries, 300 - RECOVERY_LOG as u64);
    assert_eq!(batch.ops.len(), RECOVERY_LOG);
    for (k, op) in batch.ops.iter().enumerate() {
        let n = (300 - RECOVERY_LOG + k) as u64;
        match op {
            QueueOp::Recovered { log, lost, .. } => {
                assert_eq!((*log, lost.clone()), (n, Some(item(n))));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(obs.snapshot(0).lost, 300);
}

// ---------------------------------------------------------------- op log --

fn seq_of(op: &QueueOp) -> u64 {
    match op {
        QueueOp::Put { seq, .. } | QueueOp::Get { seq, .. } => *seq,
        QueueOp::Recovered { after_seq, .. } => *after_seq,
    }
}

#[test]
fn op_log_returns_puts_and_gets_in_seq_order_each_get_after_its_put() {
    let mut q = Queue::new(0).unwrap();
    q.set_timestamps(true);
    let obs = q.observer().unwrap();
    let p1 = q.put_nowait(&item(1)).unwrap();
    let p2 = q.put_nowait(&item(2)).unwrap();
    let g1 = q.get_nowait().unwrap();
    let p3 = q.put_nowait(&item(3)).unwrap();
    let g2 = q.get_nowait().unwrap();
    let me = std::process::id() as i32;
    let mut cur = obs.cursor_from_start();
    let batch = obs.read_ops(&mut cur, 100);
    let put = |d: &PutDone, n| QueueOp::Put {
        seq: d.seq,
        ts_ns: d.ts_ns,
        pid: me,
        item: item(n),
    };
    let get = |d: &GetDone, n, p: &PutDone| QueueOp::Get {
        seq: d.seq,
        ts_ns: d.ts_ns,
        pid: me,
        item: item(n),
        put_seq: p.seq,
        put_pid: me,
    };
    assert_eq!(
        batch.ops,
        vec![
            put(&p1, 1),
            put(&p2, 2),
            get(&g1, 1, &p1),
            put(&p3, 3),
            get(&g2, 2, &p2)
        ]
    );
    assert!(batch.ops.iter().all(|op| match op {
        QueueOp::Put { ts_ns, .. } | QueueOp::Get { ts_ns, .. } => *ts_ns > 0,
        _ => false,
    }));
    assert_eq!((batch.missed_puts, batch.missed_gets), (0, 0));
    assert_eq!(
        obs.read_ops(&mut cur, 100),
        OpBatch::default(),
        "nothing new"
    );
}

#[test]
fn op_log_counts_overwritten_ops_as_missed_and_returns_nothing_wrong() {
    let mut q = Queue::with_capacity(0, 4).unwrap();
    let obs = q.observer().unwrap();
    let mut cur = obs.cursor_from_start();
    let mut puts = Vec::new();
    for n in 0..23 {
        puts.push(q.put_nowait(&item(n)).unwrap().seq);
        if n % 3 != 2 || q.qsize() == 4 {
            q.get_nowait().unwrap();
        }
    }
    let batch = obs.read_ops(&mut cur, usize::MAX);
    let (p, g) = (
        q.view.header().locked.tail.load(Ordering::Relaxed),
        q.view.header().locked.head.load(Ordering::Relaxed),
    );
    let got_puts = batch
        .ops
        .iter()
        .filter(|o| matches!(o, QueueOp::Put { .. }))
        .count() as u64;
    let got_gets = batch
        .ops
        .iter()
        .filter(|o| matches!(o, QueueOp::Get { .. }))
        .count() as u64;
    assert!(batch.missed_puts > 0 && batch.missed_gets > 0, "{batch:?}");
    assert_eq!(got_puts + batch.missed_puts, p);
    assert_eq!(got_gets + batch.missed_gets, g);
    for op in &batch.ops {
        match op {
            QueueOp::Put { seq, item: it, .. } => assert_eq!(puts[it.seq as usize], *seq),
            QueueOp::Get {
                item: it,
                put_seq,
                seq,
                ..
            } => {
                assert_eq!(puts[it.seq as usize], *put_seq);
                assert!(put_seq < seq);
            }
            other => panic!("{other:?}"),
        }
    }
    let seqs: Vec<u64> = batch.ops.iter().map(seq_of).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
}

#[test]
fn op_log_places_a_recovery_right_after_the_op_it_followed() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    q.put_nowait(&item(1)).unwrap();
    q.put_nowait(&item(2)).unwrap();
    dead_putter(&q, &item(9));
    let rec = q.recover_process(FAKE_PID, dl()).unwrap().unwrap();
    q.get_nowait().unwrap();
    let mut cur = obs.cursor_from_start();
    let ops = obs.read_ops(&mut cur, 100).ops;
    let kinds: Vec<&str> = ops
        .iter()
        .map(|o| match o {
            QueueOp::Put { .. } => "put",
            QueueOp::Get { .. } => "get",
            QueueOp::Recovered { .. } => "recovered",
        })
        .collect();
    assert_eq!(kinds, ["put", "put", "recovered", "get"]);
    assert_eq!(
        ops[2],
        QueueOp::Recovered {
            log: 0,
            after_seq: 2,
            ts_ns: rec.ts_ns,
            by_pid: std::process::id() as i32,
            dead_pid: FAKE_PID,
            held_lock: false,
            lost: Some(item(9)),
        }
    );
}

#[test]
fn op_log_read_in_small_batches_matches_one_big_batch() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    for n in 0..40 {
        q.put_nowait(&item(n)).unwrap();
        if n % 2 == 0 {
            q.get_nowait().unwrap();
        }
        if n % 10 == 0 {
            dead_putter(&q, &item(100 + n));
            q.recover_process(FAKE_PID, dl()).unwrap();
        }
    }
    let mut all = obs.cursor_from_start();
    let whole = obs.read_ops(&mut all, usize::MAX).ops;
    assert_eq!(whole.len(), 40 + 20 + 4);
    let mut cur = obs.cursor_from_start();
    let mut pieces = Vec::new();
    loop {
        let b = obs.read_ops(&mut cur, 3);
        assert!(b.ops.len() <= 3);
        if b.ops.is_empty() {
            break;
        }
        pieces.extend(b.ops);
    }
    assert_eq!(pieces, whole);
    assert_eq!(cur, all);
}

#[test]
fn op_log_cursor_now_reports_only_later_ops() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    q.put_nowait(&item(1)).unwrap();
    q.get_nowait().unwrap();
    let mut cur = obs.cursor_now();
    let p = q.put_nowait(&item(2)).unwrap();
    let ops = obs.read_ops(&mut cur, 10).ops;
    assert_eq!(ops.len(), 1);
    assert_eq!(seq_of(&ops[0]), p.seq);
}

#[test]
fn op_log_reader_behind_can_skip_to_now_counting_what_it_passed_over() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    let mut cur = obs.cursor_from_start();
    for n in 1..=100 {
        q.put_nowait(&item(n)).unwrap();
    }
    for _ in 0..40 {
        q.get_nowait().unwrap();
    }
    assert_eq!(obs.backlog(&cur), 140);
    assert_eq!(obs.skip_to_now(&mut cur), (100, 40));
    assert_eq!(obs.backlog(&cur), 0);
    let g = q.get_nowait().unwrap();
    let ops = obs.read_ops(&mut cur, 10).ops;
    assert_eq!(ops.len(), 1, "only what came after the skip");
    assert_eq!(seq_of(&ops[0]), g.seq);
}

// -------------------------------------------------------- corrupt memory --

#[test]
fn a_queue_whose_head_is_past_its_tail_gives_corrupt_errors_not_a_spin() {
    let mut q = Queue::new(0).unwrap();
    let obs = q.observer().unwrap();
    q.debug_set_indices(5, 2);
    let start = Instant::now();
    assert!(matches!(
        q.put_nowait(&item(1)),
        Err(QueueError::Corrupt(_))
    ));
    assert!(matches!(
        q.get(true, Some(5.0)),
        Err(QueueError::Corrupt(_))
    ));
    assert_eq!(q.qsize(), 0);
    assert_eq!(obs.depth(), 0);
    assert_eq!(obs.snapshot(10).items, vec![]);
    let mut cur = obs.cursor_from_start();
    assert!(obs.read_ops(&mut cur, 10).ops.is_empty());
    assert!(matches!(q.try_clone(), Err(QueueError::Corrupt(_))));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_queue_with_more_items_than_slots_or_a_huge_maxsize_is_corrupt() {
    let mut q = Queue::with_capacity(0, 4).unwrap();
    q.debug_set_indices(0, 9);
    assert!(matches!(q.get_nowait(), Err(QueueError::Corrupt(_))));
    assert!(matches!(q.try_clone(), Err(QueueError::Corrupt(_))));
    q.debug_set_indices(0, 0);
    q.view
        .header()
        .config
        .maxsize
        .store(1000, Ordering::Relaxed);
    assert!(matches!(
        q.put_nowait(&item(1)),
        Err(QueueError::Corrupt(_))
    ));
    assert!(matches!(q.try_clone(), Err(QueueError::Corrupt(_))));
}

#[test]
fn a_rewritten_capacity_never_moves_indices_outside_the_mapping() {
    let mut q = Queue::with_capacity(0, 4).unwrap();
    // SAFETY: test-only write of a plain header field of our own mapping.
    unsafe {
        let h = q.view.region().as_ptr() as *mut Header;
        std::ptr::write_volatile(&mut (*h).config.capacity, u32::MAX);
    }
    for n in 0..20 {
        q.put_nowait(&item(n)).unwrap();
        assert_eq!(q.get_nowait().unwrap().item.item, item(n));
    }
}

#[test]
fn put_state_is_idle_after_every_outcome() {
    let mut q = Queue::new(1).unwrap();
    q.put_nowait(&item(1)).unwrap();
    assert!(q.put_nowait(&item(2)).is_err());
    let r = q.record.unwrap();
    assert_eq!(q.view.rec(r).state.load(Ordering::Relaxed), IDLE);
}

#[test]
fn kill_points_are_found_by_their_op_and_name() {
    for p in KillPoint::ALL {
        assert_eq!(KillPoint::find(p.op(), p.name()), Some(p));
        assert_eq!(
            p.op(),
            if format!("{p:?}").starts_with("Put") {
                "put"
            } else {
                "get"
            }
        );
    }
    assert_eq!(KillPoint::find("get", "after-slot-write"), None);
}
