//! `ipcscope run`: real Python programs watched end to end, headless. Each
//! lesson program runs with its own output and the events and lines its
//! lesson expects; each start method (fork, spawn, forkserver) works; bad
//! input gets a clear message; and nothing the program started is left
//! running afterwards — not even after `kill -9` of ipcscope.
//!
//! Every run carries a marker in its environment (`IPCSCOPE_TEST_MARK`),
//! which every process the program starts inherits; a test ends by waiting
//! until no live process has it. Without `python3` the tests say so and
//! pass.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a run may take on a loaded 2-core machine.
const DEADLINE: Duration = Duration::from_secs(120);

fn have_python(test: &str) -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED {test}: python3 is not installed");
    }
    ok
}

fn lessons() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons")
}

/// A marker no other test uses.
fn marker(test: &str) -> String {
    format!(
        "{test}-{}-{}",
        std::process::id(),
        ipcscope::telemetry::now_ns()
    )
}

/// What a run printed and how it ended.
struct Ran {
    code: Option<i32>,
    out: String,
    err: String,
}

impl Ran {
    fn line(&self, needle: &str) -> &str {
        self.out
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{}", self.out))
    }

    fn has(&self, needle: &str) -> bool {
        self.out.contains(needle)
    }

    /// The index of the first line holding `needle`.
    fn at(&self, needle: &str) -> usize {
        self.out
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{}", self.out))
    }
}

/// Runs `ipcscope run --headless ARGS` in `dir`, marked, to its end.
fn run(dir: &Path, args: &[&str], mark: &str) -> Ran {
    let mut child = Command::new(common::exe())
        .arg("run")
        .arg("--headless")
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .env("IPCSCOPE_TEST_MARK", mark)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ipcscope");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ipcscope run {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ran = Ran {
        code: status.code(),
        out: out.join().unwrap(),
        err: err.join().unwrap(),
    };
    assert_nothing_left(mark);
    // Whatever went wrong is said in words, never as a Rust panic.
    for text in [&ran.out, &ran.err] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "ipcscope run {args:?} panicked:\n{text}"
        );
    }
    ran
}

/// Live processes (not zombies) whose environment holds the marker.
fn marked(mark: &str) -> Vec<i32> {
    let want = format!("IPCSCOPE_TEST_MARK={mark}");
    live_where(|env, _| env.split(|&b| b == 0).any(|kv| kv == want.as_bytes()))
}

/// Live processes (not zombies) whose environment and command line (its
/// words joined by spaces) pass `test`.
fn live_where(test: impl Fn(&[u8], &str) -> bool) -> Vec<i32> {
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let zombie = ipcscope::proc::tree::stat(pid).is_none_or(|s| s.state == 'Z');
        if test(&env, &cmd) && !zombie {
            found.push(pid);
        }
    }
    found
}

/// Waits until no process of the run is left alive.
fn assert_nothing_left(mark: &str) {
    let want = format!("IPCSCOPE_TEST_MARK={mark}");
    assert_nothing_left_where(|env, _| env.split(|&b| b == 0).any(|kv| kv == want.as_bytes()));
}

/// Waits until no live process passes `test` (as [`live_where`]); kills
/// what is left after 30 s, and fails.
fn assert_nothing_left_where(test: impl Fn(&[u8], &str) -> bool) {
    let start = Instant::now();
    loop {
        let left = live_where(&test);
        if left.is_empty() {
            return;
        }
        if start.elapsed() > Duration::from_secs(30) {
            for &p in &left {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(p),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            panic!("processes left running: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The line of `file` (in the lessons) holding `text`, from 1.
fn line_of(file: &Path, text: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not in {}", file.display()))
        + 1
}

/// A folder of its own for a test's program.
fn scratch(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(marker(test));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

// ------------------------------------------------------------- lessons --

#[test]
fn run_queue_lesson_prints_its_own_output_with_each_put_and_get_on_its_line() {
    if !have_python("run_queue_lesson") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("queue_demo.py");
    let r = run(&dir, &["queue_demo.py"], &marker("queue"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let put = line_of(&prog, "q.put(url)");
    let get = line_of(&prog, "url = q.get(True)");
    for n in 1..=6 {
        // The program's own lines, and ipcscope's, each on its line of code.
        assert!(r.has(&format!("Put url_{n} to queue...")), "{}", r.out);
        assert!(r.has(&format!("Get url_{n} from queue.")), "{}", r.out);
        let p = r.line(&format!("put 'url_{n}' on q"));
        assert!(
            p.starts_with("  · ") && p.ends_with(&format!("(queue_demo.py:{put})")),
            "{p}"
        );
        let g = r.line(&format!("got 'url_{n}' from q"));
        assert!(g.ends_with(&format!("(queue_demo.py:{get})")), "{g}");
        // In the order it happened: printed, then put; got, then printed.
        assert!(r.at(&format!("Put url_{n} to")) < r.at(&format!("put 'url_{n}' on q")));
        assert!(r.at(&format!("got 'url_{n}' from")) < r.at(&format!("Get url_{n} from")));
    }
    assert!(r.has("made q = Queue()"), "{}", r.out);
    assert!(r.has("waits in get(): q is empty"), "{}", r.out);
    assert!(r.line("sent SIGTERM to Process(").ends_with(&format!(
        "(queue_demo.py:{})",
        line_of(&prog, "pr.terminate()")
    )));
    assert!(r.has("ended: killed by SIGTERM"), "{}", r.out);
    assert!(r.has("q = Queue(): 6 put, 6 got, 0 left"), "{}", r.out);
    assert!(r.has("queue_demo.py: exit code 0"), "{}", r.out);
}

#[test]
fn run_maxsize_lesson_shows_puts_waiting_on_a_full_queue() {
    if !have_python("run_maxsize_lesson") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("maxsize.py");
    let r = run(&dir, &["maxsize.py"], &marker("maxsize"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let put = line_of(&prog, "q.put(url)");
    let wait = r.line("waits in put(");
    assert!(
        wait.contains("q is full (2/2)") && wait.ends_with(&format!("(maxsize.py:{put})")),
        "{wait}"
    );
    assert!(r.has("waited"), "the program's own line: {}", r.out);
    assert!(
        r.has("q = Queue(maxsize=2): 6 put, 6 got, 0 left"),
        "{}",
        r.out
    );
}

#[test]
fn run_timeouts_lesson_shows_full_and_empty_raised_where_they_are_caught() {
    if !have_python("run_timeouts_lesson") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("timeouts.py");
    let r = run(&dir, &["timeouts.py"], &marker("timeouts"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let put = line_of(&prog, "q.put(url, timeout=0.5)");
    let get = line_of(&prog, "q.get(timeout=1)");
    assert!(
        r.line("queue.Full raised")
            .ends_with(&format!("(timeouts.py:{put})"))
    );
    assert!(
        r.line("queue.Empty raised")
            .ends_with(&format!("(timeouts.py:{get})"))
    );
    assert!(r.has("queue.Full: no room for url_"), "{}", r.out);
    assert!(r.has("get(block=False) on an empty queue: queue.Empty at once"));
}

#[test]
fn run_pipe_lesson_sends_through_one_end_and_eof_comes_once_every_copy_is_closed() {
    if !have_python("run_pipe_lesson") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("pipe.py");
    let r = run(&dir, &["pipe.py"], &marker("pipe"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let send = line_of(&prog, "conn.send(url)");
    let recv = line_of(&prog, "url = conn.recv()");
    for n in 0..10 {
        let s = r.line(&format!("sent 'url_{n}' through send_end"));
        assert!(s.ends_with(&format!("(pipe.py:{send})")), "{s}");
        assert!(
            r.has(&format!("received 'url_{n}' from recv_end")),
            "{}",
            r.out
        );
        assert!(r.at(&format!("send: url_{n}")) < r.at(&format!("sent 'url_{n}'")));
    }
    // The parent and the receiver each close their copy, in either order.
    for copy in [
        "send_end.close()  # the parent",
        "send_end.close()  # the copy",
    ] {
        let at = format!("(pipe.py:{})", line_of(&prog, copy));
        assert!(
            r.out
                .lines()
                .any(|l| l.contains("closed send_end") && l.ends_with(&at)),
            "no close at {at}: {}",
            r.out
        );
    }
    assert!(
        r.line("EOFError raised")
            .ends_with(&format!("(pipe.py:{recv})"))
    );
    assert!(
        r.has("recv_end, send_end = Pipe(duplex=False): 10 sent, 10 received, EOFError raised")
    );
}

#[test]
fn run_forgotten_close_is_stuck_said_so_and_stopped_with_sigterm() {
    if !have_python("run_forgotten_close") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("forgotten_close.py");
    let r = run(&dir, &["forgotten_close.py"], &marker("forgotten"));
    // The hang ends by SIGTERM: ipcscope's exit status says so.
    assert_eq!(r.code, Some(128 + 15), "{}\n{}", r.out, r.err);
    let recv = line_of(&prog, "url = conn.recv()");
    assert!(
        r.line("waits in b.recv()")
            .ends_with(&format!("(forgotten_close.py:{recv})"))
    );
    // The deadlock named: the parent joins the receiver, which waits for a
    // message through `a`, which only the parent (and the receiver's own
    // inherited copy) still hold.
    let stuck = r.line("none can move on");
    assert!(stuck.contains("It will never end by itself."), "{stuck}");
    assert!(stuck.contains("waits in join() for Process("), "{stuck}");
    assert!(
        stuck.contains("waits in b.recv(), and only Process("),
        "{stuck}"
    );
    assert!(
        stuck.contains("still hold a, the end a message would come through"),
        "{stuck}"
    );
    // The wait-for view, as the stage draws it: whom each waits for, and
    // the deadlock the two make.
    assert!(
        stuck.contains("Who waits for whom: MainProcess (")
            && stuck.contains(") waits forever: Process-2 never ends; Process-2 (")
            && stuck
                .contains(") waits for a message forever: only MainProcess, itself (never sends)."),
        "{stuck}"
    );
    assert!(
        stuck.ends_with(
            "A deadlock: MainProcess → Process-2 → MainProcess, each waiting forever for the next."
        ),
        "{stuck}"
    );
    assert!(r.has("recv: url_9"), "{}", r.out);
    assert!(r.has("forgotten_close.py: killed by SIGTERM"), "{}", r.out);
}

/// Joined before drained: the writer's target returns with thousands of
/// urls in its feeder buffer and the pipe full; the parent joins it. The
/// stuck note names each wait and the cycle they make.
#[test]
fn run_join_before_drain_names_the_writer_waiting_to_flush_and_the_cycle() {
    if !have_python("run_join_before_drain") {
        return;
    }
    let dir = lessons();
    let r = run(&dir, &["join_before_drain.py"], &marker("drain"));
    assert_eq!(r.code, Some(128 + 15), "{}\n{}", r.out, r.err);
    assert!(r.has("put 20000 urls"), "{}", r.out);
    let stuck = r.line("none can move on");
    assert!(
        stuck.contains("cannot end before its feeder flushes into q's pipe"),
        "{stuck}"
    );
    assert!(
        stuck.contains("waits for room for its buffer forever: only MainProcess"),
        "{stuck}"
    );
    assert!(
        stuck.ends_with(
            "A deadlock: MainProcess → Process-1 → MainProcess, each waiting forever for the next."
        ),
        "{stuck}"
    );
}

/// The forgotten close under a start method: the parent keeps its copy of
/// `a` and joins the receiver, which waits in `b.recv()` forever.
const FORGOTTEN_METHODS: &str = r#"import multiprocessing as mp
import sys


def send(conn):
    for i in range(3):
        conn.send(f"url_{i}")


def receive(conn):
    while True:
        print("recv", conn.recv(), flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    a, b = mp.Pipe()
    ps = mp.Process(target=send, args=(a,))
    pr = mp.Process(target=receive, args=(b,))
    ps.start()
    pr.start()
    ps.join()
    pr.join()
"#;

/// `forgotten.py METHOD`, headless: stuck, and the stuck note names the
/// wait-for view and the deadlock. Under spawn and forkserver the receiver
/// inherits no copy of `a` (only what it was given), and multiprocessing's
/// helpers (the forkserver, the resource tracker) are nobody's provider.
fn wait_for_view_under(method: &str) {
    let dir = scratch(
        &format!("waits-{method}"),
        &[("forgotten.py", FORGOTTEN_METHODS)],
    );
    let r = run(&dir, &["forgotten.py", method], &marker(method));
    assert_eq!(r.code, Some(128 + 15), "{method}: {}\n{}", r.out, r.err);
    assert!(r.has("recv url_2"), "{method}: {}", r.out);
    let stuck = r.line("none can move on");
    assert!(
        stuck.contains("Who waits for whom: MainProcess ("),
        "{method}: {stuck}"
    );
    assert!(
        stuck.contains(") waits forever: Process-2 never ends; Process-2 ("),
        "{method}: {stuck}"
    );
    // Only the parent holds `a`: the receiver's own copy is no more.
    assert!(
        stuck.contains(") waits for a message forever: only MainProcess."),
        "{method}: {stuck}"
    );
    assert!(
        stuck.ends_with(
            "A deadlock: MainProcess → Process-2 → MainProcess, each waiting forever for the next."
        ),
        "{method}: {stuck}"
    );
    assert!(!stuck.contains("forkserver ("), "{method}: {stuck}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_wait_for_view_names_the_deadlock_under_the_spawn_start_method() {
    if have_python("waits_spawn") {
        wait_for_view_under("spawn");
    }
}

#[test]
fn run_wait_for_view_names_the_deadlock_under_the_forkserver_start_method() {
    if have_python("waits_forkserver") {
        wait_for_view_under("forkserver");
    }
}

#[test]
fn run_value_lesson_counts_the_writes_of_each_value() {
    if !have_python("run_value_lesson") {
        return;
    }
    let dir = lessons();
    let r = run(&dir, &["value.py"], &marker("value"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("without the lock:") && r.has("with get_lock(): 400000 of 400000"));
    let made = r.out.matches("made v = Value('i')").count();
    assert_eq!(made, 2, "{}", r.out);
    let summary: Vec<&str> = r
        .out
        .lines()
        .filter(|l| l.starts_with("v = Value('i'): 400000 writes by 4 process(es)"))
        .collect();
    assert_eq!(summary.len(), 2, "{}", r.out);
    assert!(summary[1].ends_with("last seen 400000"), "{summary:?}");
}

#[test]
fn run_terminate_lesson_shows_terminate_and_kill_from_the_program() {
    if !have_python("run_terminate_lesson") {
        return;
    }
    let dir = lessons();
    let prog = dir.join("terminate.py");
    let r = run(&dir, &["terminate.py"], &marker("terminate"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.line("sent SIGTERM to Process(").ends_with(&format!(
        "(terminate.py:{})",
        line_of(&prog, "pr1.terminate()")
    )));
    assert!(
        r.line("sent SIGKILL to Process(")
            .ends_with(&format!("(terminate.py:{})", line_of(&prog, "ps.kill()")))
    );
    assert!(r.has("ended: killed by SIGKILL"), "{}", r.out);
    assert!(r.has("recv: EOFError, the killed sender's end is closed"));
}

// ------------------------------------------------------- start methods --

const START_METHODS: &str = r#"import multiprocessing as mp
import sys


def work(q, n):
    for i in range(n):
        q.put(f"item_{i}")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    q = mp.Queue()
    p = mp.Process(target=work, args=(q, 3))
    p.start()
    for _ in range(3):
        print("got", q.get(), flush=True)
    p.join()
"#;

fn start_method(method: &str, python: Option<&str>) {
    let dir = scratch(
        &format!("method-{method}"),
        &[("methods.py", START_METHODS)],
    );
    let mark = marker(method);
    let mut args = vec![];
    if let Some(py) = python {
        args.extend(["--", py]);
    }
    args.extend(["methods.py", method]);
    let r = run(&dir, &args, &mark);
    assert_eq!(r.code, Some(0), "{method}: {}\n{}", r.out, r.err);
    assert!(
        r.has(&format!("Process-1, running work() ({method})")),
        "{method}: {}",
        r.out
    );
    for i in 0..3 {
        assert!(r.has(&format!("got item_{i}")), "{}", r.out);
        let put = r.line(&format!("put 'item_{i}' on q"));
        assert!(put.ends_with("(methods.py:7)"), "{method}: {put}");
    }
    if method == "forkserver" {
        assert!(r.has("is multiprocessing's forkserver"), "{}", r.out);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_works_with_the_fork_start_method() {
    if have_python("fork") {
        start_method("fork", None);
    }
}

#[test]
fn run_works_with_the_spawn_start_method() {
    if have_python("spawn") {
        start_method("spawn", None);
    }
}

#[test]
fn run_works_with_the_forkserver_start_method() {
    if have_python("forkserver") {
        start_method("forkserver", None);
    }
}

/// Other Pythons on this machine (pyenv's), 3.11 and newer, by path.
fn other_pythons() -> Vec<(String, (u32, u32))> {
    let mut out = Vec::new();
    let root = std::env::var("PYENV_ROOT").unwrap_or_else(|_| {
        std::env::var("HOME").map_or("/root/.pyenv".into(), |h| format!("{h}/.pyenv"))
    });
    let Ok(dir) = std::fs::read_dir(Path::new(&root).join("versions")) else {
        return out;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let mut parts = name.split('.').map(|p| p.parse::<u32>().ok());
        let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) else {
            continue;
        };
        let py = e.path().join("bin/python3");
        if major == 3 && py.is_file() {
            out.push((py.to_string_lossy().into_owned(), (major, minor)));
        }
    }
    out.sort_by_key(|p| p.1);
    out
}

#[test]
fn run_works_with_every_python_from_3_11_found_and_says_older_ones_are_not_enough() {
    let pythons = other_pythons();
    if pythons.is_empty() {
        eprintln!("SKIPPED: no other Python found (pyenv)");
        return;
    }
    for (py, (_, minor)) in pythons {
        if minor >= 11 {
            start_method("spawn", Some(&py));
        } else if minor == 10 {
            let dir = scratch("old", &[("methods.py", START_METHODS)]);
            let r = run(&dir, &["--", &py, "methods.py", "fork"], &marker("old"));
            assert_eq!(r.code, Some(0), "{py}: {}\n{}", r.out, r.err);
            assert!(
                r.has("ipcscope needs Python 3.11 or newer to look inside it"),
                "{py}: {}",
                r.out
            );
            assert!(r.has("got item_2"), "{}", r.out);
        }
    }
}

// ----------------------------------------------------------- bad input --

#[test]
fn run_a_missing_interpreter_is_a_clear_error_exit_2() {
    let dir = scratch("nopython", &[("p.py", "print(1)\n")]);
    let r = run(
        &dir,
        &["--", "no-such-python3", "p.py"],
        &marker("nopython"),
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.err
            .contains("cannot run 'no-such-python3': no such program"),
        "{}",
        r.err
    );
}

#[test]
fn run_a_missing_program_or_a_folder_is_a_clear_error_exit_2() {
    if !have_python("missing_program") {
        return;
    }
    let dir = scratch("noprog", &[]);
    let r = run(&dir, &["nope.py"], &marker("noprog"));
    assert_eq!(r.code, Some(2));
    assert!(
        r.err
            .contains("cannot run 'nope.py': there is no such file"),
        "{}",
        r.err
    );
    std::fs::create_dir_all(dir.join("folder.py")).unwrap();
    let r = run(&dir, &["folder.py"], &marker("folder"));
    assert_eq!(r.code, Some(2));
    assert!(
        r.err
            .contains("cannot run 'folder.py': it is a directory, not a regular file"),
        "{}",
        r.err
    );
}

#[test]
fn run_a_syntax_error_shows_the_whole_traceback_and_its_exit_status() {
    if !have_python("syntax_error") {
        return;
    }
    let dir = scratch("syntax", &[("bad.py", "import os\ndef f(:\n    pass\n")]);
    let r = run(&dir, &["bad.py"], &marker("syntax"));
    assert_eq!(r.code, Some(1), "{}\n{}", r.out, r.err);
    for want in ["File \"", "bad.py\", line 2", "def f(:", "SyntaxError"] {
        assert!(r.has(want), "{want}: {}", r.out);
    }
    assert!(r.has("bad.py: exit code 1"), "{}", r.out);
}

#[test]
fn run_a_program_without_multiprocessing_says_so() {
    if !have_python("no_mp") {
        return;
    }
    let dir = scratch("nomp", &[("hello.py", "print('hello, world')\n")]);
    let r = run(&dir, &["hello.py"], &marker("nomp"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("hello, world"));
    assert!(r.has("without using multiprocessing"), "{}", r.out);
}

#[test]
fn run_bad_input_is_told_in_chinese_with_lang_zh() {
    let dir = scratch("zh", &[("hello.py", "print('hello, world')\n")]);
    let r = run(
        &dir,
        &["--lang", "zh", "--", "no-such-python3", "hello.py"],
        &marker("zh1"),
    );
    assert_eq!(r.code, Some(2));
    assert!(
        r.err.contains("无法运行 'no-such-python3'：没有这个程序"),
        "{}",
        r.err
    );
    if !have_python("bad input in Chinese") {
        return;
    }
    let r = run(&dir, &["--lang", "zh", "nope.py"], &marker("zh2"));
    assert_eq!(r.code, Some(2));
    assert!(
        r.err.contains("无法运行 'nope.py'：没有这个文件"),
        "{}",
        r.err
    );
    let r = run(&dir, &["--lang", "zh", "hello.py"], &marker("zh3"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("hello, world"));
    assert!(r.has("没有用到 multiprocessing"), "{}", r.out);
    let _ = std::fs::remove_dir_all(dir);
}

const IGNORES_TERM: &str = r#"import multiprocessing as mp
import signal
import time


def stubborn():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("ignoring SIGTERM", flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    p = mp.Process(target=stubborn)
    p.start()
    p.join()
"#;

#[test]
fn run_a_process_that_ignores_sigterm_gets_sigkill_and_nothing_is_left() {
    if !have_python("ignores_term") {
        return;
    }
    let dir = scratch("stubborn", &[("stubborn.py", IGNORES_TERM)]);
    let r = run(
        &dir,
        &["--timeout", "3", "stubborn.py"],
        &marker("stubborn"),
    );
    assert!(r.has("ignoring SIGTERM"), "{}", r.out);
    assert!(r.has("(--timeout): ipcscope stops it"), "{}", r.out);
    assert!(r.has("ignored SIGTERM for 2 s: SIGKILL"), "{}", r.out);
    assert_eq!(r.code, Some(128 + 15), "{}\n{}", r.out, r.err);
}

const HUNDREDS: &str = r#"import multiprocessing as mp
import time


def rest():
    time.sleep(3600)


if __name__ == "__main__":
    ps = [mp.Process(target=rest) for _ in range(300)]
    for p in ps:
        p.start()
    print("started 300", flush=True)
    for p in ps:
        p.join()
"#;

#[test]
fn run_a_program_forking_hundreds_is_followed_up_to_the_limit_and_all_end() {
    if !have_python("hundreds") {
        return;
    }
    let dir = scratch("hundreds", &[("hundreds.py", HUNDREDS)]);
    let r = run(
        &dir,
        &["--timeout", "20", "hundreds.py"],
        &marker("hundreds"),
    );
    assert!(r.has("started 300"), "{}\n{}", r.out, r.err);
    assert!(r.has("more than 256 processes at once"), "{}", r.out);
}

const CLOSES_FD: &str = r#"import multiprocessing as mp
import os
import time

if __name__ == "__main__":
    q = mp.Queue()
    q.put("before")
    print("got", q.get(), flush=True)
    os.close(int(os.environ["IPCSCOPE_FD"]))
    time.sleep(0.2)
    q.put("after")
    print("got", q.get(), flush=True)
"#;

#[test]
fn run_a_program_that_closes_the_reporting_descriptor_is_still_watched_and_told() {
    if !have_python("closes_fd") {
        return;
    }
    let dir = scratch("closefd", &[("closefd.py", CLOSES_FD)]);
    let r = run(&dir, &["closefd.py"], &marker("closefd"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("closed ipcscope's reporting descriptor"), "{}", r.out);
    assert!(r.has("put 'after' on q"), "{}", r.out);
}

const REUSES_FD: &str = r#"import multiprocessing as mp
import os
import time

if __name__ == "__main__":
    q = mp.Queue()
    q.put("before")
    print("got", q.get(), flush=True)
    fd = int(os.environ["IPCSCOPE_FD"])
    r, w = os.pipe()
    os.set_blocking(r, False)
    os.dup2(w, fd)
    time.sleep(0.2)
    q.put("after")
    print("got", q.get(), flush=True)
    try:
        mine = os.read(r, 65536)
    except BlockingIOError:
        mine = b""
    print("reports in the program's own pipe:", mine.count(b"\x1e"), flush=True)
"#;

#[test]
fn run_a_program_that_reuses_the_reporting_descriptor_keeps_its_data_and_is_told() {
    if !have_python("reuses_fd") {
        return;
    }
    let dir = scratch("reusefd", &[("reusefd.py", REUSES_FD)]);
    let r = run(&dir, &["reusefd.py"], &marker("reusefd"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("reused ipcscope's reporting descriptor"), "{}", r.out);
    assert!(r.has("reports in the program's own pipe: 0"), "{}", r.out);
    assert!(r.has("put 'after' on q"), "{}", r.out);
}

// ------------------------------------------------------ without a hook --

#[test]
fn run_no_instrument_still_shows_processes_and_their_pipes_from_proc() {
    if !have_python("no_instrument") {
        return;
    }
    let dir = lessons();
    let r = run(&dir, &["--no-instrument", "pipe.py"], &marker("noinst"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    assert!(r.has("No instrumentation (--no-instrument)"), "{}", r.out);
    assert!(r.has("recv: EOFError, nothing more will come"), "{}", r.out);
    assert!(!r.has("sent 'url_0'"), "no reports without the hook");
    // The processes the kernel showed, and the pipe they shared.
    assert!(r.has("The program started as Process("), "{}", r.out);
    assert!(
        r.out.lines().filter(|l| l.contains(" Process(")).count() >= 3,
        "{}",
        r.out
    );
    assert!(r.has("made pipe:["), "{}", r.out);
}

// ------------------------------------------------------------ controls --

const TICKS: &str = r#"import multiprocessing as mp
import sys
import time


def work(q):
    i = 0
    while True:
        t = time.monotonic()
        q.put(i)
        print(f"tick {i} put took {time.monotonic() - t:.3f}", flush=True)
        i += 1
        time.sleep(0.05)


if __name__ == "__main__":
    mp.set_start_method("fork")  # the children keep the marker in their cmdline
    ps = [mp.Process(target=work, args=(mp.Queue(),)) for _ in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
        print(f"{p.name} exitcode {p.exitcode}", flush=True)
"#;

/// A program watched through the library's [`Attach`] (as the screen
/// watches it), its records kept as they come.
struct Watched {
    attach: ipcscope::attach::Attach,
    seen: Vec<ipcscope::stream::Body>,
    mark: String,
    dir: PathBuf,
}

impl Watched {
    /// Starts `program` (the marker is its argument, so every process
    /// forked from it, and the guard, carry it in their command line).
    fn start(test: &str, program: &str) -> Watched {
        let dir = scratch(test, &[("prog.py", program)]);
        let mark = marker(test);
        let cfg = program_cfg(&dir, &mark);
        let attach = ipcscope::attach::Attach::start(
            &cfg,
            Duration::from_millis(30),
            Some(common::exe().to_path_buf()),
        )
        .expect("start the program");
        Watched {
            attach,
            seen: Vec::new(),
            mark,
            dir,
        }
    }

    /// Takes records until `cond` holds of what was seen (all of it).
    fn until(&mut self, what: &str, mut cond: impl FnMut(&[ipcscope::stream::Body]) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !cond(&self.seen) {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            if let Ok(b) = self
                .attach
                .records()
                .recv_timeout(Duration::from_millis(20))
            {
                self.seen.push(b);
            }
        }
    }

    /// Takes records for a while (to see that something does not come).
    fn take_for(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if let Ok(b) = self
                .attach
                .records()
                .recv_timeout(Duration::from_millis(20))
            {
                self.seen.push(b);
            }
        }
    }

    /// The program's own lines so far.
    fn output(&self) -> Vec<&str> {
        self.seen
            .iter()
            .filter_map(|b| match b {
                ipcscope::stream::Body::Event(e) => match &e.kind {
                    ipcscope::stream::Kind::Output { text } => Some(text.as_str()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn ticks(&self) -> usize {
        ticks(&self.seen)
    }

    /// The id ipcscope gave the child named `name`.
    fn child(&self, name: &str) -> Option<u16> {
        self.seen.iter().find_map(|b| match b {
            ipcscope::stream::Body::Event(e) => match &e.kind {
                ipcscope::stream::Kind::Program(ipcscope::stream::ProgramOp::Begin {
                    name: n,
                    ..
                }) if n == name => Some(e.child),
                _ => None,
            },
            _ => None,
        })
    }

    /// Whether ipcscope said `kind` happened (its own event).
    fn said(&self, kind: &ipcscope::stream::Kind) -> bool {
        self.seen
            .iter()
            .any(|b| matches!(b, ipcscope::stream::Body::Event(e) if &e.kind == kind))
    }

    fn states(&self) -> Vec<(i32, char)> {
        program_states(&self.mark, None)
    }

    /// Stops the program and checks that nothing of it is left.
    fn end(mut self) {
        self.attach.shutdown();
        assert_nothing_left_where(|_, cmd| cmd.contains(&self.mark));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Watching `dir/prog.py MARK`, headless, as the library's callers do.
fn program_cfg(dir: &Path, mark: &str) -> ipcscope::config::RunConfig {
    use ipcscope::config::{Mode, RunConfig, Scenario};
    RunConfig {
        scenario: Scenario::Program(ipcscope::stream::ProgramConfig {
            python: "python3".into(),
            argv: vec!["prog.py".into(), mark.into()],
            cwd: dir.to_string_lossy().into_owned(),
            instrument: true,
            timeout: None,
        }),
        seed: 1,
        mode: Mode::Headless,
        trace: None,
        record: None,
        ascii: false,
        lang: Default::default(),
        classroom: false,
    }
}

/// The watched program's live processes (their command line holds `mark`;
/// not ipcscope's guard, nor `ipcscope` itself when given) and their
/// states (`T`: stopped).
fn program_states(mark: &str, ipcscope: Option<i32>) -> Vec<(i32, char)> {
    marked_cmdline(mark)
        .into_iter()
        .filter(|&(pid, ref cmd)| Some(pid) != ipcscope && !cmd.contains("attach-guard"))
        .filter_map(|(pid, _)| ipcscope::proc::tree::stat(pid).map(|s| (pid, s.state)))
        .collect()
}

/// Live processes whose command line holds `mark`, with that line.
fn marked_cmdline(mark: &str) -> Vec<(i32, String)> {
    live_where(|_, cmd| cmd.contains(mark))
        .into_iter()
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            (pid, String::from_utf8_lossy(&cmd).replace('\0', " "))
        })
        .collect()
}

fn is_tick(b: &ipcscope::stream::Body) -> bool {
    matches!(b, ipcscope::stream::Body::Event(e)
        if matches!(&e.kind, ipcscope::stream::Kind::Output { text } if text.starts_with("tick ")))
}

fn ticks(seen: &[ipcscope::stream::Body]) -> usize {
    seen.iter().filter(|b| is_tick(b)).count()
}

/// Whether the program has printed `line`.
fn printed(seen: &[ipcscope::stream::Body], line: &str) -> bool {
    seen.iter().any(|b| {
        matches!(b, ipcscope::stream::Body::Event(e)
            if matches!(&e.kind, ipcscope::stream::Kind::Output { text } if text == line))
    })
}

/// Waits until both children of [`TICKS`] have begun and ticked.
fn both_ticking(w: &mut Watched) {
    w.until("both children tick", |seen| ticks(seen) >= 4);
    assert!(w.child("Process-1").is_some() && w.child("Process-2").is_some());
}

#[test]
fn freeze_stops_every_process_of_the_program_and_resume_lets_them_go_on() {
    use ipcscope::stream::{Command, Kind};
    if !have_python("freeze") {
        return;
    }
    let mut w = Watched::start("freeze", TICKS);
    both_ticking(&mut w);
    w.attach.send(Command::Freeze);
    common::wait_until("every process of the program is stopped", || {
        let s = w.states();
        s.len() >= 3 && s.iter().all(|&(_, st)| st == 'T')
    });
    w.until("ipcscope says it froze the program", |seen| {
        seen.iter()
            .any(|b| matches!(b, ipcscope::stream::Body::Event(e) if e.kind == Kind::Frozen))
    });
    // Stopped: what was printed before the freeze arrives, then nothing.
    w.take_for(Duration::from_millis(300));
    let frozen = w.ticks();
    w.take_for(Duration::from_millis(500));
    assert_eq!(w.ticks(), frozen, "ticks while frozen: {:?}", w.output());
    w.attach.send(Command::Resume);
    w.until("the program ticks again", |seen| ticks(seen) >= frozen + 4);
    assert!(w.said(&Kind::Resumed));
    assert!(
        w.states().iter().all(|&(_, st)| st != 'T'),
        "{:?}",
        w.states()
    );
    w.end();
}

#[test]
fn kill_ends_the_selected_process_only_and_the_program_sees_it() {
    use ipcscope::stream::{Command, Ended, Kind, Sig};
    if !have_python("kill") {
        return;
    }
    let mut w = Watched::start("kill", TICKS);
    both_ticking(&mut w);
    let one = w.child("Process-1").unwrap();
    w.attach.send(Command::Signal(one, Sig::Kill));
    w.until("the program's join returns", |seen| {
        printed(seen, "Process-1 exitcode -9")
    });
    w.until("ipcscope says Process-1 was killed", |seen| {
        seen.iter().any(|b| {
            matches!(b, ipcscope::stream::Body::Event(e)
                if e.child == one && e.kind == Kind::Exit { ended: Ended::Signal(9) })
        })
    });
    // The other child goes on.
    let now = w.ticks();
    w.until("Process-2 ticks on", |seen| ticks(seen) >= now + 3);
    w.end();
}

#[test]
fn terminate_ends_the_selected_process_with_sigterm() {
    use ipcscope::stream::{Command, Sig};
    if !have_python("terminate") {
        return;
    }
    let mut w = Watched::start("terminate", TICKS);
    both_ticking(&mut w);
    let one = w.child("Process-1").unwrap();
    w.attach.send(Command::Signal(one, Sig::Term));
    w.until("the program's join returns", |seen| {
        printed(seen, "Process-1 exitcode -15")
    });
    w.end();
}

#[test]
fn restart_ends_the_programs_tree_and_runs_it_again() {
    use ipcscope::source::Source;
    use ipcscope::stream::Command;
    if !have_python("restart") {
        return;
    }
    let dir = scratch("restart", &[("prog.py", TICKS)]);
    let mark = marker("restart");
    let cfg = program_cfg(&dir, &mark);
    let mut src = ipcscope::source::attach::AttachSource::start(
        &cfg,
        Duration::from_millis(30),
        Vec::new(),
        Some(common::exe().to_path_buf()),
    )
    .unwrap();
    let mut scene = ipcscope::model::Scene::new(cfg.clone());
    let program = || -> Vec<i32> {
        program_states(&mark, None)
            .into_iter()
            .map(|(pid, _)| pid)
            .collect()
    };
    common::wait_until("the program and its two children run", || {
        src.advance(&mut scene, Duration::from_millis(5));
        scene.world.procs.iter().any(|p| p.name == "Process-2") && program().len() >= 3
    });
    let first = program();
    src.command(Command::Restart(Box::new(cfg.clone())), &mut scene)
        .unwrap();
    common::wait_until("the first run ended and a new one runs", || {
        src.advance(&mut scene, Duration::from_millis(5));
        let now = program();
        now.len() >= 3 && now.iter().all(|p| !first.contains(p))
    });
    assert!(
        program().iter().all(|p| !first.contains(p)),
        "the first run ended"
    );
    src.shutdown(&mut scene);
    assert_nothing_left_where(|_, cmd| cmd.contains(&mark));
    let _ = std::fs::remove_dir_all(dir);
}

/// How long the slowest of the last `n` puts took, as the program printed.
fn slowest_of_last(w: &Watched, n: usize) -> f64 {
    let took: Vec<f64> = w
        .output()
        .iter()
        .filter_map(|l| l.rsplit("put took ").next().and_then(|v| v.parse().ok()))
        .collect();
    took.iter().rev().take(n).fold(0.0, |a: f64, &b| a.max(b))
}

#[test]
fn slow_motion_makes_each_operation_wait_live_and_back_to_normal() {
    use ipcscope::stream::Command;
    if !have_python("slow") {
        return;
    }
    let mut w = Watched::start("slow", TICKS);
    both_ticking(&mut w);
    assert!(slowest_of_last(&w, 4) < 0.2, "{:?}", w.output());
    // Factor 5: each put first waits (5 - 1) x 100 ms.
    w.attach.send(Command::SetSlowMotion(5.0));
    w.until("a put takes 0.4 s", |seen| {
        seen.iter().rev().take(8).any(|b| match b {
            ipcscope::stream::Body::Event(e) => match &e.kind {
                ipcscope::stream::Kind::Output { text } => text
                    .rsplit("put took ")
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .is_some_and(|t| t >= 0.39),
                _ => false,
            },
            _ => false,
        })
    });
    w.attach.send(Command::SetSlowMotion(1.0));
    let now = w.ticks();
    // Back to normal: the last puts (after the change) wait no more.
    w.until("six puts after the change", |seen| ticks(seen) >= now + 6);
    assert!(slowest_of_last(&w, 2) < 0.3, "{:?}", w.output());
    w.end();
}

#[test]
fn run_in_the_visualizer_shows_the_source_freezes_the_tree_says_what_cannot_apply_and_q_ends_it_all()
 {
    if !have_python("visualizer") {
        return;
    }
    let dir = scratch("tui", &[("ticks.py", TICKS)]);
    let mark = marker("tui");
    let prog = dir.join("ticks.py");
    let mut tui = common::pty::Tui::start(common::exe(), &["run", prog.to_str().unwrap(), &mark]);
    let ipcscope = Some(tui.pid);
    let program = || program_states(&mark, ipcscope);
    common::wait_until(
        "the program's source and its children are on screen",
        || {
            let t = tui.text();
            t.contains("Program: ticks.py") && t.contains("q.put(i)") && t.contains("Process-2")
        },
    );
    // A key that would change the program's own make-up says it cannot.
    tui.press("+");
    common::wait_until("+ says it does not apply", || {
        tui.text().contains("not for someone else's program")
    });
    // Space freezes the whole tree and resumes it.
    tui.press(" ");
    common::wait_until("every process of the program is stopped", || {
        let s = program();
        s.len() >= 3 && s.iter().all(|&(_, st)| st == 'T')
    });
    common::wait_until("the screen says frozen", || tui.text().contains("FROZEN"));
    tui.press(" ");
    common::wait_until("no process of the program is stopped", || {
        program().iter().all(|&(_, st)| st != 'T')
    });
    tui.press("q");
    assert!(tui.wait_exit(DEADLINE).is_some(), "q quits");
    common::wait_until("the alternate screen is left", || !tui.alternate());
    assert_nothing_left_where(|_, cmd| cmd.contains(&mark));
    let _ = std::fs::remove_dir_all(dir);
}

/// The forgotten close, watched on screen: once the sender has ended, the
/// receiver waits in `recv()` for a message only the main process (in
/// `join()`) and its own copy of `a` could send, so the stage says it
/// waits forever, and the main process with it.
#[test]
fn run_forgotten_close_in_the_visualizer_shows_the_receiver_waiting_forever() {
    if !have_python("forgotten_waits") {
        return;
    }
    let prog = lessons().join("forgotten_close.py");
    let mark = marker("forgotten-waits");
    // The marker as an argument: the forked children keep it in their
    // command line.
    let mut tui = common::pty::Tui::start(common::exe(), &["run", prog.to_str().unwrap(), &mark]);
    common::wait_until("the receiver is said to wait forever", || {
        let t = tui.text();
        t.contains("Process-2 waits for a message forever: only MainProcess, itself")
            && t.contains("MainProcess waits forever: Process-2 never ends")
    });
    tui.press("q");
    assert!(tui.wait_exit(DEADLINE).is_some(), "q quits");
    assert_nothing_left_where(|_, cmd| cmd.contains(&mark));
}

// ------------------------------------------------------------ no orphan --

const LINGERS: &str = r#"import multiprocessing as mp
import sys
import time


def rest():
    time.sleep(3600)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    ps = [mp.Process(target=rest) for _ in range(3)]
    for p in ps:
        p.start()
    print("ready", flush=True)
    for p in ps:
        p.join()
"#;

/// What [`start_lingering`] started.
struct Lingering {
    child: std::process::Child,
    mark: String,
    dir: PathBuf,
    /// All it prints, once it has ended.
    out: std::thread::JoinHandle<String>,
}

/// `ipcscope run --headless lingers.py METHOD`, marked, once the program
/// said "ready" and its processes run.
fn start_lingering(test: &str, method: &str) -> Lingering {
    use std::io::BufRead;
    let dir = scratch(test, &[("lingers.py", LINGERS)]);
    let mark = marker(test);
    let mut child = Command::new(common::exe())
        .args(["run", "--headless", "lingers.py", method])
        .current_dir(&dir)
        .env("LC_ALL", "C")
        .env("IPCSCOPE_TEST_MARK", &mark)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut so = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let start = Instant::now();
    while !seen.contains("ready") {
        let mut l = String::new();
        if so.read_line(&mut l).unwrap_or(0) == 0 {
            break;
        }
        seen.push_str(&l);
        assert!(start.elapsed() < DEADLINE, "{seen}");
    }
    assert!(seen.contains("ready"), "{seen}");
    // The program and its children (and its forkserver) run.
    common::wait_until("the program's processes run", || marked(&mark).len() >= 4);
    // The rest of the output, read on so ipcscope never blocks writing.
    let out = std::thread::spawn(move || {
        let _ = so.read_to_string(&mut seen);
        seen
    });
    Lingering {
        child,
        mark,
        dir,
        out,
    }
}

#[test]
fn run_leaves_no_process_behind_after_kill_9_of_ipcscope() {
    if !have_python("kill9") {
        return;
    }
    for method in ["fork", "forkserver"] {
        let mut l = start_lingering("kill9", method);
        l.child.kill().unwrap();
        l.child.wait().unwrap();
        assert_nothing_left(&l.mark);
        let _ = std::fs::remove_dir_all(l.dir);
    }
}

#[test]
fn run_stopped_by_sigterm_or_sighup_says_so_ends_the_whole_tree_and_exits_as_the_program_did() {
    use nix::sys::signal::{Signal, kill};
    if !have_python("sigterm") {
        return;
    }
    for sig in [Signal::SIGTERM, Signal::SIGHUP] {
        let mut l = start_lingering("sigterm", "fork");
        kill(nix::unistd::Pid::from_raw(l.child.id() as i32), sig).unwrap();
        let status = l.child.wait().unwrap();
        let out = l.out.join().unwrap();
        // The program's main process ended by ipcscope's SIGTERM.
        assert_eq!(status.code(), Some(128 + 15), "{sig}: {out}");
        assert!(
            out.contains("ipcscope is stopping the program (SIGTERM to each process"),
            "{sig}: {out}"
        );
        assert!(
            out.contains("lingers.py: killed by SIGTERM"),
            "{sig}: {out}"
        );
        assert_nothing_left(&l.mark);
        let _ = std::fs::remove_dir_all(l.dir);
    }
}

#[test]
fn run_recorded_replays_to_the_same_transcript() {
    if !have_python("record") {
        return;
    }
    let rec = std::env::temp_dir().join(format!("{}.rec", marker("record")));
    let rec_s = rec.to_string_lossy().into_owned();
    let r = run(
        &lessons(),
        &["--record", &rec_s, "pipe.py"],
        &marker("record"),
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let replay = Command::new(common::exe())
        .args(["replay", "--headless", &rec_s])
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(replay.status.success());
    assert_eq!(String::from_utf8_lossy(&replay.stdout), r.out);
    assert!(r.has("received 'url_9' from recv_end"), "{}", r.out);
    let _ = std::fs::remove_file(rec);
}

const FLOODS: &str = r#"import multiprocessing as mp
import time

if __name__ == "__main__":
    q = mp.SimpleQueue()
    print("flooding", flush=True)
    end = time.monotonic() + 3
    n = 0
    while time.monotonic() < end:
        q.put(n)
        q.get()
        n += 1
    print("done", n, flush=True)
"#;

#[test]
fn run_stopped_under_a_flood_says_reports_were_dropped_and_the_program_still_ends_well() {
    use nix::sys::signal::{Signal, kill};
    use std::io::BufRead;
    if !have_python("dropped") {
        return;
    }
    let dir = scratch("dropped", &[("floods.py", FLOODS)]);
    let mark = marker("dropped");
    let mut child = Command::new(common::exe())
        .args(["run", "--headless", "floods.py"])
        .current_dir(&dir)
        .env("LC_ALL", "C")
        .env("IPCSCOPE_TEST_MARK", &mark)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut so = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut out = String::new();
    while !out.contains("flooding") {
        if so.read_line(&mut out).unwrap_or(0) == 0 {
            break;
        }
    }
    assert!(out.contains("flooding"), "{out}");
    // ipcscope stopped while the program floods: the reporting pipe fills.
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    kill(pid, Signal::SIGSTOP).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    kill(pid, Signal::SIGCONT).unwrap();
    let _ = so.read_to_string(&mut out);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{out}");
    assert!(out.contains("done "), "{out}");
    assert!(
        out.contains("reports dropped (the program ran ahead of ipcscope; the counts above miss what they told)"),
        "{out}"
    );
    assert_nothing_left(&mark);
    let _ = std::fs::remove_dir_all(dir);
}

// ------------------------------------------------- the Python side alone --

#[test]
fn the_instrumentation_passes_its_own_python_tests() {
    if !have_python("hook unit tests") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests/python", "-v"])
        .current_dir(root)
        .env("PYTHONPATH", root.join("assets/python"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("OK"), "{err}");
}

// ---------------------------------------------------------------- Q10b --

/// A writer floods an unbounded queue (its feeder cannot keep up), says it
/// is done, and is killed: the items still in its feeder buffer vanish. The
/// main process then gets what reached the pipe, until a get times out.
const LOST_IN_FEEDER: &str = r#"import multiprocessing as mp
import queue
import sys
import time


def write(q, ready):
    for i in range(2000):
        q.put("x" * 200 + str(i))
    ready.set()
    time.sleep(3600)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    q = mp.Queue()
    ready = mp.Event()
    w = mp.Process(target=write, args=(q, ready), name="writer-1")
    w.start()
    ready.wait()
    w.kill()
    w.join()
    got = 0
    try:
        while True:
            q.get(timeout=2)
            got += 1
    except queue.Empty:
        print("got", got, "then Empty", flush=True)
"#;

/// Q10b: the items a killed writer held in its feeder buffer are named
/// lost, once, before the get that waits for them; on screen every item
/// put is got, still queued or lost: the summary adds up, and its gets are
/// the program's own count.
#[test]
fn q10b_items_a_killed_writer_held_in_its_feeder_are_named_lost_once() {
    if !have_python("q10b") {
        return;
    }
    let dir = scratch("q10b", &[("lost.py", LOST_IN_FEEDER)]);
    let r = run(&dir, &["lost.py", "fork"], &marker("q10b"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.out, r.err);
    let got: u64 = r
        .line("then Empty")
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("the program's count");
    let notes: Vec<&str> = r
        .out
        .lines()
        .filter(|l| l.contains("in its feeder buffer when it was killed: lost"))
        .collect();
    assert_eq!(notes.len(), 1, "named once:\n{}", r.out);
    let lost: u64 = notes[0]
        .trim_start_matches("  · ")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("how many");
    assert!(notes[0].contains("put on q by writer-1 ("), "{}", notes[0]);
    assert!(lost > 0, "{}", notes[0]);
    // After the writer's end, before (or as) the get waits in vain.
    let note_at = r.at("in its feeder buffer when it was killed");
    assert!(
        r.at("(writer-1) ended: killed by SIGKILL") < note_at,
        "{}",
        r.out
    );
    // Every item put: got once, still queued, or lost once.
    let summary = r.line("q = Queue(): ");
    assert_eq!(
        summary,
        format!("q = Queue(): 2000 put, {got} got, {lost} lost, 0 left"),
        "{}",
        r.out
    );
    assert_eq!(got + lost, 2000);
    let _ = std::fs::remove_dir_all(dir);
}

/// `ipcscope run --classroom`: the projector's layout for a watched
/// program — the program beside the processes, each process by PID, name
/// and state only (no kernel column), and the forgotten close's wait-for
/// view on the stage and in the processes' rows; q ends it all.
#[test]
fn run_in_the_classroom_shows_the_program_its_processes_by_state_only_and_who_waits_forever() {
    if !have_python("classroom") {
        return;
    }
    let prog = lessons().join("forgotten_close.py");
    let mark = marker("classroom");
    let mut tui = common::pty::Tui::start(
        common::exe(),
        &["run", "--classroom", prog.to_str().unwrap(), &mark],
    );
    common::wait_until("the stage says both wait forever", || {
        let t = tui.text();
        t.contains("Process-2 waits for a message forever: only MainProcess, itself")
            && t.contains("MainProcess waits forever: Process-2 never ends")
    });
    let t = tui.text();
    assert!(t.contains("Program: forgotten_close.py"), "{t}");
    let heading = t
        .lines()
        .find(|l| l.contains("PID") && l.contains("name"))
        .unwrap_or_else(|| panic!("no processes heading:\n{t}"));
    assert!(heading.contains("state"), "{heading}");
    assert!(
        !heading.contains("kernel"),
        "the classroom has no kernel column: {heading}"
    );
    // A process's row: its PID first, then its name.
    let row = |t: &str, name: &str| {
        t.lines()
            .find(|l| {
                let cell = l.trim_start_matches('│').trim_start();
                let mut words = cell.split_whitespace();
                words.next().is_some_and(|w| w.parse::<u32>().is_ok()) && words.next() == Some(name)
            })
            .map(str::to_string)
    };
    for (name, waits) in [
        ("MainProcess", "forever ← Process-2"),
        ("Process-2", "forever ← MainProcess"),
    ] {
        let r = row(&t, name).unwrap_or_else(|| panic!("no row of {name}:\n{t}"));
        assert!(r.contains(waits), "{name}: {r}\n{t}");
    }
    tui.press("q");
    assert!(tui.wait_exit(DEADLINE).is_some(), "q quits");
    assert_nothing_left_where(|_, cmd| cmd.contains(&mark));
}
