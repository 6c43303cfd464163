//! The two cross-process primitives everything shared is built on: a robust
//! process-shared pthread mutex (a holder killed mid-operation hands the next
//! locker `EOWNERDEAD` instead of wedging everyone) and futex waits on 32-bit
//! sequence words (a blocked process really sleeps in the kernel, which is
//! what the visualizer shows).

use std::sync::atomic::AtomicU32;
use std::time::{Duration, Instant};

use nix::errno::Errno;

/// How a lock was acquired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// The usual case.
    Clean,
    /// The previous holder died holding it: the protected state may be half
    /// updated. The caller must repair it, then call [`mark_consistent`].
    OwnerDied,
}

/// Why a lock was not acquired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    #[error("timed out waiting for the lock")]
    Timeout,
    #[error("lock is unrecoverable: a holder died and nobody repaired it")]
    NotRecoverable,
    #[error("lock: {0}")]
    Os(#[source] Errno),
}

/// Initialises a robust, process-shared, error-checking mutex in place.
///
/// # Safety
/// `m` must point to writable, suitably aligned memory that no process uses
/// as a mutex yet.
pub unsafe fn init_robust_mutex(m: *mut libc::pthread_mutex_t) -> Result<(), Errno> {
    // SAFETY: attr is a local initialised by pthread_mutexattr_init before
    // use and destroyed after; `m` is valid per this function's contract.
    unsafe {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
        check(libc::pthread_mutexattr_init(attr.as_mut_ptr()))?;
        let attr = attr.as_mut_ptr();
        let r = (|| {
            check(libc::pthread_mutexattr_setpshared(
                attr,
                libc::PTHREAD_PROCESS_SHARED,
            ))?;
            check(libc::pthread_mutexattr_setrobust(
                attr,
                libc::PTHREAD_MUTEX_ROBUST,
            ))?;
            check(libc::pthread_mutex_init(m, attr))
        })();
        libc::pthread_mutexattr_destroy(attr);
        r
    }
}

fn check(rc: libc::c_int) -> Result<(), Errno> {
    if rc == 0 {
        Ok(())
    } else {
        Err(Errno::from_raw(rc))
    }
}

/// Locks `m`, waiting until `deadline` (forever when `None`).
///
/// # Safety
/// `m` must point to a mutex initialised by [`init_robust_mutex`] in a live
/// shared mapping.
pub unsafe fn lock(
    m: *mut libc::pthread_mutex_t,
    deadline: Option<Instant>,
) -> Result<Locked, LockError> {
    // SAFETY: `m` is a valid mutex per the contract.
    let mut rc = unsafe { spin_trylock(m) };
    if rc == libc::EBUSY {
        rc = match deadline {
            // SAFETY: as above.
            None => unsafe { libc::pthread_mutex_lock(m) },
            Some(deadline) => {
                let ts = realtime_deadline(deadline);
                // SAFETY: as above; `ts` is a valid timespec.
                unsafe { libc::pthread_mutex_timedlock(m, &ts) }
            }
        };
    }
    match rc {
        0 => Ok(Locked::Clean),
        libc::EOWNERDEAD => Ok(Locked::OwnerDied),
        libc::ETIMEDOUT => Err(LockError::Timeout),
        libc::ENOTRECOVERABLE => Err(LockError::NotRecoverable),
        e => Err(LockError::Os(Errno::from_raw(e))),
    }
}

/// Lock holds last a few dozen nanoseconds, so a contended locker first
/// retries briefly (as glibc's adaptive mutexes do) before sleeping in the
/// kernel: a futex sleep and wake per contended operation would cost
/// microseconds. This bounds the spin to well under a microsecond.
const LOCK_SPINS: u32 = 100;

/// `pthread_mutex_trylock`, retried up to [`LOCK_SPINS`] times while the
/// lock word shows a holder.
///
/// # Safety
/// As for [`lock`].
unsafe fn spin_trylock(m: *mut libc::pthread_mutex_t) -> libc::c_int {
    // glibc keeps the lock word (owner tid | flags) first in the mutex.
    // SAFETY: the mutex is at least 4 bytes, 4-aligned, in a live mapping;
    // we only read the word.
    let word = unsafe { &*(m as *const std::sync::atomic::AtomicI32) };
    for _ in 0..LOCK_SPINS {
        // SAFETY: `m` is valid per the contract.
        let rc = unsafe { libc::pthread_mutex_trylock(m) };
        if rc != libc::EBUSY {
            return rc;
        }
        let mut n = 0;
        while word.load(std::sync::atomic::Ordering::Relaxed) != 0 && n < 32 {
            std::hint::spin_loop();
            n += 1;
        }
    }
    libc::EBUSY
}

/// Declares the state behind a lock repaired after [`Locked::OwnerDied`].
///
/// # Safety
/// `m` must be a robust mutex this thread holds.
pub unsafe fn mark_consistent(m: *mut libc::pthread_mutex_t) {
    // SAFETY: per the contract.
    unsafe { libc::pthread_mutex_consistent(m) };
}

/// # Safety
/// `m` must be a mutex this thread holds.
pub unsafe fn unlock(m: *mut libc::pthread_mutex_t) {
    // SAFETY: per the contract.
    unsafe { libc::pthread_mutex_unlock(m) };
}

/// `pthread_mutex_timedlock` wants CLOCK_REALTIME; convert our monotonic
/// deadline at the last moment.
fn realtime_deadline(deadline: Instant) -> libc::timespec {
    let left = deadline.saturating_duration_since(Instant::now());
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    let mut sec = now.tv_sec + left.as_secs() as libc::time_t;
    let mut nsec = now.tv_nsec + left.subsec_nanos() as libc::c_long;
    if nsec >= 1_000_000_000 {
        sec += 1;
        nsec -= 1_000_000_000;
    }
    libc::timespec {
        tv_sec: sec,
        tv_nsec: nsec,
    }
}

/// How a futex wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Woken (or spuriously returned): re-check the condition.
    Woken,
    /// The word no longer held the expected value: re-check at once.
    Changed,
    TimedOut,
    Interrupted,
}

/// Sleeps in the kernel while `*word == expected`, for at most `timeout`.
/// Shared (not private) futex: works across processes mapping the word.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> Wake {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live 4-byte aligned atomic; FUTEX_WAIT only reads it
    // and the relative timeout pointer is valid or null.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            ts_ptr,
            std::ptr::null::<u32>(),
            0u32,
        )
    };
    if rc == 0 {
        return Wake::Woken;
    }
    match Errno::last() {
        Errno::EAGAIN => Wake::Changed,
        Errno::ETIMEDOUT => Wake::TimedOut,
        Errno::EINTR => Wake::Interrupted,
        _ => Wake::Woken,
    }
}

/// Wakes up to `n` processes sleeping on `word`; returns how many woke.
pub fn futex_wake(word: &AtomicU32, n: i32) -> usize {
    // SAFETY: FUTEX_WAKE on a live aligned word; the other arguments are unused.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            n,
            std::ptr::null::<libc::timespec>(),
            std::ptr::null::<u32>(),
            0u32,
        )
    };
    rc.max(0) as usize
}

/// A deadline from a timeout in seconds, as Python reads one: `None` waits
/// forever; a finite number is validated by the caller.
pub fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|t| Instant::now() + t)
}

/// Time left before `deadline`, `None` meaning no deadline.
pub fn remaining(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn futex_wait_returns_changed_when_value_differs() {
        let w = AtomicU32::new(5);
        assert_eq!(futex_wait(&w, 4, None), Wake::Changed);
    }

    #[test]
    fn futex_wait_times_out_not_before_its_timeout() {
        let w = AtomicU32::new(0);
        let start = Instant::now();
        assert_eq!(
            futex_wait(&w, 0, Some(Duration::from_millis(50))),
            Wake::TimedOut
        );
        assert!(start.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn futex_wake_wakes_a_sleeping_thread() {
        let w = std::sync::Arc::new(AtomicU32::new(0));
        let w2 = w.clone();
        let t = std::thread::spawn(move || {
            while w2.load(Ordering::SeqCst) == 0 {
                futex_wait(&w2, 0, Some(Duration::from_secs(30)));
            }
        });
        w.store(1, Ordering::SeqCst);
        futex_wake(&w, i32::MAX);
        t.join().unwrap();
    }
}
