//! The lesson runs headless, end to end, with real processes: transcripts,
//! trace files, endings, and no child left behind.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use ipcscope::proc::spawn::is_alive;
use serde_json::Value;

fn trace_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ipcscope-test-{}-{name}.jsonl", std::process::id()))
}

/// Runs `ipcscope <args> --headless --trace T` to the end; returns output and trace.
fn run(name: &str, args: &[&str]) -> (Output, Vec<Value>) {
    let t = trace_path(name);
    let out = Command::new(exe())
        .env("LC_ALL", "C") // English, whatever the locale
        .args(args)
        .arg("--headless")
        .arg("--trace")
        .arg(&t)
        .stdin(Stdio::null())
        .output()
        .expect("run ipcscope");
    let trace = read_trace(&t);
    let _ = std::fs::remove_file(&t);
    (out, trace)
}

/// The events of a recording, in stream order, each with its process's
/// `name` and how an exit ended (`code` / `signal`) spelled out.
fn events_of(lines: Vec<Value>) -> Vec<Value> {
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut out = Vec::new();
    for v in lines {
        let Some(ev) = v.get("event") else { continue };
        let mut ev = ev.clone();
        let proc = ev["proc"].as_u64().unwrap_or(u64::MAX);
        if ev["ev"] == "spawn" {
            names.insert(proc, ev["name"].as_str().unwrap_or("").into());
        }
        let name = names
            .get(&proc)
            .cloned()
            .unwrap_or_else(|| "supervisor".into());
        ev["name"] = Value::from(name);
        if ev["ev"] == "exit" {
            ev["code"] = ev["ended"]["code"].clone();
            ev["signal"] = ev["ended"]["signal"].clone();
        }
        out.push(ev);
    }
    out
}

fn read_trace(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect();
    events_of(lines)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn evs<'a>(trace: &'a [Value], ev: &str) -> Vec<&'a Value> {
    trace.iter().filter(|v| v["ev"] == ev).collect()
}

fn assert_all_children_gone(trace: &[Value]) {
    for v in evs(trace, "spawn") {
        let pid = v["pid"].as_i64().unwrap() as i32;
        assert!(!is_alive(pid), "child {pid} ({}) is still alive", v["name"]);
    }
}

#[test]
fn lesson_queue_run_gets_each_url_once_in_writer_order_put_before_get() {
    let (out, trace) = run("lesson", &["queue", "--seed", "1", "--delay", "0..0.05"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert_eq!(text.matches("is writing...").count(), 2, "{text}");
    assert_eq!(text.matches("is reading...").count(), 1, "{text}");
    for n in 1..=6 {
        assert!(text.contains(&format!("Put url_{n} to queue...")), "{text}");
        assert!(text.contains(&format!("Get url_{n} from queue.")), "{text}");
    }
    assert!(text.contains("--- summary ---"));
    assert!(text.contains("6 put, 6 got, 0 left in the queue"), "{text}");
    // Each url got exactly once, after its put, in each writer's order.
    let mut put_at = HashMap::new();
    let mut got = HashMap::new();
    let mut by_writer: HashMap<String, Vec<String>> = HashMap::new();
    for (i, v) in trace.iter().enumerate() {
        let item = v["item"].as_str().unwrap_or("").to_string();
        match v["ev"].as_str().unwrap() {
            "put" => {
                put_at.insert(item.clone(), i);
                by_writer
                    .entry(v["name"].as_str().unwrap().into())
                    .or_default()
                    .push(item);
            }
            "get" => {
                assert!(
                    put_at.get(&item).is_some_and(|&p| p < i),
                    "get {item} before its put"
                );
                *got.entry(item).or_insert(0) += 1;
            }
            _ => {}
        }
    }
    assert_eq!(got.len(), 6);
    assert!(got.values().all(|&n| n == 1), "{got:?}");
    assert_eq!(by_writer["writer-1"], ["url_1", "url_2", "url_3"]);
    assert_eq!(by_writer["writer-2"], ["url_4", "url_5", "url_6"]);
    // The reader is terminated at the end, like the lesson's parent does.
    let reader_exit = trace
        .iter()
        .find(|v| v["ev"] == "exit" && v["name"] == "reader-1")
        .unwrap();
    assert_eq!(reader_exit["signal"], libc::SIGTERM);
    assert_all_children_gone(&trace);
}

#[test]
fn bounded_queue_never_exceeds_maxsize_and_writers_wait() {
    let (out, trace) = run(
        "bounded",
        &[
            "--maxsize",
            "2",
            "--writers",
            "3",
            "--items",
            "3",
            "--delay",
            "0..0",
            "--reader-delay",
            "0.05..0.05",
            "--seed",
            "2",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let puts = evs(&trace, "put");
    assert_eq!(puts.len(), 9);
    for v in trace.iter().filter(|v| !v["depth"].is_null()) {
        assert!(
            v["depth"].as_u64().unwrap() <= 2,
            "depth above maxsize: {v}"
        );
    }
    assert!(!evs(&trace, "put_wait").is_empty(), "no writer ever waited");
    assert!(stdout(&out).contains("the queue is full (2/2)"));
    assert_eq!(evs(&trace, "get").len(), 9);
}

#[test]
fn put_timeout_raises_full_and_the_writer_retries_the_same_item() {
    let (out, trace) = run(
        "putfull",
        &[
            "--maxsize",
            "1",
            "--writers",
            "1",
            "--items",
            "3",
            "--delay",
            "0..0",
            "--reader-delay",
            "0.4..0.4",
            "--put-timeout",
            "0.1",
            "--seed",
            "3",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let full = evs(&trace, "put_full");
    assert!(!full.is_empty(), "no queue.Full raised");
    assert!(stdout(&out).contains("queue.Full raised after 0.1 s"));
    // Retried, never lost: all three arrive.
    assert_eq!(evs(&trace, "get").len(), 3);
}

#[test]
fn get_timeout_raises_empty_and_the_reader_tries_again() {
    let (out, trace) = run(
        "getempty",
        &[
            "--writers",
            "1",
            "--items",
            "2",
            "--delay",
            "0.4..0.4",
            "--get-timeout",
            "0.1",
            "--seed",
            "4",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        !evs(&trace, "get_empty").is_empty(),
        "no queue.Empty raised"
    );
    assert!(stdout(&out).contains("queue.Empty raised after 0.1 s"));
    assert_eq!(evs(&trace, "get").len(), 2);
}

#[test]
fn pipe_run_ends_when_the_receiver_gets_eof() {
    for duplex in ["true", "false"] {
        let (out, trace) = run(
            &format!("pipe-{duplex}"),
            &[
                "pipe",
                "--messages",
                "4",
                "--delay",
                "0..0.02",
                "--reader-delay",
                "0..0.02",
                "--duplex",
                duplex,
                "--seed",
                "5",
            ],
        );
        assert!(out.status.success(), "{out:?}");
        let text = stdout(&out);
        for n in 0..4 {
            assert!(text.contains(&format!("send: url_{n}")), "{text}");
            assert!(text.contains(&format!("recv: url_{n}")), "{text}");
        }
        assert_eq!(evs(&trace, "recv_eof").len(), 1, "duplex={duplex}");
        let exit = trace
            .iter()
            .find(|v| v["ev"] == "exit" && v["name"] == "receiver")
            .unwrap();
        assert_eq!(exit["code"], 0);
        assert_all_children_gone(&trace);
    }
}

#[test]
fn pipe_forget_close_says_the_receiver_would_wait_forever() {
    let (out, trace) = run(
        "forget",
        &[
            "pipe",
            "--messages",
            "2",
            "--delay",
            "0..0",
            "--reader-delay",
            "0..0",
            "--forget-close",
            "--seed",
            "6",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("would wait forever"), "{text}");
    assert!(
        text.contains("parent still holds its copy of the send end"),
        "{text}"
    );
    assert!(
        evs(&trace, "recv_eof").is_empty(),
        "EOF despite the forgotten end"
    );
    assert_eq!(evs(&trace, "recv").len(), 2);
    assert_all_children_gone(&trace);
}

#[test]
fn pipe_inherit_says_the_receiver_waits_for_its_own_copy_and_close_unused_ends_it() {
    let zero = [
        "--delay",
        "0..0",
        "--reader-delay",
        "0..0",
        "--messages",
        "2",
    ];
    let (out, trace) = run("inherit", &[&["pipe", "--inherit"][..], &zero].concat());
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("it holds a copy of the send end itself (inherited, never closed)"),
        "{text}"
    );
    assert!(
        evs(&trace, "recv_eof").is_empty(),
        "EOF despite its own copy"
    );
    assert_eq!(evs(&trace, "recv").len(), 2);
    assert_all_children_gone(&trace);

    let args = [&["pipe", "--inherit", "--close-unused"][..], &zero].concat();
    let (out, trace) = run("close-unused", &args);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("closed its copy of the send end: it only receives"),
        "{text}"
    );
    assert!(
        text.contains("closed its copy of the receive end: it only sends"),
        "{text}"
    );
    assert_eq!(evs(&trace, "recv_eof").len(), 1, "{text}");
    assert!(!text.contains("would wait forever"), "{text}");
}

/// Both ends in recv: the run names the deadlock with its chain of waits
/// and ends (exit 0, as every stuck run), nothing sent.
#[test]
fn pipe_both_recv_ends_with_the_deadlock_named() {
    let (out, trace) = run("both-recv", &["pipe", "--both-recv", "--seed", "2"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("Deadlock: "))
        .unwrap_or_else(|| panic!("no deadlock named:\n{text}"));
    assert!(
        line.contains("sender (Process(")
            && line.contains("waits in recv() for a message from receiver"),
        "{line}"
    );
    assert!(line.contains("Neither will ever send"), "{line}");
    assert!(evs(&trace, "send").is_empty());
    let notes = evs(&trace, "note");
    assert!(
        notes.iter().any(|n| n["note"].get("deadlock").is_some()),
        "{notes:?}"
    );
    assert!(text.contains("--- summary ---"), "{text}");
    assert_all_children_gone(&trace);
}

/// A one-way pipe cannot carry replies: refused before anything runs.
#[test]
fn echo_and_both_recv_need_a_duplex_pipe() {
    for opt in ["--echo", "--both-recv"] {
        let out = Command::new(exe())
            .env("LC_ALL", "C")
            .args(["pipe", "--duplex", "false", opt, "--headless"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{opt} needs a duplex pipe")), "{err}");
    }
    let out = Command::new(exe())
        .args(["pipe", "--close-unused", "--headless"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--close-unused needs --inherit: {out:?}"
    );
}

fn counter_actual(text: &str) -> (u64, u64) {
    let s = text.split("expected ").nth(1).expect("counter summary");
    let expected: u64 = s.split(',').next().unwrap().trim().parse().unwrap();
    let a = s.split("actual ").nth(1).unwrap();
    let actual: u64 = a.split(':').next().unwrap().trim().parse().unwrap();
    (expected, actual)
}

#[test]
fn counter_with_the_lock_is_exact() {
    let (out, _) = run(
        "counter-lock",
        &["counter", "--procs", "4", "--increments", "20000", "--lock"],
    );
    assert!(out.status.success(), "{out:?}");
    let (expected, actual) = counter_actual(&stdout(&out));
    assert_eq!((expected, actual), (80_000, 80_000));
    assert!(stdout(&out).contains("0 updates lost"));
}

#[test]
fn counter_without_the_lock_loses_updates_and_never_exceeds_expected() {
    let (out, _) = run(
        "counter-race",
        &["counter", "--procs", "4", "--increments", "50000"],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let (expected, actual) = counter_actual(&text);
    assert_eq!(expected, 200_000);
    assert!(actual < expected && actual > 0, "updates are lost: {text}");
    assert!(text.contains("without the lock"));
}

#[test]
fn the_trace_is_a_recording_with_the_documented_fields_in_stream_order() {
    let t = trace_path("fields");
    let out = Command::new(exe())
        .env("LC_ALL", "C") // English, whatever the locale
        .args(["--delay", "0..0.01", "--seed", "7", "--headless", "--trace"])
        .arg(&t)
        .stdin(Stdio::null())
        .output()
        .expect("run ipcscope");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&t).unwrap();
    let _ = std::fs::remove_file(&t);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        r#"{"ipcscope":"recording","version":1}"#
    );
    let mut n_seen = Vec::new();
    let mut last_event_t = 0;
    let mut kinds = std::collections::HashSet::new();
    for l in lines {
        let v: Value = serde_json::from_str(l).unwrap();
        n_seen.push(v["n"].as_u64().unwrap());
        if let Some(ev) = v.get("event") {
            for key in ["t_ns", "proc", "pid", "ev"] {
                assert!(ev.get(key).is_some(), "{key} missing in {v}");
            }
            let t = ev["t_ns"].as_u64().unwrap();
            assert!(t >= last_event_t, "events out of time order: {v}");
            last_event_t = t;
        }
        let body = ["run", "event", "obs", "tick", "gap"]
            .into_iter()
            .find(|k| v.get(*k).is_some())
            .unwrap_or_else(|| panic!("no body in {v}"));
        kinds.insert(body);
    }
    assert!(
        n_seen.windows(2).all(|w| w[1] == w[0] + 1),
        "n counts records"
    );
    assert_eq!(n_seen[0], 0);
    for k in ["run", "event", "obs", "tick"] {
        assert!(kinds.contains(k), "no {k} record");
    }
    // It reads back as a recording.
    let t2 = trace_path("fields-back");
    std::fs::write(&t2, &text).unwrap();
    let rec = ipcscope::recording::load(&t2).unwrap();
    let _ = std::fs::remove_file(&t2);
    assert_eq!(rec.records.len(), n_seen.len());
}

/// Starts an unlimited run in the background with a trace; waits until the
/// trace shows `n` spawned children. Returns the process and the trace path.
fn start_unlimited(name: &str, n: usize, stdout: Stdio) -> (Background, PathBuf) {
    let t = trace_path(name);
    let child = Command::new(exe())
        .env("LC_ALL", "C") // English, whatever the locale
        .args([
            "--headless",
            "--items",
            "0",
            "--delay",
            "0.05..0.1",
            "--trace",
        ])
        .arg(&t)
        .stdin(Stdio::null())
        .stdout(stdout)
        .spawn()
        .unwrap();
    let child = Background(Some(child));
    wait_until("the children are spawned", || {
        read_trace_lenient(&t)
            .iter()
            .filter(|v| v["ev"] == "spawn")
            .count()
            >= n
    });
    (child, t)
}

fn read_trace_lenient(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    events_of(
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    )
}

/// An ipcscope started in the background: killed (and so its children,
/// by pdeathsig) if the test fails before it ends.
struct Background(Option<std::process::Child>);

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn child_pids(trace: &[Value]) -> Vec<i32> {
    evs(trace, "spawn")
        .iter()
        .map(|v| v["pid"].as_i64().unwrap() as i32)
        .collect()
}

#[test]
fn supervisor_killed_by_sigkill_leaves_no_child_alive() {
    let (mut sup, t) = start_unlimited("sigkill", 3, Stdio::null());
    let pids = child_pids(&read_trace_lenient(&t));
    assert_eq!(pids.len(), 3);
    let mut sup = sup.0.take().unwrap();
    sup.kill().unwrap(); // SIGKILL
    sup.wait().unwrap();
    let start = Instant::now();
    wait_until("every child is gone", || pids.iter().all(|&p| !is_alive(p)));
    // Pdeathsig acts at once; allow for a loaded machine.
    assert!(start.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_file(&t);
}

#[test]
fn unlimited_run_stops_on_sigterm_and_sigint_with_a_summary() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let (mut child, t) = start_unlimited(&format!("stop-{sig}"), 3, Stdio::piped());
        let child = child.0.take().unwrap();
        wait_until("an item is got", || {
            read_trace_lenient(&t).iter().any(|v| v["ev"] == "get")
        });
        // SAFETY: signalling the process we just started.
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "signal {sig}: {out:?}");
        let text = stdout(&out);
        assert!(text.contains("Interrupted"), "{text}");
        assert!(text.contains("--- summary ---"), "{text}");
        let trace = read_trace(&t);
        assert_all_children_gone(&trace);
        let _ = std::fs::remove_file(&t);
    }
}

#[test]
fn a_panic_in_the_supervisor_leaves_no_child_alive() {
    use ipcscope::proc::spawn::{ChildGuard, Output, Spec};
    let mut guard = ChildGuard::new();
    // Its panic report goes nowhere: it is expected.
    let spec = Spec::new(["__child", "panicking-supervisor"])
        .stdout(Output::Piped)
        .stderr(Output::Null);
    let sup = guard.spawn(exe(), &spec).unwrap();
    let out = read_all(take_stdout(&mut guard, sup));
    let pids: Vec<i32> = out
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect();
    assert_eq!(pids.len(), 3, "{out:?}");
    assert_eq!(
        guard.wait(sup, DEADLINE),
        Some(ipcscope::proc::spawn::Exit::Code(101))
    );
    wait_until("every child is gone", || pids.iter().all(|&p| !is_alive(p)));
}

#[test]
fn a_run_nobody_can_finish_ends_saying_why() {
    let (out, trace) = run(
        "stuck",
        &[
            "queue",
            // Unlimited: the parent never reads (with a count of items it
            // would, after its joins: see the next test).
            "--items",
            "0",
            "--writers",
            "2",
            "--readers",
            "0",
            "--maxsize",
            "1",
            "--delay",
            "0..0",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("No process can ever make progress") && text.contains("no reader is left"),
        "{text}"
    );
    assert_eq!(evs(&trace, "note").len(), 1, "said once");
    assert_all_children_gone(&trace);
}

/// No reader process and a count of items: the parent reads the queue
/// after joining the writers, who wait in put on the full queue: the
/// guideline's join before drain, named once, and the run ends.
#[test]
fn a_parent_joining_writers_blocked_on_the_queue_it_would_read_later_is_a_deadlock() {
    let (out, trace) = run(
        "join-first",
        &[
            "queue",
            "--items",
            "2",
            "--writers",
            "2",
            "--readers",
            "0",
            "--maxsize",
            "1",
            "--delay",
            "0..0",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("Deadlock: the parent waits in join() for Process(")
            && text.contains("cannot end until what it put goes into the queue; the queue is full"),
        "{text}"
    );
    assert_eq!(evs(&trace, "note").len(), 1, "said once");
    assert_all_children_gone(&trace);
}

#[test]
fn a_pipe_recv_never_comes_before_its_send_in_the_transcript_or_the_trace() {
    let (out, trace) = run(
        "pipe-order",
        &[
            "pipe",
            "--messages",
            "200",
            "--delay",
            "0..0.005",
            "--reader-delay",
            "0..0",
            "--duplex",
            "false",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    for n in 0..200 {
        let send = text
            .find(&format!("send: url_{n}\n"))
            .expect("each send printed");
        let recv = text
            .find(&format!("recv: url_{n}\n"))
            .expect("each recv printed");
        assert!(
            send < recv,
            "recv of url_{n} printed before its send:\n{text}"
        );
    }
    let mut sent = HashMap::new();
    for (i, v) in trace.iter().enumerate() {
        let seq = v["seq"].as_u64().unwrap_or(0);
        match v["ev"].as_str().unwrap() {
            "send" => {
                sent.insert(seq, (i, v["t_ns"].as_u64().unwrap()));
            }
            "recv" => {
                let (at, t) = sent.get(&seq).copied().expect("recv after its send");
                assert!(at < i && t <= v["t_ns"].as_u64().unwrap(), "{v}");
            }
            _ => {}
        }
    }
    assert_eq!(sent.len(), 200);
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_status_0_and_no_child_left() {
    use std::io::{BufRead, BufReader};
    use std::os::fd::OwnedFd;
    for merged in [false, true] {
        // Close-on-exec, so the run does not inherit the read end.
        let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
        let w2: OwnedFd = w.try_clone().unwrap();
        let t = trace_path(&format!("closed-{merged}"));
        let mut cmd = Command::new(exe());
        cmd.env("LC_ALL", "C"); // English, whatever the locale
        cmd.args([
            "--headless",
            "--items",
            "0",
            "--delay",
            "0.01..0.02",
            "--trace",
        ])
        .arg(&t)
        .stdin(Stdio::null())
        .stdout(Stdio::from(w));
        if merged {
            cmd.stderr(Stdio::from(w2));
        } else {
            drop(w2);
            cmd.stderr(Stdio::piped());
        }
        let child = Background(Some(cmd.spawn().unwrap()));
        let mut lines = BufReader::new(std::fs::File::from(r)).lines();
        let first: Vec<String> = (0..2).map(|_| lines.next().unwrap().unwrap()).collect();
        assert!(first[0].contains("is writing"), "{first:?}");
        drop(lines); // like `| head -2`
        let mut child = child;
        // The guard keeps the run until it has ended: a failure kills it.
        let c = child.0.as_mut().unwrap();
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(st) = c.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "the run did not end");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "merged={merged}");
        assert_all_children_gone(&read_trace_lenient(&t));
        let _ = std::fs::remove_file(&t);
        if !merged {
            let mut err = String::new();
            use std::io::Read;
            c.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            assert!(err.is_empty(), "quiet, as Unix tools are: {err}");
        }
    }
}

#[test]
fn an_interrupted_run_is_recorded_in_time_order_with_the_note_in_its_place() {
    let (mut child, t) = start_unlimited("interrupted-order", 3, Stdio::null());
    wait_until("an item is got", || {
        read_trace_lenient(&t).iter().any(|v| v["ev"] == "get")
    });
    let c = child.0.take().unwrap();
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
    let out = c.wait_with_output().unwrap();
    assert!(out.status.success());
    let trace = read_trace(&t);
    let _ = std::fs::remove_file(&t);
    let times: Vec<u64> = trace.iter().map(|v| v["t_ns"].as_u64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "the trace is in time order to its end"
    );
    assert_eq!(evs(&trace, "note").len(), 1, "the interruption is noted");
    assert_eq!(
        evs(&trace, "exit").len(),
        3,
        "every child's end is recorded"
    );
}

#[test]
fn a_recording_that_cannot_be_written_is_reported_and_the_run_goes_on() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    let t = trace_path("too-big");
    let out_path = trace_path("too-big-stdout");
    let mut cmd = Command::new(exe());
    cmd.env("LC_ALL", "C"); // English, whatever the locale
    cmd.args([
        "--headless",
        "--items",
        "0",
        "--writers",
        "2",
        "--delay",
        "0..0",
    ])
    .arg("--record")
    .arg(&t)
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&out_path).unwrap())
    .stderr(Stdio::piped());
    // SAFETY: setrlimit between fork and exec touches only this process.
    unsafe {
        cmd.pre_exec(|| {
            // Room for the shared memory (a few MiB), not for a flood's
            // recording: the disk is "full" a moment into the run.
            let lim = libc::rlimit {
                rlim_cur: 24 << 20,
                rlim_max: 24 << 20,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            Ok(())
        });
    }
    let mut child = Background(Some(cmd.spawn().unwrap()));
    let c = child.0.as_mut().unwrap();
    let mut err = BufReader::new(c.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(
        line.contains("cannot write the recording to") && line.contains("goes on without it"),
        "{line}"
    );
    // The run is still going: stop it as a user would.
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = c.wait().unwrap();
    let text = std::fs::read_to_string(&out_path).unwrap();
    let _ = std::fs::remove_file(&t);
    let _ = std::fs::remove_file(&out_path);
    assert!(status.success(), "{status:?} {rest}");
    assert!(rest.is_empty(), "said once: {rest}");
    assert!(
        text.contains("--- summary ---"),
        "the run went on to its end"
    );
}
