//! Every sentence ipcscope prints about a run, in one place (so a
//! translation is a table, not a hunt): transcript lines in the lesson's
//! voice, the closing summary, and the notes the supervisor adds.

use crate::model::world::{Ended, World};
use crate::telemetry::event::{Event, Kind, Role};

/// What a transcript line may need to know about the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Queue maxsize (0: unbounded).
    pub maxsize: u32,
    /// The queue's physical ring (the limit of an unbounded queue).
    pub capacity: u32,
    pub put_timeout: Option<f64>,
    pub get_timeout: Option<f64>,
    /// Increments each counter makes.
    pub increments: u64,
    pub counter_lock: bool,
}

impl Context {
    /// What the transcript needs to know about a run's settings.
    pub fn for_run(cfg: &crate::config::RunConfig) -> Context {
        use crate::config::Scenario;
        let mut cx = Context {
            capacity: crate::ipc::queue::DEFAULT_CAPACITY as u32,
            ..Context::default()
        };
        match &cfg.scenario {
            Scenario::Queue(q) => {
                cx.maxsize = q.maxsize;
                cx.put_timeout = q.put_timeout;
                cx.get_timeout = q.get_timeout;
            }
            Scenario::Counter(c) => {
                cx.increments = c.increments;
                cx.counter_lock = c.lock;
            }
            Scenario::Pipe(_) => {}
        }
        cx
    }
}

pub fn signal_name(sig: i32) -> String {
    nix::sys::signal::Signal::try_from(sig)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {sig}"))
}

fn secs(t: Option<f64>) -> String {
    t.map_or("?".into(), |t| format!("{t}"))
}

/// The transcript line for an event, in the lesson's voice, or `None` for
/// events that print nothing. `w` is the world *after* the event.
pub fn line(ev: &Event, w: &World, cx: &Context) -> Option<String> {
    let p = ev.pid;
    let item = ev.item.as_deref().unwrap_or("?");
    Some(match &ev.kind {
        Kind::Spawn { role, .. } => match role {
            Role::Writer => format!("Process({p}) is writing..."),
            Role::Reader => format!("Process({p}) is reading..."),
            Role::Sender => format!("Process({p}) is sending..."),
            Role::Receiver => format!("Process({p}) is receiving..."),
            Role::Counter if cx.counter_lock => {
                format!("Process({p}) is counting: with v.get_lock(): v.value += 1")
            }
            Role::Counter => format!("Process({p}) is counting: v.value += 1 (no lock)"),
            Role::Supervisor => return None,
        },
        Kind::Put => format!("Put {item} to queue..."),
        Kind::Get => format!("Get {item} from queue."),
        Kind::PutWait => {
            let depth = ev.depth.unwrap_or(0);
            if cx.maxsize == 0 {
                format!(
                    "Process({p}) waits to put {item}: the queue's ring is full ({depth}/{} slots).",
                    cx.capacity
                )
            } else {
                format!(
                    "Process({p}) waits to put {item}: the queue is full ({depth}/{}).",
                    cx.maxsize
                )
            }
        }
        Kind::PutFull => format!(
            "Process({p}) put {item}: queue.Full raised after {} s; it tries again.",
            secs(cx.put_timeout)
        ),
        Kind::GetWait => format!("Process({p}) waits to get: the queue is empty."),
        Kind::GetEmpty => format!(
            "Process({p}) get: queue.Empty raised after {} s; it tries again.",
            secs(cx.get_timeout)
        ),
        Kind::Send => format!("Process({p}) send: {item}"),
        Kind::Recv => format!("Process({p}) recv: {item}"),
        Kind::SendWait => format!("Process({p}) waits to send {item}: the pipe is full."),
        Kind::RecvWait => format!("Process({p}) waits to recv: nothing in the pipe yet."),
        Kind::RecvEof => {
            format!("Process({p}) recv: EOFError (every copy of the send end is closed).")
        }
        Kind::LockRecovered { dead, lost } => match lost {
            Some(l) => format!(
                "Process({p}) recovered the queue lock: Process({dead}) died holding it; {l} was lost with it."
            ),
            None => format!(
                "Process({p}) recovered the queue lock: Process({dead}) died holding it; nothing was lost."
            ),
        },
        Kind::Recovered { dead, lost } => match lost {
            Some(l) => format!(
                "Process({dead}) died holding {l}: it left the queue and was never reported; {l} is lost."
            ),
            None => format!(
                "Process({dead}) died while waiting in the queue; its place was released and nothing was lost \
                 (Python's queue can stay locked here)."
            ),
        },
        Kind::Kill { target, signal } => {
            format!("Parent sent {} to Process({target}).", signal_name(*signal))
        }
        Kind::Count { done, value } => {
            if *done < cx.increments {
                return None;
            }
            format!("Process({p}) finished {done} increments (it last saw the value {value}).")
        }
        Kind::Exiting => return None,
        Kind::Exit { code, signal } => {
            let name = w.proc(ev.child).map(|x| x.name.as_str()).unwrap_or("child");
            match (code, signal) {
                (_, Some(s)) if *s == libc::SIGKILL => {
                    format!("Process({p}) ({name}) was killed by SIGKILL.")
                }
                (_, Some(s)) => format!(
                    "Process({p}) ({name}) was terminated by {}.",
                    signal_name(*s)
                ),
                (Some(0), _) => format!("Process({p}) ({name}) exited."),
                (Some(c), _) => format!("Process({p}) ({name}) exited with code {c}."),
                _ => format!("Process({p}) ({name}) ended."),
            }
        }
        Kind::Stuck { reason } => reason.clone(),
        Kind::Output { text } => format!("Process({p}) printed: {text}"),
    })
}

/// The supervisor's note when a receiver can never see end-of-file.
pub fn forgotten_send_end(receiver_pid: i32, waited_s: f64) -> String {
    format!(
        "Process({receiver_pid}) has waited {waited_s:.1} s in recv with no sender left, and would wait forever: \
         the parent still holds its copy of the send end, so recv never sees EOF. \
         (Close it in the parent, or drop --forget-close.) Ending the run."
    )
}

pub fn interrupted() -> &'static str {
    "Interrupted: stopping the processes."
}

pub fn draining_timeout(left: usize) -> String {
    format!("The reader did not drain the queue in time: {left} item(s) left; terminating it.")
}

pub fn ended_text(e: Option<Ended>, said_exiting: bool) -> String {
    match e {
        None => "still running".into(),
        Some(Ended::Code(0)) if said_exiting => "exited".into(),
        Some(Ended::Code(0)) => "exited (code 0)".into(),
        Some(Ended::Code(c)) => format!("exited with code {c}"),
        Some(Ended::Signal(s)) if s == libc::SIGKILL => "killed by SIGKILL".into(),
        Some(Ended::Signal(s)) => format!("terminated by {}", signal_name(s)),
    }
}

pub fn role_done(role: Role) -> &'static str {
    match role {
        Role::Writer => "put",
        Role::Reader => "got",
        Role::Sender => "sent",
        Role::Receiver => "received",
        Role::Counter => "increments",
        Role::Supervisor => "",
    }
}

pub fn summary_header() -> &'static str {
    "--- summary ---"
}

pub fn queue_summary(puts: u64, gets: u64, left: usize, maxsize: u32) -> String {
    let bound = if maxsize == 0 {
        "unbounded".to_string()
    } else {
        format!("maxsize {maxsize}")
    };
    format!("queue ({bound}): {puts} put, {gets} got, {left} left in the queue")
}

pub fn left_in_queue(labels: &[String]) -> String {
    format!("left in the queue: {}", labels.join(", "))
}

pub fn lost_items(list: &[(String, String, i32)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|(item, name, pid)| format!("{item} (with {name}, Process({pid}))"))
        .collect();
    format!("lost with killed processes: {}", parts.join(", "))
}

pub fn pipe_summary(sent: u64, received: u64, eof: bool) -> String {
    format!(
        "pipe: {sent} sent, {received} received{}",
        if eof {
            ", receiver saw EOF"
        } else {
            ", no EOF"
        }
    )
}

pub fn counter_summary(expected: u64, actual: i64, lock: bool) -> String {
    let lost = expected as i64 - actual;
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    let how = if lock {
        "with the lock"
    } else {
        "without the lock"
    };
    format!(
        "counter ({how}): expected {expected}, actual {actual}: {lost} updates lost ({pct:.1} %)"
    )
}

pub fn telemetry_summary(events: u64, dropped: u64, late: u64) -> String {
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

pub fn recoveries_summary(n: u64) -> String {
    format!("queue recoveries after dead processes: {n}")
}

// ------------------------------------------------------------ screen --

pub fn too_small(w: u16, h: u16, min_w: u16, min_h: u16) -> String {
    format!(
        "ipcscope needs a terminal of at least {min_w}x{min_h}; this one is {w}x{h}. \
         Enlarge the window (or make the font smaller). Press q to quit."
    )
}

/// What a process is doing, as it reported it: a word, never colour alone.
pub fn activity(a: &crate::model::world::Activity, maxsize: u32) -> String {
    use crate::model::world::Activity;
    match a {
        Activity::Starting => "starting".into(),
        Activity::Active => "active".into(),
        Activity::WaitingToPut { .. } if maxsize == 0 => "BLOCKED put: ring full".into(),
        Activity::WaitingToPut { .. } => "BLOCKED put: queue full".into(),
        Activity::WaitingToGet { .. } => "BLOCKED get: queue empty".into(),
        Activity::WaitingToSend { .. } => "BLOCKED send: pipe full".into(),
        Activity::WaitingToRecv { .. } => "BLOCKED recv: pipe empty".into(),
        Activity::Exited => "exited".into(),
    }
}

pub fn not_a_terminal() -> &'static str {
    "the visualizer needs a terminal, and stdout (or stdin) is not one. \
     For a printed transcript, run it with --headless (e.g. `ipcscope --headless`)."
}

pub fn not_applicable() -> &'static str {
    "n/a here"
}

// panels

/// Every key, as the help overlay, the footer and the README show it:
/// (keys, what they do). The footer names keys by these same strings.
pub fn key_help() -> &'static [(&'static str, &'static str)] {
    &[
        ("+/-", "add / remove a writer (a counter in counter)"),
        ("r/R", "add / remove a reader (queue only)"),
        (
            "[/]",
            "faster / slower: the selected process, or all writers",
        ),
        ("m/M", "maxsize down / up (queue only)"),
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
        ("?", "show / hide this help"),
        ("q/Esc/Ctrl-C", "quit (every process is stopped and reaped)"),
    ]
}

/// The footer's keys, most useful first, with one word each: (keys, word).
/// Each key is one of [`key_help`]'s (or its first spelling).
pub fn footer_keys() -> &'static [(&'static str, &'static str)] {
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

/// The footer's word for space while the world is frozen.
pub fn footer_resume() -> &'static str {
    "resume"
}

/// The footer's word for +/- in the counter scenario.
pub fn footer_counters() -> &'static str {
    "counters"
}

pub fn help_title() -> &'static str {
    " Keys (? or Esc to close) "
}

/// The line explaining the kernel column's letters.
pub fn help_kernel_letters() -> &'static str {
    "kernel column: R running, S sleeping or waiting, T stopped, Z zombie"
}

/// The line explaining the disagreement mark (`mark` is ≠ or !=).
pub fn help_disagreement(mark: &str) -> String {
    format!(
        "{mark} {}: the kernel's view contradicts the process's report",
        disagrees()
    )
}

pub fn app_name() -> &'static str {
    "ipcscope"
}

/// Whether the children run or are stopped, for the header.
pub fn world_state(frozen: bool) -> &'static str {
    if frozen {
        "FROZEN (SIGSTOP)"
    } else {
        "RUNNING"
    }
}

pub fn view_frozen() -> &'static str {
    "VIEW FROZEN"
}

/// Slow-motion factor, e.g. "slow x2.3".
pub fn slow_motion(factor: f64) -> String {
    format!("slow x{factor:.1}")
}

/// Events come faster than they are animated: the view counts instead.
pub fn fast() -> &'static str {
    "FAST (counting, not animating)"
}

pub fn fast_short() -> &'static str {
    "FAST"
}

/// Telemetry lag, e.g. "lag 4 ms".
pub fn lag(ms: u64) -> String {
    format!("lag {ms} ms")
}

/// Telemetry events lost (always shown, never hidden).
pub fn dropped(n: u64) -> String {
    format!("dropped {n}")
}

pub fn late(n: u64) -> String {
    format!("late {n}")
}

/// Run time as mm:ss (whole seconds).
pub fn run_time(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

pub fn processes_title(n: usize) -> String {
    format!(" Processes ({n}) ")
}

/// Rows that did not fit in the processes panel.
pub fn more_rows(n: usize) -> String {
    format!(" +{n} more ")
}

/// Column headings of the processes panel.
#[derive(Debug, Clone, Copy)]
pub struct ProcessHeadings {
    pub pid: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub reported: &'static str,
    pub kernel: &'static str,
    pub item: &'static str,
    pub done: &'static str,
    pub blocked: &'static str,
    pub exit: &'static str,
}

pub fn process_headings() -> ProcessHeadings {
    ProcessHeadings {
        pid: "PID",
        name: "name",
        role: "role",
        reported: "reported",
        kernel: "kernel",
        item: "item",
        done: "done",
        blocked: "blocked",
        exit: "exit",
    }
}

/// The reported state in few words, for a narrow processes panel.
pub fn activity_short(a: &crate::model::world::Activity) -> &'static str {
    use crate::model::world::Activity;
    match a {
        Activity::Starting => "starting",
        Activity::Active => "active",
        Activity::WaitingToPut { .. } => "BLOCKED put",
        Activity::WaitingToGet { .. } => "BLOCKED get",
        Activity::WaitingToSend { .. } => "BLOCKED send",
        Activity::WaitingToRecv { .. } => "BLOCKED recv",
        Activity::Exited => "exited",
    }
}

/// The reported state in one word, for the narrowest processes panel
/// (the kernel column then tells what it waits for).
pub fn activity_tiny(a: &crate::model::world::Activity) -> &'static str {
    use crate::model::world::Activity;
    match a {
        Activity::Starting => "starting",
        Activity::Active => "active",
        Activity::Exited => "exited",
        _ => "BLOCKED",
    }
}

/// How a process ended, in one or two words (narrow panels).
pub fn ended_short(e: Ended) -> String {
    match e {
        Ended::Code(0) => "exited".into(),
        Ended::Code(c) => format!("exit code {c}"),
        Ended::Signal(s) if s == libc::SIGKILL => "killed".into(),
        Ended::Signal(_) => "terminated".into(),
    }
}

/// A signal sent to a process that has not ended yet.
pub fn signal_sent(sig: i32) -> String {
    format!("{} sent", signal_name(sig))
}

/// The kernel's classified wait, in words (`short` for a narrow panel).
pub fn kernel_wait(w: &crate::proc::probe::KernelWait, short: bool) -> &'static str {
    use crate::proc::probe::KernelWait;
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

/// The kernel has not been sampled for this process yet.
pub fn kernel_unseen(short: bool) -> &'static str {
    if short { "?" } else { "not sampled" }
}

/// The word that goes with the ≠ mark: report and kernel disagree.
pub fn disagrees() -> &'static str {
    "differs"
}

/// Explains a bare disagreement mark, on the panel's frame.
pub fn disagree_legend(mark: &str) -> String {
    format!(" {mark} kernel {} from report ", disagrees())
}

/// Seconds with one decimal, e.g. "2.6s".
pub fn secs_1(ns: u64) -> String {
    format!("{:.1}s", ns as f64 / 1e9)
}

/// A log line's time, e.g. " 12.3s".
pub fn log_time(ms: u64) -> String {
    format!("{:>5.1}s", ms as f64 / 1000.0)
}

pub fn log_title() -> &'static str {
    " Event log "
}

/// Who a supervisor line is from, in the log's name column.
pub fn log_parent() -> &'static str {
    "parent"
}

pub fn queue_title(maxsize: u32) -> String {
    if maxsize == 0 {
        " Queue (unbounded) ".into()
    } else {
        format!(" Queue (maxsize {maxsize}) ")
    }
}

/// The depth gauge's label: "3/3" bounded, "3 of ring 65536" unbounded.
pub fn depth_label(depth: u32, maxsize: u32, capacity: usize) -> String {
    if maxsize == 0 {
        format!("depth {depth} of ring {capacity}")
    } else {
        format!("depth {depth}/{maxsize}")
    }
}

/// The word after a full or empty gauge (so it is not told by the bar alone).
pub fn gauge_state(level: u64, max: u64) -> &'static str {
    if level == 0 {
        "empty"
    } else if level >= max {
        "FULL"
    } else {
        ""
    }
}

/// The sparkline's caption: depth over the last seconds.
pub fn depth_history(secs: f64) -> String {
    format!("depth, last {secs:.0} s")
}

/// A total and its rate per second, e.g. "put 5 (2/s)".
pub fn flow_one(word: &str, total: u64, rate: usize) -> String {
    format!("{word} {total} ({rate}/s)")
}

/// Both ways on one line, e.g. "put 5 (2/s)  got 2 (1/s)".
pub fn flow(words: (&str, &str), totals: (u64, u64), rates: (usize, usize)) -> String {
    format!(
        "{}  {}",
        flow_one(words.0, totals.0, rates.0),
        flow_one(words.1, totals.1, rates.1)
    )
}

/// The words for moving in and out of the queue or the pipe.
pub fn flow_words(pipe: bool) -> (&'static str, &'static str) {
    if pipe {
        ("sent", "received")
    } else {
        ("put", "got")
    }
}

pub fn queue_waiters(put: u32, get: u32) -> String {
    format!("waiting: {put} put, {get} get")
}

pub fn raised(full: u64, empty: u64) -> String {
    format!("raised: Full {full}  Empty {empty}")
}

pub fn recovered_lost(recoveries: u64, lost: &[String]) -> String {
    if lost.is_empty() {
        format!("recovered {recoveries}  lost 0")
    } else {
        format!(
            "recovered {recoveries}  lost {}: {}",
            lost.len(),
            lost.join(", ")
        )
    }
}

pub fn pipe_title() -> &'static str {
    " Pipe "
}

/// A byte count short enough for a narrow panel: `512 B`, `64 KiB`, `208 KiB`.
pub fn bytes_short(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// Bytes buffered in the pipe against its capacity.
pub fn pipe_label(bytes: Option<usize>, capacity: Option<usize>) -> String {
    match (bytes, capacity) {
        (Some(b), Some(c)) => format!("buffered {b} B of {}", bytes_short(c)),
        (Some(b), None) => format!("buffered {b} B"),
        _ => "buffered ?".into(),
    }
}

/// Messages sent and not yet received: how many, and which when `list`.
pub fn in_flight(labels: &[String], list: bool) -> String {
    if labels.is_empty() || !list {
        format!("in the pipe: {}", labels.len())
    } else {
        format!("in the pipe: {} ({})", labels.len(), labels.join(", "))
    }
}

pub fn eof(seen: bool) -> &'static str {
    if seen {
        "EOF: seen by the receiver"
    } else {
        "EOF: not yet"
    }
}

/// Who holds a copy of the pipe's send end (`send`) or receive end.
pub fn holders(send: bool, names: &[String]) -> String {
    let end = if send { "send end" } else { "recv end" };
    if names.is_empty() {
        format!("{end}: nobody")
    } else {
        format!("{end}: {}", names.join(", "))
    }
}

pub fn counter_title(lock: bool) -> &'static str {
    if lock {
        " Shared Value (with lock) "
    } else {
        " Shared Value (no lock) "
    }
}

pub fn expected(n: u64) -> String {
    format!("expected     {n}")
}

pub fn actual(n: i64) -> String {
    format!("actual       {n}")
}

/// Updates lost so far, with the share of all increments.
pub fn lost_updates(lost: u64, expected: u64) -> String {
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    format!("lost updates {lost} ({pct:.0}%)")
}

/// Why updates are (or are not) lost.
pub fn counter_lock(lock: bool) -> &'static str {
    if lock {
        "with the lock: none lost"
    } else {
        "no lock: updates race"
    }
}

/// The counter gauge's label: the value against what it should be.
pub fn counter_label(actual: i64, expected: u64) -> String {
    format!("{actual} of {expected}")
}

// stage

/// The stage's title: the queue as Python would make it.
pub fn stage_queue_title(maxsize: u32) -> String {
    if maxsize == 0 {
        " Queue() (unbounded) ".into()
    } else {
        format!(" Queue(maxsize={maxsize}) ")
    }
}

/// The stage's title: the pipe as Python would make it.
pub fn stage_pipe_title(duplex: bool) -> &'static str {
    if duplex {
        " Pipe() (duplex: both ways) "
    } else {
        " Pipe(duplex=False) (one-way) "
    }
}

/// The stage's title: the shared value and how it is incremented.
pub fn stage_counter_title(lock: bool) -> &'static str {
    if lock {
        " Value: with v.get_lock(): v.value += 1 "
    } else {
        " Value: v.value += 1 (no lock) "
    }
}

/// A running process while the world is frozen.
pub fn stage_stopped() -> &'static str {
    "stopped (SIGSTOP)"
}

/// The item a blocked writer (or sender) holds while it waits for room.
pub fn stage_pressing(item: &str) -> String {
    format!("pressing {item}")
}

/// What a process has done, e.g. "put 3, last url_3".
pub fn stage_done(word: &str, done: u64, last: Option<&str>) -> String {
    match last {
        Some(item) => format!("{word} {done}, last {item}"),
        None => format!("{word} {done}"),
    }
}

/// An item that died with a killed process.
pub fn stage_lost_with(item: &str) -> String {
    format!("{item} lost with it")
}

/// Processes that did not fit on the stage.
pub fn stage_more(n: usize) -> String {
    format!("+{n} more")
}

/// Slots (or items) of the tube that did not fit.
pub fn stage_hidden(n: usize) -> String {
    format!("+{n}")
}

/// A side of the stage with no process on it.
pub fn stage_nobody() -> &'static str {
    "(none)"
}

pub fn stage_tail() -> &'static str {
    "tail"
}

pub fn stage_head() -> &'static str {
    "head"
}

/// The queue's depth under the tube, with a word when full or empty.
pub fn stage_depth(depth: usize, maxsize: u32) -> String {
    match maxsize {
        0 => format!("depth {depth} (unbounded)"),
        m if depth >= m as usize => format!("depth {depth}/{m} FULL"),
        m if depth == 0 => format!("depth 0/{m} empty"),
        m => format!("depth {depth}/{m}"),
    }
}

/// Events come faster than they can be drawn: rates instead of motion.
pub fn stage_fast(rate_in: usize, rate_out: usize) -> String {
    format!("fast: {rate_in}/s in, {rate_out}/s out")
}

/// The pipe's two ends, as the tube's ends are labelled.
pub fn stage_pipe_ends() -> (&'static str, &'static str) {
    ("send end", "recv end")
}

/// Bytes buffered in the pipe against its capacity.
pub fn stage_pipe_bytes(bytes: Option<usize>, capacity: Option<usize>) -> String {
    let b = bytes.map_or("?".to_string(), |b| b.to_string());
    match capacity {
        Some(c) => format!("{b} B / {c} B buffered"),
        None => format!("{b} B buffered"),
    }
}

pub fn stage_pipe_way(duplex: bool) -> &'static str {
    if duplex {
        "duplex: both ways"
    } else {
        "one-way"
    }
}

/// The receiver has seen end-of-file.
pub fn stage_eof() -> &'static str {
    "saw EOF"
}

/// The start of the line naming who holds an end of the pipe.
pub fn stage_held_by(send: bool) -> &'static str {
    if send {
        "send end held by: "
    } else {
        "recv end held by: "
    }
}

/// The holders of the pipe's ends have not been read yet.
pub fn stage_not_sampled() -> &'static str {
    "not sampled yet"
}

/// Why the parent holding the send end matters (`short` for a narrow stage).
pub fn stage_parent_holds_send(short: bool) -> &'static str {
    if short {
        "recv never sees EOF"
    } else {
        "recv never sees EOF while this is open"
    }
}

/// The caption over the shared value.
pub fn stage_value_caption() -> &'static str {
    "v.value"
}

pub fn stage_expected_actual(expected: u64, actual: i64) -> String {
    format!("expected {expected}   actual {actual}")
}

/// Updates lost so far, with the share of all increments made.
pub fn stage_lost(lost: u64, expected: u64) -> String {
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    format!("lost {lost} updates ({pct:.1}%)")
}

/// Why updates are lost, or why none are.
pub fn stage_lock(lock: bool) -> &'static str {
    if lock {
        "the lock makes each += 1 whole"
    } else {
        "two read the same value: one +1 lost"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_lines_match_the_lesson_output() {
        let w = World::new(0);
        let cx = Context::default();
        let spawn = Event::new(
            0,
            0,
            4101,
            Kind::Spawn {
                name: "writer-1".into(),
                role: Role::Writer,
            },
        );
        assert_eq!(
            line(&spawn, &w, &cx).unwrap(),
            "Process(4101) is writing..."
        );
        let put = Event::new(0, 0, 4101, Kind::Put).with_item("url_1");
        assert_eq!(line(&put, &w, &cx).unwrap(), "Put url_1 to queue...");
        let get = Event::new(0, 1, 4103, Kind::Get).with_item("url_1");
        assert_eq!(line(&get, &w, &cx).unwrap(), "Get url_1 from queue.");
        let send = Event::new(0, 0, 952, Kind::Send).with_item("url_0");
        assert_eq!(line(&send, &w, &cx).unwrap(), "Process(952) send: url_0");
        let recv = Event::new(0, 1, 953, Kind::Recv).with_item("url_0");
        assert_eq!(line(&recv, &w, &cx).unwrap(), "Process(953) recv: url_0");
    }

    #[test]
    fn counter_summary_names_the_updates_lost() {
        let s = counter_summary(400_000, 250_000, false);
        assert!(
            s.contains("expected 400000, actual 250000: 150000 updates lost (37.5 %)"),
            "{s}"
        );
    }

    #[test]
    fn exit_lines_say_how_the_process_ended() {
        let w = World::new(0);
        let cx = Context::default();
        let term = Event::new(
            0,
            0,
            7,
            Kind::Exit {
                code: None,
                signal: Some(15),
            },
        );
        assert!(
            line(&term, &w, &cx)
                .unwrap()
                .contains("terminated by SIGTERM")
        );
    }
}
