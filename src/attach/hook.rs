//! The instrumentation's files and channels for one run: the Python
//! package (`assets/python`, built into the binary) written to a private
//! folder (mode 0700) that is removed when the run ends, the FIFO the
//! program's processes report on, and the page ipcscope sets slow motion
//! in. Also the environment that puts them in the program's hands.

use std::ffi::OsString;
use std::fs;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

/// The package's files, as built into the binary.
pub const FILES: &[(&str, &str)] = &[
    (
        "sitecustomize.py",
        include_str!("../../assets/python/sitecustomize.py"),
    ),
    (
        "ipcscope_hook/__init__.py",
        include_str!("../../assets/python/ipcscope_hook/__init__.py"),
    ),
];

/// Size of the slow-motion page; the factor is the f64 at offset 8.
const PAGE: usize = 4096;

/// A run's private folder, FIFO and slow-motion page.
pub struct Hook {
    dir: PathBuf,
    fifo: PathBuf,
    slow: PathBuf,
    /// ipcscope's end of the FIFO (opened read-write, so it never sees end
    /// of file while the program's processes come and go).
    pub reports: OwnedFd,
    /// The end the program writes to (passed to it as IPCSCOPE_FD).
    pub writer: OwnedFd,
    /// A blocking write end of the same FIFO: the program's standard
    /// output, so what it prints and what it reports keep their order.
    pub output: OwnedFd,
    /// The FIFO's inode: how a process checks its descriptor is still ours.
    pub inode: u64,
    page: Option<Page>,
}

/// The slow-motion page, mapped shared.
struct Page {
    ptr: *mut u8,
}

// SAFETY: the mapping is only written through `Hook::set_slow_motion`,
// which takes `&mut self`; the pointer stays valid until dropped.
unsafe impl Send for Page {}

impl Drop for Page {
    fn drop(&mut self) {
        // SAFETY: unmapping the region mapped in `Hook::create`.
        unsafe {
            libc::munmap(self.ptr.cast(), PAGE);
        }
    }
}

impl Hook {
    /// Writes the package into a new private folder under `tmp` and makes
    /// the FIFO and the page.
    pub fn create(tmp: &Path) -> std::io::Result<Hook> {
        let dir = private_dir(tmp)?;
        let made = (|| {
            for (name, text) in FILES {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    fs::DirBuilder::new()
                        .mode(0o700)
                        .recursive(true)
                        .create(parent)?;
                }
                fs::write(&path, text)?;
            }
            let fifo = dir.join("reports");
            nix::unistd::mkfifo(&fifo, Mode::S_IRUSR | Mode::S_IWUSR)?;
            let reports: OwnedFd = nix::fcntl::open(
                &fifo,
                OFlag::O_RDWR | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC,
                Mode::empty(),
            )?;
            let writer: OwnedFd =
                nix::fcntl::open(&fifo, OFlag::O_WRONLY | OFlag::O_NONBLOCK, Mode::empty())?;
            let output: OwnedFd =
                nix::fcntl::open(&fifo, OFlag::O_WRONLY | OFlag::O_CLOEXEC, Mode::empty())?;
            let inode = nix::sys::stat::fstat(&writer)?.st_ino;
            let slow = dir.join("slow");
            let f = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&slow)?;
            let mut page = vec![0u8; PAGE];
            page[..8].copy_from_slice(&1u64.to_le_bytes());
            page[8..16].copy_from_slice(&1.0f64.to_le_bytes());
            fs::write(&slow, &page)?;
            // SAFETY: a fresh shared mapping of a file we own, of its size.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    PAGE,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    f.as_raw_fd(),
                    0,
                )
            };
            let page = (ptr != libc::MAP_FAILED).then_some(Page { ptr: ptr.cast() });
            Ok::<_, std::io::Error>(Hook {
                dir: dir.clone(),
                fifo,
                slow,
                reports,
                writer,
                output,
                inode,
                page,
            })
        })();
        if made.is_err() {
            let _ = fs::remove_dir_all(&dir);
        }
        made
    }

    /// The environment the program's processes find the instrumentation
    /// by: PYTHONPATH (the package first, then what was there), the
    /// descriptor, the FIFO and the page.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        let mut path = self.dir.clone().into_os_string();
        if let Some(old) = std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
            path.push(":");
            path.push(old);
        }
        vec![
            ("PYTHONPATH".into(), path),
            (
                "IPCSCOPE_FD".into(),
                self.writer.as_raw_fd().to_string().into(),
            ),
            ("IPCSCOPE_INO".into(), self.inode.to_string().into()),
            ("IPCSCOPE_FIFO".into(), self.fifo.clone().into_os_string()),
            ("IPCSCOPE_SHM".into(), self.slow.clone().into_os_string()),
        ]
    }

    /// The folder the package is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sets slow motion: each operation waits, each sleep stretches.
    pub fn set_slow_motion(&mut self, factor: f64) {
        if let Some(p) = &self.page {
            // SAFETY: offset 8..16 is inside the mapped page; an aligned
            // 8-byte store, read by the program's processes with no lock
            // (a torn read is impossible for an aligned word on x86_64 and
            // aarch64).
            unsafe {
                std::ptr::write_volatile(p.ptr.add(8).cast::<f64>(), factor);
            }
        }
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.page = None;
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A new folder only we can read, under `tmp`.
fn private_dir(tmp: &Path) -> std::io::Result<PathBuf> {
    let pid = std::process::id();
    let t = crate::telemetry::now_ns();
    for i in 0..100u32 {
        let dir = tmp.join(format!("ipcscope-run-{pid}-{t:x}-{i}"));
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no fresh folder name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_is_written_privately_and_removed_with_the_hook() {
        let hook = Hook::create(&std::env::temp_dir()).unwrap();
        let dir = hook.dir().to_path_buf();
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(dir.join("sitecustomize.py").is_file());
        assert!(dir.join("ipcscope_hook/__init__.py").is_file());
        let env = hook.env();
        assert!(env.iter().any(|(k, v)| k == "IPCSCOPE_INO" && v != "0"));
        drop(hook);
        assert!(!dir.exists());
    }
}
