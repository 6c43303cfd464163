//! The parent (`__main__`) on real runs: the supervisor joins the writers
//! one by one in a real wait4 (the kernel agreeing), lets the readers drain
//! the queue and terminates them, held before that by a lesson until it
//! lets go; the headless transcript tells the same steps, and no process
//! is left behind, even when the run is stopped mid-join.

mod common;

use std::process::{Command as Process, Stdio};

use common::watch::{Watch, headless};
use common::*;
use ipcscope::config::{DelayRange, Mode, PipeConfig, QueueConfig, RunConfig, Scenario};
use ipcscope::model::Scene;
use ipcscope::model::parent::{self, ParentAt, StepState};
use ipcscope::proc::spawn::is_alive;
use ipcscope::stream::{Command, Ended, Event, KernelWait, Kind, Note, SIGTERM, Stuck};

fn cfg(scenario: Scenario) -> RunConfig {
    headless(scenario, 1)
}

fn queue_cfg(f: impl FnOnce(&mut QueueConfig)) -> RunConfig {
    let mut q = QueueConfig::defaults(Mode::Headless);
    f(&mut q);
    cfg(Scenario::Queue(q))
}

impl Watch {
    fn pid_of(&self, name: &str) -> i32 {
        self.scene
            .world
            .procs
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .pid
    }

    /// Where the first event matching `f` is in the stream.
    fn at(&self, what: &str, f: impl Fn(&Event) -> bool) -> usize {
        self.events
            .iter()
            .position(f)
            .unwrap_or_else(|| panic!("no {what} in {:#?}", self.events))
    }
}

/// What the kernel shows of the parent, in the latest observation.
fn parent_kernel(s: &Scene) -> Option<KernelWait> {
    s.parent_kernel.as_ref().map(|k| k.wait.clone())
}

fn all_gone(w: &Watch) {
    for p in &w.scene.world.procs {
        assert!(!is_alive(p.pid), "{} ({}) is still alive", p.name, p.pid);
    }
}

#[test]
fn the_parent_joins_each_writer_in_wait4_then_terminates_the_reader() {
    let mut w = Watch::start(&queue_cfg(|q| {
        q.items = 2;
        q.delay = DelayRange { lo: 0.3, hi: 0.5 };
    }));
    w.until("the parent waits in join() on writer-1", |s| {
        matches!(parent::at(&s.world), ParentAt::Joining(pid) if s.world.name_of(pid) == "writer-1")
    });
    w.until("the kernel shows the parent in wait4", |s| {
        parent_kernel(s) == Some(KernelWait::WaitingOther("wait4".into()))
    });
    w.until("the run is over", |s| s.finished());
    let (w1, w2, r) = (
        w.pid_of("writer-1"),
        w.pid_of("writer-2"),
        w.pid_of("reader-1"),
    );
    let join = |pid| move |e: &Event| e.kind == Kind::Join { target: pid };
    let joined = |pid| move |e: &Event| e.kind == Kind::Joined { target: pid };
    let exit = |pid| move |e: &Event| e.pid == pid && matches!(e.kind, Kind::Exit { .. });
    let sigterm = |e: &Event| {
        e.kind
            == Kind::Kill {
                target: r,
                signal: SIGTERM,
            }
    };
    let order = [
        w.at("join writer-1", join(w1)),
        w.at("writer-1's exit", exit(w1)),
        w.at("writer-1 joined", joined(w1)),
        w.at("join writer-2", join(w2)),
        w.at("writer-2 joined", joined(w2)),
        w.at("the SIGTERM to the reader", sigterm),
        w.at("the reader's exit", exit(r)),
    ];
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    assert!(w.at("writer-2's exit", exit(w2)) < order[4]);
    // The queue was drained before the reader was terminated.
    assert_eq!(w.scene.world.queue.gets, 4);
    let ended = w.scene.world.by_pid(r).and_then(|p| p.ended);
    assert_eq!(ended, Some(Ended::Signal(SIGTERM)));
    let steps = parent::steps(&w.scene.world);
    assert_eq!(steps.len(), 5, "start, two joins, terminate, done");
    assert!(
        steps.iter().all(|s| s.state == StepState::Done),
        "{steps:?}"
    );
    w.finish();
    all_gone(&w);
}

#[test]
fn a_held_parent_waits_before_terminate_until_it_is_let_go() {
    let mut w = Watch::start(&queue_cfg(|q| {
        q.writers = 1;
        q.items = 1;
        // Long enough that the hold is in before the writer ends.
        q.delay = DelayRange::fixed(0.3);
    }));
    w.sup.send(Command::HoldParent(true));
    w.until("the parent is held before terminate()", |s| {
        parent::at(&s.world) == ParentAt::BeforeTerminate { held: true }
    });
    // Held, it leaves the reader waiting in get() until the run says
    // nobody can progress: the reader was not terminated meanwhile.
    w.until("the run says the reader waits forever", |s| {
        matches!(
            s.stuck,
            Some(Note::NoProgress {
                why: Stuck::EmptyNoWriter
            })
        )
    });
    assert!(w.scene.world.procs.iter().any(|p| p.alive()));
    assert!(w.scene.world.parent.terminated.is_empty());
    w.sup.send(Command::HoldParent(false));
    w.until("the parent terminates the reader", |s| s.finished());
    let r = w.pid_of("reader-1");
    assert_eq!(w.scene.world.parent.terminated, [r]);
    w.finish();
    all_gone(&w);
}

#[test]
fn a_run_stopped_while_the_parent_joins_leaves_no_process_and_tells_every_end() {
    let mut w = Watch::start(&queue_cfg(|q| {
        q.items = 0;
        q.delay = DelayRange::fixed(30.0);
    }));
    w.until("the kernel shows the parent in wait4", |s| {
        parent_kernel(s) == Some(KernelWait::WaitingOther("wait4".into()))
    });
    w.finish();
    let exits = w
        .events
        .iter()
        .filter(|e| matches!(e.kind, Kind::Exit { .. }))
        .count();
    assert_eq!(exits, 3, "each child's end is told once");
    all_gone(&w);
}

#[test]
fn a_pipe_parent_joins_the_sender_then_the_receiver() {
    let mut p = PipeConfig::defaults(Mode::Headless);
    p.messages = 3;
    p.delay = DelayRange::ZERO;
    p.reader_delay = DelayRange::ZERO;
    let mut w = Watch::start(&cfg(Scenario::Pipe(p)));
    w.until("both are on the stage", |s| s.world.procs.len() == 2);
    let (s, r) = (w.pid_of("sender"), w.pid_of("receiver"));
    w.until("the receiver's join returned", |sc| {
        sc.world.parent.joined == [s, r]
    });
    let joins: Vec<i32> = w
        .events
        .iter()
        .filter_map(|e| match e.kind {
            Kind::Join { target } => Some(target),
            _ => None,
        })
        .collect();
    assert_eq!(joins, [s, r]);
    assert_eq!(parent::at(&w.scene.world), ParentAt::Done);
    w.finish();
    all_gone(&w);
}

#[test]
fn the_headless_transcript_tells_the_parents_joins_and_its_terminate_in_order() {
    let out = Process::new(exe())
        .env("LC_ALL", "C")
        .args(["queue", "--headless", "--items", "2", "--delay", "0..0.05"])
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
        at("The parent's join() on Process"),
        at("(writer-2) and waits until it ends."),
        at("Parent sent SIGTERM"),
        at("(reader-1) was terminated by SIGTERM."),
    ];
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}\n{text}");
    assert_eq!(text.matches("returned.").count(), 2, "{text}");
}
