//! `ipcscope lesson NAME --headless` through the real binary, on real
//! processes: the lesson's scenes applied in order, each caption (and its
//! question, never the answer) printed where its scene starts in the
//! transcript, the summary at the end, no child left behind, a closed
//! stdout or a signal ending it the orderly way.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Instant;

use common::{DEADLINE, exe};
use ipcscope::lesson::BUILTIN;
use ipcscope::proc::spawn::is_alive;
use ipcscope::stream::lesson::Lesson;
use serde_json::Value;

fn lesson(name: &str) -> Lesson {
    BUILTIN
        .iter()
        .find(|b| b.name == name)
        .expect("a built-in lesson")
        .load()
        .expect("it loads")
        .lesson
}

fn trace_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "ipcscope-handout-{}-{name}.jsonl",
        std::process::id()
    ))
}

/// A run started here: killed (its children go with it, by pdeathsig) if
/// the test fails before it ends.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `ipcscope lesson NAME --headless --trace T ARGS`, English unless the
/// arguments say otherwise, its output piped.
fn start(name: &str, trace: &Path, args: &[&str]) -> Guard {
    let child = Command::new(exe())
        .env("LC_ALL", "C")
        .args(["lesson", name, "--headless", "--trace"])
        .arg(trace)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ipcscope");
    Guard(Some(child))
}

/// Reads `r` to its end on a thread.
fn drain(r: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut r) = r {
            let _ = r.read_to_string(&mut s);
        }
        s
    })
}

/// Waits for the run to end, within [`DEADLINE`].
fn wait(g: &mut Guard) -> std::process::ExitStatus {
    let c = g.0.as_mut().unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(st) = c.try_wait().expect("wait for ipcscope") {
            return st;
        }
        assert!(Instant::now() < deadline, "the lesson did not end");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Runs the lesson to its end; its output and the pids its trace spawned.
fn run(name: &str, args: &[&str]) -> (Output, Vec<i32>) {
    let t = trace_path(name);
    let mut g = start(name, &t, args);
    let c = g.0.as_mut().unwrap();
    let (out, err) = (drain(c.stdout.take()), drain(c.stderr.take()));
    let status = wait(&mut g);
    let pids = spawned(&t);
    let _ = std::fs::remove_file(&t);
    let out = Output {
        status,
        stdout: out.join().unwrap().into_bytes(),
        stderr: err.join().unwrap().into_bytes(),
    };
    (out, pids)
}

/// The pids of the children the trace shows spawned (every run's).
fn spawned(trace: &Path) -> Vec<i32> {
    let text = std::fs::read_to_string(trace).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v.get("event").cloned())
        .filter(|ev| ev["ev"] == "spawn")
        .map(|ev| ev["pid"].as_i64().unwrap() as i32)
        .collect()
}

fn assert_all_gone(pids: &[i32]) {
    assert!(!pids.is_empty(), "the trace shows no child");
    for &p in pids {
        assert!(!is_alive(p), "child {p} is still alive");
    }
}

/// Where scene `n` (from 1) starts in `lines`: its caption's line.
fn scene_at(lines: &[&str], l: &Lesson, n: usize) -> usize {
    let caption = format!("Scene {n}. {}", l.scenes[n - 1].caption.en);
    lines
        .iter()
        .position(|x| *x == caption)
        .unwrap_or_else(|| panic!("no `{caption}`:\n{}", lines.join("\n")))
}

/// Each `Get url_N` in `lines` comes after its `Put url_N`.
fn assert_put_before_get(lines: &[&str]) {
    let mut put: HashMap<String, usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(item) = l.strip_prefix("Put ").and_then(|r| r.split(' ').next()) {
            put.entry(item.to_string()).or_insert(i);
        }
        if let Some(item) = l.strip_prefix("Get ").and_then(|r| r.split(' ').next()) {
            assert!(
                put.get(item).is_some_and(|&p| p < i),
                "{item} got before it was put:\n{}",
                lines.join("\n")
            );
        }
    }
}

#[test]
fn a_headless_queue_lesson_prints_each_caption_where_its_scene_starts() {
    let l = lesson("queue");
    let (out, pids) = run("queue", &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "== Queue: two writers, one reader (program: queue_demo.py) ==",
            ""
        ]
    );
    // Every scene, in order; the first before the run's first line.
    let at: Vec<usize> = (1..=l.scenes.len())
        .map(|n| scene_at(&lines, &l, n))
        .collect();
    assert_eq!(at[0], 2, "{s}");
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{s}");
    // Questions and their choices under their captions; never the answer.
    for (i, scene) in l.scenes.iter().enumerate() {
        let Some(q) = &scene.question else { continue };
        assert_eq!(lines[at[i] + 1], format!("   Question: {}", q.prompt.en));
        for (n, c) in q.choices.iter().enumerate() {
            assert_eq!(lines[at[i] + 2 + n], format!("     {}) {}", n + 1, c.en));
        }
        let why = q.why.as_ref().unwrap();
        assert!(!s.contains(&why.en) && !s.contains(&why.zh), "{s}");
    }
    assert!(!s.contains("The run shows") && !s.contains("Right:"), "{s}");
    // Scene 2 restarts the run: the first run's lines above its caption,
    // the new run's below, each url put before it is got.
    let (first, second) = lines.split_at(at[1]);
    for run in [first, second] {
        let puts = run
            .iter()
            .filter(|x| **x == "Put url_1 to queue...")
            .count();
        assert_eq!(puts, 1, "{s}");
        assert!(run.iter().any(|x| x.starts_with("Get url_")), "{s}");
        assert_put_before_get(run);
    }
    for n in 1..=6 {
        let get = format!("Get url_{n} from queue.");
        assert!(second.contains(&get.as_str()), "{get}:\n{s}");
    }
    // The run answers scene 2 once the reader has got all six.
    let answered = lines
        .iter()
        .position(|x| *x == "(Here the run answers the question of scene 2.)")
        .expect("scene 2 answered");
    assert!(at[1] < answered && answered < at[2], "{s}");
    let last_get = (1..=6)
        .map(|n| {
            let get = format!("Get url_{n} from queue.");
            at[1] + second.iter().position(|x| *x == get).unwrap()
        })
        .max()
        .unwrap();
    assert!(last_get < answered, "{s}");
    // The summary last, after the last scene.
    let summary = lines.iter().position(|x| *x == "--- summary ---").unwrap();
    assert!(summary > at[4], "{s}");
    assert!(lines.last().unwrap().starts_with("telemetry: "), "{s}");
    assert_all_gone(&pids);
}

#[test]
fn a_headless_value_lesson_runs_without_then_with_the_lock_then_without() {
    let l = lesson("value");
    let (out, pids) = run("value", &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = s.lines().collect();
    let at: Vec<usize> = (1..=4).map(|n| scene_at(&lines, &l, n)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{s}");
    let counting = |from: usize, to: usize, what: &str| {
        lines[from..to]
            .iter()
            .filter(|x| x.starts_with("Process(") && x.ends_with(what))
            .count()
    };
    let no_lock = "is counting: v.value += 1 (no lock)";
    let lock = "is counting: with v.get_lock(): v.value += 1";
    // Scene 2 restarts without the lock, scene 3 with it, scene 4 without.
    assert_eq!(counting(at[1], at[2], no_lock), 4, "{s}");
    assert_eq!(counting(at[2], at[3], lock), 4, "{s}");
    assert_eq!(counting(at[2], at[3], no_lock), 0, "{s}");
    assert_eq!(counting(at[3], lines.len(), no_lock), 4, "{s}");
    // With the lock the run shows its answer: all 400,000 counted.
    let answered = lines
        .iter()
        .position(|x| *x == "(Here the run answers the question of scene 3.)")
        .expect("scene 3 answered");
    assert!(at[2] < answered && answered < at[3], "{s}");
    let summary = lines.iter().position(|x| *x == "--- summary ---").unwrap();
    assert!(summary > at[3], "{s}");
    assert!(
        lines[summary + 1].starts_with("counter (without the lock): expected 400000"),
        "{s}"
    );
    assert_all_gone(&pids);
}

#[test]
fn a_closed_stdout_ends_a_headless_lesson_quietly_leaving_no_child() {
    let t = trace_path("closed");
    let mut g = start("forgotten_close", &t, &[]);
    let c = g.0.as_mut().unwrap();
    let err = drain(c.stderr.take());
    let mut lines = BufReader::new(c.stdout.take().unwrap()).lines();
    let first: Vec<String> = (0..5).map(|_| lines.next().unwrap().unwrap()).collect();
    assert!(first[0].starts_with("== The forgotten close"), "{first:?}");
    assert!(first[2].starts_with("Scene 1. "), "{first:?}");
    drop(lines); // like `| head -5`
    let status = wait(&mut g);
    assert_eq!(status.code(), Some(0));
    assert_eq!(err.join().unwrap(), "", "quiet, as Unix tools are");
    assert_all_gone(&spawned(&t));
    let _ = std::fs::remove_file(&t);
}

#[test]
fn a_signal_stops_a_headless_lesson_with_the_summary() {
    let t = trace_path("signal");
    let mut g = start("queue", &t, &[]);
    let c = g.0.as_mut().unwrap();
    let pid = c.id() as i32;
    let err = drain(c.stderr.take());
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = c.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all
    });
    // Once the run has restarted (scene 2), interrupt it.
    loop {
        let line = rx.recv_timeout(DEADLINE).expect("scene 2 starts");
        if line.starts_with("Scene 2. ") {
            break;
        }
    }
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let status = wait(&mut g);
    assert_eq!(status.code(), Some(0));
    let lines = reader.join().unwrap();
    let s = lines.join("\n");
    let stop = lines
        .iter()
        .position(|l| l == "Interrupted: stopping the processes.")
        .unwrap_or_else(|| panic!("no interruption:\n{s}"));
    let summary = lines.iter().position(|l| l == "--- summary ---").unwrap();
    assert!(stop < summary, "{s}");
    assert!(!s.contains("Scene 5. "), "{s}");
    assert_eq!(err.join().unwrap(), "");
    assert_all_gone(&spawned(&t));
    let _ = std::fs::remove_file(&t);
}

#[test]
fn an_endless_lesson_run_ends_after_its_last_scene_its_writers_stopped() {
    // The terminate lesson's writers put until stopped (`items = 0`).
    let l = lesson("terminate");
    let (out, pids) = run("terminate", &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = s.lines().collect();
    let at: Vec<usize> = (1..=l.scenes.len())
        .map(|n| scene_at(&lines, &l, n))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{s}");
    assert_put_before_get(&lines);
    let summary = lines.iter().position(|x| *x == "--- summary ---").unwrap();
    assert!(summary > at[3], "{s}");
    // The new writer of the last scene was stopped between operations,
    // the reader left was terminated.
    let tail = &lines[summary..];
    assert!(
        tail.iter()
            .any(|x| x.starts_with("  writer-3 ") && x.ends_with(", exited")),
        "{s}"
    );
    assert!(
        tail.iter()
            .any(|x| x.starts_with("  reader-2 ") && x.ends_with("terminated by SIGTERM")),
        "{s}"
    );
    assert_all_gone(&pids);
}
