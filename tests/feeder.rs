//! Python's feeder thread on real runs (`queue --python-feeder`): a
//! writer's `put` returns into its own buffer and a thread of the writer
//! flushes it into the pipe (our queue, holding `maxsize` items); a writer
//! with unflushed items cannot exit. With no reader process the parent
//! reads the queue itself: after joining the writers, a deadlock named as
//! such ("joining processes that use queues"), or before (the fix), when
//! every item is got and every writer ends. Every item put is got once,
//! still in the pipe, or named lost once.

mod common;

use std::collections::HashMap;
use std::process::{Command as Process, Stdio};

use common::watch::{Watch, headless};
use common::*;
use ipcscope::config::{DelayRange, Mode, QueueConfig, Scenario};
use ipcscope::model::parent::{self, ParentAt};
use ipcscope::model::waits::{self, Need, Provider};
use ipcscope::model::world::Activity;
use ipcscope::proc::spawn::is_alive;
use ipcscope::stream::{Command, Ended, Kind, Note, SUPERVISOR, Sig};

/// A feeder run with no reader process: the parent reads `items` per
/// writer itself (`first`: before its joins).
fn feeder(writers: u32, items: u64, holds: u32, first: bool) -> ipcscope::config::RunConfig {
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.feeder = true;
    q.writers = writers;
    q.readers = 0;
    q.items = items;
    q.maxsize = holds;
    q.drain_first = first;
    q.delay = DelayRange { lo: 0.0, hi: 0.01 };
    headless(Scenario::Queue(q), 1)
}

fn all_gone(w: &Watch) {
    for p in &w.scene.world.procs {
        assert!(!is_alive(p.pid), "{} ({}) is still alive", p.name, p.pid);
    }
}

/// Every item whose `put` returned, by label: got, still in the pipe, or
/// named lost, exactly once in all.
fn conservation(w: &Watch) {
    let mut fate: HashMap<String, Vec<&str>> = HashMap::new();
    for e in &w.events {
        if e.kind == Kind::Buffered {
            fate.entry(e.item.clone().unwrap()).or_default();
        }
    }
    for e in &w.events {
        if e.kind == Kind::Get {
            fate.get_mut(e.item.as_deref().unwrap())
                .unwrap()
                .push("got");
        }
    }
    for t in &w.scene.world.queue.inside.items {
        fate.get_mut(&t.label).unwrap().push("in the pipe");
    }
    for l in &w.scene.world.losses {
        fate.get_mut(&l.item).unwrap().push("lost");
    }
    for (label, f) in &fate {
        assert_eq!(f.len(), 1, "{label}: {f:?}");
    }
}

#[test]
fn joining_a_feeder_writer_before_draining_is_a_deadlock_named_with_its_cycle() {
    let mut w = Watch::start(&feeder(1, 20, 4, false));
    w.until("writer-1 waits at exit for its feeder", |s| {
        s.world
            .procs
            .iter()
            .any(|p| matches!(p.activity, Activity::WaitingToFlush { .. }))
    });
    // put() returned for every item; the pipe holds 4, the rest wait in
    // the buffer.
    let writer = w.scene.world.procs[0].clone();
    assert_eq!(writer.done, 20);
    assert_eq!(writer.buffer.count(), 16, "{:?}", writer.buffer);
    let note = w.event("the join-before-drain note", |e| {
        matches!(
            e.kind,
            Kind::Note {
                note: Note::JoinBeforeDrain { .. }
            }
        )
    });
    assert_eq!(
        note.kind,
        Kind::Note {
            note: Note::JoinBeforeDrain {
                writer: writer.pid,
                name: "writer-1".into(),
                feeder: true,
            }
        }
    );
    assert_eq!(parent::at(&w.scene.world), ParentAt::Joining(writer.pid));
    // The wait-for view: the writer needs the parent to read, the parent
    // needs the writer to end: both forever.
    let all = waits::waits(&w.scene);
    let of = |who| all.iter().find(|x| x.who == who).expect("a wait");
    let (wr, main) = (of(writer.id), of(SUPERVISOR));
    assert_eq!(
        (wr.need, wr.from.clone()),
        (Need::Flush, vec![Provider::Main])
    );
    assert_eq!(
        (main.need, main.from.clone()),
        (Need::End, vec![Provider::Proc(writer.id)])
    );
    assert!(wr.forever && main.forever, "{all:?}");
    assert_eq!(w.scene.world.queue.puts, 4, "the pipe is full at 4");
    w.finish();
    // Stopped: what was left in its buffer is named lost, once each.
    assert_eq!(w.scene.world.losses.len(), 16, "{:?}", w.scene.world.losses);
    conservation(&w);
    all_gone(&w);
}

#[test]
fn draining_before_joining_gets_every_item_once_and_every_writer_exits() {
    let mut w = Watch::start(&feeder(2, 15, 3, true));
    w.until(
        "the parent has read every item and joined both writers",
        |s| parent::at(&s.world) == ParentAt::Done && s.world.parent.joined.len() == 2,
    );
    let world = &w.scene.world;
    assert_eq!(world.parent.got, 30);
    assert_eq!(
        (world.queue.buffered, world.queue.puts, world.queue.gets),
        (30, 30, 30)
    );
    for p in &world.procs {
        assert_eq!(p.ended, Some(Ended::Code(0)), "{}", p.name);
        assert!(world.parent.joined.contains(&p.pid), "{} joined", p.name);
    }
    // Each item: its put returned, then it entered the pipe, then the
    // parent got it.
    let at = |kind: &Kind, label: &str| {
        w.events
            .iter()
            .position(|e| &e.kind == kind && e.item.as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no {kind:?} of {label}"))
    };
    for e in w.events.iter().filter(|e| e.kind == Kind::Buffered) {
        let l = e.item.as_deref().unwrap();
        let (b, p, g) = (at(&Kind::Buffered, l), at(&Kind::Put, l), at(&Kind::Get, l));
        assert!(b < p && p < g, "{l}: buffered {b}, put {p}, got {g}");
        assert_eq!(w.events[g].child, SUPERVISOR, "the parent got {l}");
    }
    assert!(w.scene.world.losses.is_empty());
    conservation(&w);
    w.finish();
    all_gone(&w);
}

#[test]
fn a_feeder_writer_killed_with_items_in_its_buffer_names_each_of_them_lost_once() {
    let mut w = Watch::start(&feeder(1, 12, 2, false));
    w.until("writer-1 waits at exit with items in its buffer", |s| {
        s.world
            .procs
            .iter()
            .any(|p| matches!(p.activity, Activity::WaitingToFlush { .. }))
    });
    let writer = w.scene.world.procs[0].clone();
    let left: Vec<String> = writer
        .buffer
        .items
        .iter()
        .map(|t| t.label.clone())
        .collect();
    assert_eq!(left.len(), 10);
    w.sup.send(Command::Signal(writer.id, Sig::Kill));
    w.until("the parent has read what was in the pipe", |s| {
        s.world.parent.got == 2 && parent::at(&s.world) == ParentAt::Done
    });
    let lost: Vec<String> = w
        .scene
        .world
        .losses
        .iter()
        .map(|l| l.item.clone())
        .collect();
    assert_eq!(lost, left, "each buffered item named lost, once");
    conservation(&w);
    w.finish();
    all_gone(&w);
}

#[test]
fn the_headless_feeder_run_ends_on_the_deadlock_and_tells_why_in_order() {
    let out = Process::new(exe())
        .env("LC_ALL", "C")
        .args([
            "queue",
            "--headless",
            "--python-feeder",
            "--pipe-holds",
            "3",
            "--readers",
            "0",
            "--writers",
            "1",
            "--items",
            "6",
            "--delay",
            "0..0",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run ipcscope");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
    };
    let order = [
        at("(writer-1) and waits until it ends."),
        at("must first flush"),
        at("Deadlock: the parent waits in join()"),
        at("never left its buffer"),
        at("put() returned 6 times; 3 went into the pipe (it holds 3), 0 got, 3 left in it"),
    ];
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}\n{text}");
}
