//! The supervisor driven directly: the kernel's view of each child, live
//! commands on real processes (maxsize, add/remove, freeze/step, kill).

mod common;

use std::time::Duration;

use common::*;
use ipcscope::config::{DelayRange, Mode, PipeConfig, QueueConfig, RunConfig, Scenario};
use ipcscope::proc::probe::KernelWait;
use ipcscope::proc::spawn::is_alive;
use ipcscope::supervisor::{Command, Supervisor};
use ipcscope::telemetry::event::{Event, Kind, Role};
use nix::sys::signal::Signal;

fn queue_cfg(f: impl FnOnce(&mut QueueConfig)) -> RunConfig {
    let mut q = QueueConfig::defaults(Mode::Tui);
    f(&mut q);
    RunConfig {
        scenario: Scenario::Queue(q),
        seed: 1,
        mode: Mode::Headless,
        trace: None,
        record: None,
        ascii: false,
    }
}

fn start(cfg: &RunConfig) -> Supervisor {
    Supervisor::start_with_exe(cfg, Duration::from_millis(20), Some(exe().to_path_buf()))
        .expect("start supervisor")
}

fn id_of(sup: &Supervisor, name: &str) -> u16 {
    sup.children().iter().find(|c| c.name == name).unwrap().id
}

fn kernel_wait(sup: &Supervisor, name: &str) -> KernelWait {
    let id = id_of(sup, name);
    sup.kernel_view()
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| r.wait)
        .unwrap_or(KernelWait::Gone)
}

/// Waits for an event matching `f` in the stream.
fn wait_event(sup: &Supervisor, what: &str, f: impl Fn(&Event) -> bool) -> Event {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match sup.events().recv_timeout(left) {
            Ok(ev) if f(&ev) => return ev,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

#[test]
fn kernel_view_shows_a_reader_waiting_for_data_and_a_writer_sleeping() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.items = 0;
        q.delay = DelayRange::fixed(30.0);
    });
    let sup = start(&cfg);
    wait_until("the reader waits for data", || {
        kernel_wait(&sup, "reader-1") == KernelWait::WaitingForData
    });
    wait_until("the writer sleeps its delay", || {
        kernel_wait(&sup, "writer-1") == KernelWait::Sleeping
    });
}

#[test]
fn kernel_view_shows_a_writer_waiting_for_space_on_a_full_queue() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 0;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
    });
    let sup = start(&cfg);
    wait_until("the writer waits for space", || {
        kernel_wait(&sup, "writer-1") == KernelWait::WaitingForSpace
    });
    assert_eq!(sup.queue_snapshot(10).unwrap().depth, 1);
}

#[test]
fn raising_maxsize_live_lets_the_blocked_writer_fill_the_queue() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 0;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
    });
    let sup = start(&cfg);
    wait_until("the queue is full", || {
        sup.queue_snapshot(0).unwrap().depth == 1
    });
    sup.send(Command::SetMaxsize(4));
    wait_until("the queue fills to the new maxsize", || {
        sup.queue_snapshot(0).unwrap().depth == 4
    });
    let snap = sup.queue_snapshot(10).unwrap();
    let labels: Vec<_> = snap.items.iter().map(|i| i.item.label.as_str()).collect();
    assert_eq!(labels, ["url_1", "url_2", "url_3", "url_4"]);
}

#[test]
fn freeze_stops_every_child_and_resume_continues_them() {
    let cfg = queue_cfg(|q| {
        q.items = 0;
        q.delay = DelayRange::fixed(0.01);
    });
    let sup = start(&cfg);
    wait_event(&sup, "a get", |e| e.kind == Kind::Get);
    sup.send(Command::Freeze);
    wait_until("every child is stopped", || {
        let v = sup.kernel_view();
        v.len() == 3 && v.iter().all(|r| r.wait == KernelWait::Stopped)
    });
    assert!(sup.frozen());
    sup.send(Command::Resume);
    wait_until("no child is stopped", || {
        sup.kernel_view()
            .iter()
            .all(|r| r.wait != KernelWait::Stopped)
    });
    // Drain what happened before, then see new work.
    while sup.events().try_recv().is_ok() {}
    wait_event(&sup, "a put after resuming", |e| e.kind == Kind::Put);
}

#[test]
fn step_lets_one_child_do_exactly_one_operation_while_frozen() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 0;
        q.delay = DelayRange::ZERO;
    });
    let sup = start(&cfg);
    wait_until("some items are queued", || {
        sup.queue_snapshot(0).unwrap().depth > 2
    });
    sup.send(Command::Freeze);
    wait_until("frozen", || sup.frozen());
    let before = sup.queue_snapshot(0).unwrap().depth;
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        sup.queue_snapshot(0).unwrap().depth,
        before,
        "frozen means no puts"
    );
    sup.send(Command::Step(id_of(&sup, "writer-1")));
    wait_until("one put", || {
        sup.queue_snapshot(0).unwrap().depth == before + 1
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        sup.queue_snapshot(0).unwrap().depth,
        before + 1,
        "exactly one"
    );
}

#[test]
fn adding_and_removing_a_writer_acts_on_real_processes() {
    let cfg = queue_cfg(|q| {
        q.items = 0;
        q.delay = DelayRange::fixed(0.02);
    });
    let sup = start(&cfg);
    sup.send(Command::AddWriter);
    let ev = wait_event(
        &sup,
        "writer-3 spawned",
        |e| matches!(&e.kind, Kind::Spawn { name, .. } if name == "writer-3"),
    );
    assert!(is_alive(ev.pid));
    wait_event(&sup, "writer-3 puts", |e| {
        e.kind == Kind::Put && e.pid == ev.pid
    });
    sup.send(Command::RemoveWriter);
    let exit = wait_event(&sup, "writer-3 exits", |e| {
        matches!(e.kind, Kind::Exit { .. }) && e.pid == ev.pid
    });
    assert_eq!(
        exit.kind,
        Kind::Exit {
            code: Some(0),
            signal: None
        },
        "stopped gracefully"
    );
    assert_eq!(
        sup.children()
            .iter()
            .filter(|c| c.role == Role::Writer && c.alive())
            .count(),
        2
    );
}

#[test]
fn sigkill_of_a_reader_is_reported_and_the_others_carry_on() {
    let cfg = queue_cfg(|q| {
        q.items = 0;
        q.readers = 2;
        q.delay = DelayRange::fixed(0.01);
    });
    let sup = start(&cfg);
    let victim = id_of(&sup, "reader-1");
    let pid = sup.children().iter().find(|c| c.id == victim).unwrap().pid;
    sup.send(Command::Signal(victim, Signal::SIGKILL));
    wait_event(
        &sup,
        "the kill",
        |e| matches!(e.kind, Kind::Kill { target, .. } if target == pid),
    );
    wait_event(&sup, "its exit", |e| {
        e.pid == pid
            && matches!(
                e.kind,
                Kind::Exit {
                    signal: Some(9),
                    ..
                }
            )
    });
    let other = sup
        .children()
        .iter()
        .find(|c| c.name == "reader-2")
        .unwrap()
        .pid;
    wait_event(&sup, "reader-2 still gets", |e| {
        e.kind == Kind::Get && e.pid == other
    });
}

#[test]
fn pipe_stats_name_who_holds_each_end_including_a_forgotten_copy() {
    let cfg = RunConfig {
        scenario: Scenario::Pipe(PipeConfig {
            messages: 1000,
            delay: DelayRange::fixed(30.0),
            reader_delay: DelayRange::ZERO,
            duplex: false,
            forget_close: true,
        }),
        seed: 1,
        mode: Mode::Headless,
        trace: None,
        record: None,
        ascii: false,
    };
    let sup = start(&cfg);
    wait_until("the receiver waits for data", || {
        kernel_wait(&sup, "receiver") == KernelWait::WaitingForData
    });
    let st = sup.pipe_stats().unwrap();
    let send: Vec<_> = st.send_holders.iter().map(|(_, n)| n.as_str()).collect();
    let recv: Vec<_> = st.recv_holders.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(send, ["sender", "parent (ipcscope)"], "{st:?}");
    assert_eq!(recv, ["receiver"], "{st:?}");
    assert_eq!(st.capacity, Some(65_536));
    assert_eq!(st.bytes_waiting, Some(0));
}

#[test]
fn shutdown_finishes_even_when_nobody_read_a_flood_of_events() {
    let cfg = queue_cfg(|q| {
        q.writers = 4;
        q.items = 0;
        q.delay = DelayRange::ZERO;
    });
    let mut sup = start(&cfg);
    wait_until("the event channel fills up", || sup.events().is_full());
    let pids: Vec<i32> = sup.children().iter().map(|c| c.pid).collect();
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        sup.shutdown();
        let exits = sup
            .take_leftover()
            .iter()
            .filter(|e| matches!(e.kind, Kind::Exit { .. }))
            .count();
        let _ = tx.send(exits);
    });
    let exits = rx.recv_timeout(DEADLINE).expect("shutdown hung");
    assert_eq!(exits, 5, "every exit is still reported");
    assert!(pids.iter().all(|&p| !is_alive(p)));
}
