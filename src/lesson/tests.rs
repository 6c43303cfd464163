//! The loader on good and bad lesson files. A bad file is written with a
//! `«` where the error must point: the marker is taken out before parsing
//! and its place is the expected line and column.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::config::{CounterConfig, DelayRange, Mode, PipeConfig, QueueConfig, Scenario};
use crate::stream::Role;
use crate::stream::lesson::{Action, Lang, Op, ProgramRole, Raised, Reveal};

/// A program of 12 lines for the test lessons.
const PROGRAM: &str = "import os
from multiprocessing import Process, Queue

def write(q):
    print('writing')
    q.put('url_1')

def read(q):
    print('reading')
    print(q.get())

q = Queue()
";

/// A good queue lesson; the bad ones below are it with one thing wrong.
const GOOD: &str = r#"title = { en = "A lesson", zh = "一课" }
program = "demo.py"

[scenario.queue]
writers = 3
delay = "0.5..1"
maxsize = 2

[lines]
writer = { start = 5, put = 6 }
reader = { get = 10 }

[[scenes]]
caption = { en = "First", zh = "第一" }

[[scenes]]
caption.en = "Second"
caption.zh = "第二"
setup = ["maxsize 1", "add_reader", "kill writer"]

[scenes.question]
prompt = { en = "What now?", zh = "然后呢？" }
choices = [{ en = "a", zh = "甲" }, { en = "b", zh = "乙" }]
answer = 2
reveal = "writer blocks in put"
why = { en = "Because.", zh = "因为。" }
"#;

fn read_demo(name: &str) -> Result<String, String> {
    if name == "demo.py" {
        Ok(PROGRAM.to_string())
    } else {
        Err(format!("cannot read the program {name}: no such file"))
    }
}

fn load(text: &str) -> Result<Checked, LessonError> {
    parse("demo", "demo.toml", text, &read_demo)
}

/// Parses `marked` without its `«` and checks the error names the file,
/// the marker's line and column, and says `says`.
#[track_caller]
fn rejected(marked: &str, says: &str) {
    let offset = marked.find('«').expect("a « marks where the error points");
    let before = &marked[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    let text = marked.replacen('«', "", 1);
    let e = match load(&text) {
        Ok(_) => panic!("should be rejected ({says}):\n{text}"),
        Err(e) => e,
    };
    assert_eq!(e.file, "demo.toml");
    assert_eq!(e.at, Some((line, column)), "{e}");
    assert!(e.message.contains(says), "{e}\nshould say: {says}");
    assert!(
        e.to_string()
            .starts_with(&format!("demo.toml:{line}:{column}: ")),
        "{e}"
    );
}

/// GOOD with `from` replaced by `to` (which must be there once).
fn good_with(from: &str, to: &str) -> String {
    assert_eq!(GOOD.matches(from).count(), 1, "{from:?}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn a_good_lesson_loads_with_defaults_for_what_it_leaves_out() {
    let c = load(GOOD).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let l = c.lesson;
    assert_eq!(l.name, "demo");
    assert_eq!(l.title.get(Lang::Zh), "一课");
    assert_eq!(l.program_file, "demo.py");
    assert_eq!(l.program, PROGRAM);
    let d = QueueConfig::defaults(Mode::Tui);
    assert_eq!(
        l.scenario,
        Scenario::Queue(QueueConfig {
            writers: 3,
            delay: DelayRange { lo: 0.5, hi: 1.0 },
            maxsize: 2,
            ..d
        })
    );
    assert_eq!(l.lines.line(ProgramRole::Writer, Op::Put), Some(6));
    assert_eq!(l.lines.line(ProgramRole::Reader, Op::Get), Some(10));
    assert_eq!(l.scenes.len(), 2);
    assert_eq!(
        l.scenes[1].setup,
        vec![
            Action::Maxsize(1),
            Action::AddReader,
            Action::Kill(Role::Writer)
        ]
    );
    let q = l.scenes[1].question.as_ref().unwrap();
    assert_eq!(q.answer, 2);
    assert_eq!(q.right_choice().unwrap().en, "b");
    assert_eq!(
        q.reveal,
        Reveal::Blocks {
            role: Role::Writer,
            op: Op::Put
        }
    );
    assert_eq!(q.why.as_ref().unwrap().zh, "因为。");
    assert!(l.scenes[0].question.is_none());
}

#[test]
fn pipe_and_counter_scenarios_take_their_defaults() {
    let pipe = load(
        &good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            "[scenario.pipe]\nduplex = false\n",
        )
        .replace(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            r#"setup = ["kill sender"]"#,
        )
        .replace("writer blocks in put", "EOFError raised"),
    )
    .unwrap()
    .lesson;
    assert_eq!(
        pipe.scenario,
        Scenario::Pipe(PipeConfig {
            duplex: false,
            ..PipeConfig::defaults(Mode::Tui)
        })
    );
    let counter = load(&good_with(
        "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
        "[scenario.counter]\ndelay = 1\n",
    ));
    // `delay` is not a counter option.
    assert!(
        counter
            .unwrap_err()
            .message
            .contains("unknown field `delay`")
    );
    let counter = load(
        &good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            "[scenario.counter]\nincrements = 10\n",
        )
        .replace(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            r#"setup = ["lock on", "lock off"]"#,
        )
        .replace("writer blocks in put", "lost updates > 0"),
    )
    .unwrap()
    .lesson;
    assert_eq!(
        counter.scenario,
        Scenario::Counter(CounterConfig {
            increments: 10,
            ..CounterConfig::defaults(Mode::Tui)
        })
    );
    assert_eq!(
        counter.scenes[1].setup,
        vec![Action::Lock(true), Action::Lock(false)]
    );
}

#[test]
fn unknown_fields_are_rejected_where_they_are() {
    rejected(
        &good_with("program =", "«titel = 1\nprogram ="),
        "unknown field `titel`",
    );
    rejected(
        &good_with("caption = { en = \"First\"", "«captoin = { en = \"First\""),
        "unknown field `captoin`",
    );
    rejected(
        &good_with("reveal =", "«hint = 1\nreveal ="),
        "unknown field `hint`",
    );
    rejected(
        &good_with("maxsize = 2", "«max_size = 2"),
        "unknown field `max_size`",
    );
    rejected(
        &good_with("zh = \"第一\" }", "zh = \"第一\", «fr = \"Premier\" }"),
        "unknown field `fr`",
    );
}

#[test]
fn a_text_needs_both_languages_and_neither_empty() {
    rejected(
        &good_with(
            "caption = { en = \"First\", zh = \"第一\" }",
            "caption = «{ en = \"First\" }",
        ),
        "this text has no `zh`",
    );
    rejected(
        &good_with(
            "prompt = { en = \"What now?\", zh = \"然后呢？\" }",
            "prompt = «{ zh = \"然后呢？\" }",
        ),
        "this text has no `en`",
    );
    rejected(
        &good_with(
            "caption = { en = \"First\", zh = \"第一\" }",
            "caption = «{ en = \" \", zh = \"第一\" }",
        ),
        "`en` is empty",
    );
    rejected(
        &good_with(
            "title = { en = \"A lesson\", zh = \"一课\" }",
            "title = «{}",
        ),
        "neither `en` nor `zh`",
    );
}

#[test]
fn questions_are_checked() {
    rejected(
        &good_with("answer = 2", "answer = «3"),
        "answer = 3 is out of range: choose 1 to 2",
    );
    rejected(
        &good_with("answer = 2", "answer = «0"),
        "choose 1 to 2 (the choices count from 1)",
    );
    rejected(
        &good_with(
            "choices = [{ en = \"a\", zh = \"甲\" }, { en = \"b\", zh = \"乙\" }]",
            "choices = «[{ en = \"a\", zh = \"甲\" }]",
        ),
        "2 to 4 choices; this one has 1",
    );
    let five = r#"choices = «[{ en = "a", zh = "甲" }, { en = "b", zh = "乙" }, { en = "c", zh = "丙" }, { en = "d", zh = "丁" }, { en = "e", zh = "戊" }]"#;
    rejected(
        &good_with(
            "choices = [{ en = \"a\", zh = \"甲\" }, { en = \"b\", zh = \"乙\" }]",
            five,
        ),
        "this one has 5",
    );
    rejected(
        &good_with(
            "reveal = \"writer blocks in put\"",
            "reveal = \"writer blocks in put\"\n«reveal = 1",
        ),
        "duplicate key",
    );
}

#[test]
fn line_numbers_are_checked_against_the_program() {
    rejected(
        &good_with("put = 6", "put = «13"),
        "lines.writer.put = 13 is past the end of demo.py (12 lines)",
    );
    rejected(&good_with("put = 6", "put = «0"), "lines count from 1");
    rejected(&good_with("put = 6", "put = «-4"), "lines count from 1");
    rejected(
        &good_with("reader = { get", "«readr = { get"),
        "unknown variant `readr`",
    );
    rejected(
        &good_with("{ get = 10 }", "{ «gett = 10 }"),
        "unknown variant `gett`",
    );
    rejected(
        &good_with("{ get = 10 }", "{ get = 10, «put = 6 }"),
        "a reader has no `put` in a line map: its operations are start, get, empty",
    );
}

#[test]
fn a_mapped_line_without_its_call_is_a_warning_not_an_error() {
    let c = load(&good_with("put = 6", "put = 5")).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    let w = &c.warnings[0];
    assert!(
        w.starts_with("demo.toml:10:29: lines.writer.put = 5: line 5 of demo.py is `print('writing')`, not a line with `put(` or `put_nowait(`"),
        "{w}"
    );
}

#[test]
fn scenario_options_take_the_command_lines_ranges() {
    rejected(
        &good_with("writers = 3", "writers = «0"),
        "writers = 0 is out of range: 1 to 255",
    );
    rejected(
        &good_with("writers = 3", "writers = «256"),
        "writers = 256 is out of range",
    );
    rejected(
        &good_with("writers = 3", "writers = «200\nreaders = 100"),
        "200 writers and 100 readers make 300 processes; a run has at most 255",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = «65537"),
        "maxsize = 65537 is out of range: 0 to 65536",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = «-1"),
        "invalid value: integer `-1`",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = «\"2\""),
        "invalid type: string \"2\"",
    );
    rejected(
        &good_with("delay = \"0.5..1\"", "delay = «\"1..0\""),
        "'1..0' is empty",
    );
    rejected(
        &good_with("delay = \"0.5..1\"", "delay = «\"fast\""),
        "'fast' is not a delay",
    );
    rejected(
        &good_with("delay = \"0.5..1\"", "delay = «-1"),
        "-1 is out of range: a delay is 0 to 3600",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = 2\nput_timeout = «-1"),
        "put_timeout: '-1' is negative",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = 2\nget_timeout = «3601"),
        "get_timeout: '3601' is out of range",
    );
    rejected(
        &good_with(
            "maxsize = 2",
            "maxsize = 2\nput_timeout = 1\nnowait_put = «true",
        ),
        "nowait_put = true cannot be used with put_timeout",
    );
    rejected(
        &good_with("[scenario.queue]", "[scenario.«queu]"),
        "unknown variant `queu`",
    );
    rejected(
        &good_with("[scenario.queue]", "[«scenario.pipe]\n[scenario.queue]"),
        "give exactly one scenario",
    );
}

/// A lesson file and the command line accept and refuse the same values.
#[test]
fn scenario_options_agree_with_the_command_line() {
    let cases: &[(&str, &str, &str)] = &[
        ("writers", "0", "0"),
        ("writers", "1", "1"),
        ("writers", "255", "255"),
        ("writers", "256", "256"),
        ("readers", "0", "0"),
        ("readers", "254", "254"),
        ("items", "1000000", "1000000"),
        ("items", "1000001", "1000001"),
        ("maxsize", "65536", "65536"),
        ("maxsize", "65537", "65537"),
        ("delay", "\"0..3600\"", "0..3600"),
        ("delay", "\"0..3601\"", "0..3601"),
        ("delay", "\"1...2\"", "1...2"),
        ("put_timeout", "0", "0"),
        ("put_timeout", "3600", "3600"),
        ("put_timeout", "3600.5", "3600.5"),
        ("get_timeout", "-1", "-1"),
    ];
    for (opt, toml_value, cli_value) in cases {
        let text = good_with(
            "writers = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            &format!("{opt} = {toml_value}\n"),
        );
        let in_file = load(&text).is_ok();
        let flag = format!("--{}", opt.replace('_', "-"));
        let argv = ["ipcscope", "queue", flag.as_str(), cli_value];
        let on_cli = crate::cli::invocation_from(argv).is_ok();
        assert_eq!(
            in_file, on_cli,
            "{opt} = {toml_value}: file {in_file}, cli {on_cli}"
        );
    }
}

#[test]
fn actions_are_parsed_where_they_are_and_checked_against_the_scenario() {
    let setup = r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#;
    rejected(
        &good_with(setup, r#"setup = ["maxsize 1", «"maxsize x"]"#),
        "'maxsize x': maxsize takes a whole number",
    );
    rejected(
        &good_with(setup, r#"setup = [«"jump"]"#),
        "'jump' is not an action: write one of maxsize N",
    );
    rejected(
        &good_with(setup, r#"setup = ["freeze", «"kill sender"]"#),
        "'kill sender': a queue run has no sender: its processes are writer and reader",
    );
    rejected(
        &good_with(setup, r#"setup = [«"lock on"]"#),
        "'lock on' needs a counter run; this lesson's is queue",
    );
    rejected(
        &good_with(setup, r#"setup = [«"slow_motion 40"]"#),
        "slow_motion takes a factor from 0.1 to 20",
    );
}

#[test]
fn reveal_conditions_must_be_able_to_hold_in_the_run() {
    let reveal = r#"reveal = "writer blocks in put""#;
    rejected(
        &good_with(reveal, r#"reveal = «"the writer waits""#),
        "'the writer waits' is not a reveal condition: write one of ROLE blocks in OP",
    );
    rejected(
        &good_with(reveal, r#"reveal = «"receiver ended""#),
        "'receiver ended' can never hold here: a queue run has no receiver",
    );
    rejected(
        &good_with(reveal, r#"reveal = «"queue.Full raised""#),
        "the writers wait for room forever; give put_timeout or nowait_put",
    );
    rejected(
        &good_with(reveal, r#"reveal = «"queue.Empty raised""#),
        "give get_timeout or nowait_get",
    );
    rejected(
        &good_with(reveal, r#"reveal = «"lost updates > 0""#),
        "lost updates happen to a shared Value; this lesson's run is queue",
    );
    rejected(
        &good_with(reveal, r#"reveal = «"EOFError raised""#),
        "EOFError is raised by a pipe's recv",
    );
    // The scene's setup made the queue unbounded: a put never waits there.
    rejected(
        &good_with(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            r#"setup = ["maxsize 0"]"#,
        )
        .replacen(reveal, r#"reveal = «"writer blocks in put""#, 1),
        "the queue is unbounded (maxsize 0) at this scene",
    );
    // 3 writers x 4 items, and one more writer added: at most 16 puts.
    let with_items = good_with("maxsize = 2", "maxsize = 2\nitems = 4").replacen(
        r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
        r#"setup = ["add_writer"]"#,
        1,
    );
    assert!(load(&with_items.replacen(reveal, r#"reveal = "reader done >= 16""#, 1)).is_ok());
    rejected(
        &with_items.replacen(reveal, r#"reveal = «"reader done >= 17""#, 1),
        "can never hold here: at most 16 items are put (4 writers x 4 items)",
    );
    // With timeouts and a bounded queue, Full and Empty can be raised.
    let timed = good_with(
        "maxsize = 2",
        "maxsize = 2\nput_timeout = 0.5\nget_timeout = 1",
    );
    for r in ["queue.Full raised", "queue.Empty raised"] {
        let c = load(&timed.replacen("writer blocks in put", r, 1)).unwrap();
        let q = c.lesson.scenes[1].question.clone().unwrap();
        assert!(matches!(q.reveal, Reveal::Raised { .. }), "{r}");
    }
    let nowait = good_with("maxsize = 2", "maxsize = 2\nnowait_put = true");
    let c = load(&nowait.replacen("writer blocks in put", "queue.Full raised", 1)).unwrap();
    assert_eq!(
        c.lesson.scenes[1].question.as_ref().unwrap().reveal,
        Reveal::Raised {
            error: Raised::Full
        }
    );
    rejected(
        &nowait.replacen(reveal, r#"reveal = «"writer blocks in put""#, 1),
        "block=False (nowait_put), which never waits",
    );
}

#[test]
fn pipe_and_counter_reveals_follow_their_settings() {
    let pipe = |opts: &str, reveal: &str| {
        good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            &format!("[scenario.pipe]\n{opts}\n"),
        )
        .replace(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            "setup = []",
        )
        .replace(
            r#"reveal = "writer blocks in put""#,
            &format!("reveal = {reveal}"),
        )
    };
    assert!(load(&pipe("", r#""EOFError raised""#)).is_ok());
    rejected(
        &pipe("forget_close = true", r#"«"EOFError raised""#),
        "forget_close keeps the parent's copy of the send end open",
    );
    assert!(load(&pipe("forget_close = true", r#""stuck""#)).is_ok());
    rejected(
        &pipe("messages = 10", r#"«"receiver done >= 11""#),
        "at most 10 messages are sent",
    );
    let counter = |opts: &str, setup: &str| {
        good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            &format!("[scenario.counter]\n{opts}\n"),
        )
        .replace(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            &format!("setup = {setup}"),
        )
        .replace(
            r#"reveal = "writer blocks in put""#,
            r#"reveal = «"lost updates > 0""#,
        )
    };
    rejected(
        &counter("lock = true", "[]"),
        "the counters hold the Value's lock at this scene",
    );
    rejected(&counter("", r#"["lock on"]"#), "`lock off` first");
    rejected(
        &counter("procs = 1", "[]"),
        "one counter alone loses no update",
    );
    let ok = counter("lock = true", r#"["lock off"]"#).replace('«', "");
    assert!(load(&ok).is_ok());
}

#[test]
fn missing_or_broken_parts_are_located() {
    rejected(
        &good_with("program = \"demo.py\"", "program = «\"gone.py\""),
        "cannot read the program gone.py",
    );
    rejected(
        &good_with("program = \"demo.py\"", "program = «\"\""),
        "program is empty",
    );
    // An inline table left open: toml says where it noticed.
    rejected(
        &good_with("zh = \"一课\" }\nprogram", "zh = \"一课\"\n«program"),
        "missing comma between key-value pairs",
    );
    let no_scenes = GOOD.split("[[scenes]]").next().unwrap().to_string();
    rejected(&format!("«{no_scenes}"), "missing field `scenes`");
    rejected(
        &format!("scenes = «[]\n{no_scenes}"),
        "a lesson has at least one scene",
    );
    let no_scenario = good_with(
        "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
        "",
    );
    rejected(&format!("«{no_scenario}"), "missing field `scenario`");
    rejected(
        &good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            "scenario = «\"queue\"\n",
        ),
        "write the scenario as a table: [scenario.queue]",
    );
}

#[test]
fn columns_count_characters_and_lines_count_from_one() {
    let text = "a = 1\n中文 = «x\n";
    let offset = text.find('«').unwrap();
    assert_eq!(line_column(text, offset), (2, 6));
    assert_eq!(line_column(text, 0), (1, 1));
    // Inside a character and past the end: the nearest place before.
    assert_eq!(line_column(text, offset + 1), (2, 6));
    assert_eq!(line_column(text, 10_000), (3, 1));
}

/// A folder of lesson files for the tests, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir =
            std::env::temp_dir().join(format!("ipcscope-lessons-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.0.join(name), text).unwrap();
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_folder_lists_its_lessons_and_loads_each_with_the_program_beside_it() {
    let f = Folder::new("folder");
    f.write("zeta.toml", GOOD);
    f.write(
        "alpha.toml",
        &good_with("title = { en = \"A lesson\"", "title = { en = \"Alpha\""),
    );
    f.write("demo.py", PROGRAM);
    f.write("notes.txt", "not a lesson");
    let lib = Library::Dir(f.0.clone());
    assert_eq!(lib.names().unwrap(), vec!["alpha", "zeta"]);
    let alpha = lib.find("alpha").unwrap().unwrap().lesson;
    assert_eq!(
        (alpha.name.as_str(), alpha.title.en.as_str()),
        ("alpha", "Alpha")
    );
    assert_eq!(alpha.program, PROGRAM);
    assert!(lib.find("demo").unwrap().is_none());
    assert!(lib.find("notes").unwrap().is_none());
    let all = lib.load_all().unwrap();
    assert_eq!(
        all.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["alpha", "zeta"]
    );

    // A broken lesson is an error naming its file, line and column.
    f.write("broken.toml", &good_with("answer = 2", "answer = 9"));
    let e = lib.load_all().unwrap_err();
    let file = f.0.join("broken.toml").display().to_string();
    assert_eq!(e.file, file);
    assert_eq!(e.at, Some((24, 10)), "{e}");

    // The program is looked for beside the lesson file.
    std::fs::remove_file(f.0.join("demo.py")).unwrap();
    let e = lib.find("alpha").unwrap_err();
    assert!(
        e.message.contains("demo.py") && e.message.contains("No such file"),
        "{e}"
    );
    assert_eq!(e.at, Some((2, 11)));
}

#[test]
fn an_unreadable_file_or_folder_is_an_error_naming_it() {
    let e = load_file(std::path::Path::new("/nonexistent/x.toml")).unwrap_err();
    assert_eq!((e.file.as_str(), e.at), ("/nonexistent/x.toml", None));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/x.toml: cannot read the lesson file"),
        "{e}"
    );
    let e = Library::Dir("/nonexistent".into()).names().unwrap_err();
    assert!(
        e.to_string().contains("cannot read the lessons folder"),
        "{e}"
    );
}

#[test]
fn a_lesson_survives_a_round_trip_through_json() {
    for b in BUILTIN {
        let l = b.load().unwrap().lesson;
        let json = serde_json::to_string(&l).unwrap();
        let back: crate::stream::lesson::Lesson = serde_json::from_str(&json).unwrap();
        assert_eq!(back, l, "{}", b.name);
    }
}

// ----------------------------------------------------- the built-in ones --

#[test]
fn every_built_in_lesson_loads_cleanly() {
    for b in BUILTIN {
        let c = b.load().unwrap_or_else(|e| panic!("{e}"));
        assert!(c.warnings.is_empty(), "{}: {:?}", b.name, c.warnings);
        let l = &c.lesson;
        assert_eq!(l.name, b.name);
        assert!(
            (3..=6).contains(&l.scenes.len()),
            "{}: {} scenes",
            b.name,
            l.scenes.len()
        );
        assert!(
            l.scenes.iter().any(|s| s.question.is_some()),
            "{}: no question",
            b.name
        );
        for s in &l.scenes {
            for t in std::iter::once(&s.caption).chain(s.question.iter().flat_map(|q| {
                std::iter::once(&q.prompt)
                    .chain(q.choices.iter())
                    .chain(q.why.iter())
            })) {
                assert!(
                    t.zh.chars().any(|c| c > '\u{2e80}'),
                    "{}: {:?} has no Chinese",
                    b.name,
                    t.zh
                );
            }
        }
    }
}

/// Each mapped line holds its operation's call (`put(` for put, `.join(`
/// for the parent's join, ...), and each lesson maps the operations its
/// scenario's processes perform.
#[test]
fn every_built_in_line_map_points_at_the_right_calls() {
    for b in BUILTIN {
        let l = b.load().unwrap().lesson;
        let program: Vec<&str> = l.program.lines().collect();
        for (role, op, line) in l.lines.iter() {
            let text = program[line as usize - 1];
            let expected = op.expected_text(role);
            assert!(
                expected.is_empty() || expected.iter().any(|e| text.contains(e)),
                "{}: lines.{role}.{op} = {line} is `{text}`, wants {expected:?}",
                b.name
            );
            assert!(
                !text.trim_start().starts_with('#'),
                "{}: line {line} is a comment",
                b.name
            );
        }
        let needed: &[(ProgramRole, Op)] = match l.scenario {
            Scenario::Queue(_) => &[
                (ProgramRole::Writer, Op::Put),
                (ProgramRole::Reader, Op::Get),
            ],
            Scenario::Pipe(_) => &[
                (ProgramRole::Sender, Op::Send),
                (ProgramRole::Receiver, Op::Recv),
            ],
            Scenario::Counter(_) => &[(ProgramRole::Counter, Op::Increment)],
            Scenario::Program(_) => unreachable!("a lesson runs a built-in scenario"),
        };
        for &(role, op) in needed {
            assert!(
                l.lines.line(role, op).is_some(),
                "{}: no lines.{role}.{op}",
                b.name
            );
        }
        assert!(
            l.lines.line(ProgramRole::Parent, Op::Start).is_some(),
            "{}",
            b.name
        );
        assert!(
            l.lines.line(ProgramRole::Parent, Op::Join).is_some(),
            "{}",
            b.name
        );
    }
}

/// The list in builtin.rs and the folder hold the same lessons.
#[test]
fn every_file_in_assets_lessons_is_built_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = BUILTIN
        .iter()
        .flat_map(|b| [format!("{}.toml", b.name), b.program.0.to_string()])
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    // And a folder of them loads the same as the built-in ones.
    let from_dir = Library::Dir(dir).load_all().unwrap();
    let mut built_in = Library::BuiltIn.load_all().unwrap();
    built_in.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(from_dir, built_in);
}

#[test]
fn the_built_in_lessons_cover_the_class() {
    let names: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
    for n in [
        "queue",
        "maxsize",
        "timeouts",
        "pipe",
        "forgotten_close",
        "value",
        "terminate",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let kinds: BTreeMap<&str, &'static str> = BUILTIN
        .iter()
        .map(|b| (b.name, b.load().unwrap().lesson.scenario.name()))
        .collect();
    assert_eq!(kinds["value"], "counter");
    assert_eq!(kinds["forgotten_close"], "pipe");
    let fc = BUILTIN[4].load().unwrap().lesson;
    assert!(matches!(
        fc.scenario,
        Scenario::Pipe(PipeConfig {
            forget_close: true,
            ..
        })
    ));
}

#[test]
fn a_plain_run_of_the_default_queue_or_counter_has_a_built_in_program() {
    use crate::model::code::same_calls;
    use crate::stream::run::{CounterConfig, Mode, PipeConfig, QueueConfig, Scenario};
    let programs = super::programs();
    assert_eq!(programs.len(), super::BUILTIN.len(), "every built-in loads");
    let file_for = |s: &Scenario| {
        programs
            .iter()
            .find(|(p, _)| same_calls(p, s))
            .map(|(_, p)| p.file.clone())
    };
    let queue = Scenario::Queue(QueueConfig::defaults(Mode::Tui));
    assert_eq!(file_for(&queue).as_deref(), Some("queue_demo.py"));
    let counter = Scenario::Counter(CounterConfig::defaults(Mode::Tui));
    assert_eq!(file_for(&counter).as_deref(), Some("value.py"));
    let mut pipe = PipeConfig::defaults(Mode::Tui);
    pipe.duplex = true;
    pipe.forget_close = true;
    assert_eq!(
        file_for(&Scenario::Pipe(pipe.clone())).as_deref(),
        Some("forgotten_close.py")
    );
    pipe.duplex = false;
    pipe.forget_close = false;
    assert_eq!(file_for(&Scenario::Pipe(pipe)).as_deref(), Some("pipe.py"));
    // A queue of maxsize 7 is none of them.
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 7;
    assert_eq!(file_for(&Scenario::Queue(q)), None);
}
