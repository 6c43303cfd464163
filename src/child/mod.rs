//! Code that runs inside child processes. Each child is this binary
//! re-executed as `ipcscope __child <role> ...`; it rebuilds its IPC objects
//! from inherited fd numbers and never draws.

pub mod args;
pub mod bench;
pub mod ctx;
mod feeder;
pub mod lesson;
pub mod race;
pub mod testing;

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use clap::Subcommand;

use crate::ipc::pipe::{Connection, PipeKind};

/// The hidden roles (`ipcscope __child <role>`).
#[derive(Debug, Subcommand)]
pub enum HiddenRole {
    #[command(flatten)]
    Lesson(lesson::LessonRole),
    #[command(flatten)]
    Testing(testing::TestRole),
    #[command(flatten)]
    Bench(bench::BenchRole),
    #[command(flatten)]
    AttachGuard(crate::attach::guard::GuardRole),
}

/// Runs a role; returns the process exit code.
pub fn run(role: HiddenRole) -> i32 {
    let result = match role {
        HiddenRole::Lesson(r) => lesson::run(r),
        HiddenRole::Testing(r) => testing::run(r),
        HiddenRole::Bench(r) => bench::run(r),
        HiddenRole::AttachGuard(r) => crate::attach::guard::run(r),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ipcscope child: {e}");
            1
        }
    }
}

/// Errors a child reports before exiting non-zero.
pub type ChildResult = Result<(), Box<dyn std::error::Error>>;

/// Takes ownership of an fd inherited from the parent, after checking it is
/// open.
pub fn inherited(fd: RawFd) -> std::io::Result<OwnedFd> {
    // SAFETY: F_GETFD only queries the descriptor table.
    if fd < 0 || unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("fd {fd} was not inherited"),
        ));
    }
    // SAFETY: the fd is open and nothing else in this fresh process owns it:
    // the parent passed it to this role alone.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Rebuilds an inherited pipe end.
pub fn inherited_connection(
    fd: RawFd,
    readable: bool,
    writable: bool,
    duplex: bool,
) -> Result<Connection, Box<dyn std::error::Error>> {
    let kind = if duplex {
        PipeKind::Duplex
    } else {
        PipeKind::OneWay
    };
    let fd = inherited(fd)?;
    use std::os::fd::IntoRawFd;
    // SAFETY: we own `fd` (taken above) and hand that ownership on.
    Ok(unsafe { Connection::from_raw_fd(fd.into_raw_fd(), readable, writable, kind) }?)
}
