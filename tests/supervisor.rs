//! The supervisor driven directly: the kernel's view of each child, live
//! commands on real processes (maxsize, add/remove, freeze/step, kill).

mod common;

use std::time::{Duration, Instant};

use common::watch::{Watch, headless};
use common::*;
use ipcscope::config::{DelayRange, Mode, PipeConfig, QueueConfig, RunConfig, Scenario};
use ipcscope::model::Scene;
use ipcscope::proc::spawn::is_alive;
use ipcscope::stream::{Body, Command, Ended, KernelWait, Kind, Record, Role, Sig};
use ipcscope::supervisor::Supervisor;

fn queue_cfg(f: impl FnOnce(&mut QueueConfig)) -> RunConfig {
    let mut q = QueueConfig::defaults(Mode::Tui);
    f(&mut q);
    headless(Scenario::Queue(q), 1)
}

impl Watch {
    fn id_of(&self, name: &str) -> u16 {
        self.sup
            .children()
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .id
    }
}

/// What the kernel said `name` was doing, in the latest observation.
fn kernel_wait(s: &Scene, name: &str) -> KernelWait {
    s.world
        .procs
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| s.kernel_of(p.id))
        .map(|k| k.row.wait.clone())
        .unwrap_or(KernelWait::Gone)
}

/// The queue's depth as its memory shows it.
fn depth(s: &Scene) -> u32 {
    s.queue.as_ref().map_or(0, |q| q.depth)
}

#[test]
fn kernel_view_shows_a_reader_waiting_for_data_and_a_writer_sleeping() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.items = 0;
        q.delay = DelayRange::fixed(30.0);
    });
    let mut w = Watch::start(&cfg);
    w.until("the reader waits for data", |s| {
        kernel_wait(s, "reader-1") == KernelWait::WaitingForData
    });
    w.until("the writer sleeps its delay", |s| {
        kernel_wait(s, "writer-1") == KernelWait::Sleeping
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
    let mut w = Watch::start(&cfg);
    w.until("the writer waits for space", |s| {
        kernel_wait(s, "writer-1") == KernelWait::WaitingForSpace
    });
    w.until("the queue's memory shows depth 1", |s| depth(s) == 1);
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
    let mut w = Watch::start(&cfg);
    w.until("the queue is full", |s| depth(s) == 1);
    w.sup.send(Command::SetMaxsize(4));
    w.until("the queue fills to the new maxsize", |s| depth(s) == 4);
    assert_eq!(w.scene.maxsize, 4, "the change is in the stream");
    let q = w.scene.queue.as_ref().unwrap();
    let labels: Vec<_> = q.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["url_1", "url_2", "url_3", "url_4"]);
}

#[test]
fn a_refused_maxsize_is_noted_as_what_was_tried_and_said_in_the_language_asked_for() {
    use ipcscope::stream::{Attempt, Note};
    use ipcscope::text::{Lang, note_text, with_lang};
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.items = 0;
        q.delay = DelayRange::fixed(30.0);
    });
    let mut w = Watch::start(&cfg);
    // Far above the queue's physical capacity: the queue refuses it.
    let too_big = 100_000_000;
    w.sup.send(Command::SetMaxsize(too_big));
    let ev = w.event("the note that it was refused", |e| {
        matches!(
            &e.kind,
            Kind::Note {
                note: Note::Failed { .. }
            }
        )
    });
    let Kind::Note { note } = ev.kind else {
        unreachable!()
    };
    let Note::Failed { tried, error } = &note else {
        unreachable!()
    };
    assert_eq!(*tried, Attempt::SetMaxsize { maxsize: too_big });
    assert!(
        error.contains("out of range"),
        "the queue's own words: {error}"
    );
    let zh = with_lang(Lang::Zh, || note_text(&note));
    assert!(
        zh.starts_with(&format!("无法把队列的 maxsize 设为 {too_big}：")),
        "{zh}"
    );
    let en = with_lang(Lang::En, || note_text(&note));
    assert!(
        en.starts_with(&format!("Could not set the queue's maxsize to {too_big}: ")),
        "{en}"
    );
    w.finish();
}

#[test]
fn freeze_stops_every_child_and_resume_continues_them() {
    let cfg = queue_cfg(|q| {
        q.items = 0;
        q.delay = DelayRange::fixed(0.01);
    });
    let mut w = Watch::start(&cfg);
    w.event("a get", |e| e.kind == Kind::Get);
    w.sup.send(Command::Freeze);
    w.until("every child is stopped", |s| {
        s.frozen
            && s.kernel.len() == 3
            && s.kernel.values().all(|k| k.row.wait == KernelWait::Stopped)
    });
    w.sup.send(Command::Resume);
    w.event("the resume", |e| e.kind == Kind::Resumed);
    w.until("no child is stopped", |s| {
        s.kernel.values().all(|k| k.row.wait != KernelWait::Stopped)
    });
    w.event("a put after resuming", |e| e.kind == Kind::Put);
}

#[test]
fn step_lets_one_child_do_exactly_one_operation_while_frozen() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 0;
        q.delay = DelayRange::ZERO;
    });
    let mut w = Watch::start(&cfg);
    w.until("some items are queued", |s| s.world.queue.puts > 2);
    w.sup.send(Command::Freeze);
    let frozen = w.event("frozen", |e| e.kind == Kind::Frozen);
    // The queue's own count, read off its shared memory (reports of puts
    // made before the freeze may still be on their way under load).
    let puts = |s: &ipcscope::model::Scene, after: u64| {
        s.queue
            .as_ref()
            .filter(|_| s.now_ns > after)
            .map(|q| q.puts)
    };
    w.until("a reading after the freeze", |s| {
        puts(s, frozen.t_ns + 100_000_000).is_some()
    });
    let before = puts(&w.scene, 0).unwrap();
    let at = w.scene.now_ns;
    w.until("a quiet half second", |s| s.now_ns > at + 500_000_000);
    assert_eq!(puts(&w.scene, 0), Some(before), "frozen means no puts");
    let id = w.id_of("writer-1");
    w.sup.send(Command::Step(id));
    let stepped = w.event("stepped", |e| e.kind == Kind::Stepped && e.child == id);
    w.event("one put", |e| e.kind == Kind::Put && e.t_ns >= stepped.t_ns);
    w.until("the put read off the queue", |s| {
        puts(s, 0).is_some_and(|p| p > before)
    });
    let stepped_at = w.scene.now_ns;
    w.until("a quiet half second", |s| {
        s.now_ns > stepped_at + 500_000_000
    });
    assert_eq!(puts(&w.scene, 0), Some(before + 1), "exactly one");
}

#[test]
fn adding_and_removing_a_writer_acts_on_real_processes() {
    let cfg = queue_cfg(|q| {
        q.items = 0;
        q.delay = DelayRange::fixed(0.02);
    });
    let mut w = Watch::start(&cfg);
    w.sup.send(Command::AddWriter);
    let ev = w.event(
        "writer-3 spawned",
        |e| matches!(&e.kind, Kind::Spawn { name, .. } if name == "writer-3"),
    );
    assert!(is_alive(ev.pid));
    w.event("writer-3 puts", |e| e.kind == Kind::Put && e.pid == ev.pid);
    w.sup.send(Command::RemoveWriter);
    let exit = w.event("writer-3 exits", |e| {
        matches!(e.kind, Kind::Exit { .. }) && e.pid == ev.pid
    });
    assert_eq!(
        exit.kind,
        Kind::Exit {
            ended: Ended::Code(0)
        },
        "stopped gracefully"
    );
    assert_eq!(
        w.sup
            .children()
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
    let mut w = Watch::start(&cfg);
    let victim = w.id_of("reader-1");
    let pid = w
        .sup
        .children()
        .iter()
        .find(|c| c.id == victim)
        .unwrap()
        .pid;
    w.sup.send(Command::Signal(victim, Sig::Kill));
    w.event(
        "the kill",
        |e| matches!(e.kind, Kind::Kill { target, .. } if target == pid),
    );
    w.event("its exit", |e| {
        e.pid == pid
            && e.kind
                == Kind::Exit {
                    ended: Ended::Signal(9),
                }
    });
    let other = w
        .sup
        .children()
        .iter()
        .find(|c| c.name == "reader-2")
        .unwrap()
        .pid;
    w.event("reader-2 still gets", |e| {
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
            ..PipeConfig::defaults(Mode::Headless)
        }),
        seed: 1,
        mode: Mode::Headless,
        trace: None,
        record: None,
        ascii: false,
        lang: Default::default(),
        classroom: false,
    };
    let mut w = Watch::start(&cfg);
    w.until("the receiver waits for data", |s| {
        kernel_wait(s, "receiver") == KernelWait::WaitingForData
    });
    w.until("both holders of the send end are seen", |s| {
        s.pipe.as_ref().is_some_and(|p| p.send_holders.len() == 2)
    });
    let st = w.scene.pipe.clone().unwrap();
    let name = |h: &ipcscope::stream::Holder| match h.proc {
        Some(id) => w.scene.world.proc(id).unwrap().name.clone(),
        None => "parent".to_string(),
    };
    let send: Vec<_> = st.send_holders.iter().map(name).collect();
    let recv: Vec<_> = st.recv_holders.iter().map(name).collect();
    assert_eq!(send, ["sender", "parent"], "{st:?}");
    assert_eq!(recv, ["receiver"], "{st:?}");
    assert_eq!(st.capacity, Some(65_536));
    assert_eq!(st.bytes, Some(0));
}

#[test]
fn shutdown_finishes_even_when_nobody_read_a_flood_of_events() {
    let cfg = queue_cfg(|q| {
        q.writers = 4;
        q.items = 0;
        q.delay = DelayRange::ZERO;
    });
    let mut sup =
        Supervisor::start_with_exe(&cfg, Duration::from_millis(20), Some(exe().to_path_buf()))
            .expect("start supervisor");
    wait_until("the record channel fills up", || sup.records().is_full());
    let pids: Vec<i32> = sup.children().iter().map(|c| c.pid).collect();
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        sup.shutdown();
        let exits = sup
            .take_leftover()
            .iter()
            .filter(|b| matches!(b, Body::Event(e) if matches!(e.kind, Kind::Exit { .. })))
            .count();
        let _ = tx.send(exits);
    });
    let exits = rx.recv_timeout(DEADLINE).expect("shutdown hung");
    assert_eq!(exits, 5, "every exit is still reported");
    assert!(pids.iter().all(|&p| !is_alive(p)));
}

#[test]
fn a_step_of_the_reader_is_one_get_and_the_writer_it_wakes_stays_parked() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 1;
        q.items = 0;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
        q.reader_delay = DelayRange::fixed(0.05);
    });
    let mut w = Watch::start(&cfg);
    w.until("the writer waits for space", |s| {
        kernel_wait(s, "writer-1") == KernelWait::WaitingForSpace
    });
    w.sup.send(Command::Freeze);
    w.event("frozen", |e| e.kind == Kind::Frozen);
    let frozen_at = w.scene.now_ns;
    w.until("the stream passed the freeze", |s| {
        s.now_ns > frozen_at + 300_000_000
    });
    let (puts, gets) = (w.scene.world.queue.puts, w.scene.world.queue.gets);
    let reader = w.id_of("reader-1");
    w.sup.send(Command::Step(reader));
    w.event("one get", |e| e.kind == Kind::Get);
    let stepped_at = w.scene.now_ns;
    w.until("a quiet second", |s| s.now_ns > stepped_at + 1_000_000_000);
    assert_eq!(w.scene.world.queue.gets, gets + 1, "exactly one get");
    assert_eq!(
        w.scene.world.queue.puts, puts,
        "the woken writer did not put"
    );
}

#[test]
fn a_stepped_writer_that_blocks_is_stopped_again_and_puts_only_when_stepped_itself() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 1;
        q.items = 0;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
        q.reader_delay = DelayRange::fixed(0.05);
    });
    let mut w = Watch::start(&cfg);
    w.until("the writer waits for space", |s| {
        kernel_wait(s, "writer-1") == KernelWait::WaitingForSpace
    });
    w.sup.send(Command::Freeze);
    w.event("frozen", |e| e.kind == Kind::Frozen);
    let writer = w.id_of("writer-1");
    let reader = w.id_of("reader-1");
    // The writer tries: the queue is full, so it blocks, and is stopped again.
    w.sup.send(Command::Step(writer));
    w.event("the writer's step", |e| e.kind == Kind::Stepped);
    w.until("the writer is stopped again", |s| {
        kernel_wait(s, "writer-1") == KernelWait::Stopped
    });
    let puts = w.scene.world.queue.puts;
    // The reader's get wakes the writer, which stays stopped.
    w.sup.send(Command::Step(reader));
    w.event("one get", |e| e.kind == Kind::Get);
    let at = w.scene.now_ns;
    w.until("a quiet second", |s| s.now_ns > at + 1_000_000_000);
    assert_eq!(
        w.scene.world.queue.puts, puts,
        "the woken writer waits for its own step"
    );
    // Its own step lets the put through.
    w.sup.send(Command::Step(writer));
    w.event("its put", |e| e.kind == Kind::Put);
    let at = w.scene.now_ns;
    w.until("a quiet second", |s| s.now_ns > at + 1_000_000_000);
    assert_eq!(w.scene.world.queue.puts, puts + 1, "exactly one put");
}

#[test]
fn removing_a_writer_blocked_in_put_names_the_item_it_gave_up() {
    let cfg = queue_cfg(|q| {
        q.writers = 2;
        q.readers = 0;
        q.items = 0;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
    });
    let mut w = Watch::start(&cfg);
    w.until("both writers wait for space", |s| {
        kernel_wait(s, "writer-1") == KernelWait::WaitingForSpace
            && kernel_wait(s, "writer-2") == KernelWait::WaitingForSpace
    });
    w.sup.send(Command::RemoveWriter);
    let gave_up = w.event("writer-2 gives up its item", |e| e.kind == Kind::GaveUp);
    let pid = w
        .sup
        .children()
        .iter()
        .find(|c| c.name == "writer-2")
        .unwrap()
        .pid;
    assert_eq!(gave_up.pid, pid);
    let item = gave_up.item.clone().expect("the item is named");
    w.event("writer-2 exits", |e| {
        e.pid == pid
            && e.kind
                == Kind::Exit {
                    ended: Ended::Code(0),
                }
    });
    assert!(
        !w.scene
            .world
            .queue
            .inside
            .items
            .iter()
            .any(|t| t.label == item),
        "{item} never entered the queue"
    );
}

fn counter_cfg(lock: bool) -> RunConfig {
    RunConfig {
        scenario: Scenario::Counter(ipcscope::config::CounterConfig {
            procs: 2,
            increments: 100_000_000,
            lock,
            step_delay: None,
            array: 0,
        }),
        seed: 1,
        mode: Mode::Headless,
        trace: None,
        record: None,
        ascii: false,
        lang: Default::default(),
        classroom: false,
    }
}

#[test]
fn the_value_never_shows_more_than_the_increments_begun_and_frozen_they_agree() {
    for lock in [false, true] {
        let mut w = Watch::start(&counter_cfg(lock));
        w.until("the counters have made progress", |s| {
            s.value.is_some_and(|v| v.expected > 200_000)
        });
        w.sup.send(Command::Freeze);
        w.event("frozen", |e| e.kind == Kind::Frozen);
        let frozen_at = w.scene.now_ns;
        // Every reading, up to half a second into the freeze, is consistent.
        while w.scene.now_ns < frozen_at + 500_000_000 {
            if let Some(Record {
                body: Body::Observation(o),
                ..
            }) = w.pump(Duration::from_secs(5))
                && let Some(v) = o.value
            {
                assert!(v.value >= 0 && v.value as u64 <= v.expected, "{v:?}");
            }
        }
        // The latest reading is of the parked counters (a change after an
        // earlier one would have been read and sent).
        let v = w.scene.value.unwrap();
        if lock {
            assert_eq!(v.value as u64, v.expected, "frozen with the lock: exact");
        } else {
            assert!(
                (v.value as u64) < v.expected,
                "without the lock updates are lost: {v:?}"
            );
        }
    }
}

/// Kills writers at random moments of a flood — some stopped first, so
/// some die holding the queue's lock — and checks, over the whole stream,
/// that every item put is got once or still queued, a get never comes
/// before its put, an item named lost was never put, and the counts agree
/// with the queue's memory.
#[test]
fn under_a_kill_storm_every_item_is_got_once_still_queued_or_named_lost_once() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let cfg = queue_cfg(|q| {
        q.writers = 6;
        q.readers = 1;
        q.items = 0;
        q.delay = DelayRange {
            lo: 0.0,
            hi: 0.0005,
        };
    });
    let mut w = Watch::start(&cfg);
    let collect = |w: &mut Watch| while w.pump(Duration::from_millis(1)).is_some() {};
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    // A longer storm on request: IPCSCOPE_STORM_KILLS=300 cargo test ... kill_storm
    let target: u32 = std::env::var("IPCSCOPE_STORM_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut kills = 0;
    let deadline = Instant::now() + DEADLINE * (1 + target / 100);
    while kills < target {
        assert!(Instant::now() < deadline, "the storm did not finish");
        collect(&mut w);
        let writers: Vec<_> = w
            .sup
            .children()
            .into_iter()
            .filter(|c| c.role == Role::Writer && c.alive())
            .collect();
        if writers.len() < 3 {
            w.sup.send(Command::AddWriter);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let victim = &writers[(next() % writers.len() as u64) as usize];
        let pid = Pid::from_raw(victim.pid);
        let _ = kill(pid, Signal::SIGSTOP);
        std::thread::sleep(Duration::from_micros(next() % 3000));
        let _ = kill(pid, Signal::SIGKILL);
        kills += 1;
        std::thread::sleep(Duration::from_millis(10 + next() % 20));
    }
    // Let the reader keep going a moment: the queue must not be wedged.
    let gets_before = w.scene.world.queue.gets;
    w.until("the reader still gets after the storm", |s| {
        s.world.queue.gets > gets_before + 50
    });
    collect(&mut w);
    w.sup.shutdown();
    for body in w.sup.take_leftover() {
        w.take(body);
    }
    let events = std::mem::take(&mut w.events);
    let mut put = std::collections::HashSet::new();
    let mut got = std::collections::HashSet::new();
    let mut lost = Vec::new();
    for e in &events {
        match &e.kind {
            Kind::Put => assert!(put.insert(e.seq.unwrap()), "put twice: {e:?}"),
            Kind::Get => {
                let s = e.seq.unwrap();
                assert!(put.contains(&s), "a get before its put: {e:?}");
                assert!(got.insert(s), "got twice: {e:?}");
            }
            Kind::Recovered { lost: Some(l), .. } => lost.push(l.clone()),
            Kind::Missed { .. } => panic!("ops went by unread: {e:?}"),
            _ => {}
        }
    }
    let q = &w.scene.world.queue;
    let memory = w.scene.queue.clone().expect("the queue's final reading");
    assert_eq!(q.puts, put.len() as u64);
    assert_eq!(q.gets, got.len() as u64);
    assert_eq!(
        (memory.puts, memory.gets),
        (q.puts, q.gets),
        "stream = memory"
    );
    assert_eq!(q.puts - q.gets, memory.depth as u64, "the rest is queued");
    let queued: Vec<_> = q.inside.items.iter().map(|t| t.seq.unwrap()).collect();
    assert_eq!(queued.len() as u64, q.puts - q.gets);
    assert!(queued.iter().all(|s| put.contains(s) && !got.contains(s)));
    let put_labels: std::collections::HashSet<_> = events
        .iter()
        .filter(|e| e.kind == Kind::Put)
        .filter_map(|e| e.item.clone())
        .collect();
    for l in &lost {
        assert!(!put_labels.contains(l), "{l} named lost but was put");
    }
    eprintln!(
        "kill storm: {kills} kills, {} put, {} got, {} queued, {} lost: {lost:?}",
        q.puts,
        q.gets,
        queued.len(),
        lost.len()
    );
}

/// A writer stopped (SIGSTOP) in a flood may hold the queue's lock; with a
/// reader killed meanwhile (its repair needs that lock), stopping the run
/// must still end within its grace, every child gone.
#[test]
fn shutdown_ends_in_time_even_behind_stopped_writers_that_may_hold_the_lock() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let cfg = queue_cfg(|q| {
        q.writers = 4;
        q.readers = 2;
        q.items = 0;
        q.delay = DelayRange::ZERO;
    });
    let mut w = Watch::start(&cfg);
    w.until("the flood runs", |s| s.world.queue.gets > 1000);
    let children = w.sup.children();
    for c in children.iter().filter(|c| c.role == Role::Writer) {
        let _ = kill(Pid::from_raw(c.pid), Signal::SIGSTOP);
    }
    let reader = children.iter().find(|c| c.role == Role::Reader).unwrap();
    w.sup.send(Command::Signal(reader.id, Sig::Kill));
    w.event("the reader's exit", |e| {
        e.pid == reader.pid && matches!(e.kind, Kind::Exit { .. })
    });
    let pids: Vec<i32> = children.iter().map(|c| c.pid).collect();
    let (tx, rx) = crossbeam_channel::bounded(1);
    let mut sup = w.sup;
    std::thread::spawn(move || {
        sup.shutdown();
        let _ = tx.send(());
    });
    rx.recv_timeout(DEADLINE)
        .expect("shutdown hung behind a stopped writer");
    assert!(pids.iter().all(|&p| !is_alive(p)));
}
