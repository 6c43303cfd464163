//! Roles used by the cross-process tests (hidden; not for users): plain
//! writers and readers that print what they got, a process that holds the
//! queue lock mid-operation until it is killed, one that kills itself at a
//! named point of a put or a get, pipe ends and counters. Their arguments
//! are untrusted: sizes are bounded and refused with a one-line error.

use std::io::Write;
use std::os::fd::RawFd;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};

use super::{ChildResult, inherited, inherited_connection};
use crate::ipc::pipe::MAX_MESSAGE;
use crate::ipc::queue::{Item, KillPoint, Queue, QueueError};
use crate::ipc::value::SharedArray;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HoldAt {
    /// Slot written, tail not yet committed.
    PutBeforeCommit,
    /// Head committed: the item is got (by this process, which will die).
    GetAfterCommit,
    /// Just holding the lock.
    Idle,
}

#[derive(Debug, Subcommand)]
pub enum TestRole {
    /// Puts `count` items labelled `w<writer>_<n>`, n = 1..=count.
    TestWriter {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long)]
        writer: u32,
        #[arg(long)]
        count: u64,
    },
    /// Gets until an item labelled STOP; prints `writer seq label` per item.
    TestReader {
        #[arg(long)]
        queue_fd: RawFd,
    },
    /// Takes the queue lock mid-operation, prints `holding`, waits to be killed.
    HoldLock {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long, value_enum)]
        phase: HoldAt,
    },
    /// Prints `ready`, then blocks in one get; prints the item if it gets one.
    BlockGet {
        #[arg(long)]
        queue_fd: RawFd,
    },
    /// Prints `ready`, then blocks in one put of `label`; prints `put LABEL`.
    BlockPut {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long)]
        label: String,
    },
    /// Does one blocking put (of `doomed`) or get and dies by SIGKILL at
    /// `point` (names as in `KillPoint::name`: after-commit, ...). Exits 3
    /// if the point was never reached.
    KillAt {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long, value_parser = ["put", "get"])]
        op: String,
        #[arg(long)]
        point: String,
    },
    /// Sends each `--msg` (or `--size` bytes once), then exits (closing its end).
    PipeSend {
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
        #[arg(long)]
        msg: Vec<String>,
        #[arg(long)]
        size: Option<usize>,
    },
    /// Receives until EOF; prints `len <n>` per message (and the text when
    /// short), then `EOF`.
    PipeRecv {
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
    },
    /// A supervisor that panics: starts the queue lesson, prints its
    /// children's pids once they run, then panics (tests the panic path).
    PanickingSupervisor,
    /// Waits at the start barrier, then increments element 0 `increments` times.
    Count {
        #[arg(long)]
        value_fd: RawFd,
        #[arg(long)]
        procs: u32,
        #[arg(long)]
        increments: u64,
        #[arg(long)]
        lock: bool,
        /// Busy time between the read and the write, in nanoseconds.
        #[arg(long, default_value_t = 0)]
        gap_ns: u64,
    },
}

/// Says the lock is held, then waits to be killed.
fn hold_forever() {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "holding");
    let _ = o.flush();
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

pub fn run(role: TestRole) -> ChildResult {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match role {
        TestRole::TestWriter {
            queue_fd,
            writer,
            count,
        } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            for n in 1..=count {
                q.put(&Item::new(format!("w{writer}_{n}"), writer, n), true, None)?;
            }
        }
        TestRole::TestReader { queue_fd } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            loop {
                let got = q.get(true, None)?;
                let it = got.item.item;
                if it.label == "STOP" {
                    break;
                }
                writeln!(out, "{} {} {}", it.writer, it.seq, it.label)?;
            }
        }
        TestRole::HoldLock { queue_fd, phase } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            let point = match phase {
                HoldAt::PutBeforeCommit => KillPoint::PutAfterSlotWrite,
                HoldAt::GetAfterCommit => KillPoint::GetAfterCommit,
                HoldAt::Idle => KillPoint::GetAfterLock,
            };
            q.pause_at(point, hold_forever);
            match point.op() {
                "put" => drop(q.put(&Item::new("doomed", 9, 1), true, None)?),
                _ => drop(q.get(true, None)?),
            }
            return Err("the hold point was never reached".into());
        }
        TestRole::BlockGet { queue_fd } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            writeln!(out, "ready")?;
            out.flush()?;
            match q.get(true, None) {
                Ok(g) => writeln!(out, "got {}", g.item.item.label)?,
                Err(QueueError::Empty) => writeln!(out, "empty")?,
                Err(e) => return Err(e.into()),
            }
        }
        TestRole::BlockPut { queue_fd, label } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            writeln!(out, "ready")?;
            out.flush()?;
            q.put(&Item::new(label.as_str(), 8, 1), true, None)?;
            writeln!(out, "put {label}")?;
        }
        TestRole::KillAt {
            queue_fd,
            op,
            point,
        } => {
            let at = KillPoint::find(&op, &point)
                .ok_or_else(|| format!("no kill point {point:?} in a {op}"))?;
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            q.set_timestamps(true);
            q.kill_at(Some(at));
            match op.as_str() {
                "put" => drop(q.put(&Item::new("doomed", 9, 1), true, None)?),
                _ => drop(q.get(true, None)?),
            }
            eprintln!("ipcscope child: kill point {op} {point} was never reached");
            std::process::exit(3);
        }
        TestRole::PipeSend {
            fd,
            duplex,
            msg,
            size,
        } => {
            if let Some(n) = size.filter(|&n| n > MAX_MESSAGE) {
                return Err(format!(
                    "--size {n} is too large: a pipe message is at most {MAX_MESSAGE} bytes"
                )
                .into());
            }
            let mut c = inherited_connection(fd, duplex, true, duplex)?;
            for m in &msg {
                c.send(m.as_bytes())?;
            }
            if let Some(n) = size {
                let big: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
                c.send(&big)?;
            }
        }
        TestRole::PipeRecv { fd, duplex } => {
            let mut c = inherited_connection(fd, true, duplex, duplex)?;
            loop {
                match c.recv() {
                    Ok(m) => {
                        let ok = m.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8);
                        if m.len() <= 64 {
                            writeln!(out, "len {} {}", m.len(), String::from_utf8_lossy(&m))?;
                        } else {
                            writeln!(out, "len {} pattern-ok={ok}", m.len())?;
                        }
                        out.flush()?;
                    }
                    Err(crate::ipc::pipe::PipeError::Eof) => {
                        writeln!(out, "EOF")?;
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        TestRole::PanickingSupervisor => {
            use crate::config::{Mode, QueueConfig, RunConfig, Scenario};
            crate::proc::spawn::registry::install_panic_hook();
            let mut q = QueueConfig::defaults(Mode::Tui);
            q.delay = crate::config::DelayRange::fixed(0.05);
            let cfg = RunConfig::new(Scenario::Queue(q), Mode::Headless, 1);
            let sup = crate::supervisor::Supervisor::start(&cfg, Duration::from_millis(20))?;
            let pids: Vec<String> = sup.children().iter().map(|c| c.pid.to_string()).collect();
            writeln!(out, "{}", pids.join(" "))?;
            out.flush()?;
            panic!("a test panic in the supervisor");
        }
        TestRole::Count {
            value_fd,
            procs,
            increments,
            lock,
            gap_ns,
        } => {
            let v = SharedArray::from_fd(inherited(value_fd)?)?;
            v.barrier_wait(procs, Duration::from_secs(60))?;
            let gap = Duration::from_nanos(gap_ns);
            for _ in 0..increments {
                if lock {
                    v.increment_locked(0, gap)?;
                } else {
                    v.increment_unlocked(0, gap)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}
