//! The transcript, in the lesson's voice: one line per event (as the
//! lesson's own program prints them), the supervisor's notes, and the
//! closing summary. The headless printer and the event log share it.

use super::{Context, secs, signal_name};
use crate::model::world::World;
use crate::stream::{Ended, Event, Kind, Note, Role, SIGKILL, Stuck};

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
            match cx.maxsize {
                0 => format!(
                    "Process({p}) waits to put {item}: the queue's ring is full ({depth}/{} slots).",
                    cx.capacity
                ),
                m if depth > m => format!(
                    "Process({p}) waits to put {item}: the queue holds {depth}, over its maxsize {m} \
                     (a put waits while depth >= maxsize)."
                ),
                m => format!("Process({p}) waits to put {item}: the queue is full ({depth}/{m})."),
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
        Kind::Recovered {
            dead,
            by,
            held_lock,
            lost,
        } => match (lost, held_lock) {
            (Some(l), true) => format!(
                "Process({dead}) died putting {l}, holding the queue lock: {l} never entered \
                 the queue and is lost; Process({by}) repaired the queue."
            ),
            (Some(l), false) => format!(
                "Process({dead}) died putting {l}: {l} never entered the queue and is lost."
            ),
            (None, _) => format!(
                "Process({by}) recovered the queue lock: Process({dead}) died holding it; nothing was lost."
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
        Kind::GaveUp => format!(
            "Process({p}) was asked to stop while waiting to put {item}: {item} never entered the queue."
        ),
        Kind::Exit { ended } => {
            let name = w.proc(ev.child).map(|x| x.name.as_str()).unwrap_or("child");
            match ended {
                Ended::Signal(s) if *s == SIGKILL => {
                    format!("Process({p}) ({name}) was killed by SIGKILL.")
                }
                Ended::Signal(s) => format!(
                    "Process({p}) ({name}) was terminated by {}.",
                    signal_name(*s)
                ),
                Ended::Code(0) => format!("Process({p}) ({name}) exited."),
                Ended::Code(c) => format!("Process({p}) ({name}) exited with code {c}."),
            }
        }
        Kind::Note { note } => note_text(note),
        Kind::Output { text } => format!("Process({p}) printed: {text}"),
        Kind::Frozen => {
            "The world is frozen: every process parked between operations, then SIGSTOP.".into()
        }
        Kind::Resumed => "The world resumes: SIGCONT to every process.".into(),
        Kind::MaxsizeSet { maxsize: 0 } => "maxsize is now unbounded.".into(),
        Kind::MaxsizeSet { maxsize } => format!(
            "maxsize is now {maxsize}: a put waits while the queue holds {maxsize} or more."
        ),
        Kind::Missed { puts, gets } => format!(
            "{puts} put(s) and {gets} get(s) went by too fast to read one by one (counted exactly)."
        ),
        Kind::Stepped | Kind::DelayScaled { .. } | Kind::SlowMotion { .. } => return None,
    })
}

/// The supervisor's note, in words.
pub fn note_text(note: &Note) -> String {
    match note {
        Note::Interrupted => "Interrupted: stopping the processes.".into(),
        Note::DrainTimeout { left } => format!(
            "The reader did not drain the queue in time: {left} item(s) left; terminating it."
        ),
        Note::ForgottenSendEnd {
            receiver,
            waited_ms,
        } => format!(
            "Process({receiver}) has waited {:.1} s in recv with no sender left, and would wait forever: \
             the parent still holds its copy of the send end, so recv never sees EOF. \
             (Close it in the parent, or drop --forget-close.)",
            *waited_ms as f64 / 1000.0
        ),
        Note::NoProgress { why } => match why {
            Stuck::FullNoReader => {
                "No process can ever make progress: every writer waits for space \
                 in a full queue (depth >= maxsize), and no reader is left to take an item."
                    .into()
            }
            Stuck::EmptyNoWriter => "No process can ever make progress: every reader waits for an \
                 item in an empty queue, and no writer is left to put one."
                .into(),
        },
        Note::CouldNotDo { what } => format!("Could not do that: {what}"),
        Note::AtLimit { limit } => {
            format!("At most {limit} processes can use one queue at a time: not starting another.")
        }
    }
}

pub fn ended_text(e: Option<Ended>, said_exiting: bool) -> String {
    match e {
        None => "still running".into(),
        Some(Ended::Code(0)) if said_exiting => "exited".into(),
        Some(Ended::Code(0)) => "exited (code 0)".into(),
        Some(Ended::Code(c)) => format!("exited with code {c}"),
        Some(Ended::Signal(s)) if s == SIGKILL => "killed by SIGKILL".into(),
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

/// A recording fell behind the run and left records out (marked as gaps).
pub fn recording_gaps(path: &std::path::Path) -> String {
    format!(
        "The recording {} cannot keep up with this flood: some records are left out, \
         marked as gaps in the file (the run itself is not slowed).",
        path.display()
    )
}

/// How many records a recording left out, for the summary.
pub fn recording_gaps_summary(path: &std::path::Path, dropped: u64) -> String {
    format!(
        "recording {}: {dropped} records left out (marked as gaps)",
        path.display()
    )
}

pub fn recoveries_summary(n: u64) -> String {
    format!("queue recoveries after dead processes: {n}")
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
    fn a_put_wait_names_the_limit_it_waits_on() {
        let w = World::new(0);
        let wait = |depth| {
            Event::new(0, 0, 4101, Kind::PutWait)
                .with_item("url_11")
                .with_depth(depth)
        };
        let cx = Context {
            capacity: 65_536,
            ..Context::default()
        };
        let ring = line(&wait(65_536), &w, &cx).unwrap();
        assert!(ring.contains("ring is full (65536/65536 slots)"), "{ring}");
        let full = line(&wait(2), &w, &cx.with_maxsize(2)).unwrap();
        assert!(full.contains("the queue is full (2/2)"), "{full}");
        let over = line(&wait(10), &w, &cx.with_maxsize(2)).unwrap();
        assert!(
            over.contains(
                "the queue holds 10, over its maxsize 2 (a put waits while depth >= maxsize)"
            ),
            "{over}"
        );
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
                ended: Ended::Signal(15),
            },
        );
        assert!(
            line(&term, &w, &cx)
                .unwrap()
                .contains("terminated by SIGTERM")
        );
    }
}
