//! The pipe's pitfalls on real processes: ends as fork leaves them
//! (`--inherit`, `--close-unused`), the parent's copy closed live (`x`),
//! replies both ways (`--echo`), both ends in recv (`--both-recv`), and
//! the wrong direction on a one-way end (`w`). Holders are what the
//! kernel shows (`/proc/PID/fd`), read by the supervisor's sampler.

mod common;

use std::time::Instant;

use common::watch::{Watch, headless};
use common::*;
use ipcscope::config::{DelayRange, Mode, PipeConfig, RunConfig, Scenario};
use ipcscope::model::Scene;
use ipcscope::stream::{
    Body, Command, Ended, Event, KernelWait, Kind, Note, PipeCall, PipeEnd, Record, SUPERVISOR, Sig,
};

fn pipe_cfg(f: impl FnOnce(&mut PipeConfig)) -> RunConfig {
    let mut p = PipeConfig::defaults(Mode::Headless);
    p.delay = DelayRange::ZERO;
    p.reader_delay = DelayRange::ZERO;
    f(&mut p);
    headless(Scenario::Pipe(p), 1)
}

impl Watch {
    /// Folds in records until an event matching `f` comes (or has come).
    fn came(&mut self, what: &str, f: impl Fn(&Event) -> bool) -> Event {
        if let Some(e) = self.events.iter().find(|e| f(e)) {
            return e.clone();
        }
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            if let Some(Record {
                body: Body::Event(ev),
                ..
            }) = self.pump(left)
                && f(&ev)
            {
                return ev;
            }
        }
    }

    fn pid_of(&self, name: &str) -> i32 {
        self.proc_of(name).1
    }

    fn proc_of(&self, name: &str) -> (u16, i32) {
        let c = self.sup.children();
        let c = c.iter().find(|c| c.name == name).expect(name);
        (c.id, c.pid)
    }

    /// Who holds the send end / the receive end, by name ("parent" for
    /// ipcscope), as the kernel last showed it.
    fn holders(&self, send: bool) -> Vec<String> {
        let Some(p) = &self.scene.pipe else {
            return Vec::new();
        };
        let list = if send {
            &p.send_holders
        } else {
            &p.recv_holders
        };
        list.iter()
            .map(|h| match h.proc.and_then(|id| self.scene.world.proc(id)) {
                Some(p) => p.name.clone(),
                None => "parent".to_string(),
            })
            .collect()
    }
}

fn kernel_wait(s: &Scene, name: &str) -> KernelWait {
    s.world
        .procs
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| s.kernel_of(p.id))
        .map(|k| k.row.wait.clone())
        .unwrap_or(KernelWait::Gone)
}

fn note_is(e: &Event, f: impl Fn(&Note) -> bool) -> bool {
    matches!(&e.kind, Kind::Note { note } if f(note))
}

/// `--inherit`: each child really holds both ends (the kernel shows each
/// end held by both), the parent none.
#[test]
fn inherit_leaves_both_ends_in_both_children_as_the_kernel_shows() {
    for duplex in [true, false] {
        let cfg = pipe_cfg(|p| {
            p.inherit = true;
            p.duplex = duplex;
            p.messages = 1000;
            p.delay = DelayRange::fixed(30.0);
        });
        let mut w = Watch::start(&cfg);
        w.until("the receiver waits for data", |s| {
            kernel_wait(s, "receiver") == KernelWait::WaitingForData
        });
        w.until("both children hold both ends", |s| {
            s.pipe
                .as_ref()
                .is_some_and(|p| p.send_holders.len() == 2 && p.recv_holders.len() == 2)
        });
        assert_eq!(w.holders(true), ["sender", "receiver"], "duplex {duplex}");
        assert_eq!(w.holders(false), ["sender", "receiver"], "duplex {duplex}");
    }
}

/// `--close-unused`: each child closes the end its role does not use, for
/// real: the kernel shows each end held by its own process only.
#[test]
fn close_unused_really_closes_the_end_each_role_does_not_use() {
    let cfg = pipe_cfg(|p| {
        p.inherit = true;
        p.close_unused = true;
        p.messages = 1000;
        p.delay = DelayRange::fixed(30.0);
    });
    let mut w = Watch::start(&cfg);
    let (sender, receiver) = (w.pid_of("sender"), w.pid_of("receiver"));
    w.came("the sender closes its copy of the receive end", |e| {
        e.pid == sender && e.kind == Kind::EndClosed { end: PipeEnd::Recv }
    });
    w.came("the receiver closes its copy of the send end", |e| {
        e.pid == receiver && e.kind == Kind::EndClosed { end: PipeEnd::Send }
    });
    w.until("each end is held by its own process only", |s| {
        s.pipe
            .as_ref()
            .is_some_and(|p| p.send_holders.len() == 1 && p.recv_holders.len() == 1)
    });
    assert_eq!(w.holders(true), ["sender"]);
    assert_eq!(w.holders(false), ["receiver"]);
}

/// `--inherit` without the fix: once the sender is gone, the receiver
/// waits forever for a message only it could send; the supervisor names
/// it (a reason of its own, not the parent's forgotten copy).
#[test]
fn p5_a_receiver_holding_its_own_send_end_never_sees_eof_and_is_named_stuck() {
    let cfg = pipe_cfg(|p| {
        p.inherit = true;
        p.messages = 2;
    });
    let mut w = Watch::start(&cfg);
    let receiver = w.pid_of("receiver");
    let note = w.came("the receiver is named stuck on its own copy", |e| {
        note_is(e, |n| matches!(n, Note::OwnSendEnd { .. }))
    });
    assert!(
        matches!(
            note.kind,
            Kind::Note {
                note: Note::OwnSendEnd {
                    receiver: r,
                    parent_too: false,
                    waited_ms
                }
            } if r == receiver && waited_ms >= 800
        ),
        "{note:?}"
    );
    assert_eq!(w.scene.world.pipe.received, 2);
    assert!(!w.scene.world.pipe.eof);
    assert!(w.scene.stuck.is_some());
    w.until("the kernel shows the receiver asleep reading", |s| {
        kernel_wait(s, "receiver") == KernelWait::WaitingForData
    });
    w.until("the kernel shows the receiver's copy alone", |s| {
        s.pipe.as_ref().is_some_and(|p| p.send_holders.len() == 1)
    });
    assert_eq!(w.holders(true), ["receiver"], "its own copy, and only it");
}

/// `x`: the parent really closes the copy of the send end it kept, and the
/// receiver, waiting in recv, gets EOFError and ends.
#[test]
fn p5_closing_the_parents_copy_live_brings_eof() {
    let cfg = pipe_cfg(|p| {
        p.forget_close = true;
        p.messages = 2;
    });
    let mut w = Watch::start(&cfg);
    let (rid, receiver) = w.proc_of("receiver");
    w.until("the sender is gone and the receiver waits in recv", |s| {
        s.world.pipe.received == 2
            && s.world.live(ipcscope::stream::Role::Sender) == 0
            && kernel_wait(s, "receiver") == KernelWait::WaitingForData
    });
    w.until("the kernel shows the parent's copy alone", |s| {
        s.pipe
            .as_ref()
            .is_some_and(|p| p.send_holders.iter().all(|h| h.proc.is_none()))
    });
    assert_eq!(w.holders(true), ["parent"]);
    w.sup.send(Command::CloseParentEnd);
    w.came("the parent says it closed its copy", |e| {
        e.child == SUPERVISOR && e.kind == Kind::EndClosed { end: PipeEnd::Send }
    });
    w.came("the receiver gets EOFError", |e| {
        e.pid == receiver && e.kind == Kind::RecvEof
    });
    w.came("the receiver ends by itself", |e| {
        e.pid == receiver
            && e.kind
                == Kind::Exit {
                    ended: Ended::Code(0),
                }
    });
    assert!(w.scene.world.pipe.parent_closed);
    assert!(w.scene.world.proc(rid).is_some_and(|p| !p.alive()));
}

/// With the parent's copy and the receiver's own, `x` closes the first:
/// the receiver still waits, and the supervisor says why now.
#[test]
fn closing_the_parents_copy_leaves_the_receivers_own_and_the_reason_changes() {
    let cfg = pipe_cfg(|p| {
        p.forget_close = true;
        p.inherit = true;
        p.messages = 1;
    });
    let mut w = Watch::start(&cfg);
    w.came("stuck on both copies", |e| {
        note_is(e, |n| {
            matches!(
                n,
                Note::OwnSendEnd {
                    parent_too: true,
                    ..
                }
            )
        })
    });
    w.sup.send(Command::CloseParentEnd);
    w.came("stuck on the receiver's own copy alone", |e| {
        note_is(e, |n| {
            matches!(
                n,
                Note::OwnSendEnd {
                    parent_too: false,
                    ..
                }
            )
        })
    });
    assert!(!w.scene.world.pipe.eof);
    w.until("the kernel shows the receiver's copy alone", |s| {
        s.pipe
            .as_ref()
            .is_some_and(|p| p.send_holders.iter().all(|h| h.proc.is_some()))
    });
    assert_eq!(w.holders(true), ["receiver"]);
}

/// `--echo`: each message goes one way, its reply the other, through the
/// same duplex pipe; once the sender closes its end the receiver sees EOF.
#[test]
fn p1_echo_replies_come_back_through_the_same_duplex_pipe() {
    let cfg = pipe_cfg(|p| {
        p.echo = true;
        p.messages = 3;
    });
    let mut w = Watch::start(&cfg);
    let (sender, receiver) = (w.pid_of("sender"), w.pid_of("receiver"));
    w.came("the receiver gets EOFError", |e| {
        e.pid == receiver && e.kind == Kind::RecvEof
    });
    w.until("both have ended", |s| s.finished());
    let p = &w.scene.world.pipe;
    assert_eq!((p.sent, p.received, p.replies, p.got_replies), (3, 3, 3, 3));
    assert_eq!(p.back.count(), 0);
    // Each message: sent, received, answered, the answer received, in order.
    let at = |pid: i32, kind: Kind, seq: u64| {
        w.events
            .iter()
            .position(|e| e.pid == pid && e.kind == kind && e.seq == Some(seq))
            .unwrap_or_else(|| panic!("{kind:?} {seq} missing: {:?}", w.events))
    };
    for n in 1..=3 {
        let steps = [
            at(sender, Kind::Send, n),
            at(receiver, Kind::Recv, n),
            at(receiver, Kind::Reply, n),
            at(sender, Kind::GotReply, n),
        ];
        assert!(
            steps.windows(2).all(|s| s[0] < s[1]),
            "message {n}: {steps:?}"
        );
        let reply = &w.events[steps[3]];
        assert_eq!(
            reply.item.as_deref(),
            Some(format!("ok url_{}", n - 1).as_str())
        );
    }
    for name in ["sender", "receiver"] {
        let p = w.scene.world.procs.iter().find(|p| p.name == name).unwrap();
        assert_eq!(p.ended, Some(Ended::Code(0)), "{name}");
    }
}

/// `--both-recv`: both ends wait in recv for each other, the kernel shows
/// both asleep reading, and the supervisor names the deadlock with its
/// chain of waits. Killing one ends the other's wait with EOFError.
#[test]
fn p5_both_ends_in_recv_are_named_a_deadlock_with_the_chain_of_waits() {
    let cfg = pipe_cfg(|p| p.both_recv = true);
    let mut w = Watch::start(&cfg);
    let (sender, (rid, receiver)) = (w.pid_of("sender"), w.proc_of("receiver"));
    let note = w.came("the deadlock is named", |e| {
        note_is(e, |n| matches!(n, Note::Deadlock { .. }))
    });
    let Kind::Note {
        note: Note::Deadlock { chain },
    } = note.kind
    else {
        unreachable!()
    };
    let links: Vec<(i32, &str, i32, &str)> = chain
        .iter()
        .map(|l| (l.pid, l.name.as_str(), l.on, l.on_name.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            (sender, "sender", receiver, "receiver"),
            (receiver, "receiver", sender, "sender")
        ]
    );
    assert!(matches!(w.scene.stuck, Some(Note::Deadlock { .. })));
    w.until("the kernel shows both asleep reading", |s| {
        kernel_wait(s, "sender") == KernelWait::WaitingForData
            && kernel_wait(s, "receiver") == KernelWait::WaitingForData
    });
    assert_eq!(w.scene.world.pipe.sent, 0);

    w.sup.send(Command::Signal(rid, Sig::Kill));
    w.came("the sender's recv gets EOFError", |e| {
        e.pid == sender && e.kind == Kind::RecvEof
    });
    w.came("the sender ends by itself", |e| {
        e.pid == sender
            && e.kind
                == Kind::Exit {
                    ended: Ended::Code(0),
                }
    });
}

/// `w` on a one-way pipe: each end tries the direction it cannot go and
/// Python's error is raised (P2), and the process carries on.
#[test]
fn p2_the_wrong_way_on_a_one_way_end_raises_pythons_error() {
    let cfg = pipe_cfg(|p| {
        p.duplex = false;
        p.messages = 100_000;
        p.delay = DelayRange::fixed(0.05);
    });
    let mut w = Watch::start(&cfg);
    let ((sid, sender), (rid, receiver)) = (w.proc_of("sender"), w.proc_of("receiver"));
    w.until("a message went through", |s| s.world.pipe.received >= 1);
    w.sup.send(Command::WrongWay(rid));
    w.sup.send(Command::WrongWay(sid));
    let r = w.came("the receiver's send() raises", |e| {
        e.pid == receiver && matches!(e.kind, Kind::WrongWay { .. })
    });
    assert_eq!(
        r.kind,
        Kind::WrongWay {
            call: PipeCall::Send,
            error: "connection is read-only".into()
        }
    );
    let s = w.came("the sender's recv() raises", |e| {
        e.pid == sender && matches!(e.kind, Kind::WrongWay { .. })
    });
    assert_eq!(
        s.kind,
        Kind::WrongWay {
            call: PipeCall::Recv,
            error: "connection is write-only".into()
        }
    );
    let got = w.scene.world.pipe.received;
    w.until("both carry on", |s| s.world.pipe.received > got + 1);
    assert!(w.scene.world.procs.iter().all(|p| p.alive()));
}
