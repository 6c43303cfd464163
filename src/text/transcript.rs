//! The transcript, in the lesson's voice: one line per event (the
//! programs' own prints as they print them, the rest in the current
//! language), the supervisor's notes, and the closing summary. The
//! headless printer and the event log share it.

use super::{Context, prints, signal_name, words};
use crate::model::world::World;
use crate::stream::{Ended, Event, Kind, Note, Role, SIGKILL, SUPERVISOR, Stuck};

/// The transcript line for an event, in the lesson's voice, or `None` for
/// events that print nothing. `w` is the world *after* the event.
pub fn line(ev: &Event, w: &World, cx: &Context) -> Option<String> {
    if cx.program {
        return super::program::line(ev, w);
    }
    let t = words();
    let p = ev.pid;
    let item = ev.item.as_deref().unwrap_or("?");
    Some(match &ev.kind {
        Kind::Spawn { role, .. } => match role {
            Role::Writer => prints::writing(p),
            Role::Reader => prints::reading(p),
            Role::Sender => t.sending(p),
            Role::Receiver => t.receiving(p),
            Role::Counter => t.counting(p, cx.counter_lock),
            Role::Supervisor | Role::Program => return None,
        },
        // With the feeder, the program's put() returned at the Buffered;
        // the Put is the feeder thread's flush into the pipe.
        Kind::Put if cx.feeder && ev.child != SUPERVISOR => t.flushed(p, item),
        Kind::Put | Kind::Buffered => prints::put(item),
        Kind::FlushWait { left } => t.flush_wait(p, *left),
        Kind::GetWait if ev.child == SUPERVISOR => t.parent_get_wait(),
        Kind::Get => prints::get(item),
        Kind::PutWait => {
            let depth = ev.depth.unwrap_or(0);
            match cx.maxsize {
                0 => t.put_wait_ring(p, item, depth, cx.capacity),
                m if depth > m => t.put_wait_over(p, item, depth, m),
                m => t.put_wait_full(p, item, depth, m),
            }
        }
        Kind::PutFull { wait, then } => {
            super::policy::raised_line(p, true, item, (*wait, cx.put_timeout), *then)
        }
        Kind::GetWait => t.get_wait(p),
        Kind::GetEmpty { wait, then } => {
            super::policy::raised_line(p, false, item, (*wait, cx.get_timeout), *then)
        }
        Kind::PolicySet { role, policy } => super::policy::policy_set_line(*role, *policy),
        Kind::Send => prints::send(p, item),
        Kind::Recv => prints::recv(p, item),
        Kind::SendWait => t.send_wait(p, item),
        Kind::RecvWait => t.recv_wait(p),
        Kind::RecvEof => t.recv_eof(p),
        Kind::Recovered {
            dead,
            by,
            held_lock,
            lost,
        } => match (lost, held_lock) {
            (Some(l), true) => t.lost_holding_lock(*dead, *by, l),
            // Its feeder's item, already named lost with its buffer.
            (Some(l), false) if in_buffer(*dead, l, w) => return None,
            (Some(l), false) => t.lost_putting(*dead, l),
            (None, _) => t.lock_recovered(*dead, *by),
        },
        Kind::Kill { target, signal } => t.parent_sent(*target, &signal_name(*signal)),
        Kind::Count { done, value } => {
            if *done < cx.increments {
                return None;
            }
            t.count_done(p, *done, *value)
        }
        Kind::Exiting => return None,
        Kind::GaveUp => t.gave_up(p, item),
        Kind::Exit { ended } => {
            let name = w.proc(ev.child).map(|x| x.name.as_str()).unwrap_or("child");
            let how = match ended {
                Ended::Signal(s) if *s == SIGKILL => t.exit_killed(p, name),
                Ended::Signal(s) => t.exit_terminated(p, name, &signal_name(*s)),
                Ended::Code(0) => t.exit_ok(p, name),
                Ended::Code(c) => t.exit_code(p, name, *c),
            };
            // Killed with urls in its feeder buffer (one that exits by
            // itself has flushed them all).
            let lost = lost_in_buffer(ev, w);
            if lost.is_empty() {
                how
            } else {
                format!("{how} {}", t.lost_in_buffer(p, &lost))
            }
        }
        Kind::Note { note } => note_text(note),
        Kind::Output { text } => t.printed(p, text),
        Kind::Frozen => t.frozen(),
        Kind::Resumed => t.resumed(),
        Kind::MaxsizeSet { maxsize: 0 } => t.maxsize_unbounded(),
        Kind::MaxsizeSet { maxsize } => t.maxsize_set(*maxsize),
        Kind::Missed { puts, gets } => t.missed(*puts, *gets),
        Kind::Stepped | Kind::DelayScaled { .. } | Kind::SlowMotion { .. } => return None,
        Kind::Program(_) => return None,
        // The programs' own prints: a reply is a send, its receipt a recv.
        Kind::Reply => prints::send(p, item),
        Kind::GotReply => prints::recv(p, item),
        Kind::EndClosed { .. } if ev.child == SUPERVISOR => t.parent_closed_send_end(),
        Kind::EndClosed { end } => t.end_closed(p, *end),
        Kind::WrongWay { call, error } => t.wrong_way(p, *call, error),
        Kind::ValueRead { .. }
        | Kind::ValueAdd { .. }
        | Kind::ValueWrite { .. }
        | Kind::LockWait { .. }
        | Kind::LockTaken
        | Kind::LockRecovered { .. }
        | Kind::LockSet { .. } => return super::race_line(ev, w, cx.array),
        Kind::Join { target } => t.parent_joins(*target, &w.name_of(*target)),
        Kind::Joined { target } => t.parent_joined(*target, &w.name_of(*target)),
        Kind::ParentHold { on } => t.parent_hold(*on),
    })
}

/// Whether `item` was in the feeder buffer of `pid` when it ended.
fn in_buffer(pid: i32, item: &str, w: &World) -> bool {
    w.by_pid(pid)
        .is_some_and(|p| p.buffer.items.iter().any(|t| t.label == item))
}

/// The items a process ended with in its feeder buffer (lost with it).
fn lost_in_buffer(ev: &Event, w: &World) -> Vec<String> {
    w.proc(ev.child)
        .map(|p| p.buffer.items.iter().map(|t| t.label.clone()).collect())
        .unwrap_or_default()
}

/// The supervisor's note, in words.
pub fn note_text(note: &Note) -> String {
    let t = words();
    match note {
        Note::Interrupted => t.interrupted(),
        Note::DrainTimeout { left } => t.drain_timeout(*left),
        Note::ForgottenSendEnd {
            receiver,
            waited_ms,
        } => t.forgotten_send_end(*receiver, *waited_ms as f64 / 1000.0),
        Note::NoProgress { why } => match why {
            Stuck::FullNoReader => t.no_progress_full(),
            Stuck::EmptyNoWriter => t.no_progress_empty(),
        },
        Note::CouldNotDo { what } => t.could_not_do(what),
        Note::Failed { tried, error } => t.could_not(*tried, error),
        Note::AtLimit { limit } => t.at_limit(*limit),
        Note::NoSlotLeft { slots } => t.no_slot_left(*slots),
        Note::OwnSendEnd {
            receiver,
            parent_too,
            waited_ms,
        } => t.own_send_end(*receiver, *parent_too, *waited_ms as f64 / 1000.0),
        Note::JoinBeforeDrain {
            writer,
            name,
            feeder,
        } => t.join_before_drain(*writer, name, *feeder),
        Note::BufferLost { writer, name, n } => t.buffer_lost(*writer, name, *n),
        Note::Deadlock { chain } => {
            let links: Vec<String> = chain
                .iter()
                .map(|l| t.deadlock_link(&l.name, l.pid, &l.on_name, l.on))
                .collect();
            t.deadlock(&links)
        }
    }
}

/// How a process ended (or that it has not), in a few words.
pub fn ended_text(e: Option<Ended>, said_exiting: bool) -> String {
    let t = words();
    match e {
        None => t.still_running(),
        Some(Ended::Code(0)) if said_exiting => t.exited(),
        Some(Ended::Code(0)) => t.exited_code_0(),
        Some(Ended::Code(c)) => t.exited_with(c),
        Some(Ended::Signal(s)) if s == SIGKILL => t.killed_by_sigkill(),
        Some(Ended::Signal(s)) => t.terminated_by(&signal_name(s)),
    }
}

/// The counter's figures for the summary: expected, actual, how many
/// updates were lost and their share.
pub fn counter_summary(expected: u64, actual: i64, lock: bool) -> String {
    let lost = expected as i64 - actual;
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    words().counter_summary(expected, actual, lost, pct, lock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::text::with_lang;

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
        let put = Event::new(0, 0, 4101, Kind::Put).with_item("url_1");
        let get = Event::new(0, 1, 4103, Kind::Get).with_item("url_1");
        let send = Event::new(0, 0, 952, Kind::Send).with_item("url_0");
        let recv = Event::new(0, 1, 953, Kind::Recv).with_item("url_0");
        let reader = Event::new(
            0,
            1,
            4103,
            Kind::Spawn {
                name: "reader-1".into(),
                role: Role::Reader,
            },
        );
        // The programs' own prints, the same in every language.
        for lang in [Lang::En, Lang::Zh] {
            with_lang(lang, || {
                let l = |e: &Event| line(e, &w, &cx).unwrap();
                assert_eq!(l(&spawn), "Process(4101) is writing...");
                assert_eq!(l(&reader), "Process(4103) is reading...");
                assert_eq!(l(&put), "Put url_1 to queue...");
                assert_eq!(l(&get), "Get url_1 from queue.");
                assert_eq!(l(&send), "Process(952) send: url_0");
                assert_eq!(l(&recv), "Process(953) recv: url_0");
            });
        }
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
        with_lang(Lang::Zh, || {
            let over = line(&wait(10), &w, &cx.with_maxsize(2)).unwrap();
            assert!(over.contains("队列中有 10 项，超过了 maxsize 2"), "{over}");
            let ring = line(&wait(65_536), &w, &cx).unwrap();
            assert!(ring.contains("环形缓冲区已满（65536/65536 格）"), "{ring}");
        });
    }

    #[test]
    fn counter_summary_names_the_updates_lost() {
        let s = counter_summary(400_000, 250_000, false);
        assert!(
            s.contains("expected 400000, actual 250000: 150000 updates lost (37.5 %)"),
            "{s}"
        );
        let s = with_lang(Lang::Zh, || counter_summary(400_000, 250_000, false));
        assert!(s.contains("丢失 150000 次更新（37.5 %）"), "{s}");
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
        let zh = with_lang(Lang::Zh, || line(&term, &w, &cx).unwrap());
        assert!(zh.contains("被 SIGTERM 终止"), "{zh}");
    }
}
