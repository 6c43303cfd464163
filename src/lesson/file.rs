//! A lesson file as written (every value keeps where it is in the file),
//! and its resolution into a [`Lesson`]: options filled with the
//! visualizer's defaults and checked with the command line's ranges, line
//! numbers checked against the program, actions and reveal conditions
//! parsed and checked against the scenario (a question's reveal must be a
//! condition that can hold in that run). Every problem is a [`Problem`]
//! at a place in the file; its words are in `crate::text`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::problem::{Bound, Never, Problem, roles_of};
use super::shape::{self, Delay, Flag, ListOf, Quoted, Seconds, TableOf, Whole, place};
use crate::config::{
    CounterConfig, DelayRange, MAX_CELLS, MAX_INCREMENTS, MAX_ITEMS, MAX_MAXSIZE, MAX_MESSAGES,
    MAX_PROCS, Mode, PipeConfig, QueueConfig, Scenario, Then, Wait, parse_timeout,
};
use crate::model::ScenarioKind;
use crate::stream::Role;
use crate::stream::lesson::{
    Action, LineMap, Op, ProgramRole, Question, Raised, Reveal, Scene, Text,
};

/// A problem at a place in the lesson file (a byte range of its text).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Located {
    pub span: Range<usize>,
    pub problem: Problem,
}

fn at<T>(s: &Spanned<T>, problem: Problem) -> Located {
    Located {
        span: s.span(),
        problem,
    }
}

/// The top level of `NAME.toml`. Each type read from the file says what
/// it is in `expecting` (a [`super::problem::Want`]'s tag), so serde's
/// errors never name a Rust type.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@lesson")]
struct LessonFile {
    title: Spanned<TextFile>,
    /// The program's file, beside the lesson file.
    program: Spanned<Quoted<place::FileName>>,
    scenario: Spanned<ScenarioTable>,
    #[serde(default)]
    lines: TableOf<Spanned<String>, Spanned<PartLines>, place::Lines>,
    scenes: Spanned<ListOf<SceneFile, place::Scenes>>,
}

/// `lines.writer = { put = 6 }`: operations' names to line numbers.
type PartLines = TableOf<Spanned<String>, Spanned<Whole>, place::PartLines>;

/// One text in both languages, as written: checked after reading
/// ([`Text::new`]), so a missing language is said where the text is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@text")]
struct TextFile {
    en: Option<Quoted<place::Sentence>>,
    zh: Option<Quoted<place::Sentence>>,
}

/// `[scenario.queue]`, `[scenario.pipe]` or `[scenario.counter]`: exactly
/// one, checked after reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@scenario")]
struct ScenarioTable {
    queue: Option<Spanned<QueueFile>>,
    pipe: Option<Spanned<PipeFile>>,
    counter: Option<Spanned<CounterFile>>,
}

/// The command line's options (snake_case); what is left out takes the
/// visualizer's default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@options")]
struct QueueFile {
    writers: Option<Spanned<Whole>>,
    readers: Option<Spanned<Whole>>,
    items: Option<Spanned<Whole>>,
    delay: Option<Spanned<Delay>>,
    reader_delay: Option<Spanned<Delay>>,
    maxsize: Option<Spanned<Whole>>,
    put_timeout: Option<Spanned<Seconds>>,
    get_timeout: Option<Spanned<Seconds>>,
    nowait_put: Option<Spanned<Flag>>,
    nowait_get: Option<Spanned<Flag>>,
    give_up_put: Option<Spanned<Flag>>,
    give_up_get: Option<Spanned<Flag>>,
    python_feeder: Option<Spanned<Flag>>,
    pipe_holds: Option<Spanned<Whole>>,
    drain_first: Option<Spanned<Flag>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@options")]
struct PipeFile {
    messages: Option<Spanned<Whole>>,
    delay: Option<Spanned<Delay>>,
    reader_delay: Option<Spanned<Delay>>,
    duplex: Option<Spanned<Flag>>,
    forget_close: Option<Spanned<Flag>>,
    inherit: Option<Spanned<Flag>>,
    close_unused: Option<Spanned<Flag>>,
    echo: Option<Spanned<Flag>>,
    both_recv: Option<Spanned<Flag>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@options")]
struct CounterFile {
    procs: Option<Spanned<Whole>>,
    increments: Option<Spanned<Whole>>,
    lock: Option<Spanned<Flag>>,
    step_delay: Option<Spanned<Delay>>,
    full_speed: Option<Spanned<Flag>>,
    array: Option<Spanned<Whole>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@scene")]
struct SceneFile {
    caption: Spanned<TextFile>,
    #[serde(default)]
    setup: ListOf<Spanned<Quoted<place::Action>>, place::Actions>,
    question: Option<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "@question")]
struct QuestionFile {
    prompt: Spanned<TextFile>,
    choices: Spanned<ListOf<Spanned<TextFile>, place::Choices>>,
    answer: Spanned<Whole>,
    reveal: Spanned<Quoted<place::Reveal>>,
    why: Option<Spanned<TextFile>>,
    by_hand: Option<Spanned<Flag>>,
}

fn text(t: &Spanned<TextFile>) -> Result<Text, Located> {
    let f = t.get_ref();
    let lang = |q: &Option<Quoted<place::Sentence>>| q.as_ref().map(|q| q.0.clone());
    Text::new(lang(&f.en), lang(&f.zh)).map_err(|e| at(t, Problem::Text(e)))
}

/// What [`resolve`] makes of a file: the lesson, and warnings (mapped
/// lines that do not hold the call their operation names).
pub(super) struct Resolved {
    pub scenario: Scenario,
    pub title: Text,
    pub program_file: String,
    pub program: String,
    pub lines: LineMap,
    pub scenes: Vec<Scene>,
    pub warnings: Vec<Located>,
}

/// Parses and checks a lesson file. `read_program` reads the program the
/// file names (relative to the lesson file), or says why it cannot.
pub(super) fn resolve(
    text: &str,
    read_program: &dyn Fn(&str) -> Result<String, Problem>,
) -> Result<Resolved, Located> {
    let parsed = toml::de::Deserializer::parse(text).map_err(|e| {
        let (span, problem) = shape::syntax(&e, text);
        Located { span, problem }
    })?;
    let file = LessonFile::deserialize(parsed).map_err(|e| {
        let (span, problem) = shape::shape(&e);
        Located { span, problem }
    })?;
    let title = self::text(&file.title)?;
    let scenario = scenario(&file.scenario)?;
    let name = &file.program.get_ref().0;
    if name.trim().is_empty() {
        return Err(at(&file.program, Problem::NoProgramName));
    }
    let program = read_program(name).map_err(|e| at(&file.program, e))?;
    let count = program.lines().count();
    if count == 0 {
        return Err(at(&file.program, Problem::EmptyProgram(name.clone())));
    }
    let (lines, spans) = line_map(&file.lines, name, count)?;
    let warnings = lines
        .mismatches(&program)
        .into_iter()
        .map(|m| Located {
            span: spans[&(m.role, m.op)].clone(),
            problem: Problem::LineLacksCall {
                line: m,
                program: name.clone(),
            },
        })
        .collect();
    let scenes = scenes(&file.scenes, &scenario)?;
    Ok(Resolved {
        scenario,
        title,
        program_file: name.clone(),
        program,
        lines,
        scenes,
        warnings,
    })
}

/// The one scenario `[scenario]` holds, its options checked.
fn scenario(s: &Spanned<ScenarioTable>) -> Result<Scenario, Located> {
    let t = s.get_ref();
    let given = [t.queue.is_some(), t.pipe.is_some(), t.counter.is_some()];
    let n = given.iter().filter(|g| **g).count();
    // Options left out take the visualizer's defaults.
    let mode = Mode::Tui;
    Ok(match (&t.queue, &t.pipe, &t.counter) {
        _ if n != 1 => return Err(at(s, Problem::ScenarioCount(n))),
        (Some(q), _, _) => {
            let q = q.get_ref();
            let d = QueueConfig::defaults(mode);
            let writers = range(&q.writers, "writers", 1, MAX_PROCS)?.unwrap_or(d.writers);
            let readers = range(&q.readers, "readers", 0, MAX_PROCS)?.unwrap_or(d.readers);
            if writers + readers > MAX_PROCS {
                let place = q.writers.as_ref().or(q.readers.as_ref());
                return Err(Located {
                    span: place.map_or(s.span(), |p| p.span()),
                    problem: Problem::TooManyProcesses { writers, readers },
                });
            }
            let put_timeout = timeout(&q.put_timeout, "put_timeout")?;
            let get_timeout = timeout(&q.get_timeout, "get_timeout")?;
            let nowait_put = flag(&q.nowait_put);
            let nowait_get = flag(&q.nowait_get);
            for (nowait, flag, timeout, op) in [
                (nowait_put, &q.nowait_put, put_timeout, "put"),
                (nowait_get, &q.nowait_get, get_timeout, "get"),
            ] {
                if let (true, Some(f), Some(_)) = (nowait, flag, timeout) {
                    return Err(at(f, Problem::NowaitWithTimeout { op }));
                }
            }
            let feeder = flag(&q.python_feeder);
            if let (true, Some(m)) = (feeder, &q.maxsize) {
                return Err(at(m, Problem::FeederWithMaxsize));
            }
            let pipe_holds = range(&q.pipe_holds, "pipe_holds", 1, MAX_MAXSIZE)?;
            let maxsize = match feeder {
                true => pipe_holds.unwrap_or(QueueConfig::PIPE_HOLDS),
                false => range(&q.maxsize, "maxsize", 0, MAX_MAXSIZE)?.unwrap_or(d.maxsize),
            };
            Scenario::Queue(QueueConfig {
                writers,
                readers,
                items: range(&q.items, "items", 0, MAX_ITEMS)?.unwrap_or(d.items),
                delay: delay(&q.delay, "delay")?.unwrap_or(d.delay),
                reader_delay: delay(&q.reader_delay, "reader_delay")?.unwrap_or(d.reader_delay),
                maxsize,
                put_timeout: put_timeout.or(d.put_timeout),
                get_timeout: get_timeout.or(d.get_timeout),
                put_nowait: nowait_put || d.put_nowait,
                get_nowait: nowait_get || d.get_nowait,
                on_full: if flag(&q.give_up_put) {
                    Then::GiveUp
                } else {
                    d.on_full
                },
                on_empty: if flag(&q.give_up_get) {
                    Then::GiveUp
                } else {
                    d.on_empty
                },
                feeder,
                drain_first: flag(&q.drain_first),
            })
        }
        (_, Some(p), _) => {
            let p = p.get_ref();
            let d = PipeConfig::defaults(mode);
            let duplex = p.duplex.as_ref().map_or(d.duplex, |b| b.get_ref().0);
            if let (Some(f), true, false) =
                (&p.close_unused, flag(&p.close_unused), flag(&p.inherit))
            {
                return Err(at(f, Problem::CloseUnusedNeedsInherit));
            }
            for (f, name) in [(&p.echo, "echo"), (&p.both_recv, "both_recv")] {
                if let (Some(f), true, false) = (f, flag(f), duplex) {
                    return Err(at(f, Problem::NeedsDuplex(name)));
                }
            }
            Scenario::Pipe(PipeConfig {
                messages: range(&p.messages, "messages", 0, MAX_MESSAGES)?.unwrap_or(d.messages),
                delay: delay(&p.delay, "delay")?.unwrap_or(d.delay),
                reader_delay: delay(&p.reader_delay, "reader_delay")?.unwrap_or(d.reader_delay),
                duplex,
                forget_close: flag(&p.forget_close) || d.forget_close,
                inherit: flag(&p.inherit) || d.inherit,
                close_unused: flag(&p.close_unused) || d.close_unused,
                echo: flag(&p.echo) || d.echo,
                both_recv: flag(&p.both_recv) || d.both_recv,
            })
        }
        (_, _, Some(c)) => {
            let c = c.get_ref();
            let d = CounterConfig::defaults(mode);
            let full_speed = flag(&c.full_speed);
            if let (true, Some(f), Some(_)) = (full_speed, &c.full_speed, &c.step_delay) {
                return Err(at(f, Problem::FullSpeedWithStepDelay));
            }
            Scenario::Counter(CounterConfig {
                procs: range(&c.procs, "procs", 1, MAX_PROCS)?.unwrap_or(d.procs),
                increments: range(&c.increments, "increments", 1, MAX_INCREMENTS)?
                    .unwrap_or(d.increments),
                lock: c.lock.as_ref().map_or(d.lock, |b| b.get_ref().0),
                step_delay: if full_speed {
                    None
                } else {
                    delay(&c.step_delay, "step_delay")?.or(d.step_delay)
                },
                array: range(&c.array, "array", 1, MAX_CELLS)?.unwrap_or(d.array),
            })
        }
        (None, None, None) => unreachable!("n == 1"),
    })
}

/// A whole number in `lo..=hi` (as the command line's range for the
/// option `key`), as the option's type.
fn range<T: TryFrom<i128> + Into<u64> + Copy>(
    v: &Option<Spanned<Whole>>,
    key: &'static str,
    lo: T,
    hi: T,
) -> Result<Option<T>, Located> {
    let Some(s) = v else { return Ok(None) };
    let n = s.get_ref().0;
    let (lo, hi) = (lo.into(), hi.into());
    match T::try_from(n) {
        Ok(t) if (lo..=hi).contains(&t.into()) => Ok(Some(t)),
        _ => Err(at(
            s,
            Problem::OutOfRange {
                key,
                value: n,
                lo,
                hi,
            },
        )),
    }
}

/// A timeout checked as the command line checks `--put-timeout`.
fn timeout(v: &Option<Spanned<Seconds>>, key: &'static str) -> Result<Option<f64>, Located> {
    let Some(s) = v else { return Ok(None) };
    parse_timeout(&as_written(s.get_ref().0))
        .map(Some)
        .map_err(|why| at(s, Problem::Seconds { key, why }))
}

/// A number as TOML writes it (`nan`, `inf`), for the command line's
/// checks and their words.
fn as_written(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        x.to_string().to_lowercase()
    }
}

fn flag(v: &Option<Spanned<Flag>>) -> bool {
    v.as_ref().is_some_and(|b| b.get_ref().0)
}

/// A delay checked as the command line checks `--delay` (a number of
/// seconds as the fixed delay `A`).
fn delay(v: &Option<Spanned<Delay>>, key: &'static str) -> Result<Option<DelayRange>, Located> {
    let Some(s) = v else { return Ok(None) };
    let written = match s.get_ref() {
        Delay::Range(r) => r.clone(),
        Delay::Seconds(x) => as_written(*x),
    };
    written
        .parse()
        .map(Some)
        .map_err(|why| at(s, Problem::Seconds { key, why }))
}

type LineSpans = BTreeMap<(ProgramRole, Op), Range<usize>>;

fn line_map(
    raw: &TableOf<Spanned<String>, Spanned<PartLines>, place::Lines>,
    program: &str,
    count: usize,
) -> Result<(LineMap, LineSpans), Located> {
    let mut map = LineMap::default();
    let mut spans = LineSpans::new();
    for (role, ops) in &raw.0 {
        let r = ProgramRole::from_name(role.get_ref())
            .ok_or_else(|| at(role, Problem::UnknownPart(role.get_ref().clone())))?;
        for (op, line) in &ops.get_ref().0 {
            let o = Op::from_name(op.get_ref())
                .filter(|o| r.ops().contains(o))
                .ok_or_else(|| {
                    at(
                        op,
                        Problem::NoSuchOp {
                            role: r,
                            op: op.get_ref().clone(),
                        },
                    )
                })?;
            let n = line.get_ref().0;
            if n < 1 {
                return Err(at(
                    line,
                    Problem::LineFromOne {
                        role: r,
                        op: o,
                        line: n,
                    },
                ));
            }
            if n > count as i128 {
                return Err(at(
                    line,
                    Problem::LinePastEnd {
                        role: r,
                        op: o,
                        line: n,
                        program: program.to_string(),
                        count,
                    },
                ));
            }
            map.0.entry(r).or_default().insert(o, n as u32);
            spans.insert((r, o), line.span());
        }
    }
    Ok((map, spans))
}

/// The run as the scenes leave it, scene after scene (setups applied in
/// order): what a question's reveal condition can count on.
#[derive(Debug, Clone)]
struct Course {
    maxsize: u32,
    readers: u32,
    /// Writers ever started so far (with `add_writer`), for the most items
    /// that can be put.
    writers_ever: u32,
    lock: bool,
    /// The pipe's children close the end they do not use.
    close_unused: bool,
    /// The parent closed the copy of the send end it kept.
    parent_closed: bool,
    /// The counters' Array cells (a Value: 1).
    cells: u32,
    /// How the writers put and the readers get (a queue run).
    put_wait: Wait,
    get_wait: Wait,
}

fn scenes(
    raw: &Spanned<ListOf<SceneFile, place::Scenes>>,
    scenario: &Scenario,
) -> Result<Vec<Scene>, Located> {
    if raw.get_ref().0.is_empty() {
        return Err(at(raw, Problem::NoScenes));
    }
    let start = || {
        let none = Course {
            maxsize: 0,
            readers: 0,
            writers_ever: 0,
            lock: false,
            close_unused: false,
            parent_closed: false,
            cells: 1,
            put_wait: Wait::Block,
            get_wait: Wait::Block,
        };
        match scenario {
            Scenario::Queue(q) => Course {
                maxsize: q.maxsize,
                readers: q.readers,
                writers_ever: q.writers,
                put_wait: q.put_policy().wait,
                get_wait: q.get_policy().wait,
                ..none
            },
            Scenario::Counter(c) => Course {
                lock: c.lock,
                cells: c.cells(),
                ..none
            },
            Scenario::Pipe(p) => Course {
                close_unused: p.close_unused,
                ..none
            },
            // A watched program is never a lesson's run.
            Scenario::Program(_) => none,
        }
    };
    // A restart starts the run again as it is now: with the lock, the
    // cells and the pipe's ends as it has them.
    let restarted = |c: &Course| Course {
        lock: c.lock,
        cells: c.cells,
        close_unused: c.close_unused,
        put_wait: c.put_wait,
        get_wait: c.get_wait,
        ..start()
    };
    let mut course = start();
    let mut out = Vec::new();
    for scene in &raw.get_ref().0 {
        let mut setup = Vec::new();
        for a in &scene.setup.0 {
            let action: Action = a
                .get_ref()
                .0
                .parse()
                .map_err(|e| at(a, Problem::Action(e)))?;
            applies(action, scenario).map_err(|p| at(a, p))?;
            match action {
                Action::Maxsize(n) => course.maxsize = n,
                Action::AddWriter => course.writers_ever += 1,
                Action::AddReader => course.readers += 1,
                Action::RemoveReader => course.readers = course.readers.saturating_sub(1),
                Action::Restart => course = restarted(&course),
                Action::Lock(on) => {
                    course = restarted(&course);
                    course.lock = on;
                }
                Action::CloseUnused(on) => {
                    course = restarted(&course);
                    course.close_unused = on;
                }
                Action::DrainFirst(_) => course = restarted(&course),
                Action::CloseParentEnd => course.parent_closed = true,
                Action::LockNow(on) => course.lock = on,
                Action::PutPolicy(w) => course.put_wait = w,
                Action::GetPolicy(w) => course.get_wait = w,
                Action::Array(n) => {
                    course = restarted(&course);
                    course.cells = n.max(1);
                }
                _ => {}
            }
            setup.push(action);
        }
        let question = match &scene.question {
            None => None,
            Some(q) => Some(question(q, scenario, &course)?),
        };
        out.push(Scene {
            caption: text(&scene.caption)?,
            setup,
            question,
        });
    }
    Ok(out)
}

/// Whether an action can be done to this scenario's run.
fn applies(action: Action, s: &Scenario) -> Result<(), Problem> {
    let is = ScenarioKind::of(s);
    let needs = |needs: ScenarioKind| {
        if is == needs {
            Ok(())
        } else {
            Err(Problem::ActionNeeds { action, needs, is })
        }
    };
    match action {
        Action::Maxsize(_)
        | Action::AddWriter
        | Action::RemoveWriter
        | Action::AddReader
        | Action::RemoveReader
        | Action::PutPolicy(_)
        | Action::GetPolicy(_)
        | Action::OnFull(_)
        | Action::OnEmpty(_) => needs(ScenarioKind::Queue),
        Action::Lock(_) | Action::LockNow(_) | Action::Array(_) => needs(ScenarioKind::Counter),
        Action::CloseUnused(_) => match s {
            Scenario::Pipe(p) if !p.inherit => Err(Problem::ActionNeedsOption {
                action,
                option: "inherit",
            }),
            _ => needs(ScenarioKind::Pipe),
        },
        Action::DrainFirst(_) => match s {
            Scenario::Queue(q) if !q.parent_reads() => Err(Problem::DrainFirstNeedsParentReads),
            _ => needs(ScenarioKind::Queue),
        },
        Action::CloseParentEnd => match s {
            Scenario::Pipe(p) if !p.forget_close => Err(Problem::ActionNeedsOption {
                action,
                option: "forget_close",
            }),
            _ => needs(ScenarioKind::Pipe),
        },
        Action::Kill(role) | Action::Terminate(role) if !roles_of(is).contains(&role) => {
            Err(Problem::NoSuchProcess {
                action,
                scenario: is,
                role,
            })
        }
        Action::Kill(_)
        | Action::Terminate(_)
        | Action::Freeze
        | Action::Resume
        | Action::SlowMotion(_)
        | Action::Restart => Ok(()),
    }
}

fn question(q: &QuestionFile, s: &Scenario, course: &Course) -> Result<Question, Located> {
    let choices = &q.choices.get_ref().0;
    let n = choices.len();
    if !(2..=4).contains(&n) {
        return Err(at(&q.choices, Problem::ChoiceCount(n)));
    }
    let answer = q.answer.get_ref().0;
    if answer < 1 || answer > n as i128 {
        return Err(at(
            &q.answer,
            Problem::AnswerOutOfRange { answer, choices: n },
        ));
    }
    let reveal: Reveal = q
        .reveal
        .get_ref()
        .0
        .parse()
        .map_err(|e| at(&q.reveal, Problem::Reveal(e)))?;
    can_hold(reveal, s, course)
        .map_err(|why| at(&q.reveal, Problem::NeverHolds { reveal, why }))?;
    Ok(Question {
        prompt: text(&q.prompt)?,
        choices: choices.iter().map(text).collect::<Result<_, _>>()?,
        answer: answer as usize,
        reveal,
        why: q.why.as_ref().map(text).transpose()?,
        by_hand: flag(&q.by_hand),
    })
}

/// Whether `reveal` can hold in this run at this scene; if not, why.
fn can_hold(reveal: Reveal, s: &Scenario, c: &Course) -> Result<(), Never> {
    let kind = ScenarioKind::of(s);
    match (reveal, s) {
        (Reveal::Blocks { role, .. } | Reveal::Done { role, .. } | Reveal::Ended { role }, _)
            if !roles_of(kind).contains(&role) =>
        {
            Err(Never::NoSuchProcess {
                scenario: kind,
                role,
            })
        }
        (
            Reveal::Blocks {
                role: Role::Writer, ..
            },
            Scenario::Queue(_),
        ) => {
            if c.put_wait.at_once() {
                Err(Never::PutNowait)
            } else if c.maxsize == 0 {
                Err(Never::Unbounded)
            } else {
                Ok(())
            }
        }
        (
            Reveal::Blocks {
                role: Role::Reader, ..
            },
            Scenario::Queue(_),
        ) => {
            if c.get_wait.at_once() {
                Err(Never::GetNowait)
            } else if c.readers == 0 {
                Err(Never::NoReader)
            } else {
                Ok(())
            }
        }
        (
            Reveal::Raised {
                error: Raised::Full,
            },
            Scenario::Queue(_),
        ) => {
            if c.put_wait == Wait::Block {
                Err(Never::PutWaitsForever)
            } else if c.maxsize == 0 {
                Err(Never::UnboundedFull)
            } else {
                Ok(())
            }
        }
        (
            Reveal::Raised {
                error: Raised::Empty,
            },
            Scenario::Queue(_),
        ) => {
            if c.get_wait == Wait::Block {
                Err(Never::GetWaitsForever)
            } else if c.readers == 0 {
                Err(Never::NoReader)
            } else {
                Ok(())
            }
        }
        (Reveal::Raised { .. }, _) => Err(Never::NotAQueue(kind)),
        (Reveal::Eof, Scenario::Pipe(p)) if p.forget_close && !c.parent_closed => {
            Err(Never::ForgetClose)
        }
        (Reveal::Eof, Scenario::Pipe(p)) if p.inherit && !c.close_unused => Err(Never::OwnSendEnd),
        (Reveal::Blocks { role, op }, Scenario::Pipe(p))
            if !p.replies()
                && matches!(
                    (role, op),
                    (Role::Sender, Op::Recv) | (Role::Receiver, Op::Send)
                ) =>
        {
            Err(Never::OneWayTraffic)
        }
        (Reveal::Eof, Scenario::Pipe(_)) => Ok(()),
        (Reveal::Eof, _) => Err(Never::NotAPipe(kind)),
        (Reveal::LostUpdates { .. }, Scenario::Counter(k)) => {
            if c.lock {
                Err(Never::LockHeld)
            } else if k.procs < 2 {
                Err(Never::OneCounter)
            } else if k.procs <= c.cells {
                Err(Never::OwnCells {
                    procs: k.procs,
                    cells: c.cells,
                })
            } else {
                Ok(())
            }
        }
        (Reveal::LostUpdates { .. }, _) => Err(Never::NotACounter(kind)),
        (Reveal::Done { role, at_least }, _) => match most_done(role, s, c) {
            Some((most, bound)) if at_least > most => Err(Never::AtMost { most, bound }),
            _ => Ok(()),
        },
        (Reveal::Blocks { .. } | Reveal::Ended { .. } | Reveal::Stuck, _) => Ok(()),
    }
}

/// The most operations a role can do in this run, and what bounds it;
/// `None` when unbounded.
fn most_done(role: Role, s: &Scenario, c: &Course) -> Option<(u64, Bound)> {
    match s {
        Scenario::Queue(q) if q.items > 0 => Some((
            u64::from(c.writers_ever) * q.items,
            Bound::Items {
                writers: c.writers_ever,
                items: q.items,
            },
        )),
        Scenario::Pipe(p) => Some((u64::from(p.messages), Bound::Messages)),
        Scenario::Counter(k) if role == Role::Counter => Some((
            u64::from(k.procs) * k.increments,
            Bound::Increments {
                procs: k.procs,
                increments: k.increments,
            },
        )),
        _ => None,
    }
}
