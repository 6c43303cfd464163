//! `cargo bench --bench replay`: how fast a recording loads and seeks, and
//! what recording costs a live run.
//!
//! 1. Writes a realistic 1,000,000-record recording (eight writers and a
//!    reader flooding the queue: puts, gets, waits, missed counts, an
//!    observation every 2,000 records, ticks) to a temp file, then times
//!    `recording::load` + `Replay::new` (target: <= 2 s together).
//! 2. Seeks that replay to random records, forwards and back, and to random
//!    points of its timeline (target: <= 100 ms each; prints mean, p99, max).
//! 3. Runs the real flood (`ipcscope --headless --items 0 --writers 8
//!    --delay 0..0`) for 10 s without and then with `--record`, stops each
//!    with SIGTERM, reads the put/got counts of its `--- summary ---`, and
//!    prints the two side by side (`IPCSCOPE_BENCH_SECS` changes the 10 s;
//!    `IPCSCOPE_BENCH_NO_FLOOD=1` skips this part).

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ipcscope::config::{DelayRange, Mode, QueueConfig, RunConfig, Scenario};
use ipcscope::model::{Scene, TimelineCmd};
use ipcscope::recording::{self, Header};
use ipcscope::source::Source;
use ipcscope::source::replay::Replay;
use ipcscope::stream::{
    Body, Event, KernelRow, KernelWait, Kind, Observation, ProcCounters, QueueView, QueuedView,
    Record, Role, RunInfo, TelemetryView,
};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

const RECORDS: u64 = 1_000_000;
const WRITERS: u16 = 8;
/// A flood passes on about 400,000 records a second.
const STEP_NS: u64 = 2_500;
const LOAD_TARGET: Duration = Duration::from_secs(2);
const SEEK_TARGET: Duration = Duration::from_millis(100);
const SEEKS: usize = 300;

fn main() {
    let path = std::env::temp_dir().join(format!(
        "ipcscope-bench-replay-{}.jsonl",
        std::process::id()
    ));
    let t = Instant::now();
    let bytes = write_recording(&path).expect("write the recording");
    println!(
        "recording: {RECORDS} records, {:.0} MB, written in {:.1} s ({})",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        path.display()
    );
    let replay = bench_load(&path);
    let _ = std::fs::remove_file(&path);
    bench_seek(replay);
    if std::env::var_os("IPCSCOPE_BENCH_NO_FLOOD").is_none() {
        bench_flood();
    }
}

fn cfg() -> RunConfig {
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.writers = WRITERS as u32;
    q.items = 0;
    q.delay = DelayRange::ZERO;
    RunConfig::new(Scenario::Queue(q), Mode::Headless, 1)
}

/// The flood's stream, one record at a time.
struct Flood {
    rng: SmallRng,
    n: u64,
    t: u64,
    puts: u64,
    gets: u64,
    per_writer: [u64; WRITERS as usize],
}

const READER: u16 = WRITERS;

fn pid(id: u16) -> i32 {
    40_000 + id as i32
}

impl Flood {
    fn next(&mut self) -> Record {
        let n = self.n;
        self.n += 1;
        self.t += STEP_NS;
        let t = self.t;
        let body = match n {
            0 => Body::Tick(t),
            1 => Body::Run(RunInfo {
                start_ns: t,
                pid: 39_999,
                config: cfg(),
            }),
            2..=10 => {
                let id = (n - 2) as u16;
                let (name, role) = if id == READER {
                    ("reader-1".to_string(), Role::Reader)
                } else {
                    (format!("writer-{}", id + 1), Role::Writer)
                };
                Body::Event(Event::new(t, id, pid(id), Kind::Spawn { name, role }))
            }
            _ if n.is_multiple_of(2_000) => Body::Observation(Box::new(self.observation(t))),
            _ if n.is_multiple_of(500) => Body::Tick(t),
            _ if n % 5_000 == 1 => Body::Event(Event::new(
                t,
                ipcscope::stream::SUPERVISOR,
                39_999,
                Kind::Missed {
                    puts: self.rng.random_range(0..400),
                    gets: self.rng.random_range(0..400),
                },
            )),
            _ => Body::Event(self.op(t)),
        };
        Record { n, body }
    }

    /// A put by a random writer (now and then it waits first), or a get.
    fn op(&mut self, t: u64) -> Event {
        let depth = self.puts.saturating_sub(self.gets);
        let roll = self.rng.random_range(0..100u32);
        if roll < 3 || depth == 0 && roll < 10 {
            let id = self.rng.random_range(0..WRITERS);
            return Event::new(t, id, pid(id), Kind::PutWait).with_depth(depth as u32);
        }
        if roll < 80 || depth == 0 {
            let id = self.rng.random_range(0..WRITERS);
            self.per_writer[id as usize] += 1;
            self.puts += 1;
            let item = format!(
                "url_{}",
                id as u64 * 10_000_000 + self.per_writer[id as usize]
            );
            Event::new(t, id, pid(id), Kind::Put)
                .with_item(item)
                .with_seq(self.puts + self.gets)
                .with_depth((depth + 1) as u32)
        } else if roll < 99 {
            self.gets += 1;
            Event::new(t, READER, pid(READER), Kind::Get)
                .with_item(format!("url_{}", self.gets))
                .with_seq(self.puts + self.gets)
                .with_depth((depth - 1) as u32)
        } else {
            Event::new(t, READER, pid(READER), Kind::GetWait).with_depth(depth as u32)
        }
    }

    fn observation(&mut self, t: u64) -> Observation {
        let depth = self.puts.saturating_sub(self.gets);
        let items = (0..depth.min(64))
            .map(|k| QueuedView {
                label: format!("url_{}", self.gets + k + 1),
                put_seq: self.gets + k + 1,
                put_pid: pid((k % WRITERS as u64) as u16),
            })
            .collect();
        let kernel = (0..=WRITERS)
            .map(|id| KernelRow {
                proc: id,
                pid: pid(id),
                state: if id % 3 == 0 { 'R' } else { 'S' },
                wait: if id % 3 == 0 {
                    KernelWait::Running
                } else {
                    KernelWait::WaitingForLock
                },
                wchan: (id % 3 != 0).then(|| "futex_do_wait".to_string()),
            })
            .collect();
        let counters = (0..=WRITERS)
            .map(|id| ProcCounters {
                proc: id,
                done: if id == READER {
                    self.gets
                } else {
                    self.per_writer[id as usize]
                },
                timeouts: 0,
                dropped: 0,
            })
            .collect();
        Observation {
            t_ns: t,
            queue: Some(QueueView {
                depth: depth as u32,
                maxsize: 0,
                capacity: 65_536,
                puts: self.puts,
                gets: self.gets,
                items,
                get_waiters: 0,
                put_waiters: 2,
                recoveries: 0,
                lost: 0,
            }),
            kernel: Some(kernel),
            counters: Some(counters),
            telemetry: Some(TelemetryView {
                lag_ms: 120,
                dropped: 0,
                late: 3,
            }),
            ..Observation::default()
        }
    }
}

/// Writes the recording; returns its size in bytes.
fn write_recording(path: &Path) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    serde_json::to_writer(&mut out, &Header::current())?;
    out.write_all(b"\n")?;
    let mut flood = Flood {
        rng: SmallRng::seed_from_u64(7),
        n: 0,
        t: 5_000_000_000_000,
        puts: 0,
        gets: 0,
        per_writer: [0; WRITERS as usize],
    };
    for _ in 0..RECORDS {
        serde_json::to_writer(&mut out, &flood.next())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn verdict(d: Duration, target: Duration) -> &'static str {
    if d <= target { "ok" } else { "MISSED" }
}

/// Times `recording::load` and `Replay::new`; returns the replay.
fn bench_load(path: &Path) -> (Replay, Scene) {
    let t = Instant::now();
    let rec = recording::load(path).expect("load the recording");
    let loaded = t.elapsed();
    assert_eq!(rec.records.len() as u64, RECORDS);
    let blank = Scene::new(cfg());
    let t = Instant::now();
    let replay = Replay::new(rec, blank.clone());
    let built = t.elapsed();
    let total = loaded + built;
    println!(
        "load: recording::load {:.2} s + Replay::new {:.2} s = {:.2} s (target <= {} s: {})",
        loaded.as_secs_f64(),
        built.as_secs_f64(),
        total.as_secs_f64(),
        LOAD_TARGET.as_secs(),
        verdict(total, LOAD_TARGET)
    );
    (replay, blank)
}

fn stats(name: &str, mut d: Vec<Duration>) {
    if d.is_empty() {
        return;
    }
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1e3;
    let mean = d.iter().sum::<Duration>() / d.len() as u32;
    let p99 = d[(d.len() * 99).div_ceil(100) - 1];
    let max = *d.last().unwrap_or(&Duration::ZERO);
    println!(
        "seek {name:<9} n={:<4} mean {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms (target <= {} ms: {})",
        d.len(),
        ms(mean),
        ms(p99),
        ms(max),
        SEEK_TARGET.as_millis(),
        verdict(max, SEEK_TARGET)
    );
}

/// Seeks to random records (sorted into forwards and back by where the
/// playhead was) and to random points of the timeline.
fn bench_seek((mut replay, mut scene): (Replay, Scene)) {
    let mut rng = SmallRng::seed_from_u64(11);
    let (mut fwd, mut back, mut frac) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..SEEKS {
        let to = rng.random_range(0..=RECORDS as usize);
        let from = replay.position().0;
        let t = Instant::now();
        replay.seek_index(to, &mut scene);
        let d = t.elapsed();
        if to >= from { &mut fwd } else { &mut back }.push(d);
    }
    for _ in 0..SEEKS {
        let f = rng.random_range(0.0..=1.0);
        let t = Instant::now();
        replay
            .timeline(TimelineCmd::SeekFraction(f), &mut scene)
            .expect("a replay seeks");
        frac.push(t.elapsed());
    }
    stats("forwards", fwd);
    stats("back", back);
    stats("to a time", frac);
}

/// The flood, live, for the bench's time: (put, got, seconds, records
/// left out of the recording, bytes recorded).
fn flood(record: Option<&Path>, secs: f64) -> (u64, u64, f64, u64, u64) {
    let exe = env!("CARGO_BIN_EXE_ipcscope");
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--items",
        "0",
        "--writers",
        "8",
        "--delay",
        "0..0",
    ]);
    if let Some(p) = record {
        cmd.arg("--record").arg(p);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start ipcscope");
    let mut so = child.stdout.take().expect("stdout");
    // Read while it runs, so a full pipe never slows the run.
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(secs));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    let elapsed = started.elapsed().as_secs_f64();
    let status = child.wait().expect("wait for ipcscope");
    let out = reader.join().unwrap_or_default();
    assert!(status.success(), "the flood ended with {status}");
    let line = out
        .lines()
        .skip_while(|l| *l != "--- summary ---")
        .find(|l| l.starts_with("queue ("))
        .unwrap_or_else(|| panic!("no summary in:\n{}", tail(&out)));
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let (puts, gets) = match nums[..] {
        [p, g, ..] => (p, g),
        _ => panic!("cannot read {line:?}"),
    };
    let (gaps, bytes) = record.map_or((0, 0), |p| {
        let bytes = std::fs::metadata(p).map_or(0, |m| m.len());
        (left_out(p), bytes)
    });
    (puts, gets, elapsed, gaps, bytes)
}

/// Records a recording says it left out (its gap records), counted
/// without loading the whole file.
fn left_out(p: &Path) -> u64 {
    let Ok(f) = std::fs::File::open(p) else {
        return 0;
    };
    let mut gaps = 0;
    for line in BufReader::with_capacity(1 << 20, f).split(b'\n') {
        let Ok(line) = line else { break };
        if line.windows(6).any(|w| w == b"\"gap\":")
            && let Ok(r) = serde_json::from_slice::<Record>(&line)
            && let Body::Gap(g) = r.body
        {
            gaps += g;
        }
    }
    gaps
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn bench_flood() {
    let secs: f64 = std::env::var("IPCSCOPE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let rec: PathBuf =
        std::env::temp_dir().join(format!("ipcscope-bench-flood-{}.jsonl", std::process::id()));
    println!("flood: ipcscope --headless --items 0 --writers 8 --delay 0..0, {secs} s each");
    let (p0, g0, s0, _, _) = flood(None, secs);
    let (p1, g1, s1, gaps, bytes) = flood(Some(&rec), secs);
    let _ = std::fs::remove_file(&rec);
    let rate = |n: u64, s: f64| n as f64 / s;
    println!(
        "  without --record: {:>11.0} put/s {:>11.0} got/s ({p0} put, {g0} got in {s0:.1} s)",
        rate(p0, s0),
        rate(g0, s0)
    );
    println!(
        "  with    --record: {:>11.0} put/s {:>11.0} got/s ({p1} put, {g1} got in {s1:.1} s)",
        rate(p1, s1),
        rate(g1, s1)
    );
    let ratio = (rate(p1 + g1, s1)) / rate(p0 + g0, s0).max(1.0);
    println!(
        "  with / without: {:.2}x ops/s; recording {:.0} MB, {gaps} records left out (gap records)",
        ratio,
        bytes as f64 / 1e6
    );
}
