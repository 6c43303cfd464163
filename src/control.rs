//! The run's control block: one shared-memory region with a slot per child.
//! The supervisor writes the knobs (delay scale, stop between operations,
//! the step gate); each child writes its exact counters (items done, events
//! dropped) and where it is (in an operation, sleeping, parked at the gate).
//! Live changes in the visualizer go through here, never through restarts.

use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use crate::config::{Policy, Then, Wait};
use crate::ipc::shm::{SharedRegion, ShmError};
use crate::ipc::sync;

/// Children one run can have over its life (slots are not reused).
pub const SLOTS: usize = 512;
const MAGIC: u64 = 0x6970_6373_4354_524c;
pub const MEMFD_NAME: &str = "ipcscope-control";

/// Where a child is, as it says itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Phase {
    Starting = 0,
    /// Inside an IPC operation (may be blocked in it).
    InOp = 1,
    /// Sleeping its delay.
    Sleeping = 2,
    /// Parked at the closed step gate, between operations.
    Parked = 3,
    Exiting = 4,
    /// Blocked in an operation (waiting for data or space), outside any lock.
    Blocked = 5,
}

impl Phase {
    fn from_u32(v: u32) -> Phase {
        match v {
            1 => Phase::InOp,
            2 => Phase::Sleeping,
            3 => Phase::Parked,
            4 => Phase::Exiting,
            5 => Phase::Blocked,
            _ => Phase::Starting,
        }
    }
}

#[repr(C, align(64))]
struct Header {
    magic: u64,
    slots: u32,
    _pad: u32,
}

/// One child's slot. Knobs written by the supervisor, counters by the child.
#[repr(C, align(128))]
pub struct ChildSlot {
    pid: AtomicU32,
    /// Delay multiplier in thousandths (1000 = as configured).
    delay_scale_milli: AtomicU32,
    /// 1: finish the current operation, then exit.
    stop: AtomicU32,
    /// 1: closed (park before the next operation); futex word.
    gate: AtomicU32,
    /// Operations allowed through a closed gate.
    steps: AtomicU32,
    phase: AtomicU32,
    /// Operations begun (times it passed the gate).
    started: AtomicU32,
    /// Items put / got / sent / received / increments done.
    done: AtomicU64,
    /// (`--python-feeder`) Items its feeder thread put into the pipe: with
    /// `done` (its `put`s that returned), what its buffer held, read even
    /// after it died.
    flushed: AtomicU64,
    /// Full / Empty raised (timeouts).
    timeouts: AtomicU64,
    events: AtomicU64,
    dropped: AtomicU64,
    /// Where the child mapped the scenario's shared object (queue or value),
    /// in its own address space; 0 until mapped. Gives a futex address seen
    /// in `/proc/<pid>/syscall` its meaning.
    map_base: AtomicU64,
    /// 1: at its next operation, try the wrong direction on its one-way
    /// pipe end (and report the error Python raises).
    wrong_way: AtomicU32,
    /// 1: a counter takes the Value's lock from its next increment (a
    /// knob switched live).
    lock: AtomicU32,
    /// The Array cell a counter increments (set before it starts).
    cell: AtomicU32,
    /// How a writer puts (a reader gets) from its next call, and what it
    /// does when the call raises: one word, so a change is read whole
    /// (see [`pack_policy`]); 0 until the supervisor sets it.
    policy: AtomicU64,
}

/// A policy in one word: bits 0-1 the wait (1 block, 2 a timeout, 3
/// `block=False`; 0 is "not set"), bit 2 give up, bits 32 and up the
/// timeout in microseconds.
fn pack_policy(p: Policy) -> u64 {
    let (mode, us) = match p.wait {
        Wait::Block => (1, 0),
        Wait::Timeout(s) => (2, (s.max(0.0) * 1e6).round().min(u32::MAX as f64) as u64),
        Wait::Nowait => (3, 0),
    };
    let give_up = u64::from(p.then == Then::GiveUp) << 2;
    mode | give_up | (us << 32)
}

fn unpack_policy(w: u64) -> Option<Policy> {
    let wait = match w & 3 {
        1 => Wait::Block,
        2 => Wait::Timeout((w >> 32) as f64 / 1e6),
        3 => Wait::Nowait,
        _ => return None,
    };
    let then = if w & 4 != 0 {
        Then::GiveUp
    } else {
        Then::Retry
    };
    Some(Policy { wait, then })
}

/// A mapping of the control block.
pub struct Control {
    mem: SharedRegion,
}

impl Control {
    pub fn new() -> Result<Control, ShmError> {
        let mem = SharedRegion::create(MEMFD_NAME, Self::len())?;
        // SAFETY: fresh zeroed region large enough for the header.
        unsafe {
            let h = mem.as_ptr() as *mut Header;
            (*h).slots = SLOTS as u32;
            (*h).magic = MAGIC;
        }
        let c = Control { mem };
        for i in 0..SLOTS {
            c.slot(i).delay_scale_milli.store(1000, Ordering::Relaxed);
        }
        Ok(c)
    }

    pub fn from_fd(fd: OwnedFd) -> Result<Control, ShmError> {
        let mem = SharedRegion::from_fd(fd, true)?;
        if mem.len() < Self::len() {
            return Err(ShmError::BadSize(mem.len() as u64));
        }
        // SAFETY: at least a header is mapped.
        let h = unsafe { &*(mem.as_ptr() as *const Header) };
        if h.magic != MAGIC || h.slots as usize != SLOTS {
            return Err(ShmError::BadSize(mem.len() as u64));
        }
        Ok(Control { mem })
    }

    fn len() -> usize {
        std::mem::size_of::<Header>().next_multiple_of(128)
            + SLOTS * std::mem::size_of::<ChildSlot>()
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.mem.fd()
    }

    /// Slot `i` (panics on an index >= SLOTS: a programming error).
    pub fn slot(&self, i: usize) -> &ChildSlot {
        assert!(i < SLOTS, "control slot {i} out of range");
        let off = std::mem::size_of::<Header>().next_multiple_of(128);
        // SAFETY: i < SLOTS slots follow the header in the mapping.
        unsafe { &*(self.mem.as_ptr().add(off) as *const ChildSlot).add(i) }
    }
}

impl ChildSlot {
    // ---- supervisor side ----

    pub fn set_delay_scale(&self, scale: f64) {
        let milli = (scale * 1000.0).round().clamp(0.0, u32::MAX as f64) as u32;
        self.delay_scale_milli.store(milli, Ordering::Relaxed);
    }

    pub fn request_stop(&self) {
        self.stop.store(1, Ordering::Release);
        self.gate.fetch_add(0, Ordering::Release);
        sync::futex_wake(&self.gate, i32::MAX);
    }

    /// Closes the gate: the child parks before its next operation.
    pub fn close_gate(&self) {
        self.steps.store(0, Ordering::Release);
        self.gate.store(1, Ordering::Release);
    }

    pub fn open_gate(&self) {
        self.gate.store(0, Ordering::Release);
        sync::futex_wake(&self.gate, i32::MAX);
    }

    /// Lets exactly one operation through the closed gate.
    pub fn step(&self) {
        self.steps.fetch_add(1, Ordering::AcqRel);
        sync::futex_wake(&self.gate, i32::MAX);
    }

    /// Asks a pipe end's process to try the wrong direction once, at its
    /// next operation.
    pub fn request_wrong_way(&self) {
        self.wrong_way.store(1, Ordering::Release);
    }

    /// A counter takes the lock (or not) from its next increment.
    pub fn set_lock(&self, on: bool) {
        self.lock.store(on as u32, Ordering::Release);
    }

    /// A writer's puts (a reader's gets) follow `p` from its next call.
    pub fn set_policy(&self, p: Policy) {
        self.policy.store(pack_policy(p), Ordering::Release);
    }

    /// The Array cell a counter increments.
    pub fn set_cell(&self, cell: u32) {
        self.cell.store(cell, Ordering::Release);
    }

    pub fn gate_closed(&self) -> bool {
        self.gate.load(Ordering::Acquire) != 0
    }

    // ---- both ----

    pub fn pid(&self) -> i32 {
        self.pid.load(Ordering::Relaxed) as i32
    }

    pub fn phase(&self) -> Phase {
        Phase::from_u32(self.phase.load(Ordering::Acquire))
    }

    /// Operations begun so far (each pass through the gate).
    pub fn started(&self) -> u32 {
        self.started.load(Ordering::Acquire)
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn timeouts(&self) -> u64 {
        self.timeouts.load(Ordering::Relaxed)
    }

    pub fn events(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub fn delay_scale(&self) -> f64 {
        self.delay_scale_milli.load(Ordering::Relaxed) as f64 / 1000.0
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Acquire) != 0
    }

    pub fn map_base(&self) -> u64 {
        self.map_base.load(Ordering::Acquire)
    }

    pub fn lock_on(&self) -> bool {
        self.lock.load(Ordering::Acquire) != 0
    }

    pub fn cell(&self) -> u32 {
        self.cell.load(Ordering::Acquire)
    }

    /// The policy the supervisor set (`None`: none yet; the child's
    /// arguments hold).
    pub fn policy(&self) -> Option<Policy> {
        unpack_policy(self.policy.load(Ordering::Acquire))
    }

    // ---- child side ----

    /// Whether the wrong direction was asked for since last time (the
    /// request is taken).
    pub fn take_wrong_way(&self) -> bool {
        self.wrong_way.swap(0, Ordering::AcqRel) != 0
    }

    pub fn set_map_base(&self, addr: u64) {
        self.map_base.store(addr, Ordering::Release);
    }

    pub fn set_pid(&self, pid: i32) {
        self.pid.store(pid as u32, Ordering::Relaxed);
    }

    pub fn set_phase(&self, p: Phase) {
        self.phase.store(p as u32, Ordering::Release);
    }

    pub fn flushed(&self) -> u64 {
        self.flushed.load(Ordering::Relaxed)
    }

    pub fn add_flushed(&self) {
        self.flushed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn set_done(&self, n: u64) {
        self.done.store(n, Ordering::Relaxed);
    }

    pub fn add_timeout(&self) {
        self.timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_event(&self, delivered: bool) {
        if delivered {
            self.events.fetch_add(1, Ordering::Relaxed);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Before each operation: parks while the gate is closed (unless a step
    /// token lets one operation through). Returns false when asked to stop.
    pub fn pass_gate(&self) -> bool {
        loop {
            if self.stop_requested() {
                return false;
            }
            let g = self.gate.load(Ordering::Acquire);
            if g == 0 {
                self.started.fetch_add(1, Ordering::AcqRel);
                return true;
            }
            let s = self.steps.load(Ordering::Acquire);
            if s > 0
                && self
                    .steps
                    .compare_exchange(s, s - 1, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                self.started.fetch_add(1, Ordering::AcqRel);
                return true;
            }
            let before = self.phase();
            self.set_phase(Phase::Parked);
            sync::futex_wait(&self.gate, g, Some(Duration::from_millis(250)));
            self.set_phase(before);
        }
    }

    /// Sleeps `d` (scaled by the live delay scale), in short slices so a stop
    /// request is seen quickly. Returns false when asked to stop. The kernel
    /// shows this as a nanosleep: "sleeping".
    pub fn sleep_scaled(&self, d: Duration) -> bool {
        let mut left = d.mul_f64(self.delay_scale());
        self.set_phase(Phase::Sleeping);
        while !left.is_zero() {
            if self.stop_requested() {
                return false;
            }
            let slice = left.min(Duration::from_millis(50));
            std::thread::sleep(slice);
            left -= slice;
        }
        !self.stop_requested()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_written_by_one_mapping_are_seen_by_another() {
        let c = Control::new().unwrap();
        let fd = nix::unistd::dup(c.fd()).unwrap();
        let d = Control::from_fd(fd).unwrap();
        c.slot(3).set_delay_scale(2.5);
        c.slot(3).request_stop();
        assert_eq!(d.slot(3).delay_scale(), 2.5);
        assert!(d.slot(3).stop_requested());
        assert!(!d.slot(2).stop_requested());
        assert_eq!(d.slot(2).delay_scale(), 1.0);
    }

    #[test]
    fn a_policy_set_by_one_mapping_is_read_whole_by_another() {
        let c = Control::new().unwrap();
        let d = Control::from_fd(nix::unistd::dup(c.fd()).unwrap()).unwrap();
        assert_eq!(d.slot(4).policy(), None, "not set: the arguments hold");
        for p in [
            Policy {
                wait: Wait::Timeout(0.5),
                then: Then::GiveUp,
            },
            Policy {
                wait: Wait::Timeout(0.0),
                then: Then::Retry,
            },
            Policy {
                wait: Wait::Nowait,
                then: Then::GiveUp,
            },
            Policy {
                wait: Wait::Block,
                then: Then::Retry,
            },
        ] {
            c.slot(4).set_policy(p);
            assert_eq!(d.slot(4).policy(), Some(p));
        }
    }

    #[test]
    fn a_closed_gate_lets_exactly_one_step_through() {
        let c = Control::new().unwrap();
        let s = c.slot(0);
        s.close_gate();
        s.step();
        assert!(s.pass_gate(), "the step token lets one operation through");
        std::thread::scope(|sc| {
            let t = sc.spawn(|| s.pass_gate());
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while s.phase() != Phase::Parked {
                assert!(std::time::Instant::now() < deadline);
                std::thread::yield_now();
            }
            s.open_gate();
            assert!(t.join().unwrap());
        });
    }

    #[test]
    fn a_stop_request_releases_a_parked_child() {
        let c = Control::new().unwrap();
        let s = c.slot(1);
        s.close_gate();
        std::thread::scope(|sc| {
            let t = sc.spawn(|| s.pass_gate());
            s.request_stop();
            assert!(!t.join().unwrap());
        });
    }
}
