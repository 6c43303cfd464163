//! Recordings played back. Each scenario runs live with real processes
//! while it is recorded, and the scene is copied at many points; the
//! replay, seeking to each point in any order, must give exactly that
//! scene. `replay --headless` prints what the live run printed. Bad files
//! (a corpus in `tests/corpus/recordings/bad`, and random ones) get an
//! error naming the file and the line, never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use ipcscope::config::{
    CounterConfig, DelayRange, Mode, PipeConfig, QueueConfig, RunConfig, Scenario,
};
use ipcscope::model::world::Activity;
use ipcscope::model::{Controls, Scene, View};
use ipcscope::outfile::What;
use ipcscope::recording::reader::MAX_TIME_NS;
use ipcscope::recording::{self, ReadError, Recorder, Recording};
use ipcscope::source::Source;
use ipcscope::source::live::Live;
use ipcscope::source::replay::{CHECKPOINT_EVERY, Replay};
use ipcscope::stream::{Body, Command as Cmd, Role, Sig};
use ipcscope::ui::theme::Theme;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "ipcscope-replay-test-{}-{name}.jsonl",
        std::process::id()
    ))
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/recordings")
        .join(name)
}

fn run_cfg(scenario: Scenario, record: &Path) -> RunConfig {
    RunConfig {
        scenario,
        seed: 7,
        mode: Mode::Headless,
        trace: None,
        record: Some(record.to_path_buf()),
        ascii: false,
        lang: Default::default(),
        classroom: false,
    }
}

/// A live run's recording and copies of its scene: (records folded, scene).
struct LiveRun {
    name: &'static str,
    path: PathBuf,
    scenes: Vec<(usize, Scene)>,
    total: usize,
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs `scenario` live to its end, as headless mode does (a queue's
/// readers are terminated once the writers are done and the queue is
/// drained), recording it and copying the scene about every `every`
/// records. `steer` gives commands to send once the first process runs.
fn run_live(
    name: &'static str,
    scenario: Scenario,
    every: usize,
    steer: fn(&Scene) -> Vec<Cmd>,
) -> LiveRun {
    let path = temp(name);
    let cfg = run_cfg(scenario, &path);
    let recorder = Recorder::create(&path, What::Recording).expect("create the recording");
    let mut live = Live::start_with_exe(
        &cfg,
        Duration::from_millis(20),
        vec![recorder],
        Some(exe().to_path_buf()),
    )
    .expect("start the run");
    let mut scene = Scene::new(cfg.clone());
    let mut scenes = vec![(0, scene.clone())];
    let mut next = every;
    let mut terminated = false;
    let mut writers_done: Option<Instant> = None;
    let mut steered = false;
    let deadline = Instant::now() + DEADLINE;
    while !scene.finished() {
        assert!(
            Instant::now() < deadline,
            "{name}: the run did not end; its processes: {:?}",
            scene.world.procs
        );
        // A short budget folds in a few records at a time, so copies are
        // taken at many points.
        let before = live.records();
        live.advance(&mut scene, Duration::from_micros(30));
        let n = live.records() as usize;
        if n == before as usize {
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        if n >= next {
            scenes.push((n, scene.clone()));
            next = n + every;
        }
        if !steered && scene.world.procs.iter().any(|p| p.alive()) {
            for c in steer(&scene) {
                live.command(c, &mut scene)
                    .expect("a live run takes commands");
            }
            steered = true;
        }
        if writers_done.is_none() && queue_writers_done(&scene) {
            writers_done = Some(Instant::now());
        }
        // As headless mode does: once drained, or after a grace period.
        let grace = writers_done.is_some_and(|t| t.elapsed() > Duration::from_secs(3));
        if !terminated && writers_done.is_some() && (drained(&scene) || grace) {
            let readers: Vec<_> = scene
                .world
                .by_role(Role::Reader)
                .filter(|p| p.alive())
                .map(|p| p.id)
                .collect();
            for id in readers {
                live.command(Cmd::Signal(id, Sig::Term), &mut scene)
                    .expect("a live run takes commands");
            }
            terminated = true;
        }
    }
    live.shutdown(&mut scene);
    let total = live.records() as usize;
    scenes.push((total, scene.clone()));
    // Dropping the run finishes the recording.
    drop(live);
    LiveRun {
        name,
        path,
        scenes,
        total,
    }
}

/// A queue run's writers have all ended.
fn queue_writers_done(s: &Scene) -> bool {
    let Scenario::Queue(_) = s.cfg.scenario else {
        return false;
    };
    let writers: Vec<_> = s.world.by_role(Role::Writer).collect();
    !writers.is_empty() && writers.iter().all(|p| !p.alive())
}

/// The queue is empty and every reader waits at its get: time to
/// terminate the readers, as the lesson does.
fn drained(s: &Scene) -> bool {
    s.depth() == 0
        && s.world
            .by_role(Role::Reader)
            .filter(|p| p.alive())
            .all(|p| matches!(p.activity, Activity::WaitingToGet { .. }))
}

/// The recording of `run`, checked whole: every record the live run
/// took, none left out.
fn recording_of(run: &LiveRun) -> Recording {
    let rec = recording::load(&run.path).expect("load the recording");
    assert_eq!(
        rec.records.len(),
        run.total,
        "{}: every record is in the recording",
        run.name
    );
    assert!(
        rec.records.iter().all(|r| !matches!(r.body, Body::Gap(_))),
        "{}: nothing was left out",
        run.name
    );
    assert!(
        rec.records.iter().enumerate().all(|(i, r)| r.n == i as u64),
        "{}: records are numbered in order",
        run.name
    );
    rec
}

/// The scene before any record, as `ipcscope replay` makes it.
fn blank(rec: &Recording) -> Scene {
    let cfg = rec
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Run(info) => Some(info.config.clone()),
            _ => None,
        })
        .expect("the recording holds its run");
    Scene::new(cfg)
}

/// The first line where two scenes' descriptions differ (a readable
/// failure instead of two huge dumps).
fn first_difference(got: &Scene, want: &Scene) -> String {
    let (g, w) = (format!("{got:#?}"), format!("{want:#?}"));
    g.lines()
        .zip(w.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {i}: replayed `{a}`, live `{b}`"))
        .unwrap_or_else(|| "one description is longer".into())
}

/// Seeks `replay` to each of `order`'s copies of the live scene and checks
/// the replayed scene is exactly the same.
fn seek_and_compare(run: &LiveRun, replay: &mut Replay, scene: &mut Scene, order: &[usize]) {
    for &k in order {
        let (at, want) = &run.scenes[k];
        replay.seek_index(*at, scene);
        assert_eq!(replay.position().0, *at, "{}: the playhead", run.name);
        assert!(
            scene == want,
            "{}: at record {at} of {} the replayed scene differs: {}",
            run.name,
            run.total,
            first_difference(scene, want)
        );
    }
}

/// The whole check: seeks forwards through every copy, back through every
/// copy, then in a shuffled order, with a checkpoint every `every` records.
fn replays_exactly(run: &LiveRun, every: usize, seed: u64) {
    let rec = recording_of(run);
    let blank = blank(&rec);
    let mut replay = Replay::with_checkpoints_every(rec, blank.clone(), every);
    let mut scene = blank;
    let forwards: Vec<usize> = (0..run.scenes.len()).collect();
    let back: Vec<usize> = forwards.iter().rev().copied().collect();
    let mut shuffled = forwards.clone();
    shuffled.shuffle(&mut SmallRng::seed_from_u64(seed));
    seek_and_compare(run, &mut replay, &mut scene, &forwards);
    seek_and_compare(run, &mut replay, &mut scene, &back);
    seek_and_compare(run, &mut replay, &mut scene, &shuffled);
}

#[test]
fn a_queue_run_replays_to_exactly_the_live_scene_at_any_record_in_any_order() {
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.items = 2_500;
    q.delay = DelayRange::ZERO;
    q.maxsize = 8;
    let run = run_live("queue", Scenario::Queue(q), 40, |_| Vec::new());
    assert!(
        run.total > CHECKPOINT_EVERY,
        "long enough to cross the real checkpoints: {} records",
        run.total
    );
    assert!(run.scenes.len() >= 20, "{} copies", run.scenes.len());
    // Small checkpoints: every seek crosses several.
    replays_exactly(&run, 64, 1);
    // The real interval, on a sample (each seek replays up to 4,096 records).
    let rec = recording_of(&run);
    let blank = blank(&rec);
    let mut replay = Replay::new(rec, blank.clone());
    let mut scene = blank;
    let mut sample: Vec<usize> = (0..run.scenes.len()).step_by(5).collect();
    sample.push(run.scenes.len() - 1);
    sample.shuffle(&mut SmallRng::seed_from_u64(2));
    seek_and_compare(&run, &mut replay, &mut scene, &sample);
}

#[test]
fn the_parents_joins_and_terminate_replay_as_the_live_run_showed_them() {
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.items = 2;
    q.delay = DelayRange { lo: 0.0, hi: 0.05 };
    let run = run_live("parent", Scenario::Queue(q), 4, |_| Vec::new());
    let (_, last) = run.scenes.last().expect("the run's last scene");
    let p = &last.world.parent;
    assert_eq!(p.joined.len(), 2, "both writers joined: {p:?}");
    assert_eq!(p.terminated.len(), 1, "the reader terminated: {p:?}");
    // Every copy, the parent's steps included, replays the same.
    replays_exactly(&run, 8, 3);
}

#[test]
fn a_pipe_run_replays_to_exactly_the_live_scene_at_any_record_in_any_order() {
    let mut p = PipeConfig::defaults(Mode::Headless);
    p.messages = 60;
    p.delay = DelayRange { lo: 0.0, hi: 0.004 };
    p.reader_delay = DelayRange { lo: 0.0, hi: 0.004 };
    // A delay scale and a slow motion whose f64s read back exactly only
    // with serde_json's float_roundtrip (a live change the replay must
    // show to the last bit).
    let run = run_live("pipe", Scenario::Pipe(p), 3, |s| {
        let first = s.world.procs.iter().find(|p| p.alive()).map_or(0, |p| p.id);
        vec![
            Cmd::SetDelayScale(first, 0.20550000000000002),
            Cmd::SetSlowMotion(0.41100000000000003),
        ]
    });
    let last = &run.scenes.last().expect("the end").1;
    assert_eq!(last.slow_motion, 0.41100000000000003);
    assert!(
        last.world
            .procs
            .iter()
            .any(|p| p.scale == 0.20550000000000002),
        "{:?}",
        last.world.procs
    );
    // Enough copies to seek among (how many records a run makes depends on
    // how the machine schedules it).
    assert!(run.scenes.len() >= 10, "{} copies", run.scenes.len());
    replays_exactly(&run, 16, 3);
    replays_exactly(&run, CHECKPOINT_EVERY, 4);
}

/// Replies on their way back, and ends inherited and closed: the replay
/// shows them exactly as the live run did.
#[test]
fn an_echo_run_with_inherited_ends_replays_to_exactly_the_live_scene() {
    let mut p = PipeConfig::defaults(Mode::Headless);
    p.messages = 30;
    p.echo = true;
    p.inherit = true;
    p.close_unused = true;
    p.delay = DelayRange { lo: 0.0, hi: 0.004 };
    p.reader_delay = DelayRange { lo: 0.0, hi: 0.004 };
    let run = run_live("echo", Scenario::Pipe(p), 3, |_| Vec::new());
    let last = &run.scenes.last().expect("the end").1;
    assert_eq!(
        (last.world.pipe.replies, last.world.pipe.got_replies),
        (30, 30)
    );
    assert!(last.world.pipe.eof);
    assert!(run.scenes.len() >= 10, "{} copies", run.scenes.len());
    replays_exactly(&run, 8, 7);
    replays_exactly(&run, CHECKPOINT_EVERY, 8);
}

/// The writers switched live to `put(url, block=False)` giving items up:
/// the switch, every raise with its choice and the flashes replay
/// exactly.
#[test]
fn a_queue_run_with_the_put_policy_switched_live_replays_to_exactly_the_live_scene() {
    use ipcscope::config::{Policy, Then, Wait};
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.writers = 2;
    q.items = 30;
    q.delay = DelayRange::ZERO;
    q.reader_delay = DelayRange::fixed(0.01);
    q.maxsize = 1;
    let run = run_live("policy", Scenario::Queue(q), 8, |_| {
        vec![Cmd::SetPolicy(
            Role::Writer,
            Policy {
                wait: Wait::Nowait,
                then: Then::GiveUp,
            },
        )]
    });
    let last = &run.scenes.last().expect("the end").1;
    let now = ipcscope::model::policy::policy(last, Role::Writer);
    assert_eq!(now.map(|p| p.then), Some(Then::GiveUp));
    assert!(last.world.queue.full_raised > 0, "some url was given up");
    assert!(
        last.world.queue.puts + last.world.queue.full_raised >= 60,
        "each url put or given up"
    );
    replays_exactly(&run, 8, 9);
}

#[test]
fn a_counter_run_replays_to_exactly_the_live_scene_at_any_record_in_any_order() {
    let c = CounterConfig {
        procs: 3,
        increments: 30_000,
        lock: false,
        step_delay: None,
        array: 0,
    };
    let run = run_live("counter", Scenario::Counter(c), 2, |_| Vec::new());
    assert!(run.scenes.len() > 10, "{} copies", run.scenes.len());
    replays_exactly(&run, 8, 5);
    replays_exactly(&run, CHECKPOINT_EVERY, 6);
}

/// A paced run on an Array, every step reported, the lock switched on
/// live: registers, cells, lock waits and overwrites replay exactly.
#[test]
fn a_paced_array_run_with_the_lock_switched_live_replays_to_exactly_the_live_scene() {
    let c = CounterConfig {
        procs: 3,
        increments: 60,
        lock: false,
        step_delay: Some(DelayRange { lo: 0.0, hi: 0.002 }),
        array: 2,
    };
    let run = run_live("paced counter", Scenario::Counter(c), 20, |_| {
        vec![Cmd::SetLock(true)]
    });
    let last = &run.scenes.last().expect("the end").1;
    assert_eq!(last.world.race.lock_set, Some(true));
    assert_eq!(last.world.race.writes, 180, "every write told");
    assert_eq!(last.cells.len(), 2);
    assert!(run.scenes.len() > 10, "{} copies", run.scenes.len());
    replays_exactly(&run, 8, 7);
    replays_exactly(&run, CHECKPOINT_EVERY, 8);
}

fn ipcscope(args: &[&str]) -> Output {
    Command::new(exe())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ipcscope")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `args --headless --record F`, then `replay F --headless`: the two
/// print the same, to the byte.
fn headless_replay_prints_what_the_live_run_printed(name: &str, args: &[&str]) {
    let path = temp(name);
    let p = path.to_str().expect("a UTF-8 temp path");
    let live = ipcscope(&[args, &["--headless", "--record", p]].concat());
    let replayed = ipcscope(&["replay", p, "--headless"]);
    let _ = std::fs::remove_file(&path);
    assert!(live.status.success(), "{name}: {}", text(&live.stderr));
    assert!(
        replayed.status.success(),
        "{name}: {}",
        text(&replayed.stderr)
    );
    let (l, r) = (text(&live.stdout), text(&replayed.stdout));
    assert!(l.contains("--- summary ---"), "{name}: {l}");
    assert_eq!(r, l, "{name}: the replay printed otherwise");
    assert!(
        text(&replayed.stderr).is_empty(),
        "{name}: {}",
        text(&replayed.stderr)
    );
}

#[test]
fn replay_headless_prints_exactly_what_the_live_queue_run_printed() {
    headless_replay_prints_what_the_live_run_printed(
        "h-queue",
        &["--seed", "3", "--items", "4", "--delay", "0..0.04"],
    );
}

#[test]
fn replay_headless_prints_exactly_what_the_live_pipe_runs_printed() {
    headless_replay_prints_what_the_live_run_printed(
        "h-pipe",
        &[
            "pipe",
            "--seed",
            "3",
            "--messages",
            "8",
            "--delay",
            "0..0.04",
            "--reader-delay",
            "0..0.04",
        ],
    );
    // The receiver that would wait forever: the run ends on the
    // supervisor's note, and the replay says the same.
    headless_replay_prints_what_the_live_run_printed(
        "h-pipe-forget",
        &[
            "pipe",
            "--forget-close",
            "--messages",
            "2",
            "--delay",
            "0..0.02",
        ],
    );
}

#[test]
fn replay_headless_prints_exactly_what_the_live_pipe_end_runs_printed() {
    // The receiver waiting for its own copy; the deadlock of two receivers;
    // replies both ways.
    headless_replay_prints_what_the_live_run_printed(
        "h-pipe-inherit",
        &["pipe", "--inherit", "--messages", "2", "--delay", "0..0.02"],
    );
    headless_replay_prints_what_the_live_run_printed("h-pipe-both", &["pipe", "--both-recv"]);
    headless_replay_prints_what_the_live_run_printed(
        "h-pipe-echo",
        &[
            "pipe",
            "--echo",
            "--messages",
            "4",
            "--delay",
            "0..0.02",
            "--reader-delay",
            "0..0.02",
        ],
    );
}

#[test]
fn replay_headless_prints_exactly_what_the_live_counter_run_printed() {
    headless_replay_prints_what_the_live_run_printed(
        "h-counter",
        &["counter", "--procs", "3", "--increments", "20000"],
    );
}

/// The corpus's real recording prints the transcript its live run printed
/// when it was made: a change to the format or the fold that breaks old
/// recordings shows here.
#[test]
fn the_corpus_recording_still_replays_to_its_transcript() {
    let out = ipcscope(&[
        "replay",
        corpus("queue-lesson.jsonl").to_str().unwrap(),
        "--headless",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = std::fs::read_to_string(corpus("queue-lesson.txt")).unwrap();
    assert_eq!(text(&out.stdout), want);
}

/// Each bad file of the corpus and the words its error must hold (after
/// the file's name).
const BAD: [(&str, &str); 10] = [
    ("empty.jsonl", " is empty: not a recording"),
    ("not-a-recording.txt", ":1: not an ipcscope recording"),
    (
        "version-2.jsonl",
        ":1: recording version 2; this ipcscope reads version 1",
    ),
    (
        "garbage-line.jsonl",
        ":4: not a record: expected ident (column 2)",
    ),
    (
        "truncated.jsonl",
        ":12: the file ends in the middle of a record",
    ),
    ("binary.jsonl", ":2: not text: binary data"),
    (
        "empty-line.jsonl",
        ":3: an empty line where a record should be",
    ),
    ("unknown-record.jsonl", ":2: not a record"),
    ("no-run.jsonl", ": the recording holds no run"),
    ("a-directory", " is a directory, not a recording"),
];

#[test]
fn every_bad_file_of_the_corpus_gets_its_clear_error_from_the_real_binary() {
    let dir = corpus("bad");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let (_, words) = BAD
            .iter()
            .find(|(f, _)| *f == name)
            .unwrap_or_else(|| panic!("{name}: a bad file with no expected error"));
        let path = dir.join(&name);
        let path = path.to_str().unwrap();
        // The visualizer (no terminal here) loads the file first, so it
        // gives the same error as headless.
        for args in [&["replay", path, "--headless"][..], &["replay", path][..]] {
            let out = ipcscope(args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains(&format!("{path}{words}")),
                "{args:?}: want `{path}{words}`, got: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        }
        seen += 1;
    }
    assert_eq!(seen, BAD.len(), "every listed bad file is in the corpus");
}

#[test]
fn a_device_is_refused_and_a_recording_piped_in_replays() {
    let out = ipcscope(&["replay", "/dev/zero", "--headless"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "ipcscope: /dev/zero is a character device, not a recording\n"
    );
    // A pipe is read to its end.
    let mut child = Command::new(exe())
        .args(["replay", "/dev/stdin", "--headless"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ipcscope");
    let bytes = good_bytes();
    let mut stdin = child.stdin.take().expect("its stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&bytes).expect("write the recording");
    });
    let out = child.wait_with_output().expect("wait for ipcscope");
    writer.join().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = std::fs::read_to_string(corpus("queue-lesson.txt")).unwrap();
    assert_eq!(text(&out.stdout), want);
}

// ------------------------------------------------------------- fuzzing --

fn good_bytes() -> Vec<u8> {
    std::fs::read(corpus("queue-lesson.jsonl")).expect("the corpus recording")
}

/// Lines in `bytes` (the last one may lack its line end).
fn line_count(bytes: &[u8]) -> usize {
    bytes.split(|&b| b == b'\n').count() - usize::from(bytes.last() == Some(&b'\n'))
}

/// What every parse must give: records, or an error naming the file and,
/// where a line is at fault, a line that exists.
fn check_parse(bytes: &[u8]) -> Result<Recording, String> {
    let path = Path::new("/fuzz/run.jsonl");
    let r = recording::reader::parse(path, bytes);
    let lines = line_count(bytes);
    match r {
        Ok(rec) => Ok(rec),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("/fuzz/run.jsonl"), "{msg}");
            let line = match &e {
                ReadError::Line { line, .. } | ReadError::Truncated { line, .. } => Some(*line),
                ReadError::NotARecording(_) | ReadError::Version { .. } => Some(1),
                ReadError::Empty(_) => {
                    assert!(bytes.is_empty(), "{msg}");
                    None
                }
                other => panic!("parse gave {other:?}"),
            };
            if let Some(line) = line {
                assert!(
                    (1..=lines.max(1)).contains(&line),
                    "line {line} of {lines}: {msg}"
                );
                assert!(
                    msg.starts_with(&format!("/fuzz/run.jsonl:{line}: ")),
                    "{msg}"
                );
            }
            Err(msg)
        }
    }
}

/// A recording that reads also replays without a panic: every seek, a
/// step back and forth, and (`draw`) a frame drawn at 100x30.
fn replays_without_panic(rec: Recording, draw: bool) {
    let blank = rec.records.iter().find_map(|r| match &r.body {
        Body::Run(info) => Some(Scene::new(info.config.clone())),
        _ => None,
    });
    let Some(blank) = blank else { return };
    let total = rec.records.len();
    let mut replay = Replay::with_checkpoints_every(rec, blank.clone(), 5);
    let mut scene = blank;
    for k in [total, 0, total / 2, 1, total.saturating_sub(1)] {
        replay.seek_index(k, &mut scene);
    }
    for t in [
        ipcscope::model::TimelineCmd::SeekEnd,
        ipcscope::model::TimelineCmd::StepBack,
        ipcscope::model::TimelineCmd::SeekStart,
        ipcscope::model::TimelineCmd::StepForward,
        ipcscope::model::TimelineCmd::SeekFraction(0.5),
    ] {
        let _ = replay.timeline(t, &mut scene);
    }
    if !draw {
        return;
    }
    let controls = Controls::new(&scene.cfg, true);
    let timeline = replay.timeline_view();
    let view = View {
        scene: &scene,
        controls: &controls,
        now_ns: replay.clock_ns(),
        timeline: timeline.as_ref(),
    };
    let mut term = ipcscope::tui::test_terminal(100, 30).expect("a test terminal");
    term.draw(|f| ipcscope::ui::draw(f, &view, &Theme::new(false)))
        .expect("draw");
}

#[test]
fn the_good_recording_reads_whole_and_a_cut_anywhere_is_named_exactly() {
    let good = good_bytes();
    let all = check_parse(&good).expect("the corpus recording reads");
    assert_eq!(all.records.len() + 1, line_count(&good));
    let header_end = good.iter().position(|&b| b == b'\n').unwrap();
    // Every cut: at a line end it reads (those lines); anything else is a
    // record cut off, named by its line.
    for cut in 1..good.len() {
        let bytes = &good[..cut];
        let r = check_parse(bytes);
        if cut == header_end {
            // The header alone, without its line end: a run of no records.
            assert_eq!(r.expect("the header alone").records.len(), 0);
        } else if cut < header_end {
            let e = r.expect_err("a cut header");
            assert!(e.contains(":1: not an ipcscope recording"), "{cut}: {e}");
        } else if good[cut - 1] == b'\n' || good[cut] == b'\n' {
            // At a line end, or just before it: every record is whole.
            let rec = r.unwrap_or_else(|e| panic!("cut at a line end, {cut}: {e}"));
            assert_eq!(rec.records.len() + 1, line_count(bytes));
            assert_eq!(rec.records[..], all.records[..rec.records.len()]);
        } else {
            let e = r.expect_err("a cut record");
            let want = format!(":{}: the file ends in the middle", line_count(bytes));
            assert!(e.contains(&want), "{cut}: {e}");
        }
    }
}

/// Random JSON values as lines: objects that look a little like records.
fn json_line() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-z_]{0,8}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("put"),
            Just("get"),
            Just("spawn"),
            Just("writer"),
            Just("exit"),
            Just("note")
        ]
        .prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 6, |inner| {
        let key = prop_oneof![
            Just("n".to_string()),
            Just("tick".to_string()),
            Just("event".to_string()),
            Just("obs".to_string()),
            Just("gap".to_string()),
            Just("t_ns".to_string()),
            Just("ev".to_string()),
            Just("proc".to_string()),
            Just("pid".to_string()),
            "[a-z]{1,5}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key, inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    value.prop_map(|v| v.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_and_any_error_names_the_file_and_a_line(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        with_header in any::<bool>(),
    ) {
        let mut b = Vec::new();
        if with_header {
            b.extend_from_slice(b"{\"ipcscope\":\"recording\",\"version\":1}\n");
        }
        b.extend_from_slice(&bytes);
        if let Ok(rec) = check_parse(&b) {
            replays_without_panic(rec, true);
        }
    }

    #[test]
    fn a_recording_with_one_byte_changed_never_panics(
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut b = good_bytes();
        let i = at.index(b.len());
        b[i] = byte;
        if let Ok(rec) = check_parse(&b) {
            replays_without_panic(rec, true);
        }
    }

    #[test]
    fn a_recording_with_one_digit_changed_reads_or_names_its_line(
        at in any::<prop::sample::Index>(),
        digit in 0u8..10,
    ) {
        // Digits are where numbers live: times, pids, counts. A changed
        // digit mostly still reads, and the replay must cope with it.
        let mut b = good_bytes();
        let digits: Vec<usize> = (0..b.len()).filter(|&i| b[i].is_ascii_digit()).collect();
        let i = digits[at.index(digits.len())];
        b[i] = b'0' + digit;
        if let Ok(rec) = check_parse(&b) {
            replays_without_panic(rec, true);
        }
    }

    #[test]
    fn random_json_lines_read_as_records_or_name_the_first_bad_line(
        lines in prop::collection::vec(json_line(), 0..8),
        keep_good in 0usize..6,
    ) {
        let good = String::from_utf8(good_bytes()).unwrap();
        let mut all: Vec<String> = good.lines().take(1 + keep_good).map(String::from).collect();
        let first_random = all.len() + 1;
        all.extend(lines.iter().cloned());
        let bytes = (all.join("\n") + "\n").into_bytes();
        // A line is bad when it is not a record, or carries a time no
        // clock shows (the reader refuses those by their line too).
        let first_bad = lines.iter().position(|l| {
            serde_json::from_str::<ipcscope::stream::Record>(l)
                .map_or(true, |r| r.t_ns().is_some_and(|t| t > MAX_TIME_NS))
        });
        match (check_parse(&bytes), first_bad) {
            (Ok(rec), None) => replays_without_panic(rec, true),
            (Err(e), Some(k)) => {
                let want = format!(":{}: ", first_random + k);
                prop_assert!(
                    e.contains(&want)
                        && (e.contains("not a record") || e.contains("a time out of range")),
                    "want {want}: {e}"
                );
            }
            (r, k) => prop_assert!(false, "{:?} with first bad line {k:?}", r.map(|r| r.records.len())),
        }
    }
}

/// Each number of the corpus recording, one at a time, set to each of the
/// extremes its field might hold: the file reads (and replays without a
/// panic or a hang) or is refused by its line. (Not drawn: the panels
/// add counts such as waiters without saturating, which overflows at
/// u32::MAX in a debug build.)
#[test]
fn every_number_set_to_an_extreme_reads_and_replays_or_is_refused() {
    let good = String::from_utf8(good_bytes()).unwrap();
    let b = good.as_bytes();
    let mut numbers = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && i > 0 && b[i - 1] == b':' {
            let end = (i..b.len())
                .find(|&j| !b[j].is_ascii_digit())
                .unwrap_or(b.len());
            numbers.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    assert!(numbers.len() > 200, "{} numbers", numbers.len());
    let extremes = [
        u64::MAX.to_string(),
        i64::MAX.to_string(),
        (1u64 << 62).to_string(),
        u32::MAX.to_string(),
        i32::MAX.to_string(),
        i32::MIN.to_string(),
        "0".to_string(),
    ];
    let (mut read, mut refused) = (0, 0);
    for &(a, z) in &numbers {
        for x in &extremes {
            let changed = format!("{}{x}{}", &good[..a], &good[z..]);
            match check_parse(changed.as_bytes()) {
                Ok(rec) => {
                    replays_without_panic(rec, false);
                    read += 1;
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(read > 0 && refused > 0, "{read} read, {refused} refused");
}
