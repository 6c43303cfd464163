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
