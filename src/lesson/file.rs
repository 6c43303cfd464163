//! A lesson file as written (every value keeps where it is in the file),
//! and its resolution into a [`Lesson`]: options filled with the
//! visualizer's defaults and checked with the command line's ranges, line
//! numbers checked against the program, actions and reveal conditions
//! parsed and checked against the scenario (a question's reveal must be a
//! condition that can hold in that run).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

use crate::config::{
    CounterConfig, DelayRange, MAX_DELAY, MAX_INCREMENTS, MAX_ITEMS, MAX_MAXSIZE, MAX_MESSAGES,
    MAX_PROCS, Mode, PipeConfig, QueueConfig, Scenario, parse_timeout,
};
use crate::stream::Role;
use crate::stream::lesson::{
    Action, LineMap, Op, ProgramRole, Question, Raised, Reveal, Scene, Text,
};

/// A problem at a place in the lesson file (a byte range of its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Located {
    pub span: Range<usize>,
    pub message: String,
}

fn at<T>(s: &Spanned<T>, message: impl Into<String>) -> Located {
    Located {
        span: s.span(),
        message: message.into(),
    }
}

/// The top level of `NAME.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: Text,
    /// The program's file, beside the lesson file.
    program: Spanned<String>,
    scenario: Spanned<ScenarioFile>,
    #[serde(default)]
    lines: BTreeMap<Spanned<ProgramRole>, BTreeMap<Spanned<Op>, Spanned<i64>>>,
    scenes: Spanned<Vec<SceneFile>>,
}

/// `[scenario.queue]`, `[scenario.pipe]` or `[scenario.counter]`, with
/// the command line's options (snake_case); what is left out takes the
/// visualizer's default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
enum ScenarioFile {
    Queue(QueueFile),
    Pipe(PipeFile),
    Counter(CounterFile),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueFile {
    writers: Option<Spanned<u32>>,
    readers: Option<Spanned<u32>>,
    items: Option<Spanned<u64>>,
    delay: Option<Spanned<Delay>>,
    reader_delay: Option<Spanned<Delay>>,
    maxsize: Option<Spanned<u32>>,
    put_timeout: Option<Spanned<f64>>,
    get_timeout: Option<Spanned<f64>>,
    nowait_put: Option<Spanned<bool>>,
    nowait_get: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PipeFile {
    messages: Option<Spanned<u32>>,
    delay: Option<Spanned<Delay>>,
    reader_delay: Option<Spanned<Delay>>,
    duplex: Option<Spanned<bool>>,
    forget_close: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterFile {
    procs: Option<Spanned<u32>>,
    increments: Option<Spanned<u64>>,
    lock: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SceneFile {
    caption: Text,
    #[serde(default)]
    setup: Vec<Spanned<String>>,
    question: Option<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    prompt: Text,
    choices: Spanned<Vec<Text>>,
    answer: Spanned<i64>,
    reveal: Spanned<String>,
    why: Option<Text>,
}

/// A delay as a lesson file writes it: `"A..B"` (as on the command line)
/// or a number of seconds.
struct Delay(DelayRange);

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Delay, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Delay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a delay: \"A..B\" in seconds (like \"0..1\") or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Delay, E> {
                s.parse().map(Delay).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Delay, E> {
                if (0.0..=MAX_DELAY).contains(&v) {
                    Ok(Delay(DelayRange::fixed(v)))
                } else {
                    Err(E::custom(format!(
                        "{v} is out of range: a delay is 0 to {MAX_DELAY} seconds"
                    )))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Delay, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Delay, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V)
    }
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
    read_program: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Resolved, Located> {
    let file: LessonFile = toml::from_str(text).map_err(from_toml)?;
    let scenario = scenario(&file.scenario)?;
    let name = file.program.get_ref();
    if name.trim().is_empty() {
        return Err(at(
            &file.program,
            "program is empty: name the .py file beside the lesson",
        ));
    }
    let program = read_program(name).map_err(|e| at(&file.program, e))?;
    let count = program.lines().count();
    if count == 0 {
        return Err(at(&file.program, format!("{name} is empty")));
    }
    let (lines, spans) = line_map(&file.lines, name, count)?;
    let warnings = lines
        .mismatches(&program)
        .into_iter()
        .map(|m| {
            let wants = m
                .expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let what = if wants.is_empty() {
                "a line of code".to_string()
            } else {
                format!("a line with {wants}")
            };
            Located {
                span: spans[&(m.role, m.op)].clone(),
                message: format!(
                    "lines.{}.{} = {}: line {} of {name} is `{}`, not {what}",
                    m.role, m.op, m.line, m.line, m.text
                ),
            }
        })
        .collect();
    let scenes = scenes(&file.scenes, &scenario)?;
    Ok(Resolved {
        scenario,
        title: file.title,
        program_file: name.clone(),
        program,
        lines,
        scenes,
        warnings,
    })
}

/// A toml error, located, in words a teacher can act on.
fn from_toml(e: toml::de::Error) -> Located {
    let message = e.message().trim().to_string();
    let message = if message.starts_with("wanted exactly 1 element") {
        "give exactly one scenario: [scenario.queue], [scenario.pipe] or [scenario.counter]"
            .to_string()
    } else if message.starts_with("invalid type: unit variant, expected newtype variant") {
        "write the scenario as a table: [scenario.queue] (or pipe, counter), its options below it"
            .to_string()
    } else {
        message
    };
    Located {
        span: e.span().unwrap_or(0..0),
        message,
    }
}

fn scenario(s: &Spanned<ScenarioFile>) -> Result<Scenario, Located> {
    // Options left out take the visualizer's defaults.
    let mode = Mode::Tui;
    Ok(match s.get_ref() {
        ScenarioFile::Queue(q) => {
            let d = QueueConfig::defaults(mode);
            let writers = range(&q.writers, "writers", 1, MAX_PROCS)?.unwrap_or(d.writers);
            let readers = range(&q.readers, "readers", 0, MAX_PROCS)?.unwrap_or(d.readers);
            if writers + readers > MAX_PROCS {
                let place = q.writers.as_ref().or(q.readers.as_ref());
                return Err(Located {
                    span: place.map_or(s.span(), |p| p.span()),
                    message: format!(
                        "{writers} writers and {readers} readers make {} processes; \
                         a run has at most {MAX_PROCS} at once",
                        writers + readers
                    ),
                });
            }
            let put_timeout = timeout(&q.put_timeout, "put_timeout")?;
            let get_timeout = timeout(&q.get_timeout, "get_timeout")?;
            let nowait_put = flag(&q.nowait_put);
            let nowait_get = flag(&q.nowait_get);
            for (nowait, flag, timeout, name) in [
                (nowait_put, &q.nowait_put, put_timeout, "put"),
                (nowait_get, &q.nowait_get, get_timeout, "get"),
            ] {
                if let (true, Some(f), Some(_)) = (nowait, flag, timeout) {
                    return Err(at(
                        f,
                        format!(
                            "nowait_{name} = true cannot be used with {name}_timeout: \
                             block=False never waits, so it has no timeout"
                        ),
                    ));
                }
            }
            Scenario::Queue(QueueConfig {
                writers,
                readers,
                items: range(&q.items, "items", 0, MAX_ITEMS)?.unwrap_or(d.items),
                delay: delay(&q.delay).unwrap_or(d.delay),
                reader_delay: delay(&q.reader_delay).unwrap_or(d.reader_delay),
                maxsize: range(&q.maxsize, "maxsize", 0, MAX_MAXSIZE)?.unwrap_or(d.maxsize),
                put_timeout: put_timeout.or(d.put_timeout),
                get_timeout: get_timeout.or(d.get_timeout),
                put_nowait: nowait_put || d.put_nowait,
                get_nowait: nowait_get || d.get_nowait,
            })
        }
        ScenarioFile::Pipe(p) => {
            let d = PipeConfig::defaults(mode);
            Scenario::Pipe(PipeConfig {
                messages: range(&p.messages, "messages", 0, MAX_MESSAGES)?.unwrap_or(d.messages),
                delay: delay(&p.delay).unwrap_or(d.delay),
                reader_delay: delay(&p.reader_delay).unwrap_or(d.reader_delay),
                duplex: p.duplex.as_ref().map_or(d.duplex, |b| *b.get_ref()),
                forget_close: flag(&p.forget_close) || d.forget_close,
            })
        }
        ScenarioFile::Counter(c) => {
            let d = CounterConfig::defaults(mode);
            Scenario::Counter(CounterConfig {
                procs: range(&c.procs, "procs", 1, MAX_PROCS)?.unwrap_or(d.procs),
                increments: range(&c.increments, "increments", 1, MAX_INCREMENTS)?
                    .unwrap_or(d.increments),
                lock: c.lock.as_ref().map_or(d.lock, |b| *b.get_ref()),
            })
        }
    })
}

fn range<T: PartialOrd + Copy + fmt::Display>(
    v: &Option<Spanned<T>>,
    name: &str,
    lo: T,
    hi: T,
) -> Result<Option<T>, Located> {
    match v {
        None => Ok(None),
        Some(s) if (lo..=hi).contains(s.get_ref()) => Ok(Some(*s.get_ref())),
        Some(s) => Err(at(
            s,
            format!("{name} = {} is out of range: {lo} to {hi}", s.get_ref()),
        )),
    }
}

/// A timeout checked as the command line checks `--put-timeout`.
fn timeout(v: &Option<Spanned<f64>>, name: &str) -> Result<Option<f64>, Located> {
    let Some(s) = v else { return Ok(None) };
    parse_timeout(&s.get_ref().to_string())
        .map(Some)
        .map_err(|e| at(s, format!("{name}: {e}")))
}

fn flag(v: &Option<Spanned<bool>>) -> bool {
    v.as_ref().is_some_and(|b| *b.get_ref())
}

fn delay(v: &Option<Spanned<Delay>>) -> Option<DelayRange> {
    v.as_ref().map(|d| d.get_ref().0)
}

type LineSpans = BTreeMap<(ProgramRole, Op), Range<usize>>;

fn line_map(
    raw: &BTreeMap<Spanned<ProgramRole>, BTreeMap<Spanned<Op>, Spanned<i64>>>,
    program: &str,
    count: usize,
) -> Result<(LineMap, LineSpans), Located> {
    let mut map = LineMap::default();
    let mut spans = LineSpans::new();
    for (role, ops) in raw {
        let r = *role.get_ref();
        for (op, line) in ops {
            let o = *op.get_ref();
            if !r.ops().contains(&o) {
                let list: Vec<&str> = r.ops().iter().map(|o| o.as_str()).collect();
                return Err(at(
                    op,
                    format!(
                        "a {r} has no `{o}` in a line map: its operations are {}",
                        list.join(", ")
                    ),
                ));
            }
            let n = *line.get_ref();
            if n < 1 {
                return Err(at(line, format!("lines.{r}.{o} = {n}: lines count from 1")));
            }
            if n as u64 > count as u64 {
                return Err(at(
                    line,
                    format!("lines.{r}.{o} = {n} is past the end of {program} ({count} lines)"),
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
}

fn scenes(raw: &Spanned<Vec<SceneFile>>, scenario: &Scenario) -> Result<Vec<Scene>, Located> {
    if raw.get_ref().is_empty() {
        return Err(at(
            raw,
            "a lesson has at least one scene ([[scenes]] with a caption)",
        ));
    }
    let start = || match scenario {
        Scenario::Queue(q) => Course {
            maxsize: q.maxsize,
            readers: q.readers,
            writers_ever: q.writers,
            lock: false,
        },
        Scenario::Counter(c) => Course {
            maxsize: 0,
            readers: 0,
            writers_ever: 0,
            lock: c.lock,
        },
        Scenario::Pipe(_) | Scenario::Program(_) => Course {
            maxsize: 0,
            readers: 0,
            writers_ever: 0,
            lock: false,
        },
    };
    let mut course = start();
    let mut out = Vec::new();
    for scene in raw.get_ref() {
        let mut setup = Vec::new();
        for a in &scene.setup {
            let action: Action = a.get_ref().parse().map_err(|e: String| at(a, e))?;
            applies(action, scenario).map_err(|e| at(a, e))?;
            match action {
                Action::Maxsize(n) => course.maxsize = n,
                Action::AddWriter => course.writers_ever += 1,
                Action::AddReader => course.readers += 1,
                Action::RemoveReader => course.readers = course.readers.saturating_sub(1),
                Action::Restart => course = start(),
                Action::Lock(on) => {
                    course = start();
                    course.lock = on;
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
            caption: scene.caption.clone(),
            setup,
            question,
        });
    }
    Ok(out)
}

/// The roles a scenario's processes have.
fn roles(s: &Scenario) -> &'static [Role] {
    match s {
        Scenario::Queue(_) => &[Role::Writer, Role::Reader],
        Scenario::Pipe(_) => &[Role::Sender, Role::Receiver],
        Scenario::Counter(_) => &[Role::Counter],
        Scenario::Program(_) => &[Role::Program],
    }
}

fn has_role(s: &Scenario, role: Role) -> Result<(), String> {
    if roles(s).contains(&role) {
        Ok(())
    } else {
        let names: Vec<&str> = roles(s).iter().map(|r| r.as_str()).collect();
        Err(format!(
            "a {} run has no {}: its processes are {}",
            s.name(),
            role.as_str(),
            names.join(" and ")
        ))
    }
}

/// Whether an action can be done to this scenario's run.
fn applies(a: Action, s: &Scenario) -> Result<(), String> {
    let needs = |kind: &str| {
        if s.name() == kind {
            Ok(())
        } else {
            Err(format!(
                "'{a}' needs a {kind} run; this lesson's is {}",
                s.name()
            ))
        }
    };
    match a {
        Action::Maxsize(_)
        | Action::AddWriter
        | Action::RemoveWriter
        | Action::AddReader
        | Action::RemoveReader => needs("queue"),
        Action::Lock(_) => needs("counter"),
        Action::Kill(r) | Action::Terminate(r) => has_role(s, r).map_err(|e| format!("'{a}': {e}")),
        Action::Freeze | Action::Resume | Action::SlowMotion(_) | Action::Restart => Ok(()),
    }
}

fn question(q: &QuestionFile, s: &Scenario, course: &Course) -> Result<Question, Located> {
    let n = q.choices.get_ref().len();
    if !(2..=4).contains(&n) {
        return Err(at(
            &q.choices,
            format!("a question has 2 to 4 choices; this one has {n}"),
        ));
    }
    let answer = *q.answer.get_ref();
    if answer < 1 || answer as u64 > n as u64 {
        return Err(at(
            &q.answer,
            format!(
                "answer = {answer} is out of range: choose 1 to {n} (the choices count from 1)"
            ),
        ));
    }
    let reveal: Reveal = q
        .reveal
        .get_ref()
        .parse()
        .map_err(|e: String| at(&q.reveal, e))?;
    can_hold(reveal, s, course).map_err(|e| at(&q.reveal, format!("'{reveal}' {e}")))?;
    Ok(Question {
        prompt: q.prompt.clone(),
        choices: q.choices.get_ref().clone(),
        answer: answer as usize,
        reveal,
        why: q.why.clone(),
    })
}

/// Whether `reveal` can hold in this run at this scene; if not, why
/// (completing "'REVEAL' ...").
fn can_hold(reveal: Reveal, s: &Scenario, c: &Course) -> Result<(), String> {
    let never = |why: String| Err(format!("can never hold here: {why}"));
    match (reveal, s) {
        (Reveal::Blocks { role, .. } | Reveal::Done { role, .. } | Reveal::Ended { role }, _)
            if !roles(s).contains(&role) =>
        {
            never(has_role(s, role).unwrap_err())
        }
        (
            Reveal::Blocks {
                role: Role::Writer, ..
            },
            Scenario::Queue(q),
        ) => {
            if q.put_nowait {
                never("the writers put with block=False (nowait_put), which never waits".into())
            } else if c.maxsize == 0 {
                never(
                    "the queue is unbounded (maxsize 0) at this scene, so a put never waits; \
                       set maxsize in [scenario.queue] or a `maxsize N` action first"
                        .into(),
                )
            } else {
                Ok(())
            }
        }
        (
            Reveal::Blocks {
                role: Role::Reader, ..
            },
            Scenario::Queue(q),
        ) => {
            if q.get_nowait {
                never("the readers get with block=False (nowait_get), which never waits".into())
            } else if c.readers == 0 {
                never("no reader runs at this scene (add one with `add_reader`)".into())
            } else {
                Ok(())
            }
        }
        (
            Reveal::Raised {
                error: Raised::Full,
            },
            Scenario::Queue(q),
        ) => {
            if q.put_timeout.is_none() && !q.put_nowait {
                never("the writers wait for room forever; give put_timeout or nowait_put".into())
            } else if c.maxsize == 0 {
                never("the queue is unbounded (maxsize 0) at this scene; set maxsize".into())
            } else {
                Ok(())
            }
        }
        (
            Reveal::Raised {
                error: Raised::Empty,
            },
            Scenario::Queue(q),
        ) => {
            if q.get_timeout.is_none() && !q.get_nowait {
                never("the readers wait for an item forever; give get_timeout or nowait_get".into())
            } else if c.readers == 0 {
                never("no reader runs at this scene".into())
            } else {
                Ok(())
            }
        }
        (Reveal::Raised { .. }, _) => never(format!(
            "queue.Full and queue.Empty are raised by a queue; this lesson's run is {}",
            s.name()
        )),
        (Reveal::Eof, Scenario::Pipe(p)) if p.forget_close => never(
            "forget_close keeps the parent's copy of the send end open, so recv never sees EOF"
                .into(),
        ),
        (Reveal::Eof, Scenario::Pipe(_)) => Ok(()),
        (Reveal::Eof, _) => never(format!(
            "EOFError is raised by a pipe's recv; this lesson's run is {}",
            s.name()
        )),
        (Reveal::LostUpdates { .. }, Scenario::Counter(k)) => {
            if c.lock {
                never("the counters hold the Value's lock at this scene (`lock off` first)".into())
            } else if k.procs < 2 {
                never("one counter alone loses no update; give procs = 2 or more".into())
            } else {
                Ok(())
            }
        }
        (Reveal::LostUpdates { .. }, _) => never(format!(
            "lost updates happen to a shared Value; this lesson's run is {}",
            s.name()
        )),
        (Reveal::Done { role, at_least }, _) => match most_done(role, s, c) {
            Some((most, what)) if at_least > most => never(format!("at most {most} {what}")),
            _ => Ok(()),
        },
        (Reveal::Blocks { .. } | Reveal::Ended { .. } | Reveal::Stuck, _) => Ok(()),
    }
}

/// The most operations a role can do in this run, and what bounds it;
/// `None` when unbounded.
fn most_done(role: Role, s: &Scenario, c: &Course) -> Option<(u64, String)> {
    match s {
        Scenario::Queue(q) if q.items > 0 => Some((
            u64::from(c.writers_ever) * q.items,
            format!(
                "items are put ({} writers x {} items)",
                c.writers_ever, q.items
            ),
        )),
        Scenario::Pipe(p) => Some((u64::from(p.messages), "messages are sent".into())),
        Scenario::Counter(k) if role == Role::Counter => Some((
            u64::from(k.procs) * k.increments,
            format!("increments are made ({} x {})", k.procs, k.increments),
        )),
        _ => None,
    }
}
