//! Python's feeder thread and the parent that reads the queue, in English.

use super::En;
use crate::text::words::FeederWords;

impl FeederWords for En {
    fn flushed(&self, pid: i32, item: &str) -> String {
        format!("Process({pid})'s feeder thread flushed {item} into the pipe.")
    }

    fn flush_wait(&self, pid: i32, left: u32) -> String {
        let items = if left == 1 { "item" } else { "items" };
        format!(
            "Process({pid}) is done but cannot exit yet: its feeder thread must first flush \
             {left} {items} from its buffer into the pipe."
        )
    }

    fn lost_in_buffer(&self, pid: i32, items: &[String]) -> String {
        format!(
            "{} put by Process({pid}) never left its buffer: its feeder had not flushed them, \
             and they are lost with it.",
            items.join(", ")
        )
    }

    fn buffer_lost(&self, pid: i32, name: &str, n: u64) -> String {
        let items = if n == 1 { "item" } else { "items" };
        format!(
            "Process({pid}) ({name}) died with {n} {items} in its feeder buffer: put() had \
             returned for them, they never reached the pipe, and they are lost with it."
        )
    }

    fn lost_unnamed(&self, n: u64) -> String {
        format!("and {n} more lost in feeder buffers, too many to name one by one")
    }

    fn parent_get_wait(&self) -> String {
        "The parent waits in get(): the queue is empty.".into()
    }

    fn feeder_summary(
        &self,
        buffered: u64,
        flushed: u64,
        got: u64,
        left: u64,
        holds: u32,
    ) -> String {
        format!(
            "Queue() with a feeder: put() returned {buffered} times; {flushed} went into the \
             pipe (it holds {holds}), {got} got, {left} left in it"
        )
    }

    fn stuck_join_before_drain(&self) -> &'static str {
        "DEADLOCK: join before drain"
    }

    fn feeder_panel_title(&self, holds: u32) -> String {
        format!(" Pipe of Queue() (holds {holds}) ")
    }

    fn join_before_drain(&self, pid: i32, name: &str, feeder: bool) -> String {
        let into = if feeder { "pipe" } else { "queue" };
        format!(
            "Deadlock: the parent waits in join() for Process({pid}) ({name}), which cannot \
             end until what it put goes into the {into}; the {into} is full, and only the \
             parent would read it, after the join. Drain the queue before joining."
        )
    }

    fn feeder_title(&self, holds: u32) -> String {
        format!("Queue() · its pipe holds {holds} (Python's: 64 KiB)")
    }

    fn buffer_detail(&self, n: u64, stuck: bool, short: bool) -> String {
        match (stuck, short) {
            (true, false) => format!("buffer {n}: the feeder waits for room"),
            (false, false) => format!("buffer {n}: the feeder flushes it"),
            (_, true) => format!("buffer {n}"),
        }
    }

    fn provider_main(&self, short: bool) -> &'static str {
        if short {
            "parent"
        } else {
            "the parent (it reads the queue)"
        }
    }

    fn parent_reading(&self, got: u64, blocked: bool, short: bool) -> String {
        match (blocked, short) {
            (true, false) => format!("BLOCKED in get(): the queue is empty (got {got})"),
            (true, true) => "BLOCKED get".into(),
            (false, false) => format!("reads the queue: get() (got {got})"),
            (false, true) => format!("get ({got})"),
        }
    }

    fn step_get(&self, n: Option<u64>) -> String {
        match n {
            Some(n) => format!("get ×{n}"),
            None => "get".into(),
        }
    }
}
