//! Unit tests of the queue within one process.

use super::*;

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
fn recover_process_names_an_item_taken_but_not_reported() {
    let mut q = Queue::new(0).unwrap();
    let mut other = q.try_clone().unwrap();
    q.put_nowait(&item(1)).unwrap();
    other.get_nowait().unwrap();
    // Pretend `other`'s process died: its record keeps the item.
    let r = other.record.unwrap();
    other.record = None;
    let fake_pid = 999_999;
    q.rec(r).pid.store(fake_pid, Ordering::Release);
    let rec = q.recover_process(fake_pid as i32).unwrap().unwrap();
    assert_eq!(rec.lost, Some((LostKind::Taken, item(1))));
    assert_eq!(q.recoveries(), 1);
    let snap = q.observer().unwrap().snapshot(10);
    assert_eq!(snap.recent_recoveries.len(), 1);
    assert_eq!(snap.lost, 1);
}

#[test]
fn futex_offsets_are_distinct_cache_lines() {
    let o = QueueObserver::futex_offsets();
    assert_ne!(o.not_empty / 64, o.not_full / 64);
    assert_ne!(o.lock / 64, o.not_empty / 64);
}
