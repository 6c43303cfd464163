//! The guard: a small process between ipcscope and the program it watches
//! (`ipcscope __child attach-guard ... -- PYTHON PROG.py`), there so that
//! the program's whole tree ends with ipcscope on every path, even
//! `kill -9` of ipcscope.
//!
//! It is a subreaper (`PR_SET_CHILD_SUBREAPER`): every process the
//! program starts, however deep (forked children, a forkserver's children,
//! a child whose parent died), stays its descendant. It starts the program
//! in a process group of its own, with `PR_SET_PDEATHSIG(SIGKILL)` tied to
//! itself, reaps whatever ends under it and tells ipcscope how each ended
//! (one JSON line per process on the status descriptor). It holds the read
//! end of ipcscope's lifeline, a pipe whose write end only ipcscope has:
//! when that pipe reaches end of file — ipcscope quit, crashed or was
//! killed — the guard SIGKILLs every descendant it has, reaps them and
//! exits. Unlike ipcscope's other children it has no death signal of its
//! own: it must outlive ipcscope for that moment.

use std::io::Write;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use clap::Subcommand;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::child::{ChildResult, inherited};
use crate::proc::tree;

/// The guard's role on the command line.
#[derive(Debug, Subcommand)]
pub enum GuardRole {
    /// Starts PROGRAM (the interpreter and its arguments) under a subreaper
    /// that stops its whole tree once the lifeline closes.
    AttachGuard {
        /// Read end of ipcscope's lifeline (end of file: stop everything).
        #[arg(long)]
        lifeline: RawFd,
        /// Where to write how each process under the guard ended.
        #[arg(long)]
        status: RawFd,
        /// The folder the program runs in.
        #[arg(long)]
        cwd: String,
        #[arg(last = true, required = true)]
        program: Vec<String>,
    },
}

/// How the guard tells ipcscope what happened: one JSON object per line.
fn say(out: &mut std::fs::File, line: &str) {
    let _ = out.write_all(format!("{line}\n").as_bytes());
}

/// Runs the guard; its exit code is 0 once everything under it is gone.
pub fn run(role: GuardRole) -> ChildResult {
    let GuardRole::AttachGuard {
        lifeline,
        status,
        cwd,
        program,
    } = role;
    let lifeline = inherited(lifeline)?;
    let status: OwnedFd = inherited(status)?;
    for fd in [&lifeline, &status] {
        set_cloexec(fd);
    }
    let mut status = std::fs::File::from(status);
    tree::become_subreaper()?;
    let me = std::process::id() as libc::pid_t;
    let mut cmd = Command::new(&program[0]);
    cmd.args(&program[1..])
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .process_group(0);
    // SAFETY: between fork and exec: prctl and getppid only.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != me {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let main = match cmd.spawn() {
        Ok(c) => c.id() as i32,
        Err(e) => {
            let why = serde_json::to_string(&e.to_string()).unwrap_or_default();
            say(&mut status, &format!(r#"{{"error":{why}}}"#));
            return Ok(());
        }
    };
    say(&mut status, &format!(r#"{{"main":{main}}}"#));
    let mut byte = [0u8; 64];
    loop {
        reap(&mut status, false);
        let mut fds = [PollFd::new(lifeline.as_fd(), PollFlags::POLLIN)];
        let ready = poll(&mut fds, PollTimeout::from(20u16)).unwrap_or(0);
        if ready > 0 {
            match nix::unistd::read(&lifeline, &mut byte) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    // ipcscope is gone, or done: nothing it started may outlive it.
    tree::kill_descendants(me, 50);
    reap(&mut status, true);
    Ok(())
}

/// Reaps every child that has ended and says how; with `all`, waits until
/// none is left.
fn reap(status: &mut std::fs::File, all: bool) {
    loop {
        let flags = if all {
            None
        } else {
            Some(WaitPidFlag::WNOHANG)
        };
        match waitpid(Pid::from_raw(-1), flags) {
            Ok(WaitStatus::Exited(pid, code)) => {
                say(status, &format!(r#"{{"pid":{pid},"code":{code}}}"#))
            }
            Ok(WaitStatus::Signaled(pid, sig, _)) => say(
                status,
                &format!(r#"{{"pid":{pid},"signal":{}}}"#, sig as i32),
            ),
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(_) => {}
        }
        if all {
            // Whatever forked meanwhile goes too.
            tree::kill_descendants(std::process::id() as i32, 5);
        }
    }
}

fn set_cloexec(fd: &OwnedFd) {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    let _ = fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC));
}
