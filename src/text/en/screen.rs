//! The screen's words, in English.

use super::En;
use crate::model::digest::Repeated;
use crate::model::world::Activity;
use crate::stream::run::Then;
use crate::stream::{Ended, KernelWait, Role, SIGKILL};
use crate::text::words::{KeyTable, ProcessHeadings, ScreenWords};

impl ScreenWords for En {
    fn too_small(&self, w: u16, h: u16, min_w: u16, min_h: u16) -> String {
        format!(
            "ipcscope needs a terminal of at least {min_w}x{min_h}; this one is {w}x{h}. \
             Enlarge the window (or make the font smaller). Press q to quit."
        )
    }

    fn activity(&self, a: &Activity, maxsize: u32) -> &'static str {
        match a {
            Activity::Starting => "starting",
            Activity::Active => "active",
            Activity::WaitingToPut { .. } if maxsize == 0 => "BLOCKED put: ring full",
            Activity::WaitingToPut { .. } => "BLOCKED put: queue full",
            Activity::WaitingToGet { .. } => "BLOCKED get: queue empty",
            Activity::WaitingToSend { .. } => "BLOCKED send: pipe full",
            Activity::WaitingToRecv { .. } => "BLOCKED recv: pipe empty",
            Activity::Exited => "exited",
            Activity::WaitingForLock { .. } => "BLOCKED: waiting for the lock",
            Activity::WaitingToFlush { .. } => "BLOCKED at exit: feeder flushing",
        }
    }

    fn activity_short(&self, a: &Activity) -> &'static str {
        match a {
            Activity::Starting => "starting",
            Activity::Active => "active",
            Activity::WaitingToPut { .. } => "BLOCKED put",
            Activity::WaitingToGet { .. } => "BLOCKED get",
            Activity::WaitingToSend { .. } => "BLOCKED send",
            Activity::WaitingToRecv { .. } => "BLOCKED recv",
            Activity::Exited => "exited",
            Activity::WaitingForLock { .. } => "BLOCKED lock",
            Activity::WaitingToFlush { .. } => "BLOCKED exit",
        }
    }

    fn activity_tiny(&self, a: &Activity) -> &'static str {
        match a {
            Activity::Starting => "starting",
            Activity::Active => "active",
            Activity::Exited => "exited",
            _ => "BLOCKED",
        }
    }

    fn not_a_terminal(&self) -> String {
        "the visualizer needs a terminal, and stdout (or stdin) is not one. \
         For a printed transcript, run it with --headless (e.g. `ipcscope --headless`)."
            .into()
    }

    fn not_applicable(&self) -> &'static str {
        "n/a here"
    }

    fn key_help(&self) -> KeyTable {
        &[
            ("+/-", "add / remove a writer (a counter in counter)"),
            ("r/R", "add / remove a reader (queue only)"),
            (
                "[/]",
                "faster / slower: the selected process, or all writers",
            ),
            ("m/M", "maxsize down / up (queue only)"),
            ("l", "lock on / off, live (counter only)"),
            (
                "b/e",
                "selected role: block/timeout/block=False; retry/give up",
            ),
            ("space", "freeze / resume the world (SIGSTOP / SIGCONT)"),
            ("f", "freeze only the view (the processes keep running)"),
            (
                ".",
                "step: while frozen, the selected process does one operation",
            ),
            ("up/down, click", "select a process"),
            ("k", "kill the selected process (SIGKILL)"),
            ("t", "terminate the selected process (SIGTERM)"),
            ("n", "restart the scenario"),
            ("1/2/3", "switch to the queue / pipe / counter scenario"),
            ("</>", "slow motion: more / less (scales every delay)"),
            ("c", "show / hide the Python program beside the stage"),
            (
                "x",
                "the parent closes its copy of the pipe's send end (pipe)",
            ),
            (
                "w",
                "the selected pipe end tries the wrong way (one-way pipe)",
            ),
            ("?", "show / hide this help"),
            ("Esc", "close this help, else clear the selection"),
            ("q/Ctrl-C", "quit (every process is stopped and reaped)"),
        ]
    }

    fn replay_key_help(&self) -> KeyTable {
        &[
            ("space", "play / pause"),
            (".", "one event forward"),
            (",", "one event back"),
            ("left/right", "seek 5 s back / forward"),
            ("Home/End", "to the start / the end"),
            ("</>", "play slower / faster (x0.1 to x10)"),
            (
                "click",
                "on the timeline: seek there; on a process: select it",
            ),
            ("up/down", "select a process"),
            ("?", "show / hide this help"),
            ("Esc", "close this help, else clear the selection"),
            ("q/Ctrl-C", "quit"),
        ]
    }

    fn footer_keys(&self) -> KeyTable {
        &[
            ("q", "quit"),
            ("?", "help"),
            ("space", "freeze"),
            (".", "step"),
            ("+/-", "writers"),
            ("r/R", "readers"),
            ("k", "kill"),
            ("t", "term"),
            ("[/]", "speed"),
            ("m/M", "maxsize"),
            ("</>", "slow-mo"),
            ("f", "view"),
            ("n", "restart"),
            ("1/2/3", "scenario"),
        ]
    }

    fn replay_footer_keys(&self) -> KeyTable {
        &[
            ("q", "quit"),
            ("?", "help"),
            ("space", "play/pause"),
            (".", "step"),
            (",", "back"),
            ("left/right", "5 s"),
            ("Home/End", "ends"),
            ("</>", "speed"),
        ]
    }

    fn key_name(&self, key: &'static str) -> &'static str {
        key
    }

    fn footer_resume(&self) -> &'static str {
        "resume"
    }

    fn footer_counters(&self) -> &'static str {
        "counters"
    }

    fn help_title(&self) -> &'static str {
        " Keys (? or Esc to close) "
    }

    fn help_kernel_letters(&self) -> &'static str {
        "kernel column: R running, S sleeping or waiting, T stopped, Z zombie"
    }

    fn help_disagreement(&self, mark: &str) -> String {
        format!(
            "{mark} {}: the kernel's view contradicts the process's report",
            self.disagrees()
        )
    }

    fn running(&self) -> &'static str {
        "RUNNING"
    }

    fn frozen_world(&self) -> &'static str {
        "FROZEN (SIGSTOP)"
    }

    fn frozen_short(&self) -> &'static str {
        "FROZEN"
    }

    fn finished_eof(&self) -> String {
        "FINISHED: recv saw EOF, all exited".into()
    }

    fn finished_clean(&self) -> String {
        "FINISHED: all processes exited".into()
    }

    fn finished_last(&self, name: &str, how: &str) -> String {
        format!("FINISHED: all ended, {name} last ({how})")
    }

    fn finished_all(&self) -> String {
        "FINISHED: all processes ended".into()
    }

    fn finished_short(&self) -> &'static str {
        "FINISHED"
    }

    fn stuck_full_no_reader(&self) -> &'static str {
        "STUCK: writers wait, no reader"
    }

    fn stuck_empty_no_writer(&self) -> &'static str {
        "STUCK: readers wait, no writer"
    }

    fn stuck_send_end(&self) -> &'static str {
        "STUCK: recv waits, parent holds send end"
    }

    fn stuck_short(&self) -> &'static str {
        "STUCK"
    }

    fn replay_tag(&self) -> &'static str {
        "REPLAY"
    }

    fn view_frozen(&self) -> &'static str {
        "VIEW FROZEN"
    }

    fn slow_motion(&self, factor: f64) -> String {
        format!("slow x{factor:.1}")
    }

    fn fast(&self) -> &'static str {
        "FAST (counting, not animating)"
    }

    fn fast_short(&self) -> &'static str {
        "FAST"
    }

    fn lag(&self, ms: u64) -> String {
        format!("lag {ms} ms")
    }

    fn dropped(&self, n: u64) -> String {
        format!("dropped {n}")
    }

    fn late(&self, n: u64) -> String {
        format!("late {n}")
    }

    fn processes_title(&self, n: usize) -> String {
        format!(" Processes ({n}) ")
    }

    fn more_rows(&self, n: usize) -> String {
        format!(" +{n} more ")
    }

    fn process_headings(&self) -> ProcessHeadings {
        ProcessHeadings {
            name: "name",
            role: "role",
            reported: "reported",
            state: "state",
            kernel: "kernel",
            item: "item",
            done: "done",
            blocked: "blocked",
            exit: "exit",
        }
    }

    fn role_name(&self, role: Role) -> &'static str {
        role.as_str()
    }

    fn ended_short(&self, e: Ended) -> String {
        match e {
            Ended::Code(0) => "exited".into(),
            Ended::Code(c) => format!("exit code {c}"),
            Ended::Signal(s) if s == SIGKILL => "killed".into(),
            Ended::Signal(_) => "terminated".into(),
        }
    }

    fn signal_sent(&self, signal: &str) -> String {
        format!("{signal} sent")
    }

    fn kernel_wait(&self, w: &KernelWait, short: bool) -> &'static str {
        match (w, short) {
            (KernelWait::Running, _) => "running",
            (KernelWait::Sleeping, _) => "sleeping",
            (KernelWait::WaitingForData, false) => "waiting for data",
            (KernelWait::WaitingForData, true) => "wait data",
            (KernelWait::WaitingForSpace, false) => "waiting for space",
            (KernelWait::WaitingForSpace, true) => "wait space",
            (KernelWait::WaitingForLock, false) => "waiting for lock",
            (KernelWait::WaitingForLock, true) => "wait lock",
            (KernelWait::WaitingOther(_), _) => "waiting",
            (KernelWait::Stopped, _) => "stopped",
            (KernelWait::Zombie, _) => "zombie",
            (KernelWait::Gone, _) => "gone",
        }
    }

    fn kernel_unseen(&self, short: bool) -> &'static str {
        if short { "?" } else { "not sampled" }
    }

    fn disagrees(&self) -> &'static str {
        "differs"
    }

    fn disagree_legend(&self, mark: &str) -> String {
        format!(" {mark} kernel {} from report ", self.disagrees())
    }

    fn log_title(&self) -> &'static str {
        " Event log "
    }

    fn log_parent(&self) -> &'static str {
        "parent"
    }

    fn burst(
        &self,
        who: Option<&str>,
        op: Repeated,
        n: usize,
        span: Option<(&str, &str)>,
        why: bool,
    ) -> String {
        // The first and the last, not a range: others came in between.
        let span = match span {
            Some((a, b)) if n == 2 => format!(" ({a}, {b})"),
            Some((a, b)) => format!(" ({a}, ..., {b})"),
            None => String::new(),
        };
        let said = match op {
            Repeated::Put => format!("put {n} items{span}"),
            Repeated::Get => format!("got {n} items{span}"),
            Repeated::Send => format!("sent {n} messages{span}"),
            Repeated::Recv => format!("received {n} messages{span}"),
            Repeated::PutWait if why => format!("waited {n} times to put: the queue was full"),
            Repeated::GetWait if why => format!("waited {n} times to get: the queue was empty"),
            Repeated::SendWait if why => format!("waited {n} times to send: the pipe was full"),
            Repeated::RecvWait if why => format!("waited {n} times to recv: the pipe was empty"),
            Repeated::PutWait => format!("waited {n} times to put"),
            Repeated::GetWait => format!("waited {n} times to get"),
            Repeated::SendWait => format!("waited {n} times to send"),
            Repeated::RecvWait => format!("waited {n} times to recv"),
            Repeated::PutFull(Then::Retry) if why => {
                format!("raised queue.Full {n} times (and tried again)")
            }
            Repeated::PutFull(Then::GiveUp) if why => {
                format!("raised queue.Full {n} times (and gave each item up)")
            }
            Repeated::GetEmpty(Then::Retry) if why => {
                format!("raised queue.Empty {n} times (and tried again)")
            }
            Repeated::GetEmpty(Then::GiveUp) if why => {
                format!("raised queue.Empty {n} times (and stopped reading)")
            }
            Repeated::PutFull(_) => format!("raised queue.Full {n} times"),
            Repeated::GetEmpty(_) => format!("raised queue.Empty {n} times"),
        };
        match who {
            Some(w) => format!("{w} {said}"),
            // A sentence of its own, as the log's other lines.
            None => {
                let mut c = said.chars();
                c.next()
                    .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            }
        }
    }

    fn queue_title(&self, maxsize: u32) -> String {
        if maxsize == 0 {
            " Queue (unbounded) ".into()
        } else {
            format!(" Queue (maxsize {maxsize}) ")
        }
    }

    fn depth_label(&self, depth: u64, maxsize: u32, capacity: usize) -> String {
        if maxsize == 0 {
            format!("depth {depth} of ring {capacity}")
        } else {
            format!("depth {depth}/{maxsize}")
        }
    }

    fn gauge_empty(&self) -> &'static str {
        "empty"
    }

    fn gauge_full(&self) -> &'static str {
        "FULL"
    }

    fn depth_history(&self, secs: f64) -> String {
        format!("depth, last {secs:.0} s")
    }

    fn flow_words(&self, pipe: bool) -> (&'static str, &'static str) {
        if pipe {
            ("sent", "received")
        } else {
            ("put", "got")
        }
    }

    fn queue_waiters(&self, put: u32, get: u32) -> String {
        format!("waiting: {put} put, {get} get")
    }

    fn raised(&self, full: u64, empty: u64) -> String {
        format!("raised: Full {full}  Empty {empty}")
    }

    fn recovered_lost(&self, recoveries: u64, lost: &[String], count: u64) -> String {
        if lost.is_empty() {
            format!("recovered {recoveries}  lost {count}")
        } else {
            format!("recovered {recoveries}  lost {count}: {}", lost.join(", "))
        }
    }

    fn pipe_title(&self) -> &'static str {
        " Pipe "
    }

    fn pipe_label(&self, bytes: Option<u64>, capacity: Option<&str>) -> String {
        match (bytes, capacity) {
            (Some(b), Some(c)) => format!("buffered {b} B of {c}"),
            (Some(b), None) => format!("buffered {b} B"),
            _ => "buffered ?".into(),
        }
    }

    fn in_flight(&self, n: usize, labels: &[String]) -> String {
        if labels.is_empty() {
            format!("in the pipe: {n}")
        } else {
            format!("in the pipe: {n} ({})", labels.join(", "))
        }
    }

    fn eof(&self, seen: bool) -> &'static str {
        if seen {
            "EOF: seen by the receiver"
        } else {
            "EOF: not yet"
        }
    }

    fn holders(&self, send: bool, names: &[String]) -> String {
        let end = if send { "send end" } else { "recv end" };
        if names.is_empty() {
            format!("{end}: nobody")
        } else {
            format!("{end}: {}", names.join(", "))
        }
    }

    fn counter_title(&self, lock: bool) -> &'static str {
        if lock {
            " Shared Value (with lock) "
        } else {
            " Shared Value (no lock) "
        }
    }

    fn expected(&self, n: u64) -> String {
        format!("expected     {n}")
    }

    fn actual(&self, n: i64) -> String {
        format!("actual       {n}")
    }

    fn lost_updates(&self, lost: u64, pct: f64) -> String {
        format!("lost updates {lost} ({pct:.0}%)")
    }

    fn counter_lock(&self, lock: bool) -> &'static str {
        if lock {
            "with the lock: none lost"
        } else {
            "no lock: updates race"
        }
    }

    fn counter_label(&self, actual: i64, expected: u64) -> String {
        format!("{actual} of {expected}")
    }

    fn parent_holder(&self) -> &'static str {
        "parent (ipcscope)"
    }

    fn timeline_state(&self, playing: bool, speed: f64, at_s: f64, end_s: f64) -> String {
        let state = if playing { "PLAY" } else { "PAUSE" };
        format!(" {state} x{speed} {at_s:.1}s/{end_s:.1}s")
    }

    fn timeline_records(&self, position: u64, total: u64) -> String {
        format!("rec {position}/{total} ")
    }
}
