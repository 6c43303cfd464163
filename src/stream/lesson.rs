//! What a lesson is: a Python program, the scenario that animates it, where
//! each role's operations are in the program, and the scenes a teacher
//! steps through (captions, setup actions, questions with a condition on the
//! run that reveals the answer). Every sentence is in English and Chinese.
//!
//! Pure data with serde derives: the loader (`crate::lesson`) reads a
//! lesson file into these types and checks them; the model reads them from
//! here. Actions and reveal conditions are written as short phrases
//! (`"maxsize 2"`, `"writer blocks in put"`) that parse into enums and
//! print back the same, so a lesson file and a recording say them alike.
//! A phrase or a text that cannot be read is a typed error
//! ([`ActionError`], [`RevealError`], [`TextError`]): `crate::text` says
//! it in the current language, this module says nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::event::Role;
use super::run::{MAX_CELLS, MAX_MAXSIZE, SLOW_MOTION, Scenario, Then, Wait};

pub use super::run::Lang;

/// One sentence in both languages (both required, neither empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawText")]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

impl Text {
    /// A text from its two languages as written: both required, neither
    /// empty (blank counts as empty).
    pub fn new(en: Option<String>, zh: Option<String>) -> Result<Text, TextError> {
        match (en, zh) {
            (None, None) => Err(TextError::Neither),
            (None, Some(_)) => Err(TextError::Missing(Lang::En)),
            (Some(_), None) => Err(TextError::Missing(Lang::Zh)),
            (Some(en), _) if en.trim().is_empty() => Err(TextError::Empty(Lang::En)),
            (_, Some(zh)) if zh.trim().is_empty() => Err(TextError::Empty(Lang::Zh)),
            (Some(en), Some(zh)) => Ok(Text { en, zh }),
        }
    }
}

/// Why a text cannot be used (said in words by `crate::text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// Neither `en` nor `zh`.
    Neither,
    /// One language is not there.
    Missing(Lang),
    /// One language is empty or blank.
    Empty(Lang),
}

impl std::error::Error for TextError {}

/// A text as written: a missing or empty language is a [`TextError`].
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a text: { en = \"...\", zh = \"...\" }"
)]
struct RawText {
    en: Option<String>,
    zh: Option<String>,
}

impl TryFrom<RawText> for Text {
    type Error = TextError;
    fn try_from(raw: RawText) -> Result<Text, TextError> {
        Text::new(raw.en, raw.zh)
    }
}

/// A lesson, resolved: its program read, its scenario filled with the
/// visualizer's defaults for what the file left out, everything checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// The file's name without `.toml`: what `ipcscope lesson NAME` takes.
    pub name: String,
    pub title: Text,
    /// The program's file name as the lesson names it (`queue.py`).
    pub program_file: String,
    /// The Python program the lesson shows, as written.
    pub program: String,
    pub scenario: Scenario,
    pub lines: LineMap,
    pub scenes: Vec<Scene>,
}

/// A part of the lesson's program: a child process's role, or the parent
/// that starts, joins and terminates them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramRole {
    Writer,
    Reader,
    Sender,
    Receiver,
    Counter,
    /// A counter that takes the lock (`with v.get_lock():`), when the
    /// program has both kinds.
    LockedCounter,
    Parent,
    /// A counter on a cell of an Array (`arr[i] += 1`), when the program
    /// has one.
    ArrayCounter,
}

impl ProgramRole {
    pub const ALL: [ProgramRole; 8] = [
        ProgramRole::Writer,
        ProgramRole::Reader,
        ProgramRole::Sender,
        ProgramRole::Receiver,
        ProgramRole::Counter,
        ProgramRole::LockedCounter,
        ProgramRole::Parent,
        ProgramRole::ArrayCounter,
    ];

    /// The part of a program a lesson file names (`writer`, ...,
    /// `locked_counter`, `parent`).
    pub fn from_name(name: &str) -> Option<ProgramRole> {
        ProgramRole::ALL.into_iter().find(|r| r.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProgramRole::Writer => "writer",
            ProgramRole::Reader => "reader",
            ProgramRole::Sender => "sender",
            ProgramRole::Receiver => "receiver",
            ProgramRole::Counter => "counter",
            ProgramRole::LockedCounter => "locked_counter",
            ProgramRole::Parent => "parent",
            ProgramRole::ArrayCounter => "array_counter",
        }
    }

    /// The run's role this part of the program is (none for the parent).
    pub fn role(self) -> Option<Role> {
        match self {
            ProgramRole::Writer => Some(Role::Writer),
            ProgramRole::Reader => Some(Role::Reader),
            ProgramRole::Sender => Some(Role::Sender),
            ProgramRole::Receiver => Some(Role::Receiver),
            ProgramRole::Counter | ProgramRole::LockedCounter | ProgramRole::ArrayCounter => {
                Some(Role::Counter)
            }
            ProgramRole::Parent => None,
        }
    }

    /// The operations this part of a program performs, in the order a
    /// line map usually lists them.
    pub fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            ProgramRole::Writer => &[Start, Put, Full, Sleep, Close, Exit],
            ProgramRole::Reader => &[Start, Get, Empty, Sleep, Close, Exit],
            // A duplex pipe's ends go both ways: the sender may receive
            // a reply, the receiver send one.
            ProgramRole::Sender => &[Start, Send, Recv, Sleep, Close, Exit],
            ProgramRole::Receiver => &[Start, Recv, Send, Eof, Sleep, Close, Exit],
            ProgramRole::Counter | ProgramRole::ArrayCounter => {
                &[Start, Increment, Read, Add, Write, Sleep, Exit]
            }
            ProgramRole::LockedCounter => &[Start, Lock, Increment, Read, Add, Write, Sleep, Exit],
            ProgramRole::Parent => &[Start, Join, Get, Terminate, Kill, Close, Sleep, Exit],
        }
    }
}

impl From<Role> for ProgramRole {
    /// The supervisor stands for the parent.
    fn from(r: Role) -> ProgramRole {
        match r {
            Role::Writer => ProgramRole::Writer,
            Role::Reader => ProgramRole::Reader,
            Role::Sender => ProgramRole::Sender,
            Role::Receiver => ProgramRole::Receiver,
            Role::Counter => ProgramRole::Counter,
            Role::Supervisor => ProgramRole::Parent,
            // A watched program has no lesson map: its lines are its own.
            Role::Program => ProgramRole::Parent,
        }
    }
}

/// An operation on a line of the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A child: its first line of output (`Process(PID) is writing...`).
    /// The parent: a `.start()` call.
    Start,
    Put,
    Get,
    Sleep,
    Send,
    Recv,
    Close,
    /// `v.value += 1`.
    Increment,
    Join,
    Terminate,
    Kill,
    /// Where the process's work ends (its function returns).
    Exit,
    /// Where `queue.Full` is caught.
    Full,
    /// Where `queue.Empty` is caught.
    Empty,
    /// Where `EOFError` is caught.
    Eof,
    /// `tmp = v.value`: a counter reads the shared value into its register.
    Read,
    /// `tmp += 1`: it adds one to its register.
    Add,
    /// `v.value = tmp`: it writes its register back.
    Write,
    /// `with v.get_lock():`: it takes the lock.
    Lock,
}

impl Op {
    pub const ALL: [Op; 19] = [
        Op::Start,
        Op::Put,
        Op::Get,
        Op::Sleep,
        Op::Send,
        Op::Recv,
        Op::Close,
        Op::Increment,
        Op::Join,
        Op::Terminate,
        Op::Kill,
        Op::Exit,
        Op::Full,
        Op::Empty,
        Op::Eof,
        Op::Read,
        Op::Add,
        Op::Write,
        Op::Lock,
    ];

    /// The operation a lesson file names (`put`, `join`, ...).
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Start => "start",
            Op::Put => "put",
            Op::Get => "get",
            Op::Sleep => "sleep",
            Op::Send => "send",
            Op::Recv => "recv",
            Op::Close => "close",
            Op::Increment => "increment",
            Op::Join => "join",
            Op::Terminate => "terminate",
            Op::Kill => "kill",
            Op::Exit => "exit",
            Op::Full => "full",
            Op::Empty => "empty",
            Op::Eof => "eof",
            Op::Read => "read",
            Op::Add => "add",
            Op::Write => "write",
            Op::Lock => "lock",
        }
    }

    /// What the line of this operation is expected to contain (any one of
    /// them); empty when any line of code will do (`exit`).
    pub fn expected_text(self, role: ProgramRole) -> &'static [&'static str] {
        match (self, role) {
            (Op::Start, ProgramRole::Parent) => &[".start("],
            (Op::Start, _) => &["print("],
            (Op::Put, _) => &["put(", "put_nowait("],
            (Op::Get, _) => &["get(", "get_nowait("],
            (Op::Sleep, _) => &["sleep("],
            (Op::Send, _) => &["send("],
            (Op::Recv, _) => &["recv("],
            (Op::Close, _) => &[".close("],
            (Op::Increment, _) => &["+="],
            (Op::Join, _) => &[".join("],
            (Op::Terminate, _) => &[".terminate("],
            (Op::Kill, _) => &[".kill("],
            (Op::Full, _) => &["Full"],
            (Op::Empty, _) => &["Empty"],
            (Op::Eof, _) => &["EOFError"],
            (Op::Read, _) => &[".value", "["],
            (Op::Add, _) => &["+= 1", "+ 1"],
            (Op::Write, _) => &[".value =", "] ="],
            (Op::Lock, _) => &["get_lock()"],
            (Op::Exit, _) => &[],
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ProgramRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where each role's operations are in the program: 1-based line numbers.
///
/// In a lesson file: `[lines]` then one inline table per role,
/// `writer = { start = 9, put = 11, sleep = 12 }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineMap(pub BTreeMap<ProgramRole, BTreeMap<Op, u32>>);

/// A mapped line that does not contain what its operation calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMismatch {
    pub role: ProgramRole,
    pub op: Op,
    pub line: u32,
    /// What the line should contain (any one of them).
    pub expected: &'static [&'static str],
    /// The line as it is (trimmed), or empty past the program's end.
    pub text: String,
}

impl LineMap {
    /// The line of `role`'s `op`, if the lesson maps it.
    pub fn line(&self, role: ProgramRole, op: Op) -> Option<u32> {
        self.0.get(&role)?.get(&op).copied()
    }

    /// Every (role, op, line) mapped, in role then op order.
    pub fn iter(&self) -> impl Iterator<Item = (ProgramRole, Op, u32)> + '_ {
        self.0
            .iter()
            .flat_map(|(&r, ops)| ops.iter().map(move |(&o, &l)| (r, o, l)))
    }

    /// The mapped lines of `program` that are not code (blank or a
    /// comment) or lack what their operation calls for
    /// ([`Op::expected_text`]); the code after a `#` does not count.
    pub fn mismatches(&self, program: &str) -> Vec<LineMismatch> {
        let lines: Vec<&str> = program.lines().collect();
        self.iter()
            .filter_map(|(role, op, line)| {
                let text = lines
                    .get((line as usize).wrapping_sub(1))
                    .map_or("", |l| l.trim());
                let code = text.split_once('#').map_or(text, |(c, _)| c).trim();
                let expected = op.expected_text(role);
                let ok = !code.is_empty()
                    && (expected.is_empty() || expected.iter().any(|e| code.contains(e)));
                (!ok).then(|| LineMismatch {
                    role,
                    op,
                    line,
                    expected,
                    text: text.to_string(),
                })
            })
            .collect()
    }
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub caption: Text,
    /// Applied, in order, when the scene starts (and again when the
    /// teacher steps back to it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// A question for the class: the world freezes, the class answers, the
/// world resumes until `reveal` holds, and the caption says whether the
/// answer was right (and `why`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub prompt: Text,
    /// 2 to 4 choices.
    pub choices: Vec<Text>,
    /// The right choice, counting from 1.
    pub answer: usize,
    pub reveal: Reveal,
    /// Said when the answer is revealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Text>,
    /// The world stays frozen once the class answers: the teacher steps
    /// it (`.`) to the answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_hand: bool,
}

impl Question {
    /// The right choice's text.
    pub fn right_choice(&self) -> Option<&Text> {
        self.choices.get(self.answer.checked_sub(1)?)
    }
}

/// What a scene does to the run when it starts. Written as a phrase:
/// `maxsize N`, `add_writer`, `remove_writer`, `add_reader`,
/// `remove_reader`, `freeze`, `resume`, `slow_motion F`, `kill ROLE`,
/// `terminate ROLE`, `restart`, `lock on`, `lock off`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Action {
    /// Set the queue's maxsize live (0: unbounded).
    Maxsize(u32),
    AddWriter,
    /// Stop the newest writer between operations.
    RemoveWriter,
    AddReader,
    RemoveReader,
    /// Every child parks between operations and stops.
    Freeze,
    Resume,
    /// Every delay multiplied by this factor.
    SlowMotion(f64),
    /// SIGKILL the oldest live process of this role.
    Kill(Role),
    /// SIGTERM the oldest live process of this role.
    Terminate(Role),
    /// Start the lesson's run again from the beginning.
    Restart,
    /// Start the counter run again with the Value's lock on or off.
    Lock(bool),
    /// Start the pipe run again with each child closing the end it does
    /// not use, or keeping it (`--close-unused`; the children inherit both
    /// ends either way).
    CloseUnused(bool),
    /// Start the queue run again with the parent reading every item
    /// before it joins the writers (`on`, the fix), or after (`off`).
    DrainFirst(bool),
    /// The parent closes its copy of the send end (`x`).
    CloseParentEnd,
    /// The counters take the lock (or stop taking it) from their next
    /// increment, the run going on (as the `l` key does).
    LockNow(bool),
    /// Start the counter run again on an Array of N cells (0: a Value).
    Array(u32),
    /// The writers put (`put_policy`) or the readers get (`get_policy`)
    /// this way from their next call, the run going on (as the `b` key
    /// does): `block`, `nowait` (`block=False`) or `timeout S`.
    PutPolicy(Wait),
    GetPolicy(Wait),
    /// After `queue.Full` (`on_full`) or `queue.Empty` (`on_empty`) the
    /// writers (readers) `retry` or `give_up`, the run going on (as the
    /// `e` key does).
    OnFull(Then),
    OnEmpty(Then),
}

/// The phrases actions are written as, for error messages.
pub const ACTION_FORMS: &str = "maxsize N, add_writer, remove_writer, add_reader, remove_reader, \
     freeze, resume, slow_motion F, kill ROLE, terminate ROLE, restart, lock on, lock off, \
     lock_now on, lock_now off, array N, close_unused on, close_unused off, close_parent_end, \
     drain_first on, drain_first off, \
     put_policy block|nowait|timeout S, get_policy block|nowait|timeout S, \
     on_full retry|give_up, on_empty retry|give_up";

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Maxsize(n) => write!(f, "maxsize {n}"),
            Action::AddWriter => f.write_str("add_writer"),
            Action::RemoveWriter => f.write_str("remove_writer"),
            Action::AddReader => f.write_str("add_reader"),
            Action::RemoveReader => f.write_str("remove_reader"),
            Action::Freeze => f.write_str("freeze"),
            Action::Resume => f.write_str("resume"),
            Action::SlowMotion(x) => write!(f, "slow_motion {x}"),
            Action::Kill(r) => write!(f, "kill {}", r.as_str()),
            Action::Terminate(r) => write!(f, "terminate {}", r.as_str()),
            Action::Restart => f.write_str("restart"),
            Action::Lock(on) => write!(f, "lock {}", if *on { "on" } else { "off" }),
            Action::CloseUnused(on) => {
                write!(f, "close_unused {}", if *on { "on" } else { "off" })
            }
            Action::DrainFirst(on) => {
                write!(f, "drain_first {}", if *on { "on" } else { "off" })
            }
            Action::CloseParentEnd => f.write_str("close_parent_end"),
            Action::LockNow(on) => write!(f, "lock_now {}", if *on { "on" } else { "off" }),
            Action::Array(n) => write!(f, "array {n}"),
            Action::PutPolicy(w) => write!(f, "put_policy {w}"),
            Action::GetPolicy(w) => write!(f, "get_policy {w}"),
            Action::OnFull(t) => write!(f, "on_full {}", t.name()),
            Action::OnEmpty(t) => write!(f, "on_empty {}", t.name()),
        }
    }
}

/// Why a phrase is not an action (said in words by `crate::text`); each
/// holds the phrase as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// None of [`ACTION_FORMS`].
    Unknown(String),
    /// `maxsize N` with N not a whole number from 0 to [`MAX_MAXSIZE`].
    Maxsize(String),
    /// `slow_motion F` with F outside [`SLOW_MOTION`].
    SlowMotion(String),
    /// `array N` with N not a number of cells from 1 to [`MAX_CELLS`].
    Array(String),
    /// `kill ROLE` or `terminate ROLE` naming no child's role.
    Role(NotARole),
    /// `put_policy` / `get_policy` not followed by `block`, `nowait` or
    /// `timeout S` (S from 0 to [`MAX_TIMEOUT`](super::run::MAX_TIMEOUT)
    /// seconds).
    Wait(String),
    /// `on_full` / `on_empty` not followed by `retry` or `give_up`.
    Then(String),
}

impl std::error::Error for ActionError {}

/// A word where a child's role must be (`writer` ... `counter`), in the
/// phrase it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotARole {
    pub phrase: String,
    pub word: String,
}

impl FromStr for Action {
    type Err = ActionError;
    fn from_str(s: &str) -> Result<Action, ActionError> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let one = |a: Action| Ok(a);
        match words.as_slice() {
            ["add_writer"] => one(Action::AddWriter),
            ["remove_writer"] => one(Action::RemoveWriter),
            ["add_reader"] => one(Action::AddReader),
            ["remove_reader"] => one(Action::RemoveReader),
            ["freeze"] => one(Action::Freeze),
            ["resume"] => one(Action::Resume),
            ["restart"] => one(Action::Restart),
            ["lock", "on"] => one(Action::Lock(true)),
            ["lock", "off"] => one(Action::Lock(false)),
            ["close_unused", "on"] => one(Action::CloseUnused(true)),
            ["close_unused", "off"] => one(Action::CloseUnused(false)),
            ["drain_first", "on"] => one(Action::DrainFirst(true)),
            ["drain_first", "off"] => one(Action::DrainFirst(false)),
            ["close_parent_end"] => one(Action::CloseParentEnd),
            ["lock_now", "on"] => one(Action::LockNow(true)),
            ["lock_now", "off"] => one(Action::LockNow(false)),
            ["array", n] => match n.parse::<u32>() {
                Ok(n) if n <= MAX_CELLS => Ok(Action::Array(n)),
                _ => Err(ActionError::Array(s.to_string())),
            },
            ["maxsize", n] => match n.parse::<u32>() {
                Ok(n) if n <= MAX_MAXSIZE => Ok(Action::Maxsize(n)),
                _ => Err(ActionError::Maxsize(s.to_string())),
            },
            ["slow_motion", x] => match x.parse::<f64>() {
                Ok(x) if SLOW_MOTION.contains(&x) => Ok(Action::SlowMotion(x)),
                _ => Err(ActionError::SlowMotion(s.to_string())),
            },
            ["put_policy" | "get_policy", rest @ ..] => {
                let wait: Wait = rest
                    .join(" ")
                    .parse()
                    .map_err(|()| ActionError::Wait(s.to_string()))?;
                Ok(if words[0] == "put_policy" {
                    Action::PutPolicy(wait)
                } else {
                    Action::GetPolicy(wait)
                })
            }
            ["on_full" | "on_empty", t] => {
                let then: Then = t.parse().map_err(|()| ActionError::Then(s.to_string()))?;
                Ok(if words[0] == "on_full" {
                    Action::OnFull(then)
                } else {
                    Action::OnEmpty(then)
                })
            }
            ["kill", r] => Ok(Action::Kill(child_role(r, s).map_err(ActionError::Role)?)),
            ["terminate", r] => Ok(Action::Terminate(
                child_role(r, s).map_err(ActionError::Role)?,
            )),
            _ => Err(ActionError::Unknown(s.to_string())),
        }
    }
}

impl From<Action> for String {
    fn from(a: Action) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for Action {
    type Error = ActionError;
    fn try_from(s: String) -> Result<Action, ActionError> {
        s.parse()
    }
}

/// A child process's role by its name (`writer` ... `counter`).
fn child_role(word: &str, phrase: &str) -> Result<Role, NotARole> {
    match word {
        "writer" => Ok(Role::Writer),
        "reader" => Ok(Role::Reader),
        "sender" => Ok(Role::Sender),
        "receiver" => Ok(Role::Receiver),
        "counter" => Ok(Role::Counter),
        _ => Err(NotARole {
            phrase: phrase.to_string(),
            word: word.to_string(),
        }),
    }
}

/// The children's roles, as actions and reveal conditions name them.
pub const CHILD_ROLES: [Role; 5] = [
    Role::Writer,
    Role::Reader,
    Role::Sender,
    Role::Receiver,
    Role::Counter,
];

/// An exception a queue operation raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Raised {
    /// `queue.Full`: a put with a timeout or `block=False` found no room.
    Full,
    /// `queue.Empty`: a get with a timeout or `block=False` found nothing.
    Empty,
}

/// A condition on the run that reveals a question's answer. Written as a
/// phrase:
///
/// | phrase | holds once |
/// | --- | --- |
/// | `writer blocks in put` (also `reader … get`, `sender … send`, `receiver … recv`; on a duplex pipe `sender … recv`, `receiver … send`) | a process of that role waits in that operation |
/// | `queue.Full raised`, `queue.Empty raised` | a put (get) raised it |
/// | `EOFError raised` | recv raised `EOFError` |
/// | `lost updates > N` | the run's Value (or Array) lost more than N increments since the scene started |
/// | `reader done >= N` (any role) | that role's processes, together, did N operations (puts, gets, sends, recvs or increments) since the scene started (after its setup) |
/// | `receiver ended` (any role) | a process of that role ended |
/// | `stuck` | the run cannot go on (the supervisor says why) |
///
/// Counting `done` from the scene's start makes a reveal independent of
/// how long the class stayed on earlier scenes; a `restart` in the setup
/// starts every count from zero anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Reveal {
    Blocks { role: Role, op: Op },
    Raised { error: Raised },
    Eof,
    LostUpdates { more_than: u64 },
    Done { role: Role, at_least: u64 },
    Ended { role: Role },
    Stuck,
}

/// The phrases reveal conditions are written as, for error messages.
pub const REVEAL_FORMS: &str = "ROLE blocks in OP (writer blocks in put, reader blocks in get, \
     sender blocks in send or recv, receiver blocks in recv or send), queue.Full raised, \
     queue.Empty raised, \
     EOFError raised, lost updates > N, ROLE done >= N, ROLE ended, stuck";

/// Every operation a role can block in: its own (see [`blocking_op`]), and
/// on a duplex pipe the other way (the sender waiting for a reply, the
/// receiver sending one into a full pipe).
pub fn blocking_ops(role: Role) -> &'static [Op] {
    match role {
        Role::Writer => &[Op::Put],
        Role::Reader => &[Op::Get],
        Role::Sender => &[Op::Send, Op::Recv],
        Role::Receiver => &[Op::Recv, Op::Send],
        Role::Counter | Role::Supervisor | Role::Program => &[],
    }
}

/// The operation a role blocks in.
pub fn blocking_op(role: Role) -> Option<Op> {
    match role {
        Role::Writer => Some(Op::Put),
        Role::Reader => Some(Op::Get),
        Role::Sender => Some(Op::Send),
        Role::Receiver => Some(Op::Recv),
        Role::Counter | Role::Supervisor | Role::Program => None,
    }
}

impl fmt::Display for Reveal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reveal::Blocks { role, op } => write!(f, "{} blocks in {op}", role.as_str()),
            Reveal::Raised {
                error: Raised::Full,
            } => f.write_str("queue.Full raised"),
            Reveal::Raised {
                error: Raised::Empty,
            } => f.write_str("queue.Empty raised"),
            Reveal::Eof => f.write_str("EOFError raised"),
            Reveal::LostUpdates { more_than } => write!(f, "lost updates > {more_than}"),
            Reveal::Done { role, at_least } => write!(f, "{} done >= {at_least}", role.as_str()),
            Reveal::Ended { role } => write!(f, "{} ended", role.as_str()),
            Reveal::Stuck => f.write_str("stuck"),
        }
    }
}

/// Why a phrase is not a reveal condition (said in words by
/// `crate::text`); each holds the phrase as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevealError {
    /// None of [`REVEAL_FORMS`].
    Unknown(String),
    /// `ROLE blocks in OP` with the wrong operation for the role
    /// (`written`); `op` is the one it blocks in.
    WrongOp {
        phrase: String,
        role: Role,
        op: Op,
        written: String,
    },
    /// `counter blocks in ...`: a counter never blocks.
    NeverBlocks { phrase: String, role: Role },
    /// A count (`word`) that is not a whole number.
    NotACount { phrase: String, word: String },
    /// A role's place holds no child's role.
    Role(NotARole),
}

impl std::error::Error for RevealError {}

impl FromStr for Reveal {
    type Err = RevealError;
    fn from_str(s: &str) -> Result<Reveal, RevealError> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let count = |n: &str| {
            n.parse::<u64>().map_err(|_| RevealError::NotACount {
                phrase: s.to_string(),
                word: n.to_string(),
            })
        };
        let role = |r: &str| child_role(r, s).map_err(RevealError::Role);
        match words.as_slice() {
            [r, "blocks", "in", op] => {
                let role = role(r)?;
                let ops = blocking_ops(role);
                match (ops.iter().find(|o| o.as_str() == *op), blocking_op(role)) {
                    (Some(&o), _) => Ok(Reveal::Blocks { role, op: o }),
                    (None, Some(o)) => Err(RevealError::WrongOp {
                        phrase: s.to_string(),
                        role,
                        op: o,
                        written: op.to_string(),
                    }),
                    (None, None) => Err(RevealError::NeverBlocks {
                        phrase: s.to_string(),
                        role,
                    }),
                }
            }
            ["queue.Full" | "Full", "raised"] => Ok(Reveal::Raised {
                error: Raised::Full,
            }),
            ["queue.Empty" | "Empty", "raised"] => Ok(Reveal::Raised {
                error: Raised::Empty,
            }),
            ["EOFError", "raised"] | ["eof"] => Ok(Reveal::Eof),
            ["lost", "updates", ">", n] => Ok(Reveal::LostUpdates {
                more_than: count(n)?,
            }),
            [r, "done", ">=", n] => Ok(Reveal::Done {
                role: role(r)?,
                at_least: count(n)?,
            }),
            [r, "ended"] => Ok(Reveal::Ended { role: role(r)? }),
            ["stuck"] => Ok(Reveal::Stuck),
            _ => Err(RevealError::Unknown(s.to_string())),
        }
    }
}

impl From<Reveal> for String {
    fn from(r: Reveal) -> String {
        r.to_string()
    }
}

impl TryFrom<String> for Reveal {
    type Error = RevealError;
    fn try_from(s: String) -> Result<Reveal, RevealError> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_from_locale_takes_the_first_set_variable_and_zh_prefix() {
        assert_eq!(Lang::from_locale(None, None, None), Lang::En);
        assert_eq!(Lang::from_locale(None, None, Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(
            Lang::from_locale(None, Some("zh_TW"), Some("en_US")),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale(Some("C"), Some("zh_TW"), None), Lang::En);
        assert_eq!(Lang::from_locale(Some(""), None, Some("zh")), Lang::Zh);
        assert_eq!(Lang::from_locale(None, None, Some("fr_FR")), Lang::En);
        assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
        assert!("de".parse::<Lang>().unwrap_err().contains("'de'"));
    }

    #[test]
    fn actions_round_trip_through_their_phrases() {
        for phrase in [
            "maxsize 0",
            "maxsize 65536",
            "add_writer",
            "remove_writer",
            "add_reader",
            "remove_reader",
            "freeze",
            "resume",
            "slow_motion 2.5",
            "slow_motion 0.1",
            "kill writer",
            "terminate receiver",
            "restart",
            "lock on",
            "lock off",
            "close_unused on",
            "close_unused off",
            "close_parent_end",
            "lock_now on",
            "lock_now off",
            "array 4",
            "array 0",
            "put_policy block",
            "put_policy nowait",
            "put_policy timeout 0.5",
            "get_policy timeout 0",
            "on_full give_up",
            "on_empty retry",
        ] {
            let a: Action = phrase.parse().unwrap_or_else(|e| panic!("{phrase}: {e}"));
            assert_eq!(a.to_string(), phrase);
        }
        assert_eq!("  maxsize   2 ".parse::<Action>(), Ok(Action::Maxsize(2)));
        assert_eq!(
            "put_policy timeout 1.0".parse::<Action>(),
            Ok(Action::PutPolicy(super::Wait::Timeout(1.0)))
        );
    }

    #[test]
    fn bad_actions_say_which_kind_of_wrong_with_the_phrase() {
        use ActionError::*;
        let role = |phrase: &str, word: &str| {
            Role(NotARole {
                phrase: phrase.into(),
                word: word.into(),
            })
        };
        for (bad, why) in [
            ("maxsize", Unknown("maxsize".into())),
            ("maxsize -1", Maxsize("maxsize -1".into())),
            ("maxsize 65537", Maxsize("maxsize 65537".into())),
            ("slow_motion 50", SlowMotion("slow_motion 50".into())),
            ("slow_motion nan", SlowMotion("slow_motion nan".into())),
            ("kill parent", role("kill parent", "parent")),
            (
                "terminate supervisor",
                role("terminate supervisor", "supervisor"),
            ),
            ("add_writers", Unknown("add_writers".into())),
            ("lock maybe", Unknown("lock maybe".into())),
            ("array 17", Array("array 17".into())),
            ("array x", Array("array x".into())),
            ("put_policy", Wait("put_policy".into())),
            ("put_policy timeout", Wait("put_policy timeout".into())),
            (
                "get_policy timeout -1",
                Wait("get_policy timeout -1".into()),
            ),
            (
                "get_policy timeout 3601",
                Wait("get_policy timeout 3601".into()),
            ),
            ("put_policy forever", Wait("put_policy forever".into())),
            ("on_full later", Then("on_full later".into())),
        ] {
            assert_eq!(bad.parse::<Action>(), Err(why), "{bad}");
        }
    }

    #[test]
    fn reveals_round_trip_through_their_phrases() {
        for phrase in [
            "writer blocks in put",
            "reader blocks in get",
            "sender blocks in send",
            "receiver blocks in recv",
            "sender blocks in recv",
            "receiver blocks in send",
            "queue.Full raised",
            "queue.Empty raised",
            "EOFError raised",
            "lost updates > 0",
            "reader done >= 6",
            "counter done >= 400000",
            "receiver ended",
            "stuck",
        ] {
            let r: Reveal = phrase.parse().unwrap_or_else(|e| panic!("{phrase}: {e}"));
            assert_eq!(r.to_string(), phrase);
        }
        assert_eq!("eof".parse::<Reveal>(), Ok(Reveal::Eof));
        assert_eq!(
            "Full raised".parse::<Reveal>(),
            Ok(Reveal::Raised {
                error: Raised::Full
            })
        );
    }

    #[test]
    fn bad_reveals_say_which_kind_of_wrong_with_the_phrase() {
        use RevealError::{NeverBlocks, NotACount, Unknown, WrongOp};
        let phrase = |s: &str| s.to_string();
        for (bad, why) in [
            (
                "writer blocks in get",
                WrongOp {
                    phrase: phrase("writer blocks in get"),
                    role: Role::Writer,
                    op: Op::Put,
                    written: "get".into(),
                },
            ),
            (
                "counter blocks in increment",
                NeverBlocks {
                    phrase: phrase("counter blocks in increment"),
                    role: Role::Counter,
                },
            ),
            (
                "reader done >= many",
                NotACount {
                    phrase: phrase("reader done >= many"),
                    word: "many".into(),
                },
            ),
            (
                "lost updates > -1",
                NotACount {
                    phrase: phrase("lost updates > -1"),
                    word: "-1".into(),
                },
            ),
            (
                "parent ended",
                RevealError::Role(NotARole {
                    phrase: phrase("parent ended"),
                    word: "parent".into(),
                }),
            ),
            ("the reader got 6", Unknown(phrase("the reader got 6"))),
        ] {
            assert_eq!(bad.parse::<Reveal>(), Err(why), "{bad}");
        }
    }

    #[test]
    fn a_text_needs_both_languages_and_neither_blank() {
        let s = |t: &str| Some(t.to_string());
        assert_eq!(Text::new(None, None), Err(TextError::Neither));
        assert_eq!(Text::new(None, s("一")), Err(TextError::Missing(Lang::En)));
        assert_eq!(Text::new(s("a"), None), Err(TextError::Missing(Lang::Zh)));
        assert_eq!(Text::new(s(" "), s("一")), Err(TextError::Empty(Lang::En)));
        assert_eq!(Text::new(s("a"), s("")), Err(TextError::Empty(Lang::Zh)));
        assert_eq!(
            Text::new(s("a"), s("一")),
            Ok(Text {
                en: "a".into(),
                zh: "一".into()
            })
        );
    }

    #[test]
    fn roles_and_operations_are_found_by_their_names() {
        for r in ProgramRole::ALL {
            assert_eq!(ProgramRole::from_name(r.as_str()), Some(r));
        }
        for o in Op::ALL {
            assert_eq!(Op::from_name(o.as_str()), Some(o));
        }
        assert_eq!(ProgramRole::from_name("Writer"), None);
        assert_eq!(Op::from_name("gett"), None);
    }

    #[test]
    fn line_map_finds_lines_and_reports_those_lacking_their_call() {
        let program = "def w(q):\n    q.put(1)  # put\n    # q.get()\n    time.sleep(1)\n";
        let mut map = LineMap::default();
        map.0.insert(
            ProgramRole::Writer,
            BTreeMap::from([(Op::Put, 2), (Op::Sleep, 4)]),
        );
        assert_eq!(map.line(ProgramRole::Writer, Op::Put), Some(2));
        assert_eq!(map.line(ProgramRole::Reader, Op::Get), None);
        assert!(map.mismatches(program).is_empty());

        map.0.insert(
            ProgramRole::Reader,
            BTreeMap::from([(Op::Get, 3), (Op::Exit, 9), (Op::Sleep, 2)]),
        );
        let bad: Vec<(Op, u32)> = map
            .mismatches(program)
            .iter()
            .map(|m| (m.op, m.line))
            .collect();
        // A commented-out call, a line past the end, and the wrong call.
        assert_eq!(bad, vec![(Op::Get, 3), (Op::Sleep, 2), (Op::Exit, 9)]);
    }

    #[test]
    fn every_role_can_map_start_and_exit() {
        for r in ProgramRole::ALL {
            assert!(
                r.ops().contains(&Op::Start) && r.ops().contains(&Op::Exit),
                "{r}"
            );
        }
        assert_eq!(ProgramRole::from(Role::Supervisor), ProgramRole::Parent);
        assert_eq!(ProgramRole::Writer.role(), Some(Role::Writer));
    }

    #[test]
    fn question_right_choice_counts_from_one() {
        let t = |s: &str| Text {
            en: s.into(),
            zh: s.into(),
        };
        let q = Question {
            prompt: t("?"),
            choices: vec![t("a"), t("b")],
            answer: 2,
            reveal: Reveal::Stuck,
            why: None,
            by_hand: false,
        };
        assert_eq!(q.right_choice(), Some(&t("b")));
        assert_eq!(
            Question {
                answer: 0,
                ..q.clone()
            }
            .right_choice(),
            None
        );
        assert_eq!(Question { answer: 3, ..q }.right_choice(), None);
    }
}
