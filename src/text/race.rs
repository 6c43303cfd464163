//! The race's sentences picked from events and the model: a counter's
//! steps in the transcript, the overwrite notice, and the code a step is.

use super::words;
use crate::model::race::Step;
use crate::model::world::World;
use crate::stream::{Event, Kind};

/// The shared memory a step names: `v.value`, or `arr[i]` in an Array run
/// (`array`: the run's cells, 0 for a Value).
pub fn shared_name(cell: u32, array: u32) -> String {
    if array == 0 {
        "v.value".into()
    } else {
        format!("arr[{cell}]")
    }
}

/// The code of `step` for a counter on `cell` (`array`: as for
/// [`shared_name`]).
pub fn step_code(step: Step, cell: u32, array: u32) -> String {
    step.code((array > 0).then_some(cell))
}

/// The transcript line of a race event (`None` for other kinds).
pub fn race_line(ev: &Event, w: &World, array: u32) -> Option<String> {
    let t = words();
    let p = ev.pid;
    Some(match &ev.kind {
        Kind::ValueRead { cell, value, .. } => t.value_read(p, &shared_name(*cell, array), *value),
        Kind::ValueAdd { register } => t.value_add(p, *register),
        Kind::ValueWrite { cell, value, old } => {
            let shared = shared_name(*cell, array);
            let lost = old.wrapping_sub(*value).wrapping_add(1);
            match lost {
                0 => t.value_write(p, &shared, *value),
                l if l > 0 => {
                    let victims: Vec<String> = w
                        .race
                        .overwrite_of(ev)
                        .map(|o| o.victims.iter().map(|v| name_of(w, *v)).collect())
                        .unwrap_or_default();
                    t.value_overwrote(p, &shared, (*value, *old), &victims, l)
                }
                _ => t.value_caught_up(p, &shared, *value, *old),
            }
        }
        Kind::LockWait { holder } => t.lock_wait(p, (*holder > 0).then_some(*holder)),
        Kind::LockTaken => t.lock_taken(p),
        Kind::LockSet { on } => t.lock_set(*on),
        _ => return None,
    })
}

/// A process's name, by its number in the run.
fn name_of(w: &World, id: crate::stream::ProcId) -> String {
    w.proc(id)
        .map_or_else(|| format!("child {id}"), |p| p.name.clone())
}

/// The overwrite notice in words.
pub fn overwrote_notice(by: &str, victims: &[String], lost: i64, value: i64, old: i64) -> String {
    if lost > 0 {
        words().notice_overwrote(by, victims, lost)
    } else {
        words().notice_caught_up(by, value, old)
    }
}
