//! The transcript, the supervisor's notes and the summary, in English.

use std::path::Path;

use super::En;
use crate::stream::{Attempt, Role};
use crate::text::words::TranscriptWords;

impl TranscriptWords for En {
    fn sending(&self, p: i32) -> String {
        format!("Process({p}) is sending...")
    }

    fn receiving(&self, p: i32) -> String {
        format!("Process({p}) is receiving...")
    }

    fn counting(&self, p: i32, lock: bool) -> String {
        if lock {
            format!("Process({p}) is counting: with v.get_lock(): v.value += 1")
        } else {
            format!("Process({p}) is counting: v.value += 1 (no lock)")
        }
    }

    fn put_wait_ring(&self, p: i32, item: &str, depth: u32, capacity: u32) -> String {
        format!(
            "Process({p}) waits to put {item}: the queue's ring is full ({depth}/{capacity} slots)."
        )
    }

    fn put_wait_over(&self, p: i32, item: &str, depth: u32, m: u32) -> String {
        format!(
            "Process({p}) waits to put {item}: the queue holds {depth}, over its maxsize {m} \
             (a put waits while depth >= maxsize)."
        )
    }

    fn put_wait_full(&self, p: i32, item: &str, depth: u32, m: u32) -> String {
        format!("Process({p}) waits to put {item}: the queue is full ({depth}/{m}).")
    }

    fn get_wait(&self, p: i32) -> String {
        format!("Process({p}) waits to get: the queue is empty.")
    }

    fn send_wait(&self, p: i32, item: &str) -> String {
        format!("Process({p}) waits to send {item}: the pipe is full.")
    }

    fn recv_wait(&self, p: i32) -> String {
        format!("Process({p}) waits to recv: nothing in the pipe yet.")
    }

    fn recv_eof(&self, p: i32) -> String {
        format!("Process({p}) recv: EOFError (every copy of the send end is closed).")
    }

    fn lost_holding_lock(&self, dead: i32, by: i32, l: &str) -> String {
        format!(
            "Process({dead}) died putting {l}, holding the queue lock: {l} never entered \
             the queue and is lost; Process({by}) repaired the queue."
        )
    }

    fn lost_putting(&self, dead: i32, l: &str) -> String {
        format!("Process({dead}) died putting {l}: {l} never entered the queue and is lost.")
    }

    fn lock_recovered(&self, dead: i32, by: i32) -> String {
        format!(
            "Process({by}) recovered the queue lock: Process({dead}) died holding it; nothing was lost."
        )
    }

    fn parent_sent(&self, target: i32, signal: &str) -> String {
        format!("Parent sent {signal} to Process({target}).")
    }

    fn count_done(&self, p: i32, done: u64, value: i64) -> String {
        format!("Process({p}) finished {done} increments (it last saw the value {value}).")
    }

    fn gave_up(&self, p: i32, item: &str) -> String {
        format!(
            "Process({p}) was asked to stop while waiting to put {item}: {item} never entered the queue."
        )
    }

    fn exit_killed(&self, p: i32, name: &str) -> String {
        format!("Process({p}) ({name}) was killed by SIGKILL.")
    }

    fn exit_terminated(&self, p: i32, name: &str, signal: &str) -> String {
        format!("Process({p}) ({name}) was terminated by {signal}.")
    }

    fn exit_ok(&self, p: i32, name: &str) -> String {
        format!("Process({p}) ({name}) exited.")
    }

    fn exit_code(&self, p: i32, name: &str, c: i32) -> String {
        format!("Process({p}) ({name}) exited with code {c}.")
    }

    fn printed(&self, p: i32, text: &str) -> String {
        format!("Process({p}) printed: {text}")
    }

    fn frozen(&self) -> String {
        "The world is frozen: every process parked between operations, then SIGSTOP.".into()
    }

    fn resumed(&self) -> String {
        "The world resumes: SIGCONT to every process.".into()
    }

    fn maxsize_unbounded(&self) -> String {
        "maxsize is now unbounded.".into()
    }

    fn maxsize_set(&self, m: u32) -> String {
        format!("maxsize is now {m}: a put waits while the queue holds {m} or more.")
    }

    fn missed(&self, puts: u64, gets: u64) -> String {
        format!(
            "{puts} put(s) and {gets} get(s) went by too fast to read one by one (counted exactly)."
        )
    }

    fn interrupted(&self) -> String {
        "Interrupted: stopping the processes.".into()
    }

    fn drain_timeout(&self, left: u64) -> String {
        format!("The reader did not drain the queue in time: {left} item(s) left; terminating it.")
    }

    fn forgotten_send_end(&self, receiver: i32, waited_s: f64) -> String {
        format!(
            "Process({receiver}) has waited {waited_s:.1} s in recv with no sender left, and would wait forever: \
             the parent still holds its copy of the send end, so recv never sees EOF. \
             (Close it in the parent, or drop --forget-close.)"
        )
    }

    fn no_progress_full(&self) -> String {
        "No process can ever make progress: every writer waits for space \
         in a full queue (depth >= maxsize), and no reader is left to take an item."
            .into()
    }

    fn no_progress_empty(&self) -> String {
        "No process can ever make progress: every reader waits for an \
         item in an empty queue, and no writer is left to put one."
            .into()
    }

    fn could_not_do(&self, what: &str) -> String {
        format!("Could not do that: {what}")
    }

    fn could_not(&self, tried: Attempt, error: &str) -> String {
        match tried {
            Attempt::Start { role } => {
                format!("Could not start another {}: {error}.", role.as_str())
            }
            Attempt::SetMaxsize { maxsize: 0 } => {
                format!("Could not make the queue unbounded (maxsize 0): {error}.")
            }
            Attempt::SetMaxsize { maxsize } => {
                format!("Could not set the queue's maxsize to {maxsize}: {error}.")
            }
            Attempt::Repair { pid } => {
                format!("Could not repair what Process({pid}) left in the queue: {error}.")
            }
            Attempt::Join { pid } => format!(
                "The parent could not wait in join() for Process({pid}): {error}. \
                 ipcscope reaps it all the same."
            ),
            Attempt::Read => {
                format!("The parent could not read the queue: {error}. It goes on without.")
            }
        }
    }

    fn at_limit(&self, limit: u32) -> String {
        format!("At most {limit} processes can use one queue at a time: not starting another.")
    }

    fn no_slot_left(&self, slots: u32) -> String {
        format!(
            "A run can start at most {slots} processes over its life: not starting another \
             (restart the run for more)."
        )
    }

    fn still_running(&self) -> String {
        "still running".into()
    }

    fn exited(&self) -> String {
        "exited".into()
    }

    fn exited_code_0(&self) -> String {
        "exited (code 0)".into()
    }

    fn exited_with(&self, c: i32) -> String {
        format!("exited with code {c}")
    }

    fn killed_by_sigkill(&self) -> String {
        "killed by SIGKILL".into()
    }

    fn terminated_by(&self, signal: &str) -> String {
        format!("terminated by {signal}")
    }

    fn role_done(&self, role: Role) -> &'static str {
        match role {
            Role::Writer => "put",
            Role::Reader => "got",
            Role::Sender => "sent",
            Role::Receiver => "received",
            Role::Counter => "increments",
            Role::Supervisor | Role::Program => "",
        }
    }

    fn summary_header(&self) -> String {
        "--- summary ---".into()
    }

    fn queue_summary(&self, puts: u64, gets: u64, left: usize, maxsize: u32) -> String {
        let bound = if maxsize == 0 {
            "unbounded".to_string()
        } else {
            format!("maxsize {maxsize}")
        };
        format!("queue ({bound}): {puts} put, {gets} got, {left} left in the queue")
    }

    fn left_in_queue(&self, labels: &[String]) -> String {
        format!("left in the queue: {}", labels.join(", "))
    }

    fn lost_items(&self, list: &[(String, String, i32)]) -> String {
        let parts: Vec<String> = list
            .iter()
            .map(|(item, name, pid)| format!("{item} (with {name}, Process({pid}))"))
            .collect();
        format!("lost with killed processes: {}", parts.join(", "))
    }

    fn pipe_summary(&self, sent: u64, received: u64, eof: bool) -> String {
        let eof = if eof {
            ", receiver saw EOF"
        } else {
            ", no EOF"
        };
        format!("pipe: {sent} sent, {received} received{eof}")
    }

    fn counter_summary(
        &self,
        expected: u64,
        actual: i64,
        lost: i64,
        pct: f64,
        lock: bool,
    ) -> String {
        let how = if lock {
            "with the lock"
        } else {
            "without the lock"
        };
        format!(
            "counter ({how}): expected {expected}, actual {actual}: {lost} updates lost ({pct:.1} %)"
        )
    }

    fn summary_proc(
        &self,
        name: &str,
        pid: i32,
        (word, done): (&str, u64),
        extra: &str,
        ended: &str,
    ) -> String {
        format!("  {name:<10} Process({pid}) {word} {done}{extra}, {ended}")
    }

    fn summary_timeouts(&self, full: bool, n: u64) -> String {
        if full {
            format!(", queue.Full x{n}")
        } else {
            format!(", queue.Empty x{n}")
        }
    }

    fn telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String {
        let mut s = format!("telemetry: {events} events");
        if dropped > 0 {
            s.push_str(&format!(
                ", {dropped} dropped (the supervisor fell behind; counts above are exact)"
            ));
        } else {
            s.push_str(", none dropped");
        }
        if late > 0 {
            s.push_str(&format!(", {late} arrived late"));
        }
        s
    }

    fn recording_gaps(&self, path: &Path) -> String {
        format!(
            "The recording {} cannot keep up with this flood: some records are left out, \
             marked as gaps in the file (the run itself is not slowed).",
            path.display()
        )
    }

    fn recording_gaps_summary(&self, path: &Path, dropped: u64) -> String {
        format!(
            "recording {}: {dropped} records left out (marked as gaps)",
            path.display()
        )
    }

    fn recoveries_summary(&self, n: u64) -> String {
        format!("queue recoveries after dead processes: {n}")
    }
}
