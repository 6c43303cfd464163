//! The lesson's processes: queue writers and readers, pipe sender and
//! receiver, Value counters. Each reports what it does (never blocking on
//! it), keeps exact counters in its control slot, and obeys the gate and
//! the stop request between operations.

use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use clap::Subcommand;

use super::args::{CommonArgs, CounterArgs, PipeEndArgs, ReaderArgs, WriterArgs};
use super::ctx::Ctx;
use super::{ChildResult, inherited, inherited_connection};
use crate::config::{Policy, RETRY_PAUSE, Then, Wait};
use crate::control::Phase;
use crate::ipc::pipe::{Connection, PipeError};
use crate::ipc::queue::{Item, Queue, QueueError};
use crate::ipc::value::SharedArray;
use crate::stream::{Kind, PipeCall, PipeEnd, Role};

#[derive(Debug, Subcommand)]
pub enum LessonRole {
    /// Puts url labels: first its lesson block, then (unlimited) shared numbers.
    Writer {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        args: WriterArgs,
    },
    /// The lesson's endless blocking get loop.
    Reader {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        args: ReaderArgs,
    },
    /// Sends url_0 .. url_{n-1}, then closes its end.
    Sender {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        args: PipeEndArgs,
    },
    /// Receives until EOFError.
    Receiver {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        args: PipeEndArgs,
    },
    /// Increments the shared value, with or without its lock.
    Counter {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        args: CounterArgs,
    },
}

impl LessonRole {
    /// The subcommand name and the full argument list for a role: what the
    /// supervisor runs (`ipcscope __child <name> <args>`).
    pub fn command_line(&self) -> (&'static str, Vec<String>) {
        let (name, common, mut role) = match self {
            LessonRole::Writer { common, args } => ("writer", common, args.to_args()),
            LessonRole::Reader { common, args } => ("reader", common, args.to_args()),
            LessonRole::Sender { common, args } => ("sender", common, args.to_args()),
            LessonRole::Receiver { common, args } => ("receiver", common, args.to_args()),
            LessonRole::Counter { common, args } => ("counter", common, args.to_args()),
        };
        let mut all = common.to_args();
        all.append(&mut role);
        (name, all)
    }
}

pub fn run(role: LessonRole) -> ChildResult {
    match role {
        LessonRole::Writer { common, args } => {
            let WriterArgs {
                queue_fd,
                writer,
                items,
                first,
                block,
                delay,
                put_timeout,
                feeder,
            } = args;
            let mut ctx = Ctx::new(&common)?;
            let mut q = open_queue(&ctx, queue_fd)?;
            if feeder {
                let numbers = super::feeder::Numbers { first, block };
                super::feeder::write(&mut ctx, q, writer, items, numbers, delay)?;
                ctx.exiting();
                return Ok(());
            }
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
                match put_one(&ctx, &mut q, &item, put_timeout)? {
                    Put::Done => ctx.slot().add_done(),
                    // The item is dropped: on with the next one.
                    Put::GaveUp => {}
                    Put::Stopped => break,
                }
                n += 1;
                if !ctx.delay(delay) {
                    break;
                }
            }
            ctx.exiting();
        }
        LessonRole::Reader { common, args } => {
            let ReaderArgs {
                queue_fd,
                delay,
                get_timeout,
            } = args;
            let mut ctx = Ctx::new(&common)?;
            let mut q = open_queue(&ctx, queue_fd)?;
            loop {
                if !ctx.pass_gate() {
                    break;
                }
                match get_one(&ctx, &mut q, get_timeout)? {
                    Got::Item => {}
                    Got::Raised(Then::Retry) => continue,
                    // except queue.Empty: break
                    Got::Raised(Then::GiveUp) | Got::Stopped => break,
                }
                ctx.slot().add_done();
                if !ctx.delay(delay) {
                    break;
                }
            }
            ctx.exiting();
        }
        LessonRole::Sender { common, args } => {
            let mut ctx = Ctx::new(&common)?;
            let mut c = inherited_connection(args.fd, args.duplex, true, args.duplex)?;
            // Held (never used) until this process exits, as a forked
            // child holds it, unless its role closes it.
            let _other = inherited_other(&ctx, &args, Role::Sender)?;
            let mut replies = 0u64;
            let mut open = true;
            if args.recv_first && ctx.pass_gate() {
                // Waits for a greeting before sending anything.
                match recv_one(&ctx, &mut c)? {
                    Some(m) => {
                        replies += 1;
                        got_reply(&ctx, m, replies);
                    }
                    None => open = false,
                }
            }
            for m in 0..args.messages {
                if !open || !ctx.pass_gate() {
                    break;
                }
                wrong_way_if_asked(&ctx, &mut c);
                let label = format!("url_{m}");
                match send_one(&ctx, &mut c, &label, Kind::Send, m as u64 + 1) {
                    Ok(()) => {}
                    Err(PipeError::BrokenPipe) => {
                        ctx.emit(ctx.event(Kind::Exiting).with_item("BrokenPipeError"));
                        return Err("send: BrokenPipeError: the receiving end is gone".into());
                    }
                    Err(e) => return Err(e.into()),
                }
                ctx.slot().add_done();
                if args.echo {
                    // The reply comes back through the same end.
                    match recv_one(&ctx, &mut c)? {
                        Some(r) => {
                            replies += 1;
                            got_reply(&ctx, r, replies);
                        }
                        None => break,
                    }
                }
                if m + 1 < args.messages && !ctx.delay(args.delay) {
                    break;
                }
            }
            c.close();
            ctx.exiting();
        }
        LessonRole::Receiver { common, args } => {
            let mut ctx = Ctx::new(&common)?;
            let mut c = inherited_connection(args.fd, true, args.duplex, args.duplex)?;
            let _other = inherited_other(&ctx, &args, Role::Receiver)?;
            let mut received = 0u64;
            loop {
                if !ctx.pass_gate() {
                    break;
                }
                wrong_way_if_asked(&ctx, &mut c);
                let Some(label) = recv_one(&ctx, &mut c)? else {
                    break;
                };
                received += 1;
                // Stamped after the read ended.
                ctx.emit(
                    ctx.event(Kind::Recv)
                        .with_item(label.clone())
                        .with_seq(received),
                );
                ctx.slot().add_done();
                // It works on the message (its delay), then answers it.
                if !ctx.delay(args.delay) {
                    break;
                }
                if args.echo {
                    let reply = format!("ok {label}");
                    match send_one(&ctx, &mut c, &reply, Kind::Reply, received) {
                        Ok(()) => {}
                        // The sender is gone: nobody to answer.
                        Err(PipeError::BrokenPipe) => break,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            ctx.exiting();
        }
        LessonRole::Counter { common, args } => {
            let CounterArgs {
                value_fd,
                procs,
                increments,
                cell,
                step_delay,
            } = args;
            let mut ctx = Ctx::new(&common)?;
            let v = SharedArray::from_fd(inherited(value_fd)?)?;
            ctx.slot().set_map_base(v.map_base());
            v.barrier_wait(procs, Duration::from_secs(600))?;
            super::race::Counter {
                ctx: &mut ctx,
                v: &v,
                cell,
                pace: step_delay,
            }
            .run(increments)?;
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

/// Longest single sleep of a blocked put or get: between two, a stop
/// request is seen (the process is then asked to stop while it waits).
const SLICE: f64 = 0.25;

/// Blocks in `op` as Python does with `timeout` (`None`: for ever), but in
/// slices, so a stop request is seen while waiting. `Err(timed_out)`: the
/// caller's timeout passed (`true`) or a stop was asked (`false`).
fn patiently<T>(
    ctx: &Ctx,
    timeout: Option<f64>,
    mut op: impl FnMut(f64) -> Result<T, QueueError>,
    timed_out: impl Fn(&QueueError) -> bool,
) -> Result<Result<T, bool>, QueueError> {
    let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0)));
    ctx.slot().set_phase(Phase::Blocked);
    let result = loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64());
        let slice = left.map_or(SLICE, |l| l.min(SLICE));
        match op(slice) {
            Ok(v) => break Ok(Ok(v)),
            Err(e) if timed_out(&e) => {
                if left.is_some_and(|l| l <= SLICE) {
                    break Ok(Err(true));
                }
                if ctx.slot().stop_requested() {
                    break Ok(Err(false));
                }
            }
            Err(e) => break Err(e),
        }
    };
    ctx.slot().set_phase(Phase::InOp);
    result
}

/// The policy of this process's next call: as the supervisor set it in
/// the control slot (live), else as its arguments say (`timeout`: `None`
/// waits forever; a retry after a raise).
fn policy_now(ctx: &Ctx, timeout: Option<f64>) -> Policy {
    ctx.slot().policy().unwrap_or(Policy {
        wait: Wait::of(false, timeout),
        then: Then::Retry,
    })
}

/// What one put of the lesson's writer came to.
enum Put {
    Done,
    /// `queue.Full` was raised and the writer gave the item up.
    GaveUp,
    /// Asked to stop: the item never entered the queue.
    Stopped,
}

/// Puts one item as the lesson's writer does, with its policy at each
/// try: at once if there is room; otherwise, when the call may wait,
/// reports the wait and blocks (forever, or until its timeout); when it
/// raises (`block=False` or a timeout of 0 at once, else after the
/// timeout) reports `queue.Full` with what it does next: try the same
/// item again (after [`RETRY_PAUSE`] when it raised at once), or give it
/// up. The put itself is reported from the queue's memory (its op log),
/// at its commit.
fn put_one(ctx: &Ctx, q: &mut Queue, item: &Item, timeout: Option<f64>) -> Result<Put, QueueError> {
    loop {
        let policy = policy_now(ctx, timeout);
        match q.put_nowait(item) {
            Ok(_) => return Ok(Put::Done),
            Err(QueueError::Full) => {}
            Err(e) => return Err(e),
        }
        let with_item = |k, q: &Queue| {
            ctx.event(k)
                .with_item(item.label.clone())
                .with_depth(q.qsize() as u32)
        };
        if !policy.wait.at_once() {
            ctx.emit(with_item(Kind::PutWait, q));
            let waited = patiently(
                ctx,
                policy.wait.limit(),
                |t| q.put(item, true, Some(t)),
                |e| matches!(e, QueueError::Full),
            )?;
            match waited {
                Ok(_) => return Ok(Put::Done),
                Err(true) => {}
                Err(false) => {
                    ctx.emit(ctx.event(Kind::GaveUp).with_item(item.label.clone()));
                    return Ok(Put::Stopped);
                }
            }
        }
        ctx.slot().add_timeout();
        let raised = Kind::PutFull {
            wait: Some(policy.wait),
            then: policy.then,
        };
        ctx.emit(with_item(raised, q));
        if policy.then == Then::GiveUp {
            return Ok(Put::GaveUp);
        }
        let paused = !policy.wait.at_once()
            || ctx
                .slot()
                .sleep_scaled(Duration::from_secs_f64(RETRY_PAUSE));
        if !paused || !ctx.pass_gate() {
            return Ok(Put::Stopped);
        }
    }
}

/// What one get of the lesson's reader came to.
enum Got {
    Item,
    /// `queue.Empty` was raised; what the reader does next.
    Raised(Then),
    /// Asked to stop while waiting.
    Stopped,
}

/// Gets one item as the lesson's reader does, with its policy: at once if
/// there is one; otherwise, when the call may wait, reports the wait and
/// blocks; when it raises, reports `queue.Empty` with what it does next
/// (get again, after [`RETRY_PAUSE`] when it raised at once; or give up).
/// The get itself is reported from the queue's memory (its op log), at
/// its commit.
fn get_one(ctx: &Ctx, q: &mut Queue, timeout: Option<f64>) -> Result<Got, QueueError> {
    let policy = policy_now(ctx, timeout);
    match q.get_nowait() {
        Ok(_) => return Ok(Got::Item),
        Err(QueueError::Empty) => {}
        Err(e) => return Err(e),
    }
    if !policy.wait.at_once() {
        ctx.emit(ctx.event(Kind::GetWait).with_depth(0));
        let waited = patiently(
            ctx,
            policy.wait.limit(),
            |t| q.get(true, Some(t)),
            |e| matches!(e, QueueError::Empty),
        )?;
        match waited {
            Ok(_) => return Ok(Got::Item),
            Err(true) => {}
            Err(false) => return Ok(Got::Stopped),
        }
    }
    ctx.slot().add_timeout();
    let raised = Kind::GetEmpty {
        wait: Some(policy.wait),
        then: policy.then,
    };
    ctx.emit(ctx.event(raised).with_depth(q.qsize() as u32));
    if policy.then == Then::Retry
        && policy.wait.at_once()
        && !ctx
            .slot()
            .sleep_scaled(Duration::from_secs_f64(RETRY_PAUSE))
    {
        return Ok(Got::Stopped);
    }
    Ok(Got::Raised(policy.then))
}

/// The other end a child inherited (`--other-fd`), as a forked child holds
/// it: kept open and never used until the process exits; or, with
/// `--close-unused`, really closed first thing (as the fix does) and
/// reported. The sender's other end is the receive end, the receiver's
/// the send end.
fn inherited_other(
    ctx: &Ctx,
    a: &PipeEndArgs,
    role: Role,
) -> Result<Option<Connection>, Box<dyn std::error::Error>> {
    let Some(fd) = a.other_fd else {
        return Ok(None);
    };
    let sender = role == Role::Sender;
    let (readable, writable) = if sender {
        (true, a.duplex)
    } else {
        (a.duplex, true)
    };
    let mut c = inherited_connection(fd, readable, writable, a.duplex)?;
    if a.close_unused {
        c.close();
        let end = if sender { PipeEnd::Recv } else { PipeEnd::Send };
        ctx.emit(ctx.event(Kind::EndClosed { end }));
        return Ok(None);
    }
    Ok(Some(c))
}

/// Tries the wrong direction once, if the supervisor asked: `recv` on an
/// end that only sends, `send` on one that only receives. Python raises
/// at once, before any system call (a connection knows its direction),
/// and so does ours; the error is reported and the process carries on. A
/// duplex end has no wrong way: nothing is tried.
fn wrong_way_if_asked(ctx: &Ctx, c: &mut Connection) {
    if !ctx.slot().take_wrong_way() {
        return;
    }
    let (call, tried) = if !c.readable() {
        (PipeCall::Recv, c.recv().map(drop))
    } else if !c.writable() {
        (PipeCall::Send, c.send(b""))
    } else {
        return;
    };
    if let Err(e) = tried {
        let error = e.to_string();
        ctx.emit(ctx.event(Kind::WrongWay { call, error }));
    }
}

/// Receives one message as the lesson's processes do: at once if one is
/// waiting, otherwise after reporting the wait, blocked in the kernel.
/// `None`: recv raised EOFError (reported).
fn recv_one(ctx: &Ctx, c: &mut Connection) -> Result<Option<String>, PipeError> {
    if !c.poll(Some(0.0))? {
        ctx.emit(ctx.event(Kind::RecvWait));
        ctx.slot().set_phase(Phase::Blocked);
    }
    let r = c.recv();
    ctx.slot().set_phase(Phase::InOp);
    match r {
        Ok(m) => Ok(Some(String::from_utf8_lossy(&m).into_owned())),
        Err(PipeError::Eof) => {
            ctx.emit(ctx.event(Kind::RecvEof));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Reports a reply the sender received (stamped after its read ended).
fn got_reply(ctx: &Ctx, label: String, seq: u64) {
    ctx.emit(ctx.event(Kind::GotReply).with_item(label).with_seq(seq));
}

/// Sends one message, reporting a wait when the buffer is full; the event
/// (`kind`, numbered `seq`) is stamped before the write starts, so a send
/// sorts before its recv, and reported once it is written. After a wait
/// it also carries when the write returned (`done_ns`): the wait's end,
/// which its stamp cannot tell.
fn send_one(
    ctx: &Ctx,
    c: &mut Connection,
    label: &str,
    kind: Kind,
    seq: u64,
) -> Result<(), PipeError> {
    let waits = !writable_now(c);
    if waits {
        ctx.emit(ctx.event(Kind::SendWait).with_item(label));
        ctx.slot().set_phase(Phase::Blocked);
    }
    let mut sent = ctx.event(kind).with_item(label).with_seq(seq);
    let r = c.send(label.as_bytes());
    if waits {
        sent = sent.with_done(crate::telemetry::now_ns());
    }
    ctx.slot().set_phase(Phase::InOp);
    r?;
    ctx.emit(sent);
    Ok(())
}

fn writable_now(c: &crate::ipc::pipe::Connection) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let Some(fd) = c.raw_fd() else { return true };
    // SAFETY: the connection owns `fd` and outlives this borrow.
    let bfd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let mut fds = [PollFd::new(bfd, PollFlags::POLLOUT)];
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
}
