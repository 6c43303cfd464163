//! Shared memory regions: an anonymous memfd mapped `MAP_SHARED`, passed to
//! child processes by fd inheritance and mapped again there (read-write for
//! participants, read-only for observers).

use std::num::NonZeroUsize;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::ptr::NonNull;

use nix::errno::Errno;
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};
use nix::sys::stat::fstat;
use nix::unistd::{dup, ftruncate};

/// What can go wrong while creating or mapping a region.
#[derive(Debug, thiserror::Error)]
pub enum ShmError {
    #[error("{op}: {source}")]
    Os {
        op: &'static str,
        #[source]
        source: Errno,
    },
    #[error("shared region of {0} bytes is empty or too large")]
    BadSize(u64),
}

pub(crate) fn os(op: &'static str) -> impl FnOnce(Errno) -> ShmError {
    move |source| ShmError::Os { op, source }
}

/// One mapping of a memfd. Dropping it unmaps it and closes its fd.
#[derive(Debug)]
pub struct SharedRegion {
    ptr: NonNull<u8>,
    len: usize,
    fd: OwnedFd,
    writable: bool,
}

// SAFETY: the region is plain shared memory; every access through it goes
// through atomics or is guarded by the process-shared lock stored inside it.
unsafe impl Send for SharedRegion {}
// SAFETY: as above; `&SharedRegion` only hands out raw pointers.
unsafe impl Sync for SharedRegion {}

impl SharedRegion {
    /// Creates a zero-filled region of `len` bytes named `name` (the name shows
    /// in `/proc/<pid>/maps` as `/memfd:NAME (deleted)`). The fd is close-on-exec.
    pub fn create(name: &str, len: usize) -> Result<Self, ShmError> {
        if len == 0 || len > (1 << 34) {
            return Err(ShmError::BadSize(len as u64));
        }
        let fd = memfd_create(name, MFdFlags::MFD_CLOEXEC).map_err(os("memfd_create"))?;
        ftruncate(&fd, len as i64).map_err(os("ftruncate"))?;
        Self::map(fd, len, true)
    }

    /// Maps the memfd `fd` (inherited from the creator). Its size is read
    /// with fstat.
    pub fn from_fd(fd: OwnedFd, writable: bool) -> Result<Self, ShmError> {
        let st = fstat(&fd).map_err(os("fstat"))?;
        let len = st.st_size as u64;
        if len == 0 || len > (1 << 34) {
            return Err(ShmError::BadSize(len));
        }
        Self::map(fd, len as usize, writable)
    }

    /// A second, read-only mapping of the same memory, with its own fd.
    pub fn map_readonly(&self) -> Result<Self, ShmError> {
        let fd = dup(&self.fd).map_err(os("dup"))?;
        Self::map(fd, self.len, false)
    }

    /// A second read-write mapping with its own fd (a separate handle).
    pub fn try_clone(&self) -> Result<Self, ShmError> {
        let fd = dup(&self.fd).map_err(os("dup"))?;
        Self::map(fd, self.len, self.writable)
    }

    fn map(fd: OwnedFd, len: usize, writable: bool) -> Result<Self, ShmError> {
        let size = NonZeroUsize::new(len).ok_or(ShmError::BadSize(0))?;
        let prot = if writable {
            ProtFlags::PROT_READ | ProtFlags::PROT_WRITE
        } else {
            ProtFlags::PROT_READ
        };
        // SAFETY: a fresh mapping chosen by the kernel (no fixed address), of
        // a file at least `len` bytes long; nothing else aliases it in Rust.
        let ptr =
            unsafe { mmap(None, size, prot, MapFlags::MAP_SHARED, &fd, 0) }.map_err(os("mmap"))?;
        Ok(Self {
            ptr: ptr.cast(),
            len,
            fd,
            writable,
        })
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn writable(&self) -> bool {
        self.writable
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for SharedRegion {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly the mapping made in `map`, and no
        // reference into it outlives `self`.
        let _ = unsafe { munmap(self.ptr.cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_is_zero_filled_and_shared_between_mappings() {
        let a = SharedRegion::create("ipcscope-test", 4096).unwrap();
        let b = a.try_clone().unwrap();
        let ro = a.map_readonly().unwrap();
        // SAFETY: in-bounds accesses to live mappings of the same memfd.
        unsafe {
            assert_eq!(*a.as_ptr().add(100), 0);
            *a.as_ptr().add(100) = 7;
            assert_eq!(*b.as_ptr().add(100), 7);
            assert_eq!(*ro.as_ptr().add(100), 7);
        }
        assert!(!ro.writable());
    }

    #[test]
    fn zero_size_is_an_error() {
        assert!(matches!(
            SharedRegion::create("ipcscope-test", 0),
            Err(ShmError::BadSize(0))
        ));
    }
}
