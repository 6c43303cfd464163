//! How the queue's writers put and its readers get (Python's `block` and
//! `timeout`, and what the program does after `queue.Full` or
//! `queue.Empty`): as the run started, then as switched live; and how
//! long the stage shows a raise at the process that raised it.

use super::scene::Scene;
use super::world::{Proc, Raise};
use crate::stream::Role;
use crate::stream::run::{Policy, Scenario, Then, Wait};

/// How long a `queue.Full` or `queue.Empty` shows at its process, in
/// stream time.
pub const FLASH_NS: u64 = 1_200_000_000;

/// The timeout the live key offers when the run has none of its own.
pub const KEY_TIMEOUT: f64 = 1.0;

/// How `role`'s calls are made now: as switched live, else as the run
/// started. `None`: the role makes no put or get (or it is no queue run).
pub fn policy(scene: &Scene, role: Role) -> Option<Policy> {
    let Scenario::Queue(q) = &scene.cfg.scenario else {
        return None;
    };
    let started = q.policy(role)?;
    Some(scene.world.policies.get(&role).copied().unwrap_or(started))
}

/// The raise `p` shows now: its last one, while it is recent.
pub fn flash<'a>(scene: &Scene, p: &'a Proc) -> Option<&'a Raise> {
    p.raise
        .as_ref()
        .filter(|r| scene.now_ns.saturating_sub(r.t_ns) < FLASH_NS)
}

/// The policy the live key `b` moves `role` to from `asked` (a change
/// asked for that the stream has not told yet), else from its policy now:
/// the next wait (block, a timeout, a timeout of 0, `block=False`),
/// keeping what it does after a raise. The timeout is the run's own, else
/// [`KEY_TIMEOUT`].
pub fn next_wait(scene: &Scene, role: Role, asked: Option<Policy>) -> Option<Policy> {
    let now = asked.or_else(|| policy(scene, role))?;
    let Scenario::Queue(q) = &scene.cfg.scenario else {
        return None;
    };
    let own = match role {
        Role::Writer => q.put_timeout,
        _ => q.get_timeout,
    };
    let secs = own.filter(|s| *s > 0.0).unwrap_or(KEY_TIMEOUT);
    Some(Policy {
        wait: now.wait.next(secs),
        ..now
    })
}

/// The policy the live key `e` moves `role` to (from `asked`, as for
/// [`next_wait`]): the other choice after a raise (retry or give up),
/// keeping how it waits.
pub fn next_then(scene: &Scene, role: Role, asked: Option<Policy>) -> Option<Policy> {
    let now = asked.or_else(|| policy(scene, role))?;
    Some(Policy {
        then: now.then.other(),
        ..now
    })
}

/// Whether `role`'s calls can raise at all now (a blocking call never
/// does).
pub fn can_raise(scene: &Scene, role: Role) -> bool {
    policy(scene, role).is_some_and(|p| p.wait != Wait::Block)
}

/// Whether a give-up is the choice of `role` now.
pub fn gives_up(scene: &Scene, role: Role) -> bool {
    policy(scene, role).is_some_and(|p| p.then == Then::GiveUp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::run::{Mode, QueueConfig, RunConfig};
    use crate::stream::{Body, Event, Kind, Record, RunInfo, SUPERVISOR};

    fn scene(f: impl FnOnce(&mut QueueConfig)) -> Scene {
        let mut q = QueueConfig::defaults(Mode::Tui);
        f(&mut q);
        let cfg = RunConfig::new(Scenario::Queue(q), Mode::Tui, 1);
        let mut s = Scene::new(cfg.clone());
        s.apply(&Record {
            n: 0,
            body: Body::Run(RunInfo {
                start_ns: 0,
                pid: 1,
                config: cfg,
            }),
        });
        let spawn = Kind::Spawn {
            name: "writer-1".into(),
            role: Role::Writer,
        };
        event(&mut s, Event::new(1, 0, 100, spawn));
        s
    }

    fn event(s: &mut Scene, e: Event) {
        let n = s.records;
        s.apply(&Record {
            n,
            body: Body::Event(e),
        });
    }

    fn tick(s: &mut Scene, t: u64) {
        let n = s.records;
        s.apply(&Record {
            n,
            body: Body::Tick(t),
        });
    }

    #[test]
    fn a_role_calls_as_the_run_started_until_a_switch_is_told() {
        let mut s = scene(|q| {
            q.put_timeout = Some(0.5);
            q.on_empty = Then::GiveUp;
        });
        let started = Policy {
            wait: Wait::Timeout(0.5),
            then: Then::Retry,
        };
        assert_eq!(policy(&s, Role::Writer), Some(started));
        assert_eq!(
            policy(&s, Role::Reader),
            Some(Policy {
                wait: Wait::Block,
                then: Then::GiveUp
            })
        );
        assert_eq!(policy(&s, Role::Counter), None);
        let nowait = Policy {
            wait: Wait::Nowait,
            then: Then::GiveUp,
        };
        let set = Kind::PolicySet {
            role: Role::Writer,
            policy: nowait,
        };
        event(&mut s, Event::new(2, SUPERVISOR, 1, set));
        assert_eq!(policy(&s, Role::Writer), Some(nowait));
        // A restart starts again with the switch kept.
        let again = crate::model::race::config_now(&s);
        let Scenario::Queue(q) = again.scenario else {
            panic!()
        };
        assert!(q.put_nowait && q.put_timeout.is_none() && q.on_full == Then::GiveUp);
        assert_eq!(q.on_empty, Then::GiveUp);
    }

    #[test]
    fn a_raise_shows_at_its_process_for_a_while_then_not() {
        let mut s = scene(|_| {});
        let full = Kind::PutFull {
            wait: Some(Wait::Nowait),
            then: Then::Retry,
        };
        event(&mut s, Event::new(1_000, 0, 100, full).with_item("url_2"));
        let p = s.world.proc(0).unwrap().clone();
        let r = flash(&s, &p).expect("just raised");
        assert!(r.full && r.item.as_deref() == Some("url_2") && r.then == Then::Retry);
        tick(&mut s, 1_000 + FLASH_NS - 1);
        assert!(flash(&s, &p).is_some());
        tick(&mut s, 1_000 + FLASH_NS);
        assert!(flash(&s, &p).is_none(), "gone after FLASH_NS");
    }

    #[test]
    fn the_key_timeout_is_the_runs_own_when_it_has_one() {
        let s = scene(|q| q.get_timeout = Some(2.5));
        let p = next_wait(&s, Role::Reader, None).unwrap();
        assert_eq!(p.wait, Wait::Timeout(0.0), "a timeout is followed by 0");
        let block = Policy {
            wait: Wait::Block,
            then: Then::Retry,
        };
        let p = next_wait(&s, Role::Reader, Some(block)).unwrap();
        assert_eq!(p.wait, Wait::Timeout(2.5), "the run's own timeout");
        let s = scene(|q| q.get_timeout = Some(0.0));
        let p = next_wait(&s, Role::Reader, None).unwrap();
        assert_eq!(p.wait, Wait::Nowait, "timeout=0 is followed by block=False");
        assert!(can_raise(&s, Role::Reader) && !gives_up(&s, Role::Reader));
    }
}
