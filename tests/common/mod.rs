//! Shared helpers for the cross-process tests: start the ipcscope binary in
//! a hidden role, wait on conditions with generous deadlines.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::os::fd::RawFd;
use std::path::Path;
use std::process::ChildStdout;
use std::time::{Duration, Instant};

use ipcscope::proc::spawn::{ChildGuard, Output, Spec};

/// Long enough for a loaded 2-core CI machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ipcscope"))
}

/// Starts `ipcscope __child <args...>` keeping `fds`, stdout piped.
pub fn spawn_role(guard: &mut ChildGuard, args: &[&str], fds: &[RawFd]) -> i32 {
    let mut spec = Spec::new(std::iter::once("__child").chain(args.iter().copied()))
        .stdout(Output::Piped)
        .stderr(Output::Inherit);
    for &fd in fds {
        spec = spec.keep_fd(fd);
    }
    guard.spawn(exe(), &spec).expect("spawn child role")
}

pub fn take_stdout(guard: &mut ChildGuard, pid: i32) -> ChildStdout {
    guard.get_mut(pid).unwrap().stdout.take().unwrap()
}

/// Reads one line (blocking; the child is expected to print it soon).
pub fn read_line(r: &mut BufReader<ChildStdout>) -> String {
    let mut s = String::new();
    r.read_line(&mut s).expect("read child line");
    s.trim_end().to_string()
}

pub fn read_all(mut so: ChildStdout) -> String {
    let mut s = String::new();
    so.read_to_string(&mut s).expect("read child output");
    s
}

/// Polls `cond` until it holds; panics with `what` after [`DEADLINE`].
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn fd_arg(fd: RawFd) -> String {
    fd.to_string()
}
