//! The loader on good and bad lesson files. A bad file is written with a
//! `«` where the error must point: the marker is taken out before parsing
//! and its place is the expected line and column.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::config::{CounterConfig, DelayRange, Mode, PipeConfig, QueueConfig, Scenario};
use crate::stream::Role;
use crate::stream::lesson::{Action, Lang, Op, ProgramRole, Raised, Reveal};
use crate::text;

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

fn read_demo(name: &str) -> Result<String, Problem> {
    if name == "demo.py" {
        Ok(PROGRAM.to_string())
    } else {
        Err(Problem::CannotReadProgram {
            path: name.to_string(),
            why: "no such file".to_string(),
        })
    }
}

fn load(text: &str) -> Result<Checked, LessonError> {
    parse("demo", "demo.toml", text, &read_demo)
}

/// Parses `marked` without its `«` and checks the error names the file,
/// the marker's line and column, and says `says`; and that in Chinese it
/// is at the same place and said in Chinese (see [`rejected_in`]).
#[track_caller]
fn rejected(marked: &str, says: &str) {
    rejected_in(marked, says, "");
}

/// [`rejected`], and the Chinese message says `zh_says` (when not empty).
#[track_caller]
fn rejected_in(marked: &str, says: &str, zh_says: &str) {
    let offset = marked.find('«').expect("a « marks where the error points");
    let before = &marked[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    let text = marked.replacen('«', "", 1);
    let [en, zh] = Lang::ALL.map(|lang| match text::with_lang(lang, || load(&text)) {
        Ok(_) => panic!("should be rejected ({says}):\n{text}"),
        Err(e) => e,
    });
    for e in [&en, &zh] {
        assert_eq!(e.file, "demo.toml");
        assert_eq!(e.at, Some((line, column)), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("demo.toml:{line}:{column}: ")),
            "{e}"
        );
    }
    assert!(en.message.contains(says), "{en}\nshould say: {says}");
    assert!(zh.message.contains(zh_says), "{zh}\nshould say: {zh_says}");
    assert!(has_cjk(&zh.message), "not said in Chinese: {zh}");
    assert_ne!(en.message, zh.message);
}

/// Whether `s` has Chinese in it (as `crate::text`'s tests tell): an
/// ideograph, or CJK or full-width punctuation.
fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}'
            | '\u{FF00}'..='\u{FFEF}')
    })
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
    assert!(counter.unwrap_err().message.contains("unknown key `delay`"));
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
        "unknown key `titel`: the keys here are `title`, `program`, `scenario`, `lines` and `scenes`",
    );
    rejected(
        &good_with("caption = { en = \"First\"", "«captoin = { en = \"First\""),
        "unknown key `captoin`",
    );
    rejected(
        &good_with("reveal =", "«hint = 1\nreveal ="),
        "unknown key `hint`",
    );
    rejected(
        &good_with("maxsize = 2", "«max_size = 2"),
        "unknown key `max_size`",
    );
    rejected(
        &good_with("zh = \"第一\" }", "zh = \"第一\", «fr = \"Premier\" }"),
        "unknown key `fr`: the keys here are `en` and `zh`",
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
        "`reveal` is given twice",
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
        "[lines] has no part `readr`: a program's parts are writer, reader",
    );
    rejected(
        &good_with("{ get = 10 }", "{ «gett = 10 }"),
        "a reader has no `gett` in a line map",
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
    // In the language the thread speaks, at the same place.
    let c = text::with_lang(Lang::Zh, || load(&good_with("put = 6", "put = 5"))).unwrap();
    assert_eq!(
        c.warnings,
        [
            "demo.toml:10:29: lines.writer.put = 5：demo.py 的第 5 行是 `print('writing')`，\
          不是含有 `put(` 或 `put_nowait(` 的行"
        ]
    );
    let c = text::with_lang(Lang::Zh, || {
        load(&good_with(
            "{ start = 5, put = 6 }",
            "{ start = 5, put = 6, exit = 7 }",
        ))
    })
    .unwrap();
    assert_eq!(
        c.warnings,
        ["demo.toml:10:39: lines.writer.exit = 7：demo.py 的第 7 行是 ``，不是一行代码"]
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
        "maxsize = -1 is out of range: 0 to 65536",
    );
    rejected(
        &good_with("maxsize = 2", "maxsize = «\"2\""),
        "`scenario.queue.maxsize` should be a whole number, not the string \"2\"",
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
        "delay: '-1' is out of range: a delay is 0 to 3600 seconds",
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
        "unknown key `queu`: the keys here are `queue`, `pipe` and `counter`",
    );
    rejected(
        &good_with("[scenario.queue]", "[«scenario.pipe]\n[scenario.queue]"),
        "give exactly one scenario",
    );
}

/// A lesson file and the command line accept and refuse the same values
/// (the question asks for a condition any run can meet: `put_timeout = 0`
/// never blocks in put).
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
        )
        .replace("reveal = \"writer blocks in put\"", "reveal = \"stuck\"");
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
        "the writers wait for room forever at this scene; give put_timeout or nowait_put, or switch them with a put_policy action",
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
        "block=False (nowait_put) or timeout 0 at this scene, which never waits",
    );
    // timeout 0 raises at once too, as Python does.
    let zero = good_with("maxsize = 2", "maxsize = 2\nput_timeout = 0");
    rejected(
        &zero.replacen(reveal, r#"reveal = «"writer blocks in put""#, 1),
        "or timeout 0 at this scene, which never waits",
    );
    load(&zero.replacen("writer blocks in put", "queue.Full raised", 1)).unwrap();
}

#[test]
fn put_policy_actions_change_what_a_later_question_can_reveal() {
    // Blocking puts raise nothing, until a scene switches them live.
    let plain = good_with("maxsize = 2", "maxsize = 2");
    let reveal = r#"reveal = "writer blocks in put""#;
    rejected(
        &plain.replacen(reveal, r#"reveal = «"queue.Full raised""#, 1),
        "wait for room forever",
    );
    let switched = plain
        .replacen(reveal, r#"reveal = "queue.Full raised""#, 1)
        .replacen(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            r#"setup = ["maxsize 1", "put_policy nowait", "on_full give_up"]"#,
            1,
        );
    let c = load(&switched).unwrap();
    assert_eq!(
        c.lesson.scenes[1].setup[1..],
        [
            crate::stream::lesson::Action::PutPolicy(crate::config::Wait::Nowait),
            crate::stream::lesson::Action::OnFull(crate::config::Then::GiveUp)
        ]
    );
    // After block=False, nobody blocks in put any more.
    let never = plain.replacen(
        r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
        r#"setup = ["put_policy timeout 0"]"#,
        1,
    );
    rejected(
        &never.replacen(reveal, r#"reveal = «"writer blocks in put""#, 1),
        "which never waits",
    );
    // A bad phrase says what the action takes, in the file's words.
    let bad = plain.replacen(
        r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
        r#"setup = [«"put_policy forever"]"#,
        1,
    );
    rejected(&bad, "write block, nowait (block=False) or timeout S");
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
        "TOML syntax: a comma `,` is missing",
    );
    let no_scenes = GOOD.split("[[scenes]]").next().unwrap().to_string();
    rejected(&format!("«{no_scenes}"), "missing key `scenes`");
    rejected(
        &format!("scenes = «[]\n{no_scenes}"),
        "a lesson has at least one scene",
    );
    let no_scenario = good_with(
        "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
        "",
    );
    rejected(&format!("«{no_scenario}"), "missing key `scenario`");
    rejected(
        &good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            "scenario = «\"queue\"\n",
        ),
        "`scenario` should be a table: [scenario.queue], [scenario.pipe] or [scenario.counter]",
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
    // In Chinese, with the system's reason as it says it.
    text::with_lang(Lang::Zh, || {
        let e = load_file(std::path::Path::new("/nonexistent/x.toml")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/x.toml: 无法读取课程文件：No such file"),
            "{e}"
        );
        let e = Library::Dir("/nonexistent".into()).names().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent: 无法读取课程文件夹："),
            "{e}"
        );
    });
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
            (3..=7).contains(&l.scenes.len()),
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
        let needed: &[(ProgramRole, Op)] = match &l.scenario {
            // No reader process: the parent reads the queue.
            Scenario::Queue(q) if q.parent_reads() => &[
                (ProgramRole::Writer, Op::Put),
                (ProgramRole::Parent, Op::Get),
            ],
            Scenario::Queue(_) => &[
                (ProgramRole::Writer, Op::Put),
                (ProgramRole::Reader, Op::Get),
            ],
            Scenario::Pipe(_) => &[
                (ProgramRole::Sender, Op::Send),
                (ProgramRole::Receiver, Op::Recv),
            ],
            Scenario::Counter(c) if c.step_delay.is_some() => &[
                (ProgramRole::Counter, Op::Read),
                (ProgramRole::Counter, Op::Add),
                (ProgramRole::Counter, Op::Write),
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
    // Paced (the visualizer's default), the counters take three steps: the
    // race's program; at full speed, whole `+= 1`s: the Value's.
    let counter = Scenario::Counter(CounterConfig::defaults(Mode::Tui));
    assert_eq!(file_for(&counter).as_deref(), Some("race.py"));
    let counter = Scenario::Counter(CounterConfig::defaults(Mode::Headless));
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

/// `inherit`, `close_unused`, `echo`, `both_recv` and the actions on pipe
/// ends are checked against each other and against the reveals.
#[test]
fn pipe_end_options_and_actions_are_checked_against_the_run() {
    let pipe = |opts: &str, setup: &str, reveal: &str| {
        good_with(
            "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n",
            &format!("[scenario.pipe]\n{opts}\n"),
        )
        .replace(
            r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
            &format!("setup = {setup}"),
        )
        .replace(
            r#"reveal = "writer blocks in put""#,
            &format!("reveal = {reveal}"),
        )
    };
    let eof = r#""EOFError raised""#;
    let marked_eof = r#"«"EOFError raised""#;
    rejected(
        &pipe("inherit = true", "[]", marked_eof),
        "the receiver keeps the copy of the send end it inherited",
    );
    assert!(load(&pipe("inherit = true", r#"["close_unused on"]"#, eof)).is_ok());
    assert!(load(&pipe("inherit = true\nclose_unused = true", "[]", eof)).is_ok());
    rejected(
        &pipe(
            "inherit = true\nclose_unused = true",
            r#"["close_unused off"]"#,
            marked_eof,
        ),
        "close_unused on",
    );
    rejected(
        &pipe("close_unused = «true", "[]", eof),
        "close_unused needs inherit = true",
    );
    rejected(
        &pipe("[]", r#"[«"close_unused on"]"#, r#""stuck""#)
            .replace("[scenario.pipe]\n[]", "[scenario.pipe]\nmessages = 3"),
        "needs inherit = true in [scenario.pipe]",
    );
    for opt in ["echo", "both_recv"] {
        rejected(
            &pipe(&format!("duplex = false\n{opt} = «true"), "[]", eof),
            &format!("{opt} = true needs duplex = true"),
        );
    }
    rejected(
        &pipe("messages = 3", "[]", r#"«"sender blocks in recv""#),
        "the sender only sends and the receiver only receives",
    );
    assert!(load(&pipe("echo = true", "[]", r#""sender blocks in recv""#)).is_ok());
    assert!(load(&pipe("echo = true", "[]", r#""receiver blocks in send""#)).is_ok());
    rejected(
        &pipe("messages = 3", r#"[«"close_parent_end"]"#, eof),
        "needs forget_close = true",
    );
    assert!(load(&pipe("forget_close = true", r#"["close_parent_end"]"#, eof)).is_ok());
    let c = load(&pipe(
        "inherit = true\necho = true\nboth_recv = true",
        r#"["close_parent_end"]"#,
        r#""stuck""#,
    ));
    assert!(c.is_err(), "close_parent_end without forget_close");
}

// ------------------------------------------------- every error, both ways --

/// One case of each family of problem: where it points, a piece of the
/// English and of the Chinese.
#[test]
fn every_kind_of_problem_is_said_in_english_and_chinese() {
    let setup = r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#;
    let reveal = r#"reveal = "writer blocks in put""#;
    let scenario = "[scenario.queue]\nwriters = 3\ndelay = \"0.5..1\"\nmaxsize = 2\n";
    let cases: Vec<(String, &str, &str)> = vec![
        // The file's shape.
        (
            "title = «3\n".into(),
            "`title` should be a text: { en = \"...\", zh = \"...\" }, not the whole number 3",
            "`title` 应该是一段文本：{ en = \"...\", zh = \"...\" }，而这里是整数 3",
        ),
        (
            good_with("program =", "«titel = 1\nprogram ="),
            "unknown key `titel`: the keys here are `title`, `program`",
            "未知的键 `titel`：这里可以写的键是 `title`、`program`",
        ),
        (
            format!("«{}", GOOD.split("[[scenes]]").next().unwrap()),
            "missing key `scenes`: this table needs it",
            "缺少键 `scenes`：这个表必须写它",
        ),
        (
            good_with(reveal, &format!("{reveal}\n«reveal = 1")),
            "`reveal` is given twice: a key is written once in its table",
            "`reveal` 写了两次",
        ),
        (
            good_with(setup, r#"setup = «"maxsize 1""#),
            "`scenes.setup` should be a list of actions, like [\"maxsize 2\", \"add_reader\"], \
             not the string \"maxsize 1\"",
            "`scenes.setup` 应该是动作列表",
        ),
        (
            good_with(setup, r#"setup = [«1]"#),
            "`scenes.setup` should be an action in quotes, like \"maxsize 2\", not the whole number 1",
            "应该是引号里的动作，例如 \"maxsize 2\"，而这里是整数 1",
        ),
        (
            good_with("delay = \"0.5..1\"", "delay = «true"),
            "`scenario.queue.delay` should be a delay: \"A..B\" in seconds",
            "应该是延时",
        ),
        (
            good_with("maxsize = 2", "maxsize = «2.5"),
            "`scenario.queue.maxsize` should be a whole number, not the number 2.5",
            "`scenario.queue.maxsize` 应该是整数，而这里是小数 2.5",
        ),
        (
            good_with("maxsize = 2", "maxsize = 2\nnowait_put = «1"),
            "`scenario.queue.nowait_put` should be true or false, not the whole number 1",
            "应该是 true 或 false，而这里是整数 1",
        ),
        (
            good_with("maxsize = 2", "maxsize = 2\nput_timeout = «\"1\""),
            "`scenario.queue.put_timeout` should be a number of seconds, not the string \"1\"",
            "应该是秒数，而这里是字符串 \"1\"",
        ),
        (
            good_with("answer = 2", "answer = «true"),
            "`scenes.question.answer` should be a whole number, not true",
            "应该是整数，而这里是布尔值 true",
        ),
        (
            good_with("program = \"demo.py\"", "program = «[\"demo.py\"]"),
            "`program` should be the program's file name in quotes, like \"queue_demo.py\", not a list",
            "应该是引号里的程序文件名",
        ),
        (
            good_with("reader = { get = 10 }", "reader = «10"),
            "`lines.reader` should be a table of operations' line numbers",
            "应该是各操作所在行号的表",
        ),
        (
            good_with(
                "choices = [{ en = \"a\", zh = \"甲\" }, { en = \"b\", zh = \"乙\" }]",
                "choices = [«\"a\", \"b\"]",
            ),
            "`scenes.question.choices` should be a text: { en = \"...\", zh = \"...\" }, \
             not the string \"a\"",
            "应该是一段文本",
        ),
        (
            good_with("[scenes.question]", "question = «3\n[scenes.question0]"),
            "`scenes.question` should be a question: a [scenes.question] table",
            "应该是一道题",
        ),
        (
            format!("scenes = «3\n{}", GOOD.split("[[scenes]]").next().unwrap()),
            "`scenes` should be a list of scenes: [[scenes]] tables, each with a caption",
            "`scenes` 应该是场景列表",
        ),
        (
            good_with(
                "title = { en = \"A lesson\", zh = \"一课\" }",
                "title = { en = «3, zh = \"一课\" }",
            ),
            "`title.en` should be a sentence in quotes, not the whole number 3",
            "`title.en` 应该是引号里的一句话，而这里是整数 3",
        ),
        (
            good_with(
                "answer = 2",
                "answer = «999999999999999999999999999999999999999999",
            ),
            "`scenes.question.answer` holds a number TOML cannot read",
            "`scenes.question.answer` 的数字 TOML 无法读取",
        ),
        (
            good_with("answer = 2", "answer = «0x"),
            "holds a number TOML cannot read (too big, or not written as a number)",
            "的数字 TOML 无法读取（太大，或者写法不是数字）",
        ),
        // Texts.
        (
            good_with(
                "caption = { en = \"First\", zh = \"第一\" }",
                "caption = «{ en = \"First\" }",
            ),
            "this text has no `zh`: every text is written in English (en) and Chinese (zh)",
            "这段文本缺少 `zh`：每段文本都要写英文（en）和中文（zh）两种",
        ),
        (
            good_with(
                "why = { en = \"Because.\", zh = \"因为。\" }",
                "why = «{ en = \"Because.\", zh = \"\" }",
            ),
            "this text's `zh` is empty",
            "这段文本的 `zh` 是空的",
        ),
        // The scenario.
        (
            good_with(scenario, "«[scenario]\n"),
            "give exactly one scenario: [scenario.queue], [scenario.pipe] or [scenario.counter]",
            "请写且只写一个场景类型",
        ),
        (
            good_with("[scenario.queue]", "[«scenario.pipe]\n[scenario.queue]"),
            "give exactly one scenario, not 2",
            "只能写一个场景类型，这里写了 2 个",
        ),
        (
            good_with("maxsize = 2", "maxsize = «99999999999999999999"),
            "maxsize = 99999999999999999999 is out of range: 0 to 65536",
            "maxsize = 99999999999999999999 超出范围：应为 0 到 65536",
        ),
        (
            good_with("writers = 3", "writers = «200\nreaders = 100"),
            "200 writers and 100 readers make 300 processes",
            "200 个写进程加 100 个读进程，共 300 个进程",
        ),
        (
            good_with(
                "maxsize = 2",
                "maxsize = 2\nput_timeout = 1\nnowait_put = «true",
            ),
            "nowait_put = true cannot be used with put_timeout",
            "nowait_put = true 不能和 put_timeout 一起用",
        ),
        (
            good_with("maxsize = 2", "maxsize = 2\nput_timeout = «-1"),
            "put_timeout: '-1' is negative",
            "put_timeout：'-1' 是负数",
        ),
        (
            good_with("delay = \"0.5..1\"", "delay = «\"fast\""),
            "delay: 'fast' is not a delay",
            "delay：'fast' 不是延时",
        ),
        // The program.
        (
            good_with("program = \"demo.py\"", "program = «\" \""),
            "program is empty: name the .py file beside the lesson",
            "program 是空的",
        ),
        (
            good_with("program = \"demo.py\"", "program = «\"gone.py\""),
            "cannot read the program gone.py (named beside the lesson file): no such file",
            "无法读取程序 gone.py（课程文件指定的、放在它旁边的程序）：no such file",
        ),
        // [lines]
        (
            good_with("reader = { get", "«readr = { get"),
            "[lines] has no part `readr`: a program's parts are writer, reader, sender, \
             receiver, counter, locked_counter, parent",
            "[lines] 里不能写 `readr`：程序的部分只有 writer、reader、sender",
        ),
        (
            good_with("{ get = 10 }", "{ get = 10, «put = 6 }"),
            "a reader has no `put` in a line map: its operations are start, get, empty",
            "行号表里的 `reader` 没有 `put`：它的操作是 start、get、empty",
        ),
        (
            good_with("put = 6", "put = «-4"),
            "lines.writer.put = -4: lines count from 1",
            "lines.writer.put = -4：行号从 1 开始",
        ),
        (
            good_with("put = 6", "put = «13"),
            "lines.writer.put = 13 is past the end of demo.py (12 lines)",
            "lines.writer.put = 13 超出了 demo.py 的末尾（共 12 行）",
        ),
        // Scenes and questions.
        (
            format!("scenes = «[]\n{}", GOOD.split("[[scenes]]").next().unwrap()),
            "a lesson has at least one scene ([[scenes]] with a caption)",
            "一个课程至少要有一个场景",
        ),
        (
            good_with(
                "choices = [{ en = \"a\", zh = \"甲\" }, { en = \"b\", zh = \"乙\" }]",
                "choices = «[{ en = \"a\", zh = \"甲\" }]",
            ),
            "a question has 2 to 4 choices; this one has 1",
            "一道题要有 2 到 4 个选项；这道题有 1 个",
        ),
        (
            good_with("answer = 2", "answer = «3"),
            "answer = 3 is out of range: choose 1 to 2 (the choices count from 1)",
            "answer = 3 超出范围：请选 1 到 2（选项从 1 开始数）",
        ),
        // Actions.
        (
            good_with(setup, r#"setup = [«"jump"]"#),
            "'jump' is not an action: write one of maxsize N, add_writer",
            "'jump' 不是动作：请写以下之一：maxsize N, add_writer",
        ),
        (
            good_with(setup, r#"setup = [«"maxsize x"]"#),
            "'maxsize x': maxsize takes a whole number from 0 (unbounded) to 65536",
            "'maxsize x'：maxsize 后面要写 0（不限大小）到 65536 的整数",
        ),
        (
            good_with(setup, r#"setup = [«"slow_motion 40"]"#),
            "'slow_motion 40': slow_motion takes a factor from 0.1 to 20",
            "'slow_motion 40'：slow_motion 后面要写 0.1 到 20 之间的倍数",
        ),
        (
            good_with(setup, r#"setup = [«"kill parent"]"#),
            "'kill parent': 'parent' is not a role: writer, reader, sender, receiver or counter",
            "'kill parent'：'parent' 不是进程角色：可以写 writer、reader、sender、receiver、counter",
        ),
        (
            good_with(setup, r#"setup = [«"lock on"]"#),
            "'lock on' needs a counter run; this lesson's is queue",
            "'lock on' 只能用于计数器（counter）场景；这个课程是队列（queue）场景",
        ),
        (
            good_with(setup, r#"setup = [«"kill sender"]"#),
            "'kill sender': a queue run has no sender: its processes are writer and reader",
            "'kill sender'：队列（queue）场景里没有发送进程（sender）：\
             它的进程是写进程（writer）和读进程（reader）",
        ),
        // Reveal conditions.
        (
            good_with(reveal, r#"reveal = «"the writer waits""#),
            "'the writer waits' is not a reveal condition: write one of ROLE blocks in OP",
            "'the writer waits' 不是揭示条件：请写以下之一：ROLE blocks in OP",
        ),
        (
            good_with(reveal, r#"reveal = «"writer blocks in get""#),
            "'writer blocks in get': a writer blocks in put, not in 'get' (write: writer blocks in put)",
            "'writer blocks in get'：写进程（writer）阻塞在 put，不是 'get'（请写：writer blocks in put）",
        ),
        (
            good_with(reveal, r#"reveal = «"counter blocks in increment""#),
            "'counter blocks in increment': a counter never blocks",
            "'counter blocks in increment'：计数进程（counter）从不阻塞",
        ),
        (
            good_with(reveal, r#"reveal = «"reader done >= many""#),
            "'reader done >= many': 'many' is not a whole number",
            "'reader done >= many'：'many' 不是整数",
        ),
        (
            good_with(reveal, r#"reveal = «"parent ended""#),
            "'parent ended': 'parent' is not a role",
            "'parent' 不是进程角色",
        ),
        (
            good_with(reveal, r#"reveal = «"receiver ended""#),
            "'receiver ended' can never hold here: a queue run has no receiver",
            "'receiver ended' 在这里永远不会成立：队列（queue）场景里没有接收进程（receiver）",
        ),
        (
            good_with(reveal, r#"reveal = «"queue.Full raised""#),
            "'queue.Full raised' can never hold here: the writers wait for room forever",
            "写进程会一直等到队列有空位；请设置 put_timeout 或 nowait_put",
        ),
        (
            good_with(reveal, r#"reveal = «"EOFError raised""#),
            "EOFError is raised by a pipe's recv; this lesson's run is queue",
            "EOFError 由管道的 recv 抛出；这个课程是队列（queue）场景",
        ),
    ];
    for (marked, en, zh) in &cases {
        rejected_in(marked, en, zh);
    }
}

/// A Chinese keyboard's punctuation outside quotes is pointed at where it
/// is, with the ASCII character to write; inside quotes and comments it
/// is text.
#[test]
fn full_width_punctuation_is_pointed_at_with_its_ascii_twin() {
    let reveal = r#"reveal = "writer blocks in put""#;
    for (marked, found, ascii) in [
        (
            good_with(reveal, "reveal = «“writer blocks in put”"),
            '“',
            '"',
        ),
        (
            good_with(reveal, "reveal «＝ \"writer blocks in put\""),
            '＝',
            '=',
        ),
        (
            good_with(reveal, "reveal«：\"writer blocks in put\""),
            '：',
            '=',
        ),
        (
            good_with(
                r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
                r#"setup = ["maxsize 1"«，"add_reader"]"#,
            ),
            '，',
            ',',
        ),
        (
            // The comma inside the quotes is the caption's own.
            good_with(
                "caption = { en = \"First\", zh = \"第一\" }",
                "caption = { en = \"First\"«，zh = \"第一，二\" }",
            ),
            '，',
            ',',
        ),
        (
            good_with("[scenario.queue]", "«【scenario.queue】"),
            '【',
            '[',
        ),
        (
            good_with("writers = 3", "writers«\u{3000}= 3"),
            '\u{3000}',
            ' ',
        ),
    ] {
        rejected_in(
            &marked,
            &format!(
                "TOML syntax: `{found}` is a full-width (Chinese) character; \
                 outside quotes TOML needs the plain `{ascii}`"
            ),
            &format!(
                "TOML 语法错误：`{found}` 是全角（中文）符号；引号外面 TOML 只认半角符号，这里请写 `{ascii}`"
            ),
        );
    }
    // Chinese punctuation in a string or a comment is no mistake.
    assert!(load(&good_with("answer = 2", "answer = 2  # 第二，对吧？")).is_ok());
    assert!(load(&good_with("\"然后呢？\"", "\"然后呢？“”，\"")).is_ok());
}

/// Each of toml's syntax errors we name in our words, and one we do not.
#[test]
fn toml_syntax_errors_are_named_in_our_words() {
    let reveal = r#"reveal = "writer blocks in put""#;
    let cases: Vec<(String, &str, &str)> = vec![
        (
            good_with(reveal, "reveal = «writer blocks in put"),
            "TOML syntax: a text must be in quotes, like \"maxsize 2\" (numbers, true and false need none)",
            "TOML 语法错误：文字要放在引号里",
        ),
        (
            good_with("zh = \"一课\" }\nprogram", "zh = \"一课\"\n«program"),
            "TOML syntax: a comma `,` is missing between two items",
            "TOML 语法错误：两项之间少了逗号 `,`",
        ),
        (
            good_with(
                r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
                "setup = [\"maxsize 1\" «\"add_reader\"]",
            ),
            "TOML syntax: a comma `,` is missing between two items",
            "两项之间少了逗号",
        ),
        (
            good_with(reveal, "reveal «\"writer blocks in put\""),
            "TOML syntax: this key has no `= value` (a key is one word: use `_`, not spaces)",
            "TOML 语法错误：这个键后面缺少 `= 值`",
        ),
        (
            good_with(reveal, "reveal = \"writer blocks in put«"),
            "TOML syntax: this string is not closed: end it with `\"` on the same line",
            "TOML 语法错误：这个字符串没有结束：请在同一行用 `\"` 结束它",
        ),
        (
            good_with(reveal, "reveal = 'writer blocks in put«"),
            "TOML syntax: this string is not closed: end it with `'` on the same line",
            "请在同一行用 `'` 结束它",
        ),
        (
            good_with("[[scenes]]\ncaption.en", "[[scenes]«\ncaption.en"),
            "TOML syntax: `]` is missing: something opened above is not closed before here",
            "TOML 语法错误：缺少 `]`：前面打开的括号在这里之前没有关上",
        ),
        (
            // An inline table may go on over lines: toml notices at the
            // next table.
            good_with(
                "{ get = 10 }\n\n[[scenes]]\ncaption = { en = \"First\"",
                "{ get = 10\n\n«[[scenes]]\ncaption = { en = \"First\"",
            ),
            "TOML syntax: `}` is missing: something opened above is not closed before here",
            "缺少 `}`",
        ),
        (
            // Not a string left open: toml's words.
            good_with("{ get = 10 }", "{ 1 «}"),
            "TOML syntax: toml says \"invalid literal string, expected `'`\"",
            "toml 的原话是",
        ),
        (
            // A list may go on over lines too.
            good_with(
                "setup = [\"maxsize 1\", \"add_reader\", \"kill writer\"]\n\n[scenes.question]",
                "setup = [\"maxsize 1\"\n\n«[scenes.question]",
            ),
            "TOML syntax: `]` is missing: something opened above is not closed before here",
            "缺少 `]`",
        ),
        (
            // A comma missing between the lines of a list.
            good_with(
                r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#,
                "setup = [\n  \"maxsize 1\"\n  «\"add_reader\",\n]",
            ),
            "TOML syntax: a comma `,` is missing between two items",
            "两项之间少了逗号",
        ),
        (
            good_with("answer = 2", "answer = «tru"),
            "TOML syntax: toml says \"invalid boolean, expected `true`\"",
            "TOML 语法错误：toml 的原话是 \"invalid boolean, expected `true`\"",
        ),
    ];
    for (marked, en, zh) in &cases {
        rejected_in(marked, en, zh);
    }
}

#[test]
fn a_built_in_lesson_naming_another_program_is_an_error() {
    let b = BuiltIn {
        name: "demo",
        toml: GOOD,
        program: ("pipe.py", PROGRAM),
    };
    let [en, zh] = Lang::ALL.map(|l| text::with_lang(l, || b.load().unwrap_err()));
    assert_eq!(
        (en.file.as_str(), en.at),
        ("assets/lessons/demo.toml", Some((2, 11)))
    );
    assert_eq!(
        en.message,
        "a built-in lesson's program is pipe.py (beside it), not demo.py"
    );
    assert_eq!(zh.message, "内置课程的程序是它旁边的 pipe.py，不是 demo.py");
}

#[test]
fn an_empty_program_is_an_error_at_its_name() {
    let empty = |_: &str| Ok(String::new());
    let [en, zh] = Lang::ALL
        .map(|l| text::with_lang(l, || parse("demo", "demo.toml", GOOD, &empty).unwrap_err()));
    assert_eq!((en.at, zh.at), (Some((2, 11)), Some((2, 11))));
    assert_eq!(en.message, "demo.py is empty");
    assert_eq!(zh.message, "demo.py 是空文件");
}

/// The bad files of every test here and more, each broken one way.
fn bad_files() -> Vec<String> {
    let reveal = r#"reveal = "writer blocks in put""#;
    let setup = r#"setup = ["maxsize 1", "add_reader", "kill writer"]"#;
    let choices = "choices = [{ en = \"a\", zh = \"甲\" }, { en = \"b\", zh = \"乙\" }]";
    let head = GOOD.split("[[scenes]]").next().unwrap();
    let mut files: Vec<String> = vec![
        "title = 3\n".into(),
        String::new(),
        "\u{feff}title = 1\n".into(),
        "[[title]]\n".into(),
        format!("scenes = 3\n{head}"),
        format!("scenes = [3]\n{head}"),
        format!("scenes = [{{}}]\n{head}"),
        format!("scenes = []\n{head}"),
        format!("lines = 3\n{GOOD}").replacen("[lines]", "[lines0]", 1),
        head.to_string(),
        good_with("[scenario.queue]", "[scenario.queue.x]"),
        good_with("[scenario.queue]", "[scenario.queu]"),
        good_with("[scenario.queue]", "[scenario]\nqueue = 3\n[scenario.pipe]"),
        good_with("[scenario.queue]", "[scenario.counter]\n[scenario.pipe]"),
        good_with("writers = 3", "writers = 1979-05-27"),
        good_with("writers = 3", "writers = 07:32:00"),
        good_with("writers = 3", "writers = [3]"),
        good_with("writers = 3", "writers = nan"),
        good_with("writers = 3", "writers = inf"),
        good_with("maxsize = 2", "maxsize = 2\nput_timeout = nan"),
        good_with("maxsize = 2", "maxsize = 2\nput_timeout = inf"),
        good_with("maxsize = 2", "maxsize = 2\nput_timeout = []"),
        good_with("maxsize = 2", "maxsize = 2\nnowait_get = \"yes\""),
        good_with("delay = \"0.5..1\"", "delay = [0, 1]"),
        good_with("delay = \"0.5..1\"", "delay = { lo = 0 }"),
        good_with("delay = \"0.5..1\"", "delay = 1e999"),
        good_with(
            "title = { en = \"A lesson\", zh = \"一课\" }",
            "title = \"A lesson\"",
        ),
        good_with("title = { en = \"A lesson\", zh = \"一课\" }", "title = []"),
        good_with(
            "title = { en = \"A lesson\", zh = \"一课\" }",
            "title = { en = [], zh = \"一课\" }",
        ),
        good_with(
            "title = { en = \"A lesson\", zh = \"一课\" }",
            "title = { en = \"x\", zh = \"一课\", en = \"y\" }",
        ),
        good_with("title = { en = \"A lesson\", zh = \"一课\" }", "title = {}"),
        good_with("program = \"demo.py\"", "program = 3"),
        good_with("program = \"demo.py\"", "program = { file = \"demo.py\" }"),
        good_with("reader = { get = 10 }", "reader = [10]"),
        good_with("reader = { get = 10 }", "reader = { get = \"10\" }"),
        good_with("reader = { get = 10 }", "reader = { get = 10.5 }"),
        good_with("reader = { get = 10 }", "reader = { get = { line = 10 } }"),
        good_with("reader = { get", "Reader = { get"),
        good_with(setup, "setup = [[\"maxsize 1\"]]"),
        good_with(setup, "setup = [{ action = \"maxsize 1\" }]"),
        good_with(setup, "setup = { a = 1 }"),
        good_with(setup, "setup = true"),
        good_with(choices, "choices = 2"),
        good_with(choices, "choices = [[\"a\"], [\"b\"]]"),
        good_with(
            choices,
            "choices = [{ en = \"a\" }, { en = \"b\", zh = \"乙\" }]",
        ),
        good_with("answer = 2", "answer = \"two\""),
        good_with("answer = 2", "answer = [2]"),
        good_with("answer = 2", "answer = 2.0"),
        good_with("answer = 2", "answer = 0b"),
        good_with(reveal, "reveal = [\"writer blocks in put\"]"),
        good_with(reveal, "reveal = { role = \"writer\" }"),
        good_with(reveal, "reveal = 1"),
        good_with(
            "why = { en = \"Because.\", zh = \"因为。\" }",
            "why = \"Because.\"",
        ),
        good_with(
            "why = { en = \"Because.\", zh = \"因为。\" }",
            "why = { en = \"Because.\", zh = \"因为。\", fr = \"Parce que.\" }",
        ),
        good_with("[scenes.question]", "question = 3\n[scenes.question0]"),
        good_with("[scenes.question]", "[scenes.question.extra]"),
        good_with("[scenes.question]", "[[scenes.question]]"),
        good_with("caption = { en = \"First\", zh = \"第一\" }", "caption = 1"),
        good_with(
            "caption = { en = \"First\", zh = \"第一\" }",
            "captions = []",
        ),
        good_with("caption = { en = \"First\", zh = \"第一\" }", ""),
    ];
    // And some the other tests here refuse, one of each kind of check.
    files.extend([
        good_with("answer = 2", "answer = 3"),
        good_with("put = 6", "put = 13"),
        good_with("writers = 3", "writers = 0"),
        good_with(setup, r#"setup = ["lock on"]"#),
        good_with(setup, r#"setup = ["jump"]"#),
        good_with(reveal, r#"reveal = "receiver ended""#),
        good_with(reveal, r#"reveal = "lost updates > 0""#),
        good_with(reveal, r#"reveal = "writer blocks in get""#),
        good_with(reveal, "reveal = writer blocks in put"),
        good_with(reveal, "reveal = “writer blocks in put”"),
        good_with("answer = 2", "answer = tru"),
    ]);
    files
}

/// The names of the types in the lesson's modules (`struct X`, `enum X`,
/// `type X`, `trait X` at the top level: not a visitor's `type Value`),
/// none of which a message may say.
fn lesson_type_names() -> Vec<String> {
    let sources = [
        include_str!("file.rs"),
        include_str!("shape.rs"),
        include_str!("problem.rs"),
        include_str!("mod.rs"),
        include_str!("../stream/lesson.rs"),
        include_str!("../stream/run.rs"),
    ];
    let mut names: Vec<String> = sources
        .iter()
        .flat_map(|s| s.lines())
        .filter(|line| !line.starts_with(char::is_whitespace))
        .filter_map(|line| {
            let mut words = line.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            while let Some(w) = words.next() {
                if matches!(w, "struct" | "enum" | "type" | "trait") {
                    return words.find(|w| !w.is_empty()).map(str::to_string);
                }
            }
            None
        })
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    // And the types a lesson file is read into that serde or toml could name.
    names.extend(["Spanned", "BTreeMap", "Vec", "Option", "String"].map(String::from));
    names.sort();
    names.dedup();
    names
}

/// Whether `word` looks like a Rust type's name: upper camel case with at
/// least two humps (`RawText`; not `TOML`, `EOFError` or `Python`).
fn upper_camel(word: &str) -> bool {
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let second_lower = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let humps = word
        .char_indices()
        .skip(1)
        .filter(|&(i, c)| {
            c.is_ascii_uppercase() && word[..i].ends_with(|p: char| p.is_ascii_lowercase())
        })
        .count();
    first_upper && second_lower && humps >= 1
}

#[test]
fn no_message_names_a_rust_type() {
    let types = lesson_type_names();
    for t in [
        "RawText",
        "LessonFile",
        "TextFile",
        "Problem",
        "Want",
        "Spanned",
        "Whole",
    ] {
        assert!(types.iter().any(|n| n == t), "{t} not among {types:?}");
    }
    assert!(upper_camel("RawText") && upper_camel("QueueFile"));
    assert!(!upper_camel("TOML") && !upper_camel("EOFError") && !upper_camel("Python"));
    let mut said = 0;
    for file in bad_files() {
        for lang in Lang::ALL {
            let message = match text::with_lang(lang, || load(&file)) {
                Ok(_) => panic!("should be rejected:\n{file}"),
                Err(e) => e.message,
            };
            said += 1;
            for word in message.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                assert!(
                    !types.iter().any(|t| t == word) && !upper_camel(word),
                    "{lang:?}: `{word}` in: {message}\n{file}"
                );
            }
            assert!(!message.contains('@'), "a tag of ours: {message}");
            assert!(
                !message.contains("struct ") && !message.contains("variant"),
                "{message}"
            );
            if lang == Lang::Zh {
                assert!(has_cjk(&message), "not in Chinese: {message}");
            }
        }
    }
    assert!(said > 130, "{said}");
}
