//! The transcript of a watched Python program (`ipcscope run`): the
//! program's own output exactly as it printed it (standard output and
//! standard error, a traceback whole), and ipcscope's lines about what its
//! processes did, each marked with [`MARK`] and ending with the place in
//! the program (`(prog.py:23)`), so the two never mix. Also the closing
//! summary. The choice of sentence is here; the sentences are in the
//! tables (`AttachWords`).

use super::{signal_name, words};
use crate::model::program::{Obj, ProgramWorld};
use crate::model::world::World;
use crate::stream::{At, Ended, Event, Kind, ObjKind, ProgramNote, ProgramOp, Role, SIGKILL};

/// What starts each of ipcscope's own lines in a program's transcript.
pub const MARK: &str = "  · ";

/// The line for `ev` in a program's transcript, or `None`. `w` is the
/// world after the event.
pub fn line(ev: &Event, w: &World) -> Option<String> {
    match &ev.kind {
        Kind::Output { text } => return Some(text.clone()),
        Kind::Program(ProgramOp::Stderr { text }) => return Some(text.clone()),
        _ => {}
    }
    let said = sentence(ev, w)?;
    let place = ev
        .at
        .map(|at| words().at_place(&w.program.place(at)))
        .unwrap_or_default();
    Some(format!("{MARK}{said}{place}"))
}

/// ipcscope's sentence about an event, without its mark and place.
fn sentence(ev: &Event, w: &World) -> Option<String> {
    let t = words();
    let p = ev.pid;
    let pw = &w.program;
    let item = ev.item.as_deref().unwrap_or("?");
    let obj = || object_name(pw, ev.obj);
    let depth = ev.depth.unwrap_or(0);
    Some(match &ev.kind {
        Kind::Spawn {
            role: Role::Program,
            name,
        } => match name.as_str() {
            "forkserver" | "resource_tracker" => t.prog_helper(p, name),
            // With the instrumentation its note says it (and the Python).
            _ if ev.child == 0 && w.program.notes.contains(&ProgramNote::NotInstrumented) => {
                t.prog_main(p)
            }
            _ => return None,
        },
        Kind::Put => {
            let o = pw.object(ev.obj);
            if o.is_some_and(|o| o.info.kind == ObjKind::SimpleQueue) {
                t.prog_put_direct(p, item, &obj())
            } else {
                t.prog_put(p, item, &obj(), depth)
            }
        }
        Kind::Get => t.prog_get(p, item, &obj(), depth),
        Kind::PutWait => {
            let maxsize = pw.object(ev.obj).map_or(0, |o| o.info.maxsize);
            t.prog_put_wait(p, item, &obj(), depth, maxsize)
        }
        Kind::GetWait => t.prog_get_wait(p, &obj()),
        Kind::PutFull { .. } => t.prog_full(p, item, &obj()),
        Kind::GetEmpty { .. } => t.prog_empty(p, &obj()),
        Kind::Send => t.prog_send(p, item, &obj()),
        Kind::Recv => t.prog_recv(p, item, &obj()),
        Kind::RecvWait | Kind::SendWait => t.prog_recv_wait(p, &obj()),
        Kind::RecvEof => t.prog_eof(p, &obj()),
        Kind::Kill { target, signal } if ev.child != crate::stream::SUPERVISOR => {
            t.prog_signalled(p, *target, &signal_name(*signal))
        }
        Kind::Exit { ended } => {
            let name = w.proc(ev.child).map_or("?", |x| x.name.as_str());
            t.prog_exit(p, name, &how(*ended))
        }
        // ipcscope stops someone's program: how.
        Kind::Note {
            note: crate::stream::Note::Interrupted,
        } => t.prog_interrupted(),
        Kind::Note { note } => super::note_text(note),
        Kind::Frozen => t.frozen(),
        Kind::Resumed => t.resumed(),
        Kind::Program(op) => return op_sentence(ev, op, w),
        _ => return None,
    })
}

fn op_sentence(ev: &Event, op: &ProgramOp, w: &World) -> Option<String> {
    let t = words();
    let p = ev.pid;
    let pw = &w.program;
    Some(match op {
        ProgramOp::Object { .. } => {
            let o = pw.object(ev.obj)?;
            t.prog_made(p, &made(o))
        }
        ProgramOp::Closed { .. } => t.prog_closed(p, &object_name(pw, ev.obj)),
        ProgramOp::Raised { call, error } => {
            t.prog_raised(p, call, &object_name(pw, ev.obj), error)
        }
        ProgramOp::Started {
            child,
            name,
            target,
            method,
        } => t.prog_started(p, *child, name, target, method),
        ProgramOp::JoinWait { child } => t.prog_join_wait(p, *child),
        ProgramOp::Joined { child, code } => t.prog_joined(p, *child, code.is_some()),
        ProgramOp::Finishing { buffered } if *buffered > 0 => t.prog_finishing(p, *buffered),
        ProgramOp::Many { what, n } if what != "flushed" => {
            t.prog_many(p, what, *n, &object_name(pw, ev.obj))
        }
        ProgramOp::Note {
            note: ProgramNote::AllBlocked { waited_ms },
        } => stuck_sentence(*waited_ms as f64 / 1e3, w),
        ProgramOp::Note { note } => note_sentence(note, w),
        _ => return None,
    })
}

/// A stuck program: every process blocked, and what each waits for (a
/// process in `recv()` waits for those still holding the other end).
fn stuck_sentence(secs: f64, w: &World) -> String {
    use crate::model::program::{Wait, waits};
    let t = words();
    let pw = &w.program;
    let end = |pipe, end: u8| {
        pw.objects
            .get(&pipe)
            .map_or_else(|| format!("#{pipe}"), |o| end_name(o, end))
    };
    let why: Vec<String> = waits(&w.procs, pw)
        .into_iter()
        .map(|(p, wait)| match wait {
            Wait::Join { child } => t.prog_why_join(p, child),
            Wait::Recv {
                pipe,
                end: e,
                holders,
            } => t.prog_why_recv(p, &end(pipe, e), &end(pipe, 1 - e), &holders),
            Wait::Send { pipe, end: e } => t.prog_why_send(p, &end(pipe, e)),
            Wait::Get { obj } => t.prog_why_get(p, &object_name(pw, obj)),
            Wait::Put { obj } => t.prog_why_put(p, &object_name(pw, obj)),
            Wait::Flush { obj } => t.prog_why_flush(p, &object_name(pw, obj)),
        })
        .collect();
    let said = if why.is_empty() {
        t.prog_note_all_blocked(secs)
    } else {
        t.prog_note_all_blocked_why(secs, &why)
    };
    // The wait-for view, as the stage draws it: whom each waits for, and
    // the deadlock when the waits make one.
    let view = crate::model::program::wait_for(&w.procs, pw, |_| false);
    if view.is_empty() {
        return said;
    }
    let name = |id| {
        w.proc(id)
            .map_or_else(|| format!("{id}"), |p| p.name.clone())
    };
    let each: Vec<String> = view
        .iter()
        .filter_map(|wait| {
            let p = w.proc(wait.who)?;
            Some(format!(
                "{} ({}) {}",
                p.name,
                p.pid,
                super::waits_said(w, wait, false)
            ))
        })
        .collect();
    let mut out = format!("{said} {}", t.prog_stuck_waits(&each));
    if let Some(cycle) = crate::model::program::deadlock(&view) {
        let names: Vec<String> = cycle.into_iter().map(name).collect();
        out = format!("{out} {}", t.prog_stuck_cycle(&names));
    }
    out
}

/// ipcscope's note on the program, in words (`w`: the world after it).
pub fn note_sentence(note: &ProgramNote, w: &World) -> String {
    let t = words();
    match note {
        ProgramNote::Started { python, pid } => t.prog_note_started(python, *pid),
        ProgramNote::NotInstrumented => t.prog_note_not_instrumented(),
        ProgramNote::OldPython { version } => t.prog_note_old_python(version),
        ProgramNote::ReportFd { pid, fd, reused } => t.prog_note_report_fd(*pid, *fd, *reused),
        ProgramNote::HookFailed { what } => t.prog_note_hook_failed(what),
        ProgramNote::TooManyProcesses { limit } => t.prog_note_too_many(*limit),
        ProgramNote::TimedOut { secs } => t.prog_note_timed_out(*secs),
        ProgramNote::AllBlocked { waited_ms } => t.prog_note_all_blocked(*waited_ms as f64 / 1e3),
        ProgramNote::IgnoredTerm { pid } => t.prog_note_ignored_term(*pid),
        ProgramNote::LostInFeeder { pid, obj, n, .. } => {
            let name = w.by_pid(*pid).map_or("?", |p| p.name.as_str());
            t.prog_note_lost_in_feeder(*n, name, *pid, &object_name(&w.program, *obj))
        }
        ProgramNote::LeftBehind { count } => t.prog_note_left_behind(*count),
        ProgramNote::NoMultiprocessing => t.prog_note_no_multiprocessing(),
    }
}

/// How a process ended, in a few words (`exit code 0`, `killed by SIGTERM`).
pub fn how(e: Ended) -> String {
    match e {
        Ended::Code(c) => words().prog_how_code(c),
        Ended::Signal(s) => words().prog_how_signal(&signal_name(s)),
    }
}

/// What the program calls an object: `q`, a pipe's end (`recv_end`,
/// `a[1]`), else its kind and number (`Queue #3`).
pub fn object_name(pw: &ProgramWorld, obj: crate::stream::ObjectId) -> String {
    let Some(o) = pw.object(obj) else {
        return format!("#{obj}");
    };
    if o.info.kind.is_pipe() {
        let (_, end) = pw.end_of(obj);
        return end_name(o, end);
    }
    if o.info.name.is_empty() {
        format!("{} #{}", o.info.kind.python(), o.id)
    } else {
        o.info.name.clone()
    }
}

/// A pipe end's name: the name the program gave it (`recv_end, send_end =
/// Pipe()`), `p[0]` when it named the pair, else `Pipe #3[0]`.
pub fn end_name(o: &Obj, end: u8) -> String {
    let names: Vec<&str> = o.info.name.split(',').filter(|s| !s.is_empty()).collect();
    match names.as_slice() {
        [a, b] => if end == 0 { a } else { b }.to_string(),
        [one] => format!("{one}[{end}]"),
        _ => format!("Pipe #{}[{end}]", o.id),
    }
}

/// The object as the program made it: `q = Queue(maxsize=2)`,
/// `recv_end, send_end = Pipe(duplex=False)`, `v = Value('i')`.
pub fn made(o: &Obj) -> String {
    let i = &o.info;
    let call = match i.kind {
        ObjKind::Queue | ObjKind::JoinableQueue if i.maxsize > 0 => {
            format!("{}(maxsize={})", i.kind.python(), i.maxsize)
        }
        ObjKind::Pipe if !i.duplex => "Pipe(duplex=False)".into(),
        ObjKind::Value | ObjKind::Array => {
            let tc = i.typecode.as_deref().unwrap_or("?");
            let lock = if i.lock { "" } else { ", lock=False" };
            match i.size {
                Some(n) if i.kind == ObjKind::Array => format!("Array('{tc}', {n}{lock})"),
                _ => format!("{}('{tc}'{lock})", i.kind.python()),
            }
        }
        k => format!("{}()", k.python()),
    };
    if i.name.is_empty() {
        call
    } else {
        format!("{} = {call}", i.name.replace(',', ", "))
    }
}

/// The closing summary of a program's run.
pub fn summary(w: &World, file: &str, main_ended: Option<Ended>) -> Vec<String> {
    let t = words();
    let pw = &w.program;
    let mut out = vec![t.summary_header()];
    out.push(match main_ended {
        Some(e) => t.prog_summary_ended(file, &how(e)),
        None => t.prog_summary_still_running(file),
    });
    for o in pw.objects.values() {
        let title = made(o);
        let line = match o.info.kind {
            k if k.is_queue() && o.lost > 0 => {
                t.prog_summary_queue_lost(&title, o.puts, o.gets, o.lost, o.depth())
            }
            k if k.is_queue() => t.prog_summary_queue(&title, o.puts, o.gets, o.depth()),
            k if k.is_pipe() => t.prog_summary_pipe(
                &title,
                o.sent[0] + o.sent[1],
                o.received[0] + o.received[1],
                o.eof[0] || o.eof[1],
            ),
            _ => {
                let writers = o.tallies.values().filter(|t| t.1 > 0).count();
                t.prog_summary_value(&title, o.writes(), writers, &o.value)
            }
        };
        out.push(line);
    }
    for p in &w.procs {
        let ended = match p.ended {
            None => t.still_running(),
            Some(Ended::Signal(s)) if s == SIGKILL => t.killed_by_sigkill(),
            Some(e) => how(e),
        };
        let place = pw
            .info(p.id)
            .and_then(|i| i.at)
            .map(|at: At| pw.place(at))
            .unwrap_or_default();
        out.push(t.prog_summary_proc(&p.name, p.pid, &ended, &place));
    }
    out
}
