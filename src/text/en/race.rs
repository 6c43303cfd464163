//! The race on the shared value, in English.

use super::En;
use crate::model::race::Step;
use crate::text::words::RaceWords;

/// `tmp=5, ` (nothing before the first read).
fn tmp(t: Option<i64>) -> String {
    t.map_or_else(String::new, |v| format!("tmp={v}, "))
}

/// "counter-1's", "counter-1's and counter-2's", "counter-1's, counter-2's
/// and counter-3's".
fn whose(names: &[String]) -> String {
    let owned: Vec<String> = names.iter().map(|n| format!("{n}'s")).collect();
    match owned.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl RaceWords for En {
    fn value_read(&self, pid: i32, shared: &str, value: i64) -> String {
        format!("Process({pid}) read {shared} = {value} into tmp.")
    }

    fn value_add(&self, pid: i32, register: i64) -> String {
        format!("Process({pid}) added 1: tmp = {register}.")
    }

    fn value_write(&self, pid: i32, shared: &str, value: i64) -> String {
        format!("Process({pid}) wrote tmp = {value} to {shared}.")
    }

    fn value_overwrote(
        &self,
        pid: i32,
        shared: &str,
        (value, old): (i64, i64),
        victims: &[String],
        lost: i64,
    ) -> String {
        let what = if lost == 1 {
            "1 update lost".to_string()
        } else {
            format!("{lost} updates lost")
        };
        let made = match victims {
            [] => "updates".to_string(),
            [_] => format!("{} +1", whose(victims)),
            _ => format!("{} +1s", whose(victims)),
        };
        format!(
            "Process({pid}) wrote tmp = {value} to {shared}, which held {old} ({made} made after its read): {what}."
        )
    }

    fn value_caught_up(&self, pid: i32, shared: &str, value: i64, old: i64) -> String {
        format!(
            "Process({pid}) wrote tmp = {value} to {shared} over an older {old}: it goes up by {}.",
            value - old
        )
    }

    fn lock_wait(&self, pid: i32, holder: Option<i32>) -> String {
        match holder {
            Some(h) => format!("Process({pid}) waits for the lock (held by Process({h}))."),
            None => format!("Process({pid}) waits for the lock."),
        }
    }

    fn lock_taken(&self, pid: i32) -> String {
        format!("Process({pid}) took the lock.")
    }

    fn lock_set(&self, on: bool) -> String {
        if on {
            "The lock is on: each counter takes it from its next increment.".into()
        } else {
            "The lock is off: the counters no longer take it.".into()
        }
    }

    fn notice_overwrote(&self, by: &str, victims: &[String], lost: i64) -> String {
        let lost_words = if lost == 1 {
            "one update lost".to_string()
        } else {
            format!("{lost} updates lost")
        };
        if victims.is_empty() {
            return format!("{by} overwrote updates made after it read: {lost_words}");
        }
        let plus = if victims.len() == 1 { "+1" } else { "+1s" };
        format!("{by} overwrote {} {plus}: {lost_words}", whose(victims))
    }

    fn notice_caught_up(&self, by: &str, value: i64, old: i64) -> String {
        format!(
            "{by} wrote {value} over an older {old}: the value goes up by {}",
            value - old
        )
    }

    fn race_next(&self, t: Option<i64>, next: &str) -> String {
        format!("{}next: {next}", tmp(t))
    }

    fn race_next_short(&self, t: Option<i64>, step: Step) -> String {
        let word = match step {
            Step::Lock => "lock",
            Step::Read => "read",
            Step::Add => "add",
            Step::Write => "write",
        };
        format!("{}next: {word}", tmp(t))
    }

    fn lock_held_by(&self, name: Option<&str>) -> String {
        match name {
            Some(n) => format!("lock held by {n}"),
            None => "the lock is taken".into(),
        }
    }

    fn lock_wait_state(&self, holder: Option<&str>) -> String {
        match holder {
            Some(h) => format!("BLOCKED: waiting for the lock (held by {h})"),
            None => "BLOCKED: waiting for the lock".into(),
        }
    }

    fn race_full_speed(&self) -> &'static str {
        "full speed: lost updates counted, not told one by one"
    }

    fn race_partial(&self, told: i64, lost: u64) -> String {
        format!("{told} of {lost} told one by one (some steps went unreported)")
    }

    fn stage_array_title(&self, cells: u32, lock: bool) -> String {
        if lock {
            format!(" Array('i', {cells}): with arr.get_lock(): arr[i] += 1 ")
        } else {
            format!(" Array('i', {cells}): arr[i] += 1 (no lock) ")
        }
    }

    fn array_title(&self, lock: bool) -> &'static str {
        if lock {
            " Shared Array (with lock) "
        } else {
            " Shared Array (no lock) "
        }
    }

    fn cell_lost(&self, lost: u64) -> String {
        if lost == 0 {
            "none lost".into()
        } else {
            format!("lost {lost}")
        }
    }

    fn footer_lock(&self) -> &'static str {
        "lock"
    }

    fn stage_overwrote(&self, by: &str, victims: &[String]) -> String {
        match victims {
            [] => format!("{by} overwrote an update"),
            [_] => format!("{by} overwrote {} +1", whose(victims)),
            _ => format!("{by} overwrote {} +1s", whose(victims)),
        }
    }

    fn lock_now(&self, on: bool) -> &'static str {
        if on {
            "lock on: no update lost from now"
        } else {
            "lock off again: updates race"
        }
    }
}
