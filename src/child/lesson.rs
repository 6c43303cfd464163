//! The lesson's processes: queue writers and readers, pipe sender and
//! receiver, Value counters. Each reports what it does (never blocking on
//! it), keeps exact counters in its control slot, and obeys the gate and
//! the stop request between operations.

use std::os::fd::RawFd;
use std::time::Duration;

use clap::Subcommand;

use super::ctx::{CommonArgs, Ctx, delay_arg};
use super::{ChildResult, inherited, inherited_connection};
use crate::config::DelayRange;
use crate::control::Phase;
use crate::ipc::pipe::PipeError;
use crate::ipc::queue::{Item, Queue, QueueError};
use crate::ipc::value::SharedArray;
use crate::telemetry::event::Kind;

#[derive(Debug, Subcommand)]
pub enum LessonRole {
    /// Puts url labels: first its lesson block, then (unlimited) shared numbers.
    Writer {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long)]
        writer: u32,
        /// Items to put; 0 = until stopped.
        #[arg(long)]
        items: u64,
        /// First label number of its own block.
        #[arg(long, default_value_t = 1)]
        first: u64,
        /// Labels in its own block (then it takes shared numbers).
        #[arg(long, default_value_t = 0)]
        block: u64,
        #[arg(long, value_parser = delay_arg)]
        delay: DelayRange,
        #[arg(long)]
        put_timeout: Option<f64>,
    },
    /// The lesson's endless blocking get loop.
    Reader {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long, value_parser = delay_arg)]
        delay: DelayRange,
        #[arg(long)]
        get_timeout: Option<f64>,
    },
    /// Sends url_0 .. url_{n-1}, then closes its end.
    Sender {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
        #[arg(long)]
        messages: u32,
        #[arg(long, value_parser = delay_arg)]
        delay: DelayRange,
    },
    /// Receives until EOFError.
    Receiver {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
        #[arg(long, value_parser = delay_arg)]
        delay: DelayRange,
    },
    /// Increments the shared value, with or without its lock.
    Counter {
        #[command(flatten)]
        common: CommonArgs,
        #[arg(long)]
        value_fd: RawFd,
        #[arg(long)]
        procs: u32,
        #[arg(long)]
        increments: u64,
        #[arg(long)]
        lock: bool,
    },
}

pub fn run(role: LessonRole) -> ChildResult {
    match role {
        LessonRole::Writer {
            common,
            queue_fd,
            writer,
            items,
            first,
            block,
            delay,
            put_timeout,
        } => {
            let mut ctx = Ctx::new(&common)?;
            let mut q = open_queue(&ctx, queue_fd)?;
            let mut n = 0u64;
            while items == 0 || n < items {
                if !ctx.pass_gate() {
                    break;
                }
                let number = if n < block {
                    first + n
                } else {
                    q.next_label_number()
                };
                let item = Item::new(format!("url_{number}"), writer, n + 1);
                if !put_one(&ctx, &mut q, &item, put_timeout)? {
                    break;
                }
                n += 1;
                ctx.slot().add_done();
                if !ctx.delay(delay) {
                    break;
                }
            }
            ctx.exiting();
        }
        LessonRole::Reader {
            common,
            queue_fd,
            delay,
            get_timeout,
        } => {
            let mut ctx = Ctx::new(&common)?;
            let mut q = open_queue(&ctx, queue_fd)?;
            loop {
                if !ctx.pass_gate() {
                    break;
                }
                let got = match q.get_nowait() {
                    Ok(g) => g,
                    Err(QueueError::Empty) => {
                        ctx.emit(ctx.event(Kind::GetWait).with_depth(0));
                        ctx.slot().set_phase(Phase::Blocked);
                        let r = q.get(true, get_timeout);
                        ctx.slot().set_phase(Phase::InOp);
                        match r {
                            Ok(g) => g,
                            Err(QueueError::Empty) => {
                                ctx.emit_recoveries(q.take_recoveries());
                                ctx.slot().add_timeout();
                                ctx.emit(ctx.event(Kind::GetEmpty).with_depth(q.qsize() as u32));
                                continue;
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                    Err(e) => return Err(e.into()),
                };
                ctx.emit_recoveries(q.take_recoveries());
                let mut ev = ctx
                    .event(Kind::Get)
                    .with_item(got.item.item.label.clone())
                    .with_depth(got.depth as u32)
                    .with_seq(got.seq);
                ev.t_ns = got.ts_ns;
                ctx.emit(ev);
                ctx.slot().add_done();
                if !ctx.delay(delay) {
                    break;
                }
            }
            ctx.exiting();
        }
        LessonRole::Sender {
            common,
            fd,
            duplex,
            messages,
            delay,
        } => {
            let mut ctx = Ctx::new(&common)?;
            let mut c = inherited_connection(fd, duplex, true, duplex)?;
            for m in 0..messages {
                if !ctx.pass_gate() {
                    break;
                }
                let label = format!("url_{m}");
                if !writable_now(&c) {
                    ctx.emit(ctx.event(Kind::SendWait).with_item(label.clone()));
                    ctx.slot().set_phase(Phase::Blocked);
                }
                let r = c.send(label.as_bytes());
                ctx.slot().set_phase(Phase::InOp);
                match r {
                    Ok(()) => {}
                    Err(PipeError::BrokenPipe) => {
                        ctx.emit(ctx.event(Kind::Exiting).with_item("BrokenPipeError"));
                        return Err("send: BrokenPipeError: the receiving end is gone".into());
                    }
                    Err(e) => return Err(e.into()),
                }
                ctx.emit(ctx.event(Kind::Send).with_item(label));
                ctx.slot().add_done();
                if m + 1 < messages && !ctx.delay(delay) {
                    break;
                }
            }
            c.close();
            ctx.exiting();
        }
        LessonRole::Receiver {
            common,
            fd,
            duplex,
            delay,
        } => {
            let mut ctx = Ctx::new(&common)?;
            let mut c = inherited_connection(fd, true, duplex, duplex)?;
            loop {
                if !ctx.pass_gate() {
                    break;
                }
                if !c.poll(Some(0.0))? {
                    ctx.emit(ctx.event(Kind::RecvWait));
                    ctx.slot().set_phase(Phase::Blocked);
                }
                let r = c.recv();
                ctx.slot().set_phase(Phase::InOp);
                match r {
                    Ok(m) => {
                        let label = String::from_utf8_lossy(&m).into_owned();
                        ctx.emit(ctx.event(Kind::Recv).with_item(label));
                        ctx.slot().add_done();
                    }
                    Err(PipeError::Eof) => {
                        ctx.emit(ctx.event(Kind::RecvEof));
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
                if !ctx.delay(delay) {
                    break;
                }
            }
            ctx.exiting();
        }
        LessonRole::Counter {
            common,
            value_fd,
            procs,
            increments,
            lock,
        } => {
            let ctx = Ctx::new(&common)?;
            let v = SharedArray::from_fd(inherited(value_fd)?)?;
            ctx.slot().set_map_base(v.map_base());
            v.barrier_wait(procs, Duration::from_secs(600))?;
            let every = (increments / 20).max(1);
            let mut done = 0;
            while done < increments {
                if !ctx.pass_gate() {
                    break;
                }
                if lock {
                    v.increment_locked(0, Duration::ZERO)?;
                } else {
                    v.increment_unlocked(0, Duration::ZERO)?;
                }
                done += 1;
                if done % every == 0 || done == increments {
                    ctx.slot().set_done(done);
                    ctx.emit(ctx.event(Kind::Count {
                        done,
                        value: v.get(0)?,
                    }));
                }
            }
            ctx.slot().set_done(done);
            ctx.exiting();
        }
    }
    Ok(())
}

/// Opens the inherited queue with timestamps on (events are ordered by the
/// time read under the lock) and tells the supervisor where it is mapped.
fn open_queue(ctx: &Ctx, fd: RawFd) -> Result<Queue, Box<dyn std::error::Error>> {
    let mut q = Queue::from_fd(inherited(fd)?)?;
    q.set_timestamps(true);
    ctx.slot().set_map_base(q.map_base());
    Ok(q)
}

/// Puts one item as the lesson's writer does: at once if there is room;
/// otherwise reports the wait and blocks (with the timeout: on `queue.Full`
/// reports it and retries the same item). False when asked to stop.
fn put_one(
    ctx: &Ctx,
    q: &mut Queue,
    item: &Item,
    timeout: Option<f64>,
) -> Result<bool, QueueError> {
    let mut first = true;
    loop {
        let r = if first {
            q.put_nowait(item)
        } else {
            ctx.slot().set_phase(Phase::Blocked);
            let r = q.put(item, true, timeout);
            ctx.slot().set_phase(Phase::InOp);
            r
        };
        ctx.emit_recoveries(q.take_recoveries());
        match r {
            Ok(done) => {
                let mut ev = ctx
                    .event(Kind::Put)
                    .with_item(item.label.clone())
                    .with_depth(done.depth as u32)
                    .with_seq(done.seq);
                ev.t_ns = done.ts_ns;
                ctx.emit(ev);
                return Ok(true);
            }
            Err(QueueError::Full) if first => {
                first = false;
                ctx.emit(
                    ctx.event(Kind::PutWait)
                        .with_item(item.label.clone())
                        .with_depth(q.qsize() as u32),
                );
            }
            Err(QueueError::Full) => {
                ctx.slot().add_timeout();
                ctx.emit(
                    ctx.event(Kind::PutFull)
                        .with_item(item.label.clone())
                        .with_depth(q.qsize() as u32),
                );
                if !ctx.pass_gate() {
                    return Ok(false);
                }
                first = true;
            }
            Err(e) => return Err(e),
        }
    }
}

fn writable_now(c: &crate::ipc::pipe::Connection) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let Some(fd) = c.raw_fd() else { return true };
    // SAFETY: the connection owns `fd` and outlives this borrow.
    let bfd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let mut fds = [PollFd::new(bfd, PollFlags::POLLOUT)];
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
}
