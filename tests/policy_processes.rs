//! How the queue's writers put and its readers get, across real
//! processes: `block=False` and a timeout of 0 raise at once without
//! waiting (Q3, Q4, Q5), a policy switched live reaches the running
//! children from their next call, a writer that gives up drops the item
//! and goes on, a reader that gives up ends (`except queue.Empty: break`),
//! and every raise says how the call was made and what came next.

mod common;

use common::watch::{Watch, headless};
use ipcscope::config::{DelayRange, Mode, Policy, QueueConfig, RunConfig, Scenario, Then, Wait};
use ipcscope::model::policy;
use ipcscope::stream::{Command, Ended, Event, Kind, Role};

fn queue_cfg(f: impl FnOnce(&mut QueueConfig)) -> RunConfig {
    let mut q = QueueConfig::defaults(Mode::Tui);
    f(&mut q);
    headless(Scenario::Queue(q), 5)
}

fn full(e: &Event) -> Option<(Option<Wait>, Then)> {
    match e.kind {
        Kind::PutFull { wait, then } => Some((wait, then)),
        _ => None,
    }
}

fn empty(e: &Event) -> Option<(Option<Wait>, Then)> {
    match e.kind {
        Kind::GetEmpty { wait, then } => Some((wait, then)),
        _ => None,
    }
}

#[test]
fn q5_put_nowait_raises_full_at_once_without_ever_waiting_and_retries_the_item() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 3;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
        q.put_nowait = true;
    });
    let mut w = Watch::start(&cfg);
    let first = w.event("queue.Full", |e| full(e).is_some());
    assert_eq!(full(&first), Some((Some(Wait::Nowait), Then::Retry)));
    assert_eq!(first.item.as_deref(), Some("url_2"), "url_1 went in");
    let again = w.event("a second queue.Full", |e| full(e).is_some());
    assert_eq!(again.item.as_deref(), Some("url_2"), "the same item again");
    assert!(
        !w.events.iter().any(|e| e.kind == Kind::PutWait),
        "block=False never waits"
    );
    w.sup.shutdown();
}

#[test]
fn q3_put_timeout_zero_raises_full_at_once_as_python_does() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 2;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
        q.put_timeout = Some(0.0);
    });
    let mut w = Watch::start(&cfg);
    let e = w.event("queue.Full", |e| full(e).is_some());
    assert_eq!(full(&e), Some((Some(Wait::Timeout(0.0)), Then::Retry)));
    assert!(!w.events.iter().any(|e| e.kind == Kind::PutWait));
    w.sup.shutdown();
}

#[test]
fn a_writer_switched_live_to_give_up_drops_its_items_and_ends_on_its_own() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 4;
        q.maxsize = 1;
        q.delay = DelayRange::ZERO;
        q.put_timeout = Some(0.2);
    });
    let mut w = Watch::start(&cfg);
    let e = w.event("queue.Full, retried", |e| full(e).is_some());
    assert_eq!(full(&e), Some((Some(Wait::Timeout(0.2)), Then::Retry)));
    let give_up = Policy {
        wait: Wait::Nowait,
        then: Then::GiveUp,
    };
    w.sup.send(Command::SetPolicy(Role::Writer, give_up));
    w.event("the switch, told", |e| {
        e.kind
            == Kind::PolicySet {
                role: Role::Writer,
                policy: give_up,
            }
    });
    // The put under way finishes as it was called; the next ones raise at
    // once and give their item up.
    let gone = w.event("an item given up", |e| {
        full(e) == Some((Some(Wait::Nowait), Then::GiveUp))
    });
    let exit = w.event("the writer ends on its own", |e| {
        matches!(e.kind, Kind::Exit { .. })
    });
    assert_eq!(
        exit.kind,
        Kind::Exit {
            ended: Ended::Code(0)
        }
    );
    let given_up: Vec<&str> = w
        .events
        .iter()
        .filter(|e| full(e).is_some_and(|(_, t)| t == Then::GiveUp))
        .filter_map(|e| e.item.as_deref())
        .collect();
    assert!(given_up.contains(&gone.item.as_deref().unwrap()));
    assert_eq!(w.scene.world.queue.puts, 1, "only url_1 went in");
    assert_eq!(
        given_up.len(),
        3,
        "url_2..url_4, each given up once: {given_up:?}"
    );
    assert_eq!(
        policy::policy(&w.scene, Role::Writer),
        Some(give_up),
        "the model knows the switch"
    );
    w.sup.shutdown();
}

#[test]
fn a_reader_that_gives_up_after_queue_empty_stops_reading_and_ends() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 0;
        q.items = 1;
        q.delay = DelayRange::ZERO;
        q.get_timeout = Some(0.3);
        q.on_empty = Then::GiveUp;
    });
    let mut w = Watch::start(&cfg);
    // The parent would terminate the reader once the queue is drained:
    // held before its terminate(), the reader's own get ends it.
    w.sup.send(Command::HoldParent(true));
    // The reader starts once url_1 waits for it: its first get finds it.
    w.until("url_1 is in", |s| s.world.queue.puts == 1);
    w.sup.send(Command::AddReader);
    w.until("url_1 is got", |s| s.world.queue.gets == 1);
    let e = w.event("queue.Empty", |e| empty(e).is_some());
    assert_eq!(empty(&e), Some((Some(Wait::Timeout(0.3)), Then::GiveUp)));
    let reader = e.child;
    let exit = w.event("the reader ends", |e| {
        e.child == reader && matches!(e.kind, Kind::Exit { .. })
    });
    assert_eq!(
        exit.kind,
        Kind::Exit {
            ended: Ended::Code(0)
        }
    );
    let raised = w.scene.world.proc(reader).unwrap().raise.clone().unwrap();
    assert!(!raised.full && raised.then == Then::GiveUp);
    w.sup.shutdown();
}

#[test]
fn readers_switched_live_to_get_nowait_raise_empty_at_once_and_a_reader_added_later_too() {
    let cfg = queue_cfg(|q| {
        q.writers = 1;
        q.readers = 1;
        q.items = 1;
        q.delay = DelayRange::ZERO;
    });
    let mut w = Watch::start(&cfg);
    w.until("url_1 is got", |s| s.world.queue.gets == 1);
    let nowait = Policy {
        wait: Wait::Nowait,
        then: Then::Retry,
    };
    w.sup.send(Command::SetPolicy(Role::Reader, nowait));
    w.event("the switch, told", |e| {
        matches!(e.kind, Kind::PolicySet { .. })
    });
    // The reader blocked in get() before the switch waits on, as Python's
    // would; a reader added now calls get(block=False).
    w.sup.send(Command::AddReader);
    let spawn = w.event(
        "reader-2 starts",
        |e| matches!(&e.kind, Kind::Spawn { name, .. } if name == "reader-2"),
    );
    let e = w.event("reader-2 raises queue.Empty", |e| {
        e.child == spawn.child && empty(e).is_some()
    });
    assert_eq!(empty(&e), Some((Some(Wait::Nowait), Then::Retry)));
    assert!(
        !w.events
            .iter()
            .any(|e| e.child == spawn.child && e.kind == Kind::GetWait),
        "block=False never waits"
    );
    w.sup.shutdown();
}
