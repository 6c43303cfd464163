//! What can be wrong with a lesson file, as data: the loader finds a
//! [`Problem`] (or, for a warning, a mapped line that lacks its call) and
//! [`Problem::message`] says it in the language this thread speaks, from
//! the table's `LessonFileWords`. Nothing here names a Rust type: what a
//! place in the file takes is a [`Want`], what was found there a
//! [`Found`], both in lesson terms.

use crate::config::BadSeconds;
use crate::model::ScenarioKind;
use crate::stream::Role;
use crate::stream::lesson::{
    Action, ActionError, LineMismatch, Op, ProgramRole, Reveal, RevealError, TextError,
};

/// One thing wrong with a lesson file, its program or its folder.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    // -- reading the files (the system's reason as it says it) --
    CannotReadLesson(String),
    CannotReadFolder(String),
    /// The program the lesson names, at `path`.
    CannotReadProgram {
        path: String,
        why: String,
    },
    /// A built-in lesson named another program than the one built in.
    NotTheBuiltInProgram {
        file: String,
        named: String,
    },

    // -- TOML, and the file's shape --
    /// Not TOML.
    Syntax(Syntax),
    /// A number toml cannot read (`key`: where, when known).
    Unnumber(Option<String>),
    DuplicateKey(String),
    /// A key this table does not take; `allowed` are the ones it does.
    UnknownKey {
        key: String,
        allowed: Vec<String>,
    },
    MissingKey(String),
    /// A value of the wrong kind (`key`: where, when known).
    WrongKind {
        key: Option<String>,
        want: Want,
        found: Found,
    },
    /// What neither toml nor serde said in a form we know: their words.
    Unreadable(String),
    Text(TextError),

    // -- the scenario and its options --
    /// `[scenario]` holds this many of queue, pipe and counter (not 1).
    ScenarioCount(usize),
    OutOfRange {
        key: &'static str,
        value: i128,
        lo: u64,
        hi: u64,
    },
    TooManyProcesses {
        writers: u32,
        readers: u32,
    },
    /// `nowait_put` with `put_timeout` (`op` is `put` or `get`).
    NowaitWithTimeout {
        op: &'static str,
    },
    /// `close_unused = true` without `inherit = true`.
    CloseUnusedNeedsInherit,
    /// `echo` or `both_recv` (the option named) with a one-way pipe.
    NeedsDuplex(&'static str),
    /// `full_speed = true` beside a `step_delay`.
    FullSpeedWithStepDelay,
    /// `maxsize` beside `python_feeder = true` (the pipe's room is
    /// `pipe_holds`).
    FeederWithMaxsize,
    /// `drain_first on|off` on a queue the parent does not read itself
    /// (it needs `readers = 0` and a count of `items`).
    DrainFirstNeedsParentReads,
    /// A delay or a timeout the command line would refuse.
    Seconds {
        key: &'static str,
        why: BadSeconds,
    },

    // -- the program --
    NoProgramName,
    EmptyProgram(String),

    // -- [lines] --
    /// A part of the program that is not one of [`ProgramRole::ALL`].
    UnknownPart(String),
    /// An operation `role` does not perform (or no operation at all).
    NoSuchOp {
        role: ProgramRole,
        op: String,
    },
    LineFromOne {
        role: ProgramRole,
        op: Op,
        line: i128,
    },
    LinePastEnd {
        role: ProgramRole,
        op: Op,
        line: i128,
        program: String,
        count: usize,
    },
    /// A warning: a mapped line of `program` lacks its operation's call.
    LineLacksCall {
        line: LineMismatch,
        program: String,
    },

    // -- scenes --
    NoScenes,
    Action(ActionError),
    /// An action only a `needs` run has; this lesson's is `is`.
    ActionNeeds {
        action: Action,
        needs: ScenarioKind,
        is: ScenarioKind,
    },
    /// An action on pipe ends that needs an option of `[scenario.pipe]`.
    ActionNeedsOption {
        action: Action,
        option: &'static str,
    },
    /// `kill ROLE` or `terminate ROLE` for a role this run does not have.
    NoSuchProcess {
        action: Action,
        scenario: ScenarioKind,
        role: Role,
    },
    ChoiceCount(usize),
    AnswerOutOfRange {
        answer: i128,
        choices: usize,
    },
    Reveal(RevealError),
    /// A reveal condition that can never hold in this run at this scene.
    NeverHolds {
        reveal: Reveal,
        why: Never,
    },
}

/// Why a lesson file is not TOML: the mistakes a teacher makes most
/// (toml's own words for the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    /// A full-width character outside quotes (`，`, `“`, `：`) where
    /// TOML wants an ASCII one (`ascii`, its half-width twin).
    FullWidth { found: char, ascii: char },
    /// A value that is neither a number, true or false, nor in quotes.
    Unquoted,
    /// No comma between two items of a list or an inline table.
    MissingComma,
    /// A key without `= value`.
    NoValue,
    /// A string not closed on its line (`quote`: how it opened).
    UnclosedString { quote: char },
    /// A list, table or inline table not closed (`close`: what closes it).
    Unclosed { close: char },
    /// toml's own words.
    Other(String),
}

/// What a place in a lesson file takes. Each is the `expecting` text of
/// the type read there (see `shape.rs`), so serde's "invalid type" names
/// it and [`Want::from_expecting`] finds it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// `{ en = "...", zh = "..." }`.
    Text,
    /// One language of a text: a sentence in quotes.
    Sentence,
    WholeNumber,
    /// A timeout: a number of seconds.
    Seconds,
    /// `"A..B"` or a number of seconds.
    Delay,
    TrueFalse,
    /// `program`: the .py file's name in quotes.
    FileName,
    /// A `setup` action in quotes.
    Action,
    /// `setup`: a list of actions.
    Actions,
    /// `reveal`: a condition in quotes.
    Reveal,
    /// `[scenario]`: a table with one of queue, pipe, counter.
    Scenario,
    /// `[scenario.queue]` (or pipe, counter): a table of options.
    Options,
    /// `[lines]`: a table per part of the program.
    Lines,
    /// `lines.writer`: a table of operations' line numbers.
    PartLines,
    /// `[[scenes]]`: a list of scenes.
    Scenes,
    /// One `[[scenes]]` table.
    Scene,
    /// `[scenes.question]`.
    Question,
    /// `choices`: a list of texts.
    Choices,
    /// The whole file: a table (a TOML document always is).
    Lesson,
}

impl Want {
    pub const ALL: [Want; 19] = [
        Want::Text,
        Want::Sentence,
        Want::WholeNumber,
        Want::Seconds,
        Want::Delay,
        Want::TrueFalse,
        Want::FileName,
        Want::Action,
        Want::Actions,
        Want::Reveal,
        Want::Scenario,
        Want::Options,
        Want::Lines,
        Want::PartLines,
        Want::Scenes,
        Want::Scene,
        Want::Question,
        Want::Choices,
        Want::Lesson,
    ];

    /// The `expecting` text of the type read where this is wanted: a tag
    /// no sentence of serde's own looks like.
    pub const fn expecting(self) -> &'static str {
        match self {
            Want::Text => "@text",
            Want::Sentence => "@sentence",
            Want::WholeNumber => "@whole_number",
            Want::Seconds => "@seconds",
            Want::Delay => "@delay",
            Want::TrueFalse => "@true_false",
            Want::FileName => "@file_name",
            Want::Action => "@action",
            Want::Actions => "@actions",
            Want::Reveal => "@reveal",
            Want::Scenario => "@scenario",
            Want::Options => "@options",
            Want::Lines => "@lines",
            Want::PartLines => "@part_lines",
            Want::Scenes => "@scenes",
            Want::Scene => "@scene",
            Want::Question => "@question",
            Want::Choices => "@choices",
            Want::Lesson => "@lesson",
        }
    }

    /// The want an `expecting` text stands for; serde's names of plain
    /// types too, should a place ever be read as one.
    pub fn from_expecting(s: &str) -> Option<Want> {
        Want::ALL
            .into_iter()
            .find(|w| w.expecting() == s)
            .or(match s {
                "i64" | "u64" | "u32" | "usize" => Some(Want::WholeNumber),
                "f64" => Some(Want::Seconds),
                "a boolean" => Some(Want::TrueFalse),
                "a string" => Some(Want::Sentence),
                _ => None,
            })
    }
}

/// What was found where something else was wanted, as serde names it
/// (its `Unexpected`): a whole number, a number, true or false, a string,
/// a list, a table; `Other` when serde said something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    WholeNumber(String),
    Number(String),
    TrueFalse(String),
    /// A string, quoted as serde quotes it (`"2"`).
    Str(String),
    List,
    Table,
    Other,
}

/// Why a reveal condition can never hold in this run at this scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Never {
    /// The run has no process of this role.
    NoSuchProcess { scenario: ScenarioKind, role: Role },
    /// The writers put with `block=False`: a put never waits.
    PutNowait,
    /// The queue is unbounded at this scene: a put never waits.
    Unbounded,
    /// The readers get with `block=False`: a get never waits.
    GetNowait,
    /// No reader runs at this scene.
    NoReader,
    /// `queue.Full` without a put timeout or `nowait_put`.
    PutWaitsForever,
    /// `queue.Full` from an unbounded queue.
    UnboundedFull,
    /// `queue.Empty` without a get timeout or `nowait_get`.
    GetWaitsForever,
    /// `queue.Full` or `queue.Empty` in a run that is not a queue.
    NotAQueue(ScenarioKind),
    /// `EOFError` while the parent keeps the send end (`forget_close`).
    ForgetClose,
    /// `EOFError` while the receiver keeps its inherited copy of the send
    /// end (`inherit` without `close_unused`).
    OwnSendEnd,
    /// A sender blocking in recv or a receiver in send on a pipe without
    /// replies.
    OneWayTraffic,
    /// `EOFError` in a run that is not a pipe.
    NotAPipe(ScenarioKind),
    /// Lost updates while the counters hold the lock.
    LockHeld,
    /// Lost updates with one counter.
    OneCounter,
    /// Lost updates with each counter on an Array cell of its own.
    OwnCells { procs: u32, cells: u32 },
    /// Lost updates in a run that is not a counter.
    NotACounter(ScenarioKind),
    /// More operations than the run can do.
    AtMost { most: u64, bound: Bound },
}

/// What bounds the operations a run can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Writers ever started times items each.
    Items { writers: u32, items: u64 },
    /// The messages a pipe run sends.
    Messages,
    /// Counters times increments each.
    Increments { procs: u32, increments: u64 },
}

/// The children's roles a scenario's run has.
pub fn roles_of(kind: ScenarioKind) -> &'static [Role] {
    match kind {
        ScenarioKind::Queue => &[Role::Writer, Role::Reader],
        ScenarioKind::Pipe => &[Role::Sender, Role::Receiver],
        ScenarioKind::Counter => &[Role::Counter],
        // A watched program (never a lesson file's scenario).
        ScenarioKind::Program => &[Role::Program],
    }
}

impl Problem {
    /// The problem in words, in the language this thread speaks.
    pub fn message(&self) -> String {
        let t = crate::text::words();
        match self {
            Problem::CannotReadLesson(why) => t.cannot_read_lesson(why),
            Problem::CannotReadFolder(why) => t.cannot_read_lessons_folder(why),
            Problem::CannotReadProgram { path, why } => t.cannot_read_program(path, why),
            Problem::NotTheBuiltInProgram { file, named } => {
                t.not_the_built_in_program(file, named)
            }
            Problem::Syntax(s) => t.toml_syntax(s),
            Problem::Unnumber(key) => t.unreadable_number(key.as_deref()),
            Problem::DuplicateKey(key) => t.duplicate_key(key),
            Problem::UnknownKey { key, allowed } => t.unknown_key(key, allowed),
            Problem::MissingKey(key) => t.missing_key(key),
            Problem::WrongKind { key, want, found } => t.wrong_kind(key.as_deref(), *want, found),
            Problem::Unreadable(detail) => t.unreadable(detail),
            Problem::Text(e) => e.to_string(),
            Problem::ScenarioCount(n) => t.scenario_count(*n),
            Problem::OutOfRange { key, value, lo, hi } => {
                t.option_out_of_range(key, *value, *lo, *hi)
            }
            Problem::TooManyProcesses { writers, readers } => {
                t.too_many_processes(*writers, *readers, crate::config::MAX_PROCS)
            }
            Problem::NowaitWithTimeout { op } => t.nowait_with_timeout(op),
            Problem::CloseUnusedNeedsInherit => t.close_unused_needs_inherit().into(),
            Problem::NeedsDuplex(option) => t.option_needs_duplex(option),
            Problem::ActionNeedsOption { action, option } => {
                t.action_needs_option(&action.to_string(), option)
            }
            Problem::FullSpeedWithStepDelay => t.full_speed_with_step_delay().into(),
            Problem::FeederWithMaxsize => t.feeder_with_maxsize().into(),
            Problem::DrainFirstNeedsParentReads => t.drain_first_needs_parent_reads().into(),
            Problem::Seconds { key, why } => t.bad_seconds(key, why),
            Problem::NoProgramName => t.no_program_name(),
            Problem::EmptyProgram(name) => t.empty_program(name),
            Problem::UnknownPart(name) => {
                let parts = ProgramRole::ALL.map(ProgramRole::as_str);
                t.unknown_part(name, &parts)
            }
            Problem::NoSuchOp { role, op } => {
                let ops: Vec<&str> = role.ops().iter().map(|o| o.as_str()).collect();
                t.no_such_op(*role, op, &ops)
            }
            Problem::LineFromOne { role, op, line } => t.line_from_one(*role, *op, *line),
            Problem::LinePastEnd {
                role,
                op,
                line,
                program,
                count,
            } => t.line_past_end(*role, *op, *line, program, *count),
            Problem::LineLacksCall { line, program } => t.line_lacks_call(line, program),
            Problem::NoScenes => t.no_scenes(),
            Problem::Action(e) => e.to_string(),
            Problem::ActionNeeds { action, needs, is } => {
                t.action_needs(&action.to_string(), *needs, *is)
            }
            Problem::NoSuchProcess {
                action,
                scenario,
                role,
            } => t.action_no_such_process(&action.to_string(), *scenario, *role),
            Problem::ChoiceCount(n) => t.choice_count(*n),
            Problem::AnswerOutOfRange { answer, choices } => {
                t.answer_out_of_range(*answer, *choices)
            }
            Problem::Reveal(e) => e.to_string(),
            Problem::NeverHolds { reveal, why } => t.never_holds(&reveal.to_string(), why),
        }
    }
}
