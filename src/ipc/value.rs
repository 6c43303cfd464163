//! Shared integers (model: `multiprocessing.Value` and `Array`): zero-filled
//! `i64`s in a shared memfd, with an optional robust process-shared lock and
//! a start barrier so racing processes truly overlap.
//!
//! [`SharedArray::increment_unlocked`] is a genuine separate read and write
//! (as Python's `v.value += 1` is), so concurrent increments really get lost;
//! [`SharedArray::increment_locked`] holds the lock across both (V2).

use std::cell::UnsafeCell;
use std::mem::size_of;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::shm::{SharedRegion, ShmError};
use super::sync::{self, LockError, Locked};

/// Longest array accepted.
pub const MAX_LEN: usize = 1 << 20;
const MAGIC: u64 = 0x6970_6373_5641_4c55;
/// The memfd name (`/memfd:ipcscope-value` in `/proc/<pid>/maps`).
pub const MEMFD_NAME: &str = "ipcscope-value";

#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error("index {index} out of range for an array of {len}")]
    IndexOutOfRange { index: usize, len: usize },
    #[error("array length {0} is out of range: 1 to {MAX_LEN}")]
    BadLength(usize),
    #[error("this value was made with lock=False: it has no lock")]
    NoLock,
    #[error("not an ipcscope shared value (bad magic or size)")]
    NotAValue,
    #[error("timed out waiting at the start barrier")]
    BarrierTimeout,
    #[error(transparent)]
    Shm(#[from] ShmError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

#[repr(C, align(64))]
struct Header {
    magic: u64,
    len: u64,
    has_lock: u32,
    /// Processes arrived at the start barrier.
    arrived: AtomicU32,
    /// Times a holder died with the lock and the next one recovered it.
    recoveries: AtomicU64,
    mutex: UnsafeCell<libc::pthread_mutex_t>,
}

/// Offset of the lock's futex word from the start of the mapping (the
/// address a process blocked on the lock shows in `/proc/<pid>/syscall`).
pub fn lock_offset() -> u64 {
    std::mem::offset_of!(Header, mutex) as u64
}

const VALUES_OFFSET: usize = (size_of::<Header>() + 63) & !63;

/// A shared array of `i64` (a Value is an array of one).
pub struct SharedArray {
    mem: SharedRegion,
}

impl SharedArray {
    /// `Array('q', len, lock=lock)`: zero-filled.
    pub fn new(len: usize, lock: bool) -> Result<SharedArray, ValueError> {
        if len == 0 || len > MAX_LEN {
            return Err(ValueError::BadLength(len));
        }
        let mem = SharedRegion::create(MEMFD_NAME, VALUES_OFFSET + len * 8)?;
        // SAFETY: fresh zeroed region, private until we hand out its fd.
        unsafe {
            let h = mem.as_ptr() as *mut Header;
            (*h).len = len as u64;
            (*h).has_lock = lock as u32;
            if lock {
                sync::init_robust_mutex((*h).mutex.get()).map_err(|e| ShmError::Os {
                    op: "pthread_mutex_init",
                    source: e,
                })?;
            }
            (*h).magic = MAGIC;
        }
        Ok(SharedArray { mem })
    }

    /// `Value('q', 0, lock=lock)`.
    pub fn value(lock: bool) -> Result<SharedArray, ValueError> {
        Self::new(1, lock)
    }

    /// Opens one inherited from its creator.
    pub fn from_fd(fd: OwnedFd) -> Result<SharedArray, ValueError> {
        let mem = SharedRegion::from_fd(fd, true)?;
        if mem.len() < VALUES_OFFSET {
            return Err(ValueError::NotAValue);
        }
        // SAFETY: at least a header is mapped.
        let h = unsafe { &*(mem.as_ptr() as *const Header) };
        if h.magic != MAGIC || h.len == 0 || mem.len() < VALUES_OFFSET + h.len as usize * 8 {
            return Err(ValueError::NotAValue);
        }
        Ok(SharedArray { mem })
    }

    /// Where this handle maps the value in this process's address space.
    pub fn map_base(&self) -> u64 {
        self.mem.as_ptr() as u64
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.mem.fd()
    }

    fn header(&self) -> &Header {
        // SAFETY: validated or built with a header.
        unsafe { &*(self.mem.as_ptr() as *const Header) }
    }

    pub fn len(&self) -> usize {
        self.header().len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn has_lock(&self) -> bool {
        self.header().has_lock != 0
    }

    /// Times a lock holder died and the next locker carried on.
    pub fn recoveries(&self) -> u64 {
        self.header().recoveries.load(Ordering::Relaxed)
    }

    fn cell(&self, index: usize) -> Result<*mut i64, ValueError> {
        let len = self.len();
        if index >= len {
            return Err(ValueError::IndexOutOfRange { index, len });
        }
        // SAFETY: index < len values follow the header.
        Ok(unsafe { (self.mem.as_ptr().add(VALUES_OFFSET) as *mut i64).add(index) })
    }

    /// Reads element `index` (one plain load, like `v.value`).
    pub fn get(&self, index: usize) -> Result<i64, ValueError> {
        let p = self.cell(index)?;
        // SAFETY: valid aligned cell in a live mapping; racy by design.
        Ok(unsafe { std::ptr::read_volatile(p) })
    }

    /// Writes element `index` (one plain store).
    pub fn set(&self, index: usize, v: i64) -> Result<(), ValueError> {
        let p = self.cell(index)?;
        // SAFETY: as in `get`.
        unsafe { std::ptr::write_volatile(p, v) };
        Ok(())
    }

    /// Stores `v` in element `index` and returns what it held just before,
    /// in one atomic exchange: a plain store as far as the race goes (a
    /// read-modify-write split in steps is still lost between them), which
    /// also tells exactly what it overwrote.
    pub fn exchange(&self, index: usize, v: i64) -> Result<i64, ValueError> {
        let p = self.cell(index)?;
        // SAFETY: a valid 8-aligned cell in a live shared mapping; every
        // access to it is a single aligned load or store (or this exchange).
        let a = unsafe { &*(p as *const std::sync::atomic::AtomicI64) };
        Ok(a.swap(v, Ordering::AcqRel))
    }

    /// Takes the lock without waiting: `Ok(false)` when another process
    /// holds it. A holder found dead is recovered from, as in [`Self::lock`].
    pub fn try_lock(&self) -> Result<bool, ValueError> {
        if !self.has_lock() {
            return Err(ValueError::NoLock);
        }
        let m = self.header().mutex.get();
        // SAFETY: initialised at creation because has_lock is set.
        let rc = unsafe { libc::pthread_mutex_trylock(m) };
        match rc {
            0 => Ok(true),
            libc::EBUSY => Ok(false),
            libc::EOWNERDEAD => {
                self.recovered(m);
                Ok(true)
            }
            libc::ENOTRECOVERABLE => Err(LockError::NotRecoverable.into()),
            e => Err(LockError::Os(nix::errno::Errno::from_raw(e)).into()),
        }
    }

    /// Takes the lock (`v.get_lock().acquire()`), sleeping in the kernel
    /// (a futex wait on the lock word) while another process holds it;
    /// recovers from a holder that died with it.
    pub fn lock(&self) -> Result<(), ValueError> {
        if !self.has_lock() {
            return Err(ValueError::NoLock);
        }
        let m = self.header().mutex.get();
        // SAFETY: initialised at creation because has_lock is set.
        if unsafe { sync::lock(m, None) }? == Locked::OwnerDied {
            self.recovered(m);
        }
        Ok(())
    }

    /// Releases the lock this process holds (`release()`).
    pub fn unlock(&self) {
        if self.has_lock() {
            // SAFETY: the caller holds it (an error-checking robust mutex
            // refuses an unlock by anyone else).
            unsafe { sync::unlock(self.header().mutex.get()) };
        }
    }

    /// The process holding the lock (its thread id, which is its pid: our
    /// processes are single-threaded), 0 when free. Read from the lock
    /// word, where the kernel's robust futex protocol keeps the owner's
    /// tid; racy by nature (a hint for the screen).
    pub fn lock_holder(&self) -> i32 {
        if !self.has_lock() {
            return 0;
        }
        // SAFETY: the lock word is the mutex's first 4 bytes, aligned, in
        // a live mapping; we only read it.
        let word = unsafe { &*(self.header().mutex.get() as *const AtomicU32) };
        (word.load(Ordering::Relaxed) & FUTEX_TID_MASK) as i32
    }

    /// A holder died with the lock: a single store is all a holder does, so
    /// there is nothing to repair; count it and mark the lock consistent.
    fn recovered(&self, m: *mut libc::pthread_mutex_t) {
        self.header().recoveries.fetch_add(1, Ordering::Relaxed);
        // SAFETY: we hold it (just acquired with EOWNERDEAD).
        unsafe { sync::mark_consistent(m) };
    }

    /// `v.value += 1` without the lock: a read, then `gap` of work, then a
    /// write. Another process's increment in between is lost (V2).
    pub fn increment_unlocked(&self, index: usize, gap: Duration) -> Result<(), ValueError> {
        let v = self.get(index)?;
        spin_for(gap);
        self.set(index, v.wrapping_add(1))
    }

    /// `with v.get_lock(): v.value += 1`: exact under any interleaving.
    pub fn increment_locked(&self, index: usize, gap: Duration) -> Result<(), ValueError> {
        let p = self.cell(index)?;
        self.with_lock(|| {
            // SAFETY: valid cell; we hold the lock every locked writer takes.
            unsafe {
                let v = std::ptr::read_volatile(p);
                spin_for(gap);
                std::ptr::write_volatile(p, v.wrapping_add(1));
            }
        })
    }

    /// Runs `f` holding the lock (`get_lock()`); recovers from a dead holder.
    pub fn with_lock<R>(&self, f: impl FnOnce() -> R) -> Result<R, ValueError> {
        if !self.has_lock() {
            return Err(ValueError::NoLock);
        }
        let m = self.header().mutex.get();
        // SAFETY: initialised at creation because has_lock is set.
        let how = unsafe { sync::lock(m, None) }?;
        if how == Locked::OwnerDied {
            // A single store is all a holder does: nothing to repair.
            self.header().recoveries.fetch_add(1, Ordering::Relaxed);
            // SAFETY: we hold it.
            unsafe { sync::mark_consistent(m) };
        }
        let r = f();
        // SAFETY: we hold it.
        unsafe { sync::unlock(m) };
        Ok(r)
    }

    /// Waits until `n` processes have arrived (a start barrier), so racing
    /// processes start together. Sleeps on a futex; `timeout` bounds it.
    pub fn barrier_wait(&self, n: u32, timeout: Duration) -> Result<(), ValueError> {
        let word = &self.header().arrived;
        let deadline = Instant::now() + timeout;
        let mut seen = word.fetch_add(1, Ordering::AcqRel) + 1;
        if seen >= n {
            sync::futex_wake(word, i32::MAX);
            return Ok(());
        }
        while seen < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ValueError::BarrierTimeout);
            }
            sync::futex_wait(word, seen, Some(left));
            seen = word.load(Ordering::Acquire);
        }
        Ok(())
    }
}

/// The owner's tid in a robust futex word (the kernel's `FUTEX_TID_MASK`).
const FUTEX_TID_MASK: u32 = 0x3fff_ffff;

/// Busy work of a given length: keeps the read and the write apart without
/// a syscall (a sleep would make the race too easy to see and too slow).
pub fn spin_for(gap: Duration) {
    if gap.is_zero() {
        return;
    }
    let end = Instant::now() + gap;
    while Instant::now() < end {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_values_start_at_zero() {
        let a = SharedArray::new(4, true).unwrap();
        for i in 0..4 {
            assert_eq!(a.get(i).unwrap(), 0);
        }
    }

    #[test]
    fn v3_overflow_wraps_silently() {
        let v = SharedArray::value(true).unwrap();
        v.set(0, i64::MAX).unwrap();
        v.increment_locked(0, Duration::ZERO).unwrap();
        assert_eq!(v.get(0).unwrap(), i64::MIN);
    }

    #[test]
    fn v3_index_out_of_range_is_an_error() {
        let a = SharedArray::new(2, false).unwrap();
        assert!(matches!(
            a.get(2),
            Err(ValueError::IndexOutOfRange { index: 2, len: 2 })
        ));
        assert!(a.set(5, 1).is_err());
    }

    #[test]
    fn v1_lock_false_has_no_lock() {
        let v = SharedArray::value(false).unwrap();
        assert!(matches!(v.with_lock(|| ()), Err(ValueError::NoLock)));
        assert!(matches!(
            v.increment_locked(0, Duration::ZERO),
            Err(ValueError::NoLock)
        ));
    }

    #[test]
    fn bad_length_is_an_error() {
        assert!(matches!(
            SharedArray::new(0, true),
            Err(ValueError::BadLength(0))
        ));
    }

    #[test]
    fn exchange_stores_and_returns_what_it_replaced() {
        let a = SharedArray::new(2, false).unwrap();
        a.set(1, 5).unwrap();
        assert_eq!(a.exchange(1, 6).unwrap(), 5);
        assert_eq!(a.get(1).unwrap(), 6);
        assert!(a.exchange(2, 0).is_err());
    }

    #[test]
    fn the_lock_word_names_its_holder_and_try_lock_sees_it_taken() {
        let v = SharedArray::value(true).unwrap();
        assert_eq!(v.lock_holder(), 0);
        v.lock().unwrap();
        let me = nix::unistd::gettid().as_raw();
        assert_eq!(v.lock_holder(), me);
        std::thread::scope(|s| {
            let other = s.spawn(|| v.try_lock().unwrap());
            assert!(!other.join().unwrap(), "held by this thread");
        });
        v.unlock();
        assert_eq!(v.lock_holder(), 0);
        assert!(v.try_lock().unwrap());
        v.unlock();
    }

    #[test]
    fn v2_locked_increments_from_threads_are_exact() {
        let v = SharedArray::value(true).unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        v.increment_locked(0, Duration::ZERO).unwrap();
                    }
                });
            }
        });
        assert_eq!(v.get(0).unwrap(), 40_000);
    }
}
