//! A writer as Python's `multiprocessing.Queue` makes it (`--python-feeder`):
//! `put` appends the item to the process's own buffer and returns at once;
//! a feeder thread of the process moves the buffer, oldest first, into the
//! pipe (our queue, whose maxsize stands for the pipe's room), waiting
//! there while the pipe is full. When the writer's work is done it cannot
//! exit until its feeder has flushed the buffer (Python joins the feeder
//! thread at exit): a writer nobody reads from never ends.
//!
//! What each part does is reported as it happens: the `put` that returned
//! (`Buffered`), the item's entry into the pipe (the queue's op log, the
//! `Put`), the wait at exit (`FlushWait`), and, when asked to stop, each
//! item that never left the buffer (`GaveUp`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::ChildResult;
use super::ctx::Ctx;
use crate::config::DelayRange;
use crate::control::{ChildSlot, Phase};
use crate::ipc::queue::{Item, Queue, QueueError};
use crate::stream::Kind;

/// How long a wait lasts before a stop request is looked at again.
const SLICE: Duration = Duration::from_millis(250);

/// Most items a writer's buffer holds: a `put` finding it this full waits
/// for the feeder. Python's buffer has no bound (a writer faster than its
/// feeder grows until memory runs out); ours stops there, far beyond what
/// a lesson puts.
pub const BUFFER_MAX: usize = 65_536;

/// The labels a writer puts: its own block first, then shared numbers.
pub struct Numbers {
    pub first: u64,
    pub block: u64,
}

/// The buffer the main thread fills and the feeder thread empties.
#[derive(Default)]
struct Buffer {
    /// Items `put` returned for, not yet in the pipe (the front one may be
    /// on its way in).
    items: VecDeque<Item>,
    /// The main thread has put its last item.
    closed: bool,
    /// The feeder thread ended (every item flushed, or asked to stop, or
    /// the queue failed: its words).
    ended: Option<Result<(), String>>,
}

struct Shared {
    buffer: Mutex<Buffer>,
    changed: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The writer's whole life: `items` puts (0: until stopped) into its
/// buffer with its delay between them, the feeder flushing behind it, then
/// the wait for the flush.
pub fn write(
    ctx: &mut Ctx,
    q: Queue,
    writer: u32,
    items: u64,
    numbers: Numbers,
    delay: DelayRange,
) -> ChildResult {
    let shared = Shared {
        buffer: Mutex::new(Buffer::default()),
        changed: Condvar::new(),
        stop: AtomicBool::new(false),
    };
    let mut pipe = q.try_clone()?;
    pipe.set_timestamps(true);
    let mut rng = ctx.take_rng();
    let ctx: &Ctx = ctx;
    let slot = ctx.slot();
    std::thread::scope(|s| -> ChildResult {
        let feeder = std::thread::Builder::new()
            .name("QueueFeederThread".into())
            .spawn_scoped(s, || feed(&shared, &mut pipe, slot))?;
        let mut n = 0u64;
        while items == 0 || n < items {
            if !ctx.pass_gate() {
                break;
            }
            let number = if n < numbers.block {
                numbers.first + n
            } else {
                q.next_label_number()
            };
            let item = Item::new(format!("url_{number}"), writer, n + 1);
            ctx.emit(
                ctx.event(Kind::Buffered)
                    .with_item(item.label.clone())
                    .with_seq(n + 1),
            );
            let mut b = shared.lock();
            b.items.push_back(item);
            slot.add_done();
            shared.changed.notify_all();
            while b.items.len() >= BUFFER_MAX && b.ended.is_none() && !slot.stop_requested() {
                b = shared
                    .changed
                    .wait_timeout(b, SLICE)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            drop(b);
            n += 1;
            if !super::ctx::delay(&mut rng, slot, delay) {
                break;
            }
        }
        let flushed = wait_for_flush(ctx, &shared);
        let _ = feeder.join();
        if !flushed {
            // Asked to stop: what never left the buffer never will.
            for item in shared.lock().items.drain(..) {
                ctx.emit(ctx.event(Kind::GaveUp).with_item(item.label));
            }
        }
        match shared.lock().ended.take() {
            Some(Err(e)) => Err(e.into()),
            _ => Ok(()),
        }
    })
}

/// At exit: waits until the feeder has flushed the buffer, as Python's
/// exit joins the feeder thread, saying first how many items are left.
/// False when asked to stop while waiting (the feeder is then stopped).
fn wait_for_flush(ctx: &Ctx, shared: &Shared) -> bool {
    let mut b = shared.lock();
    b.closed = true;
    shared.changed.notify_all();
    if !b.items.is_empty() && b.ended.is_none() {
        let left = b.items.len() as u32;
        drop(b);
        ctx.emit(ctx.event(Kind::FlushWait { left }));
        ctx.slot().set_phase(Phase::Blocked);
        b = shared.lock();
    }
    let flushed = loop {
        if b.ended.is_some() {
            break b.items.is_empty();
        }
        if ctx.slot().stop_requested() {
            break false;
        }
        b = shared
            .changed
            .wait_timeout(b, SLICE)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    };
    drop(b);
    shared.stop.store(true, Ordering::Release);
    shared.changed.notify_all();
    ctx.slot().set_phase(Phase::InOp);
    flushed
}

/// The feeder thread: moves items from the buffer into the pipe, oldest
/// first, waiting while the buffer is empty or the pipe full; ends once
/// the buffer is empty and closed, or when told to stop.
fn feed(shared: &Shared, pipe: &mut Queue, slot: &ChildSlot) {
    let end = |r: Result<(), String>| {
        shared.lock().ended = Some(r);
        shared.changed.notify_all();
    };
    loop {
        let item = {
            let mut b = shared.lock();
            loop {
                if shared.stop.load(Ordering::Acquire) {
                    drop(b);
                    return end(Ok(()));
                }
                if let Some(item) = b.items.front() {
                    break item.clone();
                }
                if b.closed {
                    drop(b);
                    return end(Ok(()));
                }
                b = shared
                    .changed
                    .wait_timeout(b, SLICE)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        };
        loop {
            match pipe.put(&item, true, Some(SLICE.as_secs_f64())) {
                Ok(_) => break,
                Err(QueueError::Full) if !shared.stop.load(Ordering::Acquire) => {}
                Err(QueueError::Full) => return end(Ok(())),
                Err(e) => return end(Err(e.to_string())),
            }
        }
        // Out of the buffer and counted as flushed together: the two
        // counts always tell what the buffer holds.
        let mut b = shared.lock();
        b.items.pop_front();
        slot.add_flushed();
        drop(b);
        shared.changed.notify_all();
    }
}
