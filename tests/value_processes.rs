//! Shared Value across real processes: lost updates without the lock are
//! real; with it the count is exact (V2).

mod common;

use std::os::fd::AsRawFd;

use common::*;
use ipcscope::ipc::value::SharedArray;
use ipcscope::proc::spawn::{ChildGuard, Exit};

const PROCS: u32 = 4;
const INCREMENTS: u64 = 100_000;

/// Runs PROCS counter processes on a fresh value and returns the final count.
fn run_counters(lock: bool, gap_ns: u64) -> i64 {
    let v = SharedArray::value(lock).unwrap();
    let fd = v.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let fd_s = fd_arg(fd);
    let procs = PROCS.to_string();
    let incs = INCREMENTS.to_string();
    let gap = gap_ns.to_string();
    let mut args = vec![
        "count",
        "--value-fd",
        &fd_s,
        "--procs",
        &procs,
        "--increments",
        &incs,
        "--gap-ns",
        &gap,
    ];
    if lock {
        args.push("--lock");
    }
    let pids: Vec<i32> = (0..PROCS)
        .map(|_| spawn_role(&mut guard, &args, &[fd]))
        .collect();
    for pid in pids {
        assert_eq!(guard.wait(pid, DEADLINE), Some(Exit::Code(0)));
    }
    v.get(0).unwrap()
}

#[test]
fn v2_with_the_lock_four_processes_count_exactly() {
    assert_eq!(run_counters(true, 200), (PROCS as u64 * INCREMENTS) as i64);
}

#[test]
fn v2_without_the_lock_updates_are_lost_and_never_invented() {
    let expected = (PROCS as u64 * INCREMENTS) as i64;
    let mut finals = Vec::new();
    for _ in 0..5 {
        let got = run_counters(false, 200);
        assert!(
            got <= expected,
            "{got} > {expected}: an update was invented"
        );
        assert!(got > 0);
        finals.push(got);
        if got < expected {
            return;
        }
    }
    panic!("no update was lost in 5 runs: {finals:?}");
}
