//! Headless mode: runs a scenario with real processes and prints the
//! lesson-style transcript as it happens, then a closing summary. The
//! printer, the trace file and the summary all read the one event stream.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::config::{RunConfig, Scenario};
use crate::model::world::{Activity, World};
use crate::supervisor::{Command, Supervisor};
use crate::telemetry::event::{Event, Kind, Role, SUPERVISOR, now_ns};
use crate::telemetry::trace::TraceWriter;
use crate::text;

/// How long telemetry holds events to print them in order.
const WINDOW: Duration = Duration::from_millis(100);
/// How long readers get to drain the queue once the writers are done.
const DRAIN: Duration = Duration::from_secs(3);
/// How long a receiver waits with no sender before the run says it is stuck.
const STUCK_AFTER: Duration = Duration::from_secs(2);

/// Runs the scenario; returns the exit code.
pub fn run(cfg: &RunConfig) -> i32 {
    match run_inner(cfg) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ipcscope: {e}");
            1
        }
    }
}

fn run_inner(cfg: &RunConfig) -> Result<(), Box<dyn std::error::Error>> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    crate::proc::spawn::registry::install_panic_hook();
    let mut trace = match &cfg.trace {
        Some(path) => Some(
            TraceWriter::create(path, 0)
                .map_err(|e| format!("cannot write the trace file {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut sup = Supervisor::start(cfg, WINDOW)?;
    if let Some(t) = trace.as_mut() {
        t.set_start(sup.start_ns());
    }
    let cx = text::Context::for_run(cfg);
    let mut printer = Printer {
        world: World::new(sup.start_ns()),
        trace,
        cx,
        out: std::io::stdout(),
    };
    let mut ending = Ending::Running;
    loop {
        match sup.events().recv_timeout(Duration::from_millis(50)) {
            Ok(ev) => printer.show(&ev)?,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
        if stop.load(Ordering::Acquire) {
            printer.note(text::interrupted())?;
            break;
        }
        ending = ending.step(&sup, &mut printer)?;
        if matches!(ending, Ending::Done) {
            break;
        }
    }
    sup.shutdown();
    for ev in sup.take_leftover() {
        printer.show(&ev)?;
    }
    printer.summary(&sup)?;
    Ok(())
}

struct Printer {
    world: World,
    trace: Option<TraceWriter>,
    cx: text::Context,
    out: std::io::Stdout,
}

impl Printer {
    fn show(&mut self, ev: &Event) -> std::io::Result<()> {
        self.world.apply(ev);
        if let Some(t) = self.trace.as_mut() {
            t.write(ev)?;
        }
        if let Some(line) = text::line(ev, &self.world, &self.cx) {
            let mut o = self.out.lock();
            writeln!(o, "{line}")?;
            o.flush()?;
        }
        Ok(())
    }

    /// A line from the supervisor itself (also traced).
    fn note(&mut self, s: &str) -> std::io::Result<()> {
        let ev = Event::new(
            now_ns(),
            SUPERVISOR,
            std::process::id() as i32,
            Kind::Stuck { reason: s.into() },
        );
        self.show(&ev)
    }

    fn summary(&mut self, sup: &Supervisor) -> std::io::Result<()> {
        let w = &self.world;
        let mut o = self.out.lock();
        writeln!(o, "{}", text::summary_header())?;
        match sup.scenario() {
            Scenario::Queue(q) => {
                let snap = sup.queue_snapshot(1000).unwrap_or_default();
                writeln!(
                    o,
                    "{}",
                    text::queue_summary(snap.puts, snap.gets, snap.depth, q.maxsize)
                )?;
                if !snap.items.is_empty() {
                    let labels: Vec<String> =
                        snap.items.iter().map(|i| i.item.label.clone()).collect();
                    writeln!(o, "{}", text::left_in_queue(&labels))?;
                }
            }
            Scenario::Pipe(_) => {
                writeln!(
                    o,
                    "{}",
                    text::pipe_summary(w.pipe.sent, w.pipe.received, w.pipe.eof)
                )?;
            }
            Scenario::Counter(c) => {
                let expected: u64 = sup.children().iter().map(|ch| sup.counters(ch.id).0).sum();
                let planned = c.procs as u64 * c.increments;
                let expected = if expected == 0 { planned } else { expected };
                writeln!(
                    o,
                    "{}",
                    text::counter_summary(expected, sup.value().unwrap_or(0), c.lock)
                )?;
            }
        }
        for ch in sup.children() {
            let (done, timeouts) = sup.counters(ch.id);
            let said = w.proc(ch.id).is_some_and(|p| p.said_exiting);
            let ended = text::ended_text(
                ch.exit.map(|e| match e {
                    crate::proc::spawn::Exit::Code(c) => crate::model::world::Ended::Code(c),
                    crate::proc::spawn::Exit::Signal(s) => crate::model::world::Ended::Signal(s),
                }),
                said,
            );
            let extra = if timeouts > 0 {
                match ch.role {
                    Role::Writer => format!(", queue.Full x{timeouts}"),
                    Role::Reader => format!(", queue.Empty x{timeouts}"),
                    _ => String::new(),
                }
            } else {
                String::new()
            };
            writeln!(
                o,
                "  {:<10} Process({}) {} {}{extra}, {ended}",
                ch.name,
                ch.pid,
                text::role_done(ch.role),
                done
            )?;
        }
        if !w.losses.is_empty() {
            let list: Vec<(String, String, i32)> = w
                .losses
                .iter()
                .map(|l| (l.item.clone(), l.name.clone(), l.pid))
                .collect();
            writeln!(o, "{}", text::lost_items(&list))?;
        }
        if w.recoveries > 0 {
            writeln!(o, "{}", text::recoveries_summary(w.recoveries))?;
        }
        let t = sup.telemetry();
        writeln!(
            o,
            "{}",
            text::telemetry_summary(
                t.delivered.load(Ordering::Relaxed),
                sup.dropped_events(),
                t.late.load(Ordering::Relaxed)
            )
        )?;
        o.flush()
    }
}

/// How a headless run comes to its end, as the lesson's parent does it.
enum Ending {
    Running,
    /// Writers joined; readers drain the queue (until the deadline).
    Draining(Instant),
    /// Readers (or a stuck receiver) were terminated; waiting for them.
    Terminating,
    Done,
}

impl Ending {
    fn step(self, sup: &Supervisor, pr: &mut Printer) -> std::io::Result<Ending> {
        let children = sup.children();
        if !children.is_empty() && children.iter().all(|c| !c.alive()) {
            return Ok(Ending::Done);
        }
        let w = &pr.world;
        Ok(match (self, sup.scenario()) {
            (Ending::Running, Scenario::Queue(q)) => {
                let writers_done = q.items > 0
                    && children.iter().any(|c| c.role == Role::Writer)
                    && children
                        .iter()
                        .filter(|c| c.role == Role::Writer)
                        .all(|c| !c.alive());
                if writers_done {
                    Ending::Draining(Instant::now() + DRAIN)
                } else {
                    Ending::Running
                }
            }
            (Ending::Draining(deadline), Scenario::Queue(_)) => {
                let depth = sup.queue_snapshot(0).map_or(0, |s| s.depth);
                // Drained: nothing queued and every reader back at its get.
                let readers_idle = w
                    .by_role(Role::Reader)
                    .filter(|p| p.alive())
                    .all(|p| matches!(p.activity, Activity::WaitingToGet { .. }));
                if depth == 0 && readers_idle || Instant::now() >= deadline {
                    if depth > 0 {
                        pr.note(&text::draining_timeout(depth))?;
                    }
                    terminate(sup, Role::Reader);
                    Ending::Terminating
                } else {
                    Ending::Draining(deadline)
                }
            }
            (Ending::Running, Scenario::Pipe(p)) if p.forget_close => {
                let sender_gone = children
                    .iter()
                    .filter(|c| c.role == Role::Sender)
                    .all(|c| !c.alive());
                let receiver = w.by_role(Role::Receiver).find(|r| r.alive());
                match receiver {
                    Some(r) if sender_gone => match r.activity {
                        Activity::WaitingToRecv { since_ns }
                            if now_ns().saturating_sub(since_ns)
                                >= STUCK_AFTER.as_nanos() as u64 =>
                        {
                            let waited = now_ns().saturating_sub(since_ns) as f64 / 1e9;
                            let msg = text::forgotten_send_end(r.pid, waited);
                            pr.note(&msg)?;
                            terminate(sup, Role::Receiver);
                            Ending::Terminating
                        }
                        _ => Ending::Running,
                    },
                    _ => Ending::Running,
                }
            }
            (state, _) => state,
        })
    }
}

fn terminate(sup: &Supervisor, role: Role) {
    for c in sup.children() {
        if c.role == role && c.alive() {
            sup.send(Command::Signal(c.id, Signal::SIGTERM));
        }
    }
}
