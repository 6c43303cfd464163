//! The real binary's command line: bad values exit 2 with a reason and no
//! panic; `--help` and `--version` exit 0. Every case fails (or finishes) at
//! parsing, so no run starts.

use std::process::{Command, Output};

fn ipcscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipcscope"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run ipcscope")
}

/// Asserts `args` is rejected with exit code 2, an `error:` naming
/// `mentions`, and no panic.
fn rejected(args: &[&str], mentions: &[&str]) {
    let out = ipcscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains("error:"), "{args:?}: {stderr}");
    for m in mentions {
        assert!(
            stderr.contains(m),
            "{args:?}: {stderr:?} should mention {m:?}"
        );
    }
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{args:?}: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?}: nothing should run");
}

#[test]
fn writers_not_a_number_is_rejected() {
    rejected(&["--writers", "abc"], &["--writers", "abc"]);
}

#[test]
fn writers_zero_is_rejected_with_the_range() {
    rejected(&["--writers", "0"], &["--writers", "1..=64"]);
}

#[test]
fn delay_empty_range_is_rejected_with_a_reason() {
    rejected(&["--delay", "1..0"], &["--delay", "empty"]);
}

#[test]
fn delay_negative_is_rejected_as_out_of_range() {
    rejected(&["--delay", "-1..2"], &["--delay", "out of range"]);
}

#[test]
fn maxsize_too_large_is_rejected_with_the_range() {
    rejected(&["--maxsize", "70000"], &["--maxsize", "65536"]);
}

#[test]
fn put_timeout_zero_is_rejected_with_a_reason() {
    rejected(
        &["--put-timeout", "0"],
        &[
            "--put-timeout",
            "must be more than 0 and at most 3600 seconds",
        ],
    );
}

#[test]
fn put_timeout_nan_is_rejected_with_a_reason() {
    rejected(
        &["--put-timeout", "nan"],
        &[
            "--put-timeout",
            "must be more than 0 and at most 3600 seconds",
        ],
    );
}

#[test]
fn pipe_duplex_needs_true_or_false() {
    rejected(
        &["pipe", "--duplex", "maybe"],
        &["--duplex", "maybe", "true", "false"],
    );
}

#[test]
fn counter_zero_procs_is_rejected() {
    rejected(&["counter", "--procs", "0"], &["--procs", "1..=64"]);
}

#[test]
fn unknown_scenario_is_rejected() {
    rejected(&["frobnicate"], &["frobnicate"]);
}

#[test]
fn option_of_another_scenario_is_rejected() {
    rejected(&["pipe", "--writers", "3"], &["--writers"]);
}

#[test]
fn help_exits_zero_and_lists_the_scenarios() {
    let out = ipcscope(&["--help"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for s in [
        "queue",
        "pipe",
        "counter",
        "bench",
        "--writers",
        "--headless",
    ] {
        assert!(stdout.contains(s), "help should list {s}: {stdout}");
    }
    assert!(!stdout.contains("__child"), "the child roles stay hidden");
}

#[test]
fn version_exits_zero() {
    let out = ipcscope(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}
