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
