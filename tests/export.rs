//! `ipcscope export`: real recordings (the binary run headless with
//! `--record`) exported by the real binary, and hand-built recordings.
//! The Perfetto output is checked against the trace-event format's rules
//! by [`check_trace`] (itself tested on broken traces), the CSV read back
//! by [`parse_csv`], an RFC 4180 reader written here.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ipcscope::recording;
use ipcscope::stream::{Body, Event, Kind, Note, Record, Role, RunInfo};
use serde_json::{Value, json};

/// Longest one run of the binary may take.
const DEADLINE: Duration = Duration::from_secs(120);

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
        let dir =
            std::env::temp_dir().join(format!("ipcscope-export-{}-{name}", std::process::id()));
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
    p.to_str().expect("utf-8 path")
}

/// Records a headless run of `scenario_args` to `dir/NAME.jsonl`.
fn record(dir: &Scratch, name: &str, scenario_args: &[&str]) -> PathBuf {
    let path = dir.join(&format!("{name}.jsonl"));
    let mut args = scenario_args.to_vec();
    args.extend(["--headless", "--seed", "7", "--record", s(&path)]);
    let out = ipcscope(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// Exports `rec` as `format` with the real binary; returns the output.
fn export(rec: &Path, format: &str, out: &Path) -> String {
    let o = ipcscope(&["export", s(rec), "--format", format, "-o", s(out)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "export: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains(s(out)));
    std::fs::read_to_string(out).expect("export written")
}

fn events(records: &[Record]) -> impl Iterator<Item = (u64, &Event)> {
    records.iter().filter_map(|r| match &r.body {
        Body::Event(e) => Some((r.n, e)),
        _ => None,
    })
}

// ---------------------------------------------------------- the checker --

/// What [`check_trace`] counted.
#[derive(Debug, Default)]
struct Checked {
    /// Complete flows (`s` and `f` with one id).
    flows: usize,
    /// `X` slices by name prefix (`put: blocked...` -> `put:`).
    slices: Vec<(String, f64, f64, Value)>,
    instants: Vec<(String, u64, Value)>,
    counters: Vec<(String, Value)>,
    /// pid -> process_name.
    names: HashMap<u64, String>,
}

/// Checks the Chrome trace-event rules the export promises:
/// - `traceEvents` is a list of objects with `ph`, `pid`, `tid`, `ts`;
///   `ts` (and `dur`) are finite numbers >= 0 (microseconds), compared
///   as Perfetto reads them: rounded to whole nanoseconds;
/// - on every track (pid, tid), events other than metadata come in
///   non-decreasing `ts`;
/// - every `B` has an `E` on the same track, and no `E` is without its `B`;
///   `X` slices have `dur >= 0` and nest on their track (never overlap
///   partly);
/// - every flow has one `s` and one `f` with the same id, cat and name,
///   the `f` has `bp: "e"` and is not earlier than the `s`, and each end
///   lies on a slice of its track;
/// - metadata names every track: a `process_name` for each pid used, a
///   `thread_name` for each (pid, tid) with slices, instants or flows.
fn check_trace(trace: &Value) -> Result<Checked, String> {
    let evs = trace["traceEvents"]
        .as_array()
        .ok_or("no traceEvents list")?;
    let mut c = Checked::default();
    let mut thread_names = HashSet::new();
    let mut used_pids = HashSet::new();
    let mut used_threads = HashSet::new();
    let mut last_ts: HashMap<(u64, u64), i64> = HashMap::new();
    let mut b_stacks: HashMap<(u64, u64), Vec<String>> = HashMap::new();
    let mut x_stacks: HashMap<(u64, u64), Vec<i64>> = HashMap::new();
    let mut x_spans: HashMap<(u64, u64), Vec<(i64, i64)>> = HashMap::new();
    let mut flow_s: HashMap<u64, ((u64, u64), i64, String, String)> = HashMap::new();
    let mut flow_f: HashMap<u64, ((u64, u64), i64, String, String)> = HashMap::new();
    for (i, e) in evs.iter().enumerate() {
        let at = |what: &str| format!("event {i} {e}: {what}");
        let ph = e["ph"].as_str().ok_or_else(|| at("no ph"))?;
        let pid = e["pid"].as_u64().ok_or_else(|| at("no pid"))?;
        let tid = e["tid"].as_u64().ok_or_else(|| at("no tid"))?;
        let track = (pid, tid);
        let name = e["name"].as_str().unwrap_or("").to_string();
        if ph == "M" {
            let label = e["args"]["name"].as_str();
            match name.as_str() {
                "process_name" => {
                    let l = label
                        .filter(|l| !l.is_empty())
                        .ok_or_else(|| at("empty name"))?;
                    c.names.insert(pid, l.to_string());
                }
                "thread_name" => {
                    label
                        .filter(|l| !l.is_empty())
                        .ok_or_else(|| at("empty name"))?;
                    thread_names.insert(track);
                }
                _ => {}
            }
            continue;
        }
        let ts_us = e["ts"].as_f64().ok_or_else(|| at("no ts"))?;
        let ts = ns(ts_us).ok_or_else(|| at("ts not a time"))?;
        let last = last_ts.entry(track).or_insert(0);
        if ts < *last {
            return Err(at(&format!("ts {ts} before {last} on its track")));
        }
        *last = ts;
        used_pids.insert(pid);
        if ph != "C" {
            used_threads.insert(track);
        }
        match ph {
            "B" => b_stacks.entry(track).or_default().push(name),
            "E" => {
                b_stacks
                    .entry(track)
                    .or_default()
                    .pop()
                    .ok_or_else(|| at("E without B"))?;
            }
            "X" => {
                let dur_us = e["dur"].as_f64().ok_or_else(|| at("X without dur"))?;
                let dur = ns(dur_us).ok_or_else(|| at("negative dur"))?;
                let end = ts + dur;
                let stack = x_stacks.entry(track).or_default();
                while stack
                    .last()
                    .is_some_and(|&top| top < ts || (top == ts && dur > 0))
                {
                    stack.pop();
                }
                if let Some(&top) = stack.last()
                    && top < end
                {
                    return Err(at(&format!("overlaps a slice ending at {top}")));
                }
                stack.push(end);
                x_spans.entry(track).or_default().push((ts, end));
                c.slices.push((name, ts_us, dur_us, e["args"].clone()));
            }
            "i" | "I" => c.instants.push((name, pid, e["args"].clone())),
            "C" => c.counters.push((name, e["args"].clone())),
            "s" | "f" => {
                let id = e["id"].as_u64().ok_or_else(|| at("flow without id"))?;
                let cat = e["cat"].as_str().unwrap_or("").to_string();
                let end = (track, ts, cat, name);
                let map = if ph == "s" { &mut flow_s } else { &mut flow_f };
                if map.insert(id, end).is_some() {
                    return Err(at("flow id used twice"));
                }
                if ph == "f" && e["bp"] != "e" {
                    return Err(at("flow finish without bp: e"));
                }
            }
            other => return Err(at(&format!("unexpected ph {other}"))),
        }
    }
    if let Some((t, open)) = b_stacks.iter().find(|(_, s)| !s.is_empty()) {
        return Err(format!("B {open:?} never ended on track {t:?}"));
    }
    let on_a_slice = |track: &(u64, u64), ts: i64| {
        x_spans
            .get(track)
            .is_some_and(|v| v.iter().any(|&(a, b)| a <= ts && ts <= b))
    };
    for (id, (track, ts, cat, name)) in &flow_s {
        let (ftrack, fts, fcat, fname) = flow_f
            .get(id)
            .ok_or_else(|| format!("flow {id} has no finish"))?;
        if fts < ts || fcat != cat || fname != name {
            return Err(format!("flow {id}: finish does not match its start"));
        }
        if !on_a_slice(track, *ts) || !on_a_slice(ftrack, *fts) {
            return Err(format!("flow {id}: an end is on no slice"));
        }
    }
    if let Some(id) = flow_f.keys().find(|id| !flow_s.contains_key(id)) {
        return Err(format!("flow {id} has no start"));
    }
    c.flows = flow_s.len();
    if let Some(p) = used_pids.iter().find(|p| !c.names.contains_key(p)) {
        return Err(format!("pid {p} has no process_name"));
    }
    if let Some(t) = used_threads.iter().find(|t| !thread_names.contains(t)) {
        return Err(format!("track {t:?} has no thread_name"));
    }
    Ok(c)
}

/// Microseconds as Perfetto reads them: whole nanoseconds, rounded;
/// `None` for a negative or non-finite time.
fn ns(us: f64) -> Option<i64> {
    (us.is_finite() && us >= 0.0).then(|| (us * 1000.0).round() as i64)
}

fn meta(pid: u64, name: &str) -> [Value; 2] {
    [
        json!({"name": "process_name", "ph": "M", "pid": pid, "tid": pid, "args": {"name": name}}),
        json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": pid, "args": {"name": name}}),
    ]
}

fn trace_of(events: Vec<Value>) -> Value {
    let mut all: Vec<Value> = meta(1, "a (1)")
        .into_iter()
        .chain(meta(2, "b (2)"))
        .collect();
    all.extend(events);
    json!({ "traceEvents": all })
}

#[test]
fn the_checker_accepts_a_good_trace_and_refuses_each_broken_rule() {
    let x = |pid: u64, ts: f64, dur: f64| json!({"name":"x","ph":"X","ts":ts,"dur":dur,"pid":pid,"tid":pid});
    let flow = |ph: &str, pid: u64, ts: f64, bp: bool| {
        let mut f = json!({"name":"item","cat":"queue","ph":ph,"ts":ts,"pid":pid,"tid":pid,"id":1});
        if bp {
            f["bp"] = json!("e");
        }
        f
    };
    let good = vec![
        x(1, 1.0, 0.0),
        flow("s", 1, 1.0, false),
        json!({"name":"w","ph":"B","ts":1.5,"pid":2,"tid":2}),
        json!({"name":"w","ph":"E","ts":2.0,"pid":2,"tid":2}),
        x(2, 2.0, 0.0),
        flow("f", 2, 2.0, true),
    ];
    let checked = check_trace(&trace_of(good.clone())).expect("good trace");
    assert_eq!(checked.flows, 1);

    let broken = |edit: &dyn Fn(&mut Vec<Value>), why: &str| {
        let mut evs = good.clone();
        edit(&mut evs);
        let e = check_trace(&trace_of(evs)).expect_err(why);
        assert!(e.contains(why), "{why}: {e}");
    };
    broken(&|v| drop(v.remove(3)), "never ended");
    broken(&|v| drop(v.remove(2)), "E without B");
    broken(&|v| drop(v.remove(5)), "has no finish");
    broken(&|v| drop(v.remove(1)), "has no start");
    broken(&|v| v[5] = flow("f", 2, 2.0, false), "without bp");
    broken(&|v| v[5]["ts"] = json!(2.5), "on no slice");
    broken(&|v| v[3]["ts"] = json!(1.0), "before");
    broken(&|v| v[0]["dur"] = json!(-1.0), "negative dur");
    broken(
        &|v| v.push(json!({"name":"n","ph":"i","s":"t","ts":9.0,"pid":3,"tid":3})),
        "no process_name",
    );
    broken(
        &|v| {
            v.push(x(1, 3.0, 2.0));
            v.push(x(1, 4.0, 2.0));
        },
        "overlaps",
    );
}

// ------------------------------------------------------------ perfetto --

/// Checks an exported trace against its recording: the format's rules,
/// one named track per process (`writer-1 (PID)`), the times of the
/// operations in microseconds since the run started, and one arrow per
/// get (queue) or recv (pipe).
fn check_against_recording(rec_path: &Path, trace_text: &str) -> Checked {
    let rec = recording::load(rec_path).expect("recording");
    let trace: Value = serde_json::from_str(trace_text).expect("the export is JSON");
    let checked = check_trace(&trace).unwrap_or_else(|e| panic!("{e}"));
    let start = rec
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Run(i) => Some(i.start_ns),
            _ => None,
        })
        .expect("a run");
    let names: HashSet<&String> = checked.names.values().collect();
    // Each process's name: its spawn's, or the multiprocessing name a
    // watched program's child says once it runs.
    let mut named: HashMap<(u16, i32), String> = HashMap::new();
    for (_, e) in events(&rec.records) {
        match &e.kind {
            Kind::Spawn { name, .. } => {
                named.insert((e.child, e.pid), name.clone());
            }
            Kind::Program(ipcscope::stream::ProgramOp::Begin { name, .. }) => {
                named.insert((e.child, e.pid), name.clone());
            }
            _ => {}
        }
    }
    for ((_, pid), name) in &named {
        let want = format!("{name} ({pid})");
        assert!(names.contains(&want), "no track {want}: {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("supervisor (")));
    let t_of: HashMap<u64, u64> = events(&rec.records).map(|(n, e)| (n, e.t_ns)).collect();
    let mut ops = 0;
    for (name, ts, dur, args) in &checked.slices {
        if *dur == 0.0 && args["n"].is_u64() {
            let t = t_of[&args["n"].as_u64().unwrap()];
            let want = (t - start) as f64 / 1000.0;
            assert!((ts - want).abs() < 1e-6, "{name}: ts {ts}, want {want} us");
            ops += 1;
        }
    }
    let takes = events(&rec.records)
        .filter(|(_, e)| matches!(e.kind, Kind::Get | Kind::Recv))
        .count();
    let gives = events(&rec.records)
        .filter(|(_, e)| matches!(e.kind, Kind::Put | Kind::Send))
        .count();
    assert_eq!(ops, takes + gives, "one slice per put/get/send/recv");
    assert_eq!(checked.flows, takes, "one arrow per get/recv");
    checked
}

fn count(names: impl Iterator<Item = String>, prefix: &str) -> usize {
    names.filter(|n| n.starts_with(prefix)).count()
}

#[test]
fn queue_recording_exports_a_valid_trace_with_blocked_puts_arrows_and_depth() {
    let dir = Scratch::new("perfetto-queue");
    // maxsize 1 and a slow reader: the writers block in put.
    let rec = record(
        &dir,
        "queue",
        &[
            "queue",
            "--items",
            "4",
            "--delay",
            "0..0",
            "--reader-delay",
            "0.02..0.03",
            "--maxsize",
            "1",
        ],
    );
    let text = export(&rec, "perfetto", &dir.join("queue.json"));
    let c = check_against_recording(&rec, &text);
    assert_eq!(c.flows, 8, "2 writers x 4 items, every one got");
    let slice_names = || c.slices.iter().map(|s| s.0.clone());
    assert!(count(slice_names(), "put: blocked") > 0, "{:?}", c.slices);
    assert!(
        c.slices
            .iter()
            .filter(|s| s.0.starts_with("put: blocked"))
            .all(|s| s.3["until"] == "put"),
        "a blocked put ends with its put"
    );
    let depths: Vec<u64> = c
        .counters
        .iter()
        .filter(|(n, _)| n == "queue")
        .map(|(_, a)| a["depth"].as_u64().expect("depth"))
        .collect();
    assert_eq!(
        depths.len(),
        1 + 8 + 8,
        "0 at the start, then each put and get"
    );
    assert!(depths.iter().all(|&d| d <= 1), "maxsize 1: {depths:?}");
    let instants = || c.instants.iter().map(|i| i.0.clone());
    assert_eq!(count(instants(), "spawn "), 3);
    assert_eq!(
        count(instants(), "SIGTERM from the parent"),
        1,
        "the reader is terminated"
    );
}

#[test]
fn pipe_recording_exports_a_valid_trace_with_one_arrow_per_recv_and_eof() {
    let dir = Scratch::new("perfetto-pipe");
    let rec = record(
        &dir,
        "pipe",
        &[
            "pipe",
            "--messages",
            "6",
            "--delay",
            "0..0.02",
            "--reader-delay",
            "0..0.02",
        ],
    );
    let text = export(&rec, "perfetto", &dir.join("pipe.json"));
    let c = check_against_recording(&rec, &text);
    assert_eq!(c.flows, 6);
    assert_eq!(c.instants.iter().filter(|i| i.0 == "EOFError").count(), 1);
    assert!(
        c.counters
            .iter()
            .any(|(n, a)| n == "pipe" && a["bytes"].is_u64()),
        "pipe bytes from observations: {:?}",
        c.counters
    );
}

#[test]
fn a_blocked_pipe_send_exports_as_a_slice_until_its_write_returned() {
    let dir = Scratch::new("perfetto-send-wait");
    // A one-way pipe (64 KiB) and a sender with no delay: after some 5,000
    // messages the pipe is full, and each write waits until the receiver
    // (0.2 ms a message) has emptied a whole page of it, some 340 messages.
    let rec = record(
        &dir,
        "send-wait",
        &[
            "pipe",
            "--duplex",
            "false",
            "--messages",
            "6000",
            "--delay",
            "0..0",
            "--reader-delay",
            "0.0002..0.0002",
        ],
    );
    let text = export(&rec, "perfetto", &dir.join("send-wait.json"));
    let c = check_against_recording(&rec, &text);
    let loaded = recording::load(&rec).expect("recording");
    let start = loaded
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Run(i) => Some(i.start_ns),
            _ => None,
        })
        .expect("a run");
    let us = |t: u64| (t - start) as f64 / 1000.0;
    // Each send that waited (by its label): when its write returned. (Its
    // wait is the send_wait of the same label; matched by label, not by
    // order, so an event the telemetry had to drop cannot shift them.)
    let mut written = HashMap::new();
    for (_, e) in events(&loaded.records) {
        if let (Kind::Send, Some(done)) = (&e.kind, e.done_ns) {
            assert!(done >= e.t_ns, "written before it started: {e:?}");
            written.insert(e.item.clone().expect("a label"), us(done));
        }
    }
    assert!(!written.is_empty(), "the sender never waited");
    let waits: HashMap<u64, f64> = events(&loaded.records)
        .filter(|(_, e)| e.kind == Kind::SendWait)
        .map(|(n, e)| (n, us(e.t_ns)))
        .collect();
    let mut blocked = Vec::new();
    for (name, ts, dur, args) in &c.slices {
        if !name.starts_with("send: blocked") || args["until"] != "send" {
            continue;
        }
        let wait = waits[&args["n"].as_u64().expect("the wait's record")];
        assert!(
            (ts - wait).abs() < 1e-3,
            "slice at {ts} us, its wait at {wait} us"
        );
        let item = args["item"].as_str().expect("the wait's label");
        if let Some(done) = written.get(item) {
            let end = ts + dur;
            assert!(
                (end - done).abs() < 1e-3,
                "{item}: the slice ends at {end} us, its write returned at {done} us"
            );
            blocked.push((*ts, end));
        }
    }
    assert!(
        blocked.len() * 2 > written.len(),
        "most sends that waited have their slice: {} of {}",
        blocked.len(),
        written.len()
    );
    let longest = blocked.iter().map(|(a, b)| b - a).fold(0.0, f64::max);
    assert!(
        longest >= 10_000.0,
        "a full pipe's writer waits for the receiver to empty a page: longest {longest} us"
    );
}

#[test]
fn counter_recording_exports_a_valid_trace_with_value_and_increments() {
    let dir = Scratch::new("perfetto-counter");
    let rec = record(
        &dir,
        "counter",
        &["counter", "--procs", "2", "--increments", "20000"],
    );
    let text = export(&rec, "perfetto", &dir.join("counter.json"));
    let c = check_against_recording(&rec, &text);
    assert_eq!(c.flows, 0);
    let done: Vec<u64> = c
        .counters
        .iter()
        .filter(|(n, _)| n == "increments")
        .filter_map(|(_, a)| a["done"].as_u64())
        .collect();
    assert_eq!(done.iter().filter(|&&d| d == 20000).count(), 2, "{done:?}");
    assert!(c.names.values().any(|n| n == "Value"));
}

// ----------------------------------------------------------------- csv --

/// Reads RFC 4180 CSV: fields split on commas, quoted fields may hold
/// commas, doubled quotes and line breaks; records end with CRLF (a bare
/// LF is accepted too).
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(format!("a quote inside an unquoted field: {field:?}")),
            ',' => {
                row.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                was_quoted = false;
            }
            _ if was_quoted => return Err(format!("text after a closing quote: {ch:?}")),
            _ => field.push(ch),
        }
    }
    if quoted {
        return Err("the file ends inside a quoted field".into());
    }
    if !field.is_empty() || !row.is_empty() {
        return Err("the last record does not end with a line break".into());
    }
    Ok(rows)
}

#[test]
fn the_csv_reader_reads_quotes_commas_and_line_breaks_and_refuses_bad_quoting() {
    let rows = parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"x\r\ny\",,z\r\n").unwrap();
    assert_eq!(
        rows,
        vec![vec!["a", "b,c", "say \"hi\""], vec!["x\r\ny", "", "z"]]
    );
    assert!(parse_csv("a\"b\r\n").is_err());
    assert!(parse_csv("\"open\r\n").is_err());
    assert!(parse_csv("\"a\"b\r\n").is_err());
    assert!(parse_csv("no,end").is_err());
}

const COLUMNS: &str = "run,n,t_us,proc,name,role,pid,ev,item,seq,depth,detail";

/// Every row of `csv` matches its event in the recording.
fn check_csv_against_recording(rec_path: &Path, csv: &str) -> Vec<Vec<String>> {
    let rec = recording::load(rec_path).expect("recording");
    let rows = parse_csv(csv).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows[0].join(","), COLUMNS);
    let start = rec
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Run(i) => Some(i.start_ns),
            _ => None,
        })
        .expect("a run");
    let evs: Vec<(u64, &Event)> = events(&rec.records).collect();
    let gaps = rec
        .records
        .iter()
        .filter(|r| matches!(r.body, Body::Gap(_)))
        .count();
    assert_eq!(rows.len() - 1, evs.len() + gaps, "one row per event");
    for (row, (n, e)) in rows[1..].iter().zip(&evs) {
        assert_eq!(row.len(), 12, "{row:?}");
        assert_eq!(row[1], n.to_string());
        let rel = e.t_ns - start;
        assert_eq!(row[2], format!("{}.{:03}", rel / 1000, rel % 1000));
        assert_eq!(row[6], e.pid.to_string());
        assert_eq!(row[7], e.kind.name());
        assert_eq!(unguarded(&row[8]), e.item.clone().unwrap_or_default());
        assert_eq!(row[9], e.seq.map_or(String::new(), |s| s.to_string()));
    }
    rows
}

#[test]
fn queue_and_pipe_recordings_export_one_csv_row_per_event() {
    let dir = Scratch::new("csv-real");
    let queue = record(
        &dir,
        "queue",
        &["queue", "--items", "3", "--delay", "0..0.02"],
    );
    let rows = check_csv_against_recording(&queue, &export(&queue, "csv", &dir.join("q.csv")));
    assert!(
        rows.iter()
            .any(|r| r[4] == "writer-1" && r[5] == "writer" && r[7] == "put"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[7] == "exit" && r[11] == "signal=15 (SIGTERM)")
    );
    let pipe = record(
        &dir,
        "pipe",
        &["pipe", "--messages", "4", "--delay", "0..0.02"],
    );
    let rows = check_csv_against_recording(&pipe, &export(&pipe, "csv", &dir.join("p.csv")));
    assert_eq!(rows.iter().filter(|r| r[7] == "recv").count(), 4);
}

/// A text cell as it was before the export guarded it against formula
/// injection (a `'` in front of `=`, `+`, `-`, `@`, tab or CR).
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[test]
fn csv_text_cells_starting_like_a_formula_are_escaped_and_numbers_keep_their_sign() {
    let dir = Scratch::new("csv-formulas");
    // A watched program's own prints become `output` rows, their line in
    // `detail`: text anyone can choose.
    let prog = dir.join("formulas.py");
    let lines = [
        "=1+2",
        "-3",
        "+4",
        "@SUM(A1)",
        "=HYPERLINK(\"http://x\",\"y\")",
        "a=b",
    ];
    let mut src = String::new();
    for l in lines {
        src.push_str(&format!("print({l:?})\n"));
    }
    std::fs::write(&prog, src).unwrap();
    let rec = record(&dir, "formulas", &["run", s(&prog)]);
    let csv = export(&rec, "csv", &dir.join("formulas.csv"));
    let raw: Vec<&str> = csv.split("\r\n").collect();
    for (line, want) in [
        ("=1+2", ",\"'=1+2\""),
        ("-3", ",\"'-3\""),
        ("+4", ",\"'+4\""),
        ("@SUM(A1)", ",\"'@SUM(A1)\""),
        (
            "=HYPERLINK(\"http://x\",\"y\")",
            ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
        ),
        ("a=b", ",a=b"),
    ] {
        assert!(
            raw.iter()
                .any(|r| r.contains(",output,") && r.ends_with(want)),
            "{line:?}: no output row ending {want:?} in\n{csv}"
        );
    }
    let rows = check_csv_against_recording(&rec, &csv);
    let printed: Vec<&str> = rows
        .iter()
        .filter(|r| r[7] == "output")
        .map(|r| unguarded(&r[11]))
        .collect();
    assert_eq!(
        printed, lines,
        "each line, as printed once the guard is off"
    );
    // The numeric columns are never guarded, so a spreadsheet reads them as
    // numbers: a negative pid (hand-built: none is in a real run) too.
    let neg = dir.join("negative.jsonl");
    write_recording(
        &neg,
        &[
            run_record(0, 1_000_000),
            ev(1, Event::new(1_000_500, 0, -1, Kind::Put).with_seq(1)),
        ],
    );
    let csv = export(&neg, "csv", &dir.join("negative.csv"));
    let rows = parse_csv(&csv).unwrap();
    assert_eq!(rows[1][6], "-1", "{csv}");
    assert!(csv.contains(",-1,put,"), "{csv}");
}

/// Writes `records` as a recording file.
fn write_recording(path: &Path, records: &[Record]) {
    let mut text = String::from("{\"ipcscope\":\"recording\",\"version\":1}\n");
    for r in records {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn run_record(n: u64, start_ns: u64) -> Record {
    use ipcscope::config::{Mode, QueueConfig, RunConfig, Scenario};
    Record {
        n,
        body: Body::Run(RunInfo {
            start_ns,
            pid: 100,
            config: RunConfig::new(
                Scenario::Queue(QueueConfig::defaults(Mode::Headless)),
                Mode::Headless,
                1,
            ),
        }),
    }
}

fn ev(n: u64, e: Event) -> Record {
    Record {
        n,
        body: Body::Event(e),
    }
}

#[test]
fn csv_fields_with_commas_quotes_and_line_breaks_round_trip() {
    let dir = Scratch::new("csv-quotes");
    let nasty = [
        "a,b",
        "say \"hi\"",
        "two\nlines",
        "cr\r\nlf",
        ",\"\n",
        "plain",
    ];
    let mut recs = vec![
        run_record(0, 1_000_000),
        ev(
            1,
            Event::new(
                1_000_500,
                0,
                101,
                Kind::Spawn {
                    name: "writer-1".into(),
                    role: Role::Writer,
                },
            ),
        ),
    ];
    for (i, item) in nasty.iter().enumerate() {
        let t = 1_001_000 + i as u64 * 1_001;
        recs.push(ev(
            recs.len() as u64,
            Event::new(t, 0, 101, Kind::Put)
                .with_item(*item)
                .with_seq(i as u64 + 1),
        ));
        recs.push(ev(
            recs.len() as u64,
            Event::new(
                t + 1,
                0,
                101,
                Kind::Output {
                    text: format!("printed {item}"),
                },
            ),
        ));
    }
    recs.push(ev(
        recs.len() as u64,
        Event::new(
            1_100_000,
            u16::MAX,
            100,
            Kind::Note {
                note: Note::CouldNotDo {
                    what: "x, \"y\"\nz".into(),
                },
            },
        ),
    ));
    let path = dir.join("nasty.jsonl");
    write_recording(&path, &recs);
    let csv = export(&path, "csv", &dir.join("nasty.csv"));
    let rows = check_csv_against_recording(&path, &csv);
    let items: Vec<&str> = rows
        .iter()
        .filter(|r| r[7] == "put")
        .map(|r| r[8].as_str())
        .collect();
    assert_eq!(items, nasty);
    let printed: Vec<String> = rows
        .iter()
        .filter(|r| r[7] == "output")
        .map(|r| r[11].clone())
        .collect();
    let want: Vec<String> = nasty.iter().map(|i| format!("printed {i}")).collect();
    assert_eq!(printed, want);
    let note = rows.last().unwrap();
    assert_eq!((note[3].as_str(), note[4].as_str()), ("", "supervisor"));
    assert!(note[11].starts_with("could_not_do: ") && note[11].contains("x, \"y\"\nz"));
    assert_eq!(
        rows[2][2], "1.000",
        "t_us: microseconds since the run started"
    );
}

#[test]
fn a_recording_with_two_runs_gets_distinct_tracks_per_run() {
    let dir = Scratch::new("two-runs");
    let spawn = |n, t, pid| {
        ev(
            n,
            Event::new(
                t,
                0,
                pid,
                Kind::Spawn {
                    name: "writer-1".into(),
                    role: Role::Writer,
                },
            ),
        )
    };
    let recs = vec![
        run_record(0, 1_000_000),
        spawn(1, 1_000_100, 201),
        ev(
            2,
            Event::new(1_000_200, 0, 201, Kind::Put)
                .with_item("url_1")
                .with_seq(1),
        ),
        run_record(3, 2_000_000),
        spawn(4, 2_000_100, 301),
        ev(
            5,
            Event::new(2_000_200, 0, 301, Kind::Put)
                .with_item("url_1")
                .with_seq(1),
        ),
    ];
    let path = dir.join("two.jsonl");
    write_recording(&path, &recs);
    let text = export(&path, "perfetto", &dir.join("two.json"));
    let c = check_trace(&serde_json::from_str(&text).unwrap()).unwrap();
    let mut names: Vec<&str> = c.names.values().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "run 1: queue (unbounded)",
            "run 1: supervisor (100)",
            "run 1: writer-1 (201)",
            "run 2: queue (unbounded)",
            "run 2: supervisor (100)",
            "run 2: writer-1 (301)",
        ]
    );
    assert_eq!(c.flows, 0, "a put never got has no arrow");
    let csv = parse_csv(&export(&path, "csv", &dir.join("two.csv"))).unwrap();
    let runs: Vec<&str> = csv[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(runs, vec!["1", "1", "2", "2"]);
    assert_eq!(
        csv[3][2], "1000.100",
        "one clock: the second run follows the first"
    );
}

// ------------------------------------------------------------ bad input --

/// Runs `args`, which must fail with exit 2, no panic, and an error that
/// mentions each of `mentions`.
fn refused(args: &[&str], mentions: &[&str]) {
    let out = ipcscope(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    for m in mentions {
        assert!(err.contains(m), "{args:?} should mention {m:?}: {err}");
    }
}

#[test]
fn unreadable_or_non_recording_input_is_refused_naming_the_file() {
    let dir = Scratch::new("bad-input");
    let out = dir.join("out.json");
    let missing = dir.join("missing.jsonl");
    refused(
        &["export", s(&missing), "-o", s(&out)],
        &[s(&missing), "cannot read"],
    );
    let text = dir.join("notes.txt");
    std::fs::write(&text, "hello\n").unwrap();
    refused(
        &["export", s(&text), "-o", s(&out)],
        &[&format!("{}:1: not an ipcscope recording", s(&text))],
    );
    let cut = dir.join("cut.jsonl");
    std::fs::write(
        &cut,
        "{\"ipcscope\":\"recording\",\"version\":1}\n{\"n\":0,\"ti",
    )
    .unwrap();
    refused(
        &["export", s(&cut), "--format", "csv", "-o", s(&out)],
        &[&format!("{}:2", s(&cut))],
    );
    refused(&["export", s(&dir.0), "-o", s(&out)], &["is a directory"]);
    assert!(!out.exists(), "nothing is written for a bad input");
}

#[test]
fn an_existing_output_is_kept_without_force_and_overwritten_with_it() {
    let dir = Scratch::new("force");
    let rec = dir.join("r.jsonl");
    write_recording(&rec, &[run_record(0, 5)]);
    let out = dir.join("out.json");
    std::fs::write(&out, "keep me").unwrap();
    refused(
        &["export", s(&rec), "-o", s(&out)],
        &[s(&out), "already exists", "--force"],
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let o = ipcscope(&["export", s(&rec), "-o", s(&out), "--force"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let trace: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    check_trace(&trace).unwrap();
}

#[test]
fn unknown_format_bad_output_and_the_recording_itself_are_refused() {
    let dir = Scratch::new("bad-args");
    let rec = dir.join("r.jsonl");
    write_recording(&rec, &[run_record(0, 5)]);
    let out = dir.join("out");
    refused(
        &["export", s(&rec), "--format", "svg", "-o", s(&out)],
        &["svg", "perfetto", "csv"],
    );
    refused(
        &["export", s(&rec), "-o", "/nope/out.json"],
        &["/nope/out.json", "does not exist"],
    );
    refused(&["export", s(&rec), "-o", "/dev/full"], &["/dev/full"]);
    refused(
        &["export", s(&rec), "-o", s(&rec), "--force"],
        &["the recording being exported"],
    );
    refused(&["export", s(&rec)], &["--output"]);
    assert!(!out.exists());
    assert!(recording::load(&rec).is_ok(), "the recording is untouched");
}

// ------------------------------------------------- a watched program --

/// A Python program: a child puts three items on a queue and sends three
/// messages through a pipe; the main process gets and receives them.
const WATCHED: &str = r#"import multiprocessing as mp


def work(q, conn):
    for i in range(3):
        q.put(f"item_{i}")
        conn.send(f"msg_{i}")


if __name__ == "__main__":
    q = mp.Queue()
    a, b = mp.Pipe()
    p = mp.Process(target=work, args=(q, a))
    p.start()
    for i in range(3):
        print(q.get(), b.recv(), flush=True)
    p.join()
"#;

/// Whether python3 is on PATH (the watched program's test needs it).
fn have_python() -> bool {
    let ok = Command::new("python3")
        .arg("-c")
        .arg("import sys; sys.exit(sys.version_info < (3, 11))")
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: no python3 >= 3.11");
    }
    ok
}

/// `ipcscope run --record` of a real Python program, then `ipcscope export`
/// to CSV and to Perfetto: the program's processes, every put before its
/// get and every send before its recv, in both.
#[test]
fn a_watched_program_recorded_exports_each_put_before_its_get_and_send_before_its_recv() {
    if !have_python() {
        return;
    }
    let dir = Scratch::new("watched");
    let prog = dir.join("watched.py");
    std::fs::write(&prog, WATCHED).unwrap();
    let rec = dir.join("watched.jsonl");
    let out = ipcscope(&["run", "--headless", "--record", s(&rec), s(&prog)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("item_2 msg_2"), "{said}");

    // CSV: one row per event; each item's put (send) is an earlier row,
    // at an earlier or equal time, than its get (recv).
    let rows = check_csv_against_recording(&rec, &export(&rec, "csv", &dir.join("w.csv")));
    assert!(rows.iter().any(|r| r[4] == "Process-1"), "{rows:?}");
    let row = |ev: &str, item: &str| {
        rows.iter()
            .position(|r| r[7] == ev && r[8] == item)
            .unwrap_or_else(|| panic!("no {ev} of {item}: {rows:?}"))
    };
    let t = |i: usize| rows[i][2].parse::<f64>().expect("t_us");
    for i in 0..3 {
        let item = format!("'item_{i}'");
        let (put, get) = (row("put", &item), row("get", &item));
        assert!(
            put < get && t(put) <= t(get),
            "{item}: put row {put}, get {get}"
        );
        let msg = format!("'msg_{i}'");
        let (send, recv) = (row("send", &msg), row("recv", &msg));
        assert!(
            send < recv && t(send) <= t(recv),
            "{msg}: send {send}, recv {recv}"
        );
    }

    // Perfetto: a valid trace, a track per process, a slice per operation
    // and an arrow from each put (send) to its get (recv), never backwards.
    let text = export(&rec, "perfetto", &dir.join("w.json"));
    let c = check_against_recording(&rec, &text);
    assert_eq!(c.flows, 6, "3 gets and 3 recvs");
    assert!(
        c.names.values().any(|n| n.starts_with("Process-1 (")),
        "{:?}",
        c.names
    );
    let slice = |prefix: &str, item: &str| {
        c.slices
            .iter()
            .find(|s| s.0.starts_with(prefix) && s.0.contains(item))
            .map(|s| s.1)
            .unwrap_or_else(|| panic!("no {prefix} {item}: {:?}", c.slices))
    };
    for i in 0..3 {
        let item = format!("item_{i}");
        assert!(slice("put", &item) <= slice("get", &item), "{item}");
        let msg = format!("msg_{i}");
        assert!(slice("send", &msg) <= slice("recv", &msg), "{msg}");
    }
}
