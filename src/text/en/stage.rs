//! The stage's words, in English.

use super::En;
use crate::text::words::StageWords;

impl StageWords for En {
    fn stage_queue_unbounded(&self) -> &'static str {
        " Queue() (unbounded) "
    }

    fn stage_pipe_title(&self, duplex: bool) -> &'static str {
        if duplex {
            " Pipe() (duplex: both ways) "
        } else {
            " Pipe(duplex=False) (one-way) "
        }
    }

    fn stage_counter_title(&self, lock: bool) -> &'static str {
        if lock {
            " Value: with v.get_lock(): v.value += 1 "
        } else {
            " Value: v.value += 1 (no lock) "
        }
    }

    fn stage_stopped(&self) -> &'static str {
        "stopped (SIGSTOP)"
    }

    fn stage_pressing(&self, item: &str) -> String {
        format!("pressing {item}")
    }

    fn stage_done_last(&self, word: &str, done: u64, last: &str) -> String {
        format!("{word} {done}, last {last}")
    }

    fn stage_lost_with(&self, item: &str) -> String {
        format!("{item} lost with it")
    }

    fn stage_more(&self, n: usize) -> String {
        format!("+{n} more")
    }

    fn stage_over_maxsize(&self, n: usize) -> [String; 3] {
        [
            format!("+{n} over maxsize"),
            format!("+{n} over"),
            format!("+{n}"),
        ]
    }

    fn stage_hidden_slots(&self, n: usize) -> String {
        format!("+{n} slots")
    }

    fn stage_hidden_items(&self, n: usize) -> String {
        format!("+{n} more")
    }

    fn stage_untracked(&self, n: u64) -> String {
        format!("{n} more")
    }

    fn delay_scale(&self, x: &str) -> String {
        format!("delay {x}")
    }

    fn stage_nobody(&self) -> &'static str {
        "(none)"
    }

    fn stage_tail(&self) -> &'static str {
        "tail"
    }

    fn stage_head(&self) -> &'static str {
        "head"
    }

    fn stage_depth_unbounded(&self, depth: usize) -> String {
        format!("depth {depth} (unbounded)")
    }

    fn stage_depth_over(&self, depth: usize, m: u32, over: usize) -> String {
        format!("depth {depth}/{m} FULL: {over} over maxsize")
    }

    fn stage_depth_full(&self, depth: usize, m: u32) -> String {
        format!("depth {depth}/{m} FULL")
    }

    fn stage_depth_empty(&self, m: u32) -> String {
        format!("depth 0/{m} empty")
    }

    fn stage_depth(&self, depth: usize, m: u32) -> String {
        format!("depth {depth}/{m}")
    }

    fn stage_depth_short_unbounded(&self, depth: usize) -> String {
        format!("depth {depth}")
    }

    fn stage_depth_short_over(&self, depth: usize, m: u32, over: usize) -> String {
        format!("depth {depth}/{m}, {over} over max")
    }

    fn stage_fast(&self, rate_in: usize, rate_out: usize) -> String {
        format!("fast: {rate_in}/s in, {rate_out}/s out")
    }

    fn stage_pipe_ends(&self) -> (&'static str, &'static str) {
        ("send end", "recv end")
    }

    fn stage_pipe_bytes(&self, bytes: Option<u64>, capacity: Option<u64>) -> String {
        let b = bytes.map_or("?".to_string(), |b| b.to_string());
        match capacity {
            Some(c) => format!("{b} B / {c} B buffered"),
            None => format!("{b} B buffered"),
        }
    }

    fn stage_pipe_way(&self, duplex: bool) -> &'static str {
        if duplex {
            "duplex: both ways"
        } else {
            "one-way"
        }
    }

    fn stage_both(&self, first: &str, second: &str) -> String {
        format!("{first}, {second}")
    }

    fn stage_eof(&self) -> &'static str {
        "saw EOF"
    }

    fn stage_held_by(&self, send: bool) -> &'static str {
        if send {
            "send end held by: "
        } else {
            "recv end held by: "
        }
    }

    fn stage_not_sampled(&self) -> &'static str {
        "not sampled yet"
    }

    fn stage_parent_holds_send(&self, short: bool) -> &'static str {
        if short {
            "recv never sees EOF"
        } else {
            "recv never sees EOF while this is open"
        }
    }

    fn stage_expected_actual(&self, expected: u64, actual: i64) -> String {
        format!("expected {expected}   actual {actual}")
    }

    fn stage_lost(&self, lost: u64, pct: f64) -> String {
        let updates = if lost == 1 { "update" } else { "updates" };
        format!("lost {lost} {updates} ({pct:.1}%)")
    }

    fn stage_lock(&self, lock: bool, lost: bool) -> &'static str {
        match (lock, lost) {
            (true, _) => "the lock makes each += 1 whole",
            (false, true) => "two read the same value: one +1 lost",
            (false, false) => "no lock: two may read the same value",
        }
    }
}
