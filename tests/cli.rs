//! The real binary's command line: bad values exit 2 with a reason and no
//! panic; `--help` and `--version` exit 0. Every case fails (or finishes) at
//! parsing, so no run starts. Also: every `ipcscope` command the README
//! shows parses.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ipcscope::config::MAX_PROCS;

/// Longest any case may take: a regression that blocks (a FIFO opened for
/// writing) fails instead of hanging the suite.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs the real binary with `args`; kills it and fails if it is still
/// running after [`DEADLINE`].
fn ipcscope(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ipcscope"))
        .env("LC_ALL", "C") // English, whatever the locale
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ipcscope");
    // Drain both pipes on their own threads so a chatty child cannot block.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for ipcscope") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ipcscope {args:?} still running after {DEADLINE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

/// A fresh directory under the system's temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ipcscope-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
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
    rejected(
        &["--writers", "0"],
        &["--writers", &format!("1..={MAX_PROCS}")],
    );
}

#[test]
fn writers_and_readers_over_max_procs_are_rejected_with_the_limit() {
    let w = MAX_PROCS.to_string();
    rejected(
        &["--writers", &w, "--readers", "1"],
        &[&format!("a run has at most {MAX_PROCS} at once")],
    );
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
fn delay_with_three_dots_is_rejected_naming_the_text() {
    rejected(
        &["--delay", "1...2"],
        &["--delay", "'1...2' is not a delay"],
    );
    rejected(
        &["pipe", "--delay", "1..2..3"],
        &["'1..2..3' is not a delay"],
    );
}

#[test]
fn maxsize_too_large_is_rejected_with_the_range() {
    rejected(&["--maxsize", "70000"], &["--maxsize", "65536"]);
}

#[test]
fn put_timeout_negative_is_rejected_with_a_reason() {
    rejected(
        &["--put-timeout", "-1"],
        &["--put-timeout", "'-1' is negative", "0 raises at once"],
    );
}

#[test]
fn put_timeout_nan_is_rejected_with_a_reason() {
    rejected(
        &["--put-timeout", "nan"],
        &["--put-timeout", "'nan' is not a number of seconds"],
    );
}

#[test]
fn nowait_get_with_get_timeout_is_rejected() {
    rejected(
        &["--nowait-get", "--get-timeout", "1"],
        &["--nowait-get", "--get-timeout"],
    );
}

#[test]
fn trace_to_a_fifo_is_refused_at_once_naming_it() {
    let dir = Scratch::new("fifo");
    let fifo = dir.join("trace.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    rejected(
        &["--headless", "--trace", s(&fifo)],
        &[
            "--trace",
            &format!(
                "cannot write the trace to {}: it is a FIFO, not a regular file",
                fifo.display()
            ),
        ],
    );
}

#[test]
fn trace_to_dev_full_is_refused_naming_it() {
    rejected(
        &["--headless", "--trace", "/dev/full"],
        &["cannot write the trace to /dev/full: it is a character device"],
    );
}

#[test]
fn record_to_a_dangling_symlink_is_refused_and_nothing_created() {
    let dir = Scratch::new("dangling");
    let target = dir.join("target");
    let link = dir.join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    rejected(
        &["counter", "--headless", "--record", s(&link)],
        &[
            "--record",
            &format!(
                "cannot write the recording to {}: it is a symbolic link; give the file's real path",
                link.display()
            ),
        ],
    );
    assert!(!target.exists());
}

#[test]
fn trace_in_a_missing_directory_is_refused_naming_it() {
    let dir = Scratch::new("missing");
    let nope = dir.join("nope");
    let path = nope.join("t.jsonl");
    rejected(
        &["pipe", "--headless", "--trace", s(&path)],
        &[&format!("the directory {} does not exist", nope.display())],
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
    rejected(
        &["counter", "--procs", "0"],
        &["--procs", &format!("1..={MAX_PROCS}")],
    );
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

/// The commands the README shows: lines in code blocks that start (at the
/// first column) with `$ ipcscope `, `ipcscope ` or `cargo run --release`,
/// and inline code spans that start with `ipcscope` or `cargo run
/// --release`. Spans with an ellipsis are placeholders and skipped;
/// `SCENARIO` stands for each scenario. Returns each command's arguments.
fn readme_commands(readme: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut prose = String::new();
    let mut in_code = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            prose.push('\n');
            continue;
        }
        if in_code {
            let line = line.strip_prefix("$ ").unwrap_or(line);
            let line = line.split(" #").next().unwrap_or(line);
            if line.starts_with("ipcscope ") || line.starts_with("cargo run --release") {
                commands.push(line.to_string());
            }
        } else {
            prose.push_str(line);
            prose.push(' ');
        }
    }
    assert!(!in_code, "README has an unclosed code block");
    let spans: Vec<&str> = prose.split('`').skip(1).step_by(2).collect();
    for span in spans {
        let is_command = span == "ipcscope"
            || span.starts_with("ipcscope ")
            || span.starts_with("cargo run --release");
        if is_command && !span.contains('…') && !span.contains("...") {
            commands.push(span.to_string());
        }
    }
    let mut args = Vec::new();
    for c in commands {
        let words: Vec<&str> = c.split_whitespace().collect();
        let rest: Vec<&str> = match words.as_slice() {
            ["ipcscope", rest @ ..] => rest.to_vec(),
            ["cargo", "run", "--release"] => vec![],
            ["cargo", "run", "--release", "--", rest @ ..] => rest.to_vec(),
            _ => {
                panic!("README command {c:?}: not `ipcscope ...` nor `cargo run --release -- ...`")
            }
        };
        let scenarios: &[&str] = if rest.contains(&"SCENARIO") {
            &["queue", "pipe", "counter"]
        } else {
            &[""]
        };
        for sc in scenarios {
            let a: Vec<String> = rest
                .iter()
                .map(|w| match *w {
                    "SCENARIO" => sc.to_string(),
                    // `ipcscope lesson NAME`: any built-in lesson.
                    "NAME" => "queue".to_string(),
                    _ => w.to_string(),
                })
                .collect();
            args.push(a);
        }
    }
    args
}

#[test]
fn readme_commands_parse() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let commands = readme_commands(&readme);
    for expected in [
        &["--headless", "--seed", "1"][..],
        &["pipe", "--forget-close"],
        &["bench", "--python"],
        &["counter"],
        &[],
    ] {
        assert!(
            commands.iter().any(|c| c == expected),
            "README should show {expected:?}; found {commands:?}"
        );
    }
    for args in &commands {
        let argv = std::iter::once("ipcscope").chain(args.iter().map(String::as_str));
        match ipcscope::cli::invocation_from(argv) {
            Ok(_) => {}
            Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {}
            Err(e) => panic!(
                "README command `ipcscope {}` does not parse: {e}",
                args.join(" ")
            ),
        }
    }
}

#[test]
fn readme_command_extraction_finds_code_lines_and_spans() {
    let md = "Run `ipcscope pipe` or `cargo run --release -- counter\n--lock`, not `ipcscope …`.\n\
              ```sh\n$ ipcscope --headless   # comment\n ipcscope │ drawn\ncargo test\n```\n\
              `ipcscope SCENARIO --help`\n";
    let got = readme_commands(md);
    let want: Vec<Vec<&str>> = vec![
        vec!["--headless"],
        vec!["pipe"],
        vec!["counter", "--lock"],
        vec!["queue", "--help"],
        vec!["pipe", "--help"],
        vec!["counter", "--help"],
    ];
    assert_eq!(got, want);
}
