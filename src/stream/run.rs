//! What a run is: the scenario and its settings, with one table of defaults
//! per scenario and mode. Built by the command line, read by the supervisor,
//! the headless printer and the visualizer.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A random delay range in seconds: `A..B` or `A` on the command line, in
/// plain decimals (`0..1`, `0.5`), and the same text in a recording.
///
/// It prints as `A..B` with each bound in its shortest decimal form
/// (`0.5..1` stays `0.5..1`; `0.50..1.0` prints `0.5..1`), which parses back
/// to the same range: the supervisor passes it to children that way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct DelayRange {
    pub lo: f64,
    pub hi: f64,
}

/// Longest delay accepted, in seconds.
pub const MAX_DELAY: f64 = 3600.0;
/// Longest put/get timeout accepted, in seconds.
pub const MAX_TIMEOUT: f64 = 3600.0;

/// At most this many processes use one queue at a time, and at most this
/// many children run at once (writers + readers, or counters): the queue's
/// shared memory has [`RECORDS`](crate::ipc::queue::RECORDS) (256) in-flight
/// records, one per process using it, and the supervisor keeps one for
/// itself.
pub const MAX_PROCS: u32 = 255;

/// Most items per writer a queue run takes (0 = unlimited).
pub const MAX_ITEMS: u64 = 1_000_000;
/// Largest queue maxsize (0 = unbounded).
pub const MAX_MAXSIZE: u32 = 65536;
/// Most messages a pipe run sends.
pub const MAX_MESSAGES: u32 = 100_000;
/// Most increments per counter process (at least 1).
pub const MAX_INCREMENTS: u64 = 100_000_000;
/// Most cells of a counter run's Array (`--array N`).
pub const MAX_CELLS: u32 = 16;
/// The slow-motion factors the visualizer takes (every delay multiplied).
pub const SLOW_MOTION: std::ops::RangeInclusive<f64> = 0.1..=20.0;

impl DelayRange {
    pub const ZERO: DelayRange = DelayRange { lo: 0.0, hi: 0.0 };
    pub const LESSON: DelayRange = DelayRange { lo: 0.0, hi: 1.0 };

    pub fn fixed(s: f64) -> DelayRange {
        DelayRange { lo: s, hi: s }
    }
}

impl fmt::Display for DelayRange {
    /// `lo..hi`; f64's `Display` is the shortest decimal that reads back as
    /// the same number, and never uses an exponent. Adding 0.0 turns a -0.0
    /// into 0, which the parser accepts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo + 0.0, self.hi + 0.0)
    }
}

impl From<DelayRange> for String {
    fn from(d: DelayRange) -> String {
        d.to_string()
    }
}

impl TryFrom<String> for DelayRange {
    type Error = BadSeconds;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A number of seconds that was refused, with the text given (it displays
/// as a sentence in the current language, `crate::text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadSeconds {
    /// A delay bound below 0 or over [`MAX_DELAY`].
    DelayOutOfRange(String),
    /// Not `A..B` or `A` in plain decimals.
    NotADelay(String),
    /// `A..B` with A over B.
    EmptyDelay(String),
    /// A timeout over [`MAX_TIMEOUT`].
    TimeoutOutOfRange(String),
    /// A negative timeout.
    NegativeTimeout(String),
    /// Not a plain decimal number of seconds.
    NotSeconds(String),
}

impl std::error::Error for BadSeconds {}

impl std::str::FromStr for DelayRange {
    type Err = BadSeconds;

    /// Exactly `A..B` or `A`, where A and B are plain decimals (see
    /// [`plain_seconds`]) with 0 <= A <= B <= [`MAX_DELAY`]. No spaces,
    /// signs, exponents or extra dots; every error quotes the text given.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bound = |p: &str| -> Result<f64, BadSeconds> {
            match plain_seconds(p) {
                Ok(v) if v <= MAX_DELAY => Ok(v),
                Ok(_) | Err(NotSeconds::Negative) => Err(BadSeconds::DelayOutOfRange(s.into())),
                Err(NotSeconds::Malformed) => Err(BadSeconds::NotADelay(s.into())),
            }
        };
        let (lo, hi) = match s.split_once("..") {
            Some((a, b)) => (bound(a)?, bound(b)?),
            None => {
                let v = bound(s)?;
                (v, v)
            }
        };
        if lo > hi {
            return Err(BadSeconds::EmptyDelay(s.into()));
        }
        Ok(DelayRange { lo, hi })
    }
}

/// Why a text is not a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSeconds {
    /// Not digits, optionally `.` and digits.
    Malformed,
    /// `-` then a plain decimal.
    Negative,
}

/// A plain decimal number of seconds: digits, optionally followed by `.`
/// and digits (`3`, `0.25`); nothing else (no sign, exponent, space, `inf`).
/// Too many digits give infinity, which every caller's range refuses.
pub fn plain_seconds(p: &str) -> Result<f64, NotSeconds> {
    fn plain(t: &str) -> bool {
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        match t.split_once('.') {
            Some((int, frac)) => digits(int) && digits(frac),
            None => digits(t),
        }
    }
    if plain(p) {
        p.parse().map_err(|_| NotSeconds::Malformed)
    } else if p.strip_prefix('-').is_some_and(plain) {
        Err(NotSeconds::Negative)
    } else {
        Err(NotSeconds::Malformed)
    }
}

/// A put/get timeout: plain decimal seconds from 0 (raise at once, as
/// Python's `timeout=0`) to [`MAX_TIMEOUT`]. Negative is refused: Python
/// treats it as 0, but here it is almost surely a typo.
pub fn parse_timeout(s: &str) -> Result<f64, BadSeconds> {
    match plain_seconds(s) {
        Ok(v) if v <= MAX_TIMEOUT => Ok(v),
        Ok(_) => Err(BadSeconds::TimeoutOutOfRange(s.into())),
        Err(NotSeconds::Negative) => Err(BadSeconds::NegativeTimeout(s.into())),
        Err(NotSeconds::Malformed) => Err(BadSeconds::NotSeconds(s.into())),
    }
}

/// The language ipcscope speaks in: every sentence it says exists in both
/// (`crate::text` holds one table per language). A display choice, like
/// `ascii`: it changes no process and no record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language a locale asks for: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty (POSIX's order);
    /// `zh*` (`zh_CN.UTF-8`, `zh_TW`, `zh`) is Chinese, anything else (or
    /// nothing set) English.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        let chosen = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty());
        match chosen {
            Some(v) if v.starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// Its name on the command line and in a recording: `en`, `zh`.
    pub fn name(self) -> &'static str {
        self.code()
    }

    /// `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(format!("'{s}' is not a language: en or zh")),
        }
    }
}

/// Interactive visualizer or printed transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Tui,
    Headless,
}

/// The queue lesson: writers put urls, readers get them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueConfig {
    pub writers: u32,
    pub readers: u32,
    /// Items per writer; 0 = unlimited.
    pub items: u64,
    pub delay: DelayRange,
    pub reader_delay: DelayRange,
    /// 0 = unbounded.
    pub maxsize: u32,
    /// Seconds a put waits for space before `queue.Full`; `Some(0.0)`
    /// raises at once; `None` waits forever.
    pub put_timeout: Option<f64>,
    /// Seconds a get waits for an item before `queue.Empty`, as above.
    pub get_timeout: Option<f64>,
    /// Writers put with `block=False` (`put_nowait`): `queue.Full` at once
    /// when full. Excludes `put_timeout`.
    pub put_nowait: bool,
    /// Readers get with `block=False` (`get_nowait`): `queue.Empty` at once
    /// when empty. Excludes `get_timeout`.
    pub get_nowait: bool,
    /// What a writer does after `queue.Full` (a recording made before it
    /// existed reads as retry, which was then the only choice).
    #[serde(default)]
    pub on_full: Then,
    /// What a reader does after `queue.Empty`, as above.
    #[serde(default)]
    pub on_empty: Then,
    /// Python's feeder (`--python-feeder`): a writer's `put` appends to
    /// its own buffer and returns; a thread of the writer flushes the
    /// buffer into the pipe, and a writer with unflushed items waits for
    /// the flush before it exits. The queue then stands for Python's pipe,
    /// and `maxsize` is how many items the pipe holds (Python's holds
    /// 64 KiB); the writers' own `put` never waits (`Queue()`).
    #[serde(default)]
    pub feeder: bool,
    /// With no reader process (`readers` 0) and a count of items, the
    /// parent reads them itself; `drain_first`: it gets them all before
    /// joining the writers (the fix), else after (Python's guideline's
    /// "joining processes that use queues").
    #[serde(default)]
    pub drain_first: bool,
}

impl QueueConfig {
    /// Items each writer puts in the lesson (url_1..url_3, url_4..url_6).
    pub const LESSON_ITEMS: u64 = 3;

    pub fn defaults(mode: Mode) -> QueueConfig {
        QueueConfig {
            writers: 2,
            readers: 1,
            items: match mode {
                Mode::Headless => Self::LESSON_ITEMS,
                Mode::Tui => 0,
            },
            delay: DelayRange::LESSON,
            reader_delay: DelayRange::ZERO,
            maxsize: 0,
            put_timeout: None,
            get_timeout: None,
            put_nowait: false,
            get_nowait: false,
            on_full: Then::Retry,
            on_empty: Then::Retry,
            feeder: false,
            drain_first: false,
        }
    }

    /// How many items the pipe holds in feeder mode unless told.
    pub const PIPE_HOLDS: u32 = 8;

    /// Whether the parent reads the queue itself: there is no reader
    /// process and the writers put a known number of items.
    pub fn parent_reads(&self) -> bool {
        self.readers == 0 && self.items > 0
    }

    /// How the writers put: Python's `block` and `timeout`, and what they
    /// do after `queue.Full`.
    pub fn put_policy(&self) -> Policy {
        Policy {
            wait: Wait::of(self.put_nowait, self.put_timeout),
            then: self.on_full,
        }
    }

    /// How the readers get, and what they do after `queue.Empty`.
    pub fn get_policy(&self) -> Policy {
        Policy {
            wait: Wait::of(self.get_nowait, self.get_timeout),
            then: self.on_empty,
        }
    }

    /// The policy of `role`'s calls (writers put, readers get; `None` for
    /// the other roles).
    pub fn policy(&self, role: super::event::Role) -> Option<Policy> {
        match role {
            super::event::Role::Writer => Some(self.put_policy()),
            super::event::Role::Reader => Some(self.get_policy()),
            _ => None,
        }
    }

    /// Sets `role`'s policy (writers' puts, readers' gets): what a restart
    /// keeps of a live change.
    pub fn set_policy(&mut self, role: super::event::Role, p: Policy) {
        let (nowait, timeout) = p.wait.as_options();
        match role {
            super::event::Role::Writer => {
                (self.put_nowait, self.put_timeout, self.on_full) = (nowait, timeout, p.then);
            }
            super::event::Role::Reader => {
                (self.get_nowait, self.get_timeout, self.on_empty) = (nowait, timeout, p.then);
            }
            _ => {}
        }
    }
}

/// How a put or a get waits when it cannot be done at once: Python's
/// `block` and `timeout` arguments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wait {
    /// `block=True, timeout=None` (the default): waits as long as it takes.
    Block,
    /// `timeout=S`: waits at most S seconds, then raises `queue.Full` (or
    /// `queue.Empty`); 0 raises at once.
    Timeout(f64),
    /// `block=False` (`put_nowait`, `get_nowait`): raises at once, never
    /// waits (a timeout is ignored).
    Nowait,
}

impl Wait {
    /// From a configuration's `nowait` flag and timeout.
    pub fn of(nowait: bool, timeout: Option<f64>) -> Wait {
        match (nowait, timeout) {
            (true, _) => Wait::Nowait,
            (false, Some(s)) => Wait::Timeout(s),
            (false, None) => Wait::Block,
        }
    }

    /// Back to a configuration's `nowait` flag and timeout.
    pub fn as_options(self) -> (bool, Option<f64>) {
        match self {
            Wait::Block => (false, None),
            Wait::Timeout(s) => (false, Some(s)),
            Wait::Nowait => (true, None),
        }
    }

    /// Seconds the call may wait before it raises (`None`: forever; 0: it
    /// raises at once).
    pub fn limit(self) -> Option<f64> {
        match self {
            Wait::Block => None,
            Wait::Timeout(s) => Some(s.max(0.0)),
            Wait::Nowait => Some(0.0),
        }
    }

    /// Whether the call raises at once instead of waiting (`block=False`,
    /// or a timeout of 0, as Python does).
    pub fn at_once(self) -> bool {
        self.limit() == Some(0.0)
    }

    /// The next choice of the live key: block, a timeout of `secs`, a
    /// timeout of 0, `block=False`, and block again.
    pub fn next(self, secs: f64) -> Wait {
        match self {
            Wait::Block => Wait::Timeout(secs),
            Wait::Timeout(s) if s > 0.0 => Wait::Timeout(0.0),
            Wait::Timeout(_) => Wait::Nowait,
            Wait::Nowait => Wait::Block,
        }
    }
}

impl fmt::Display for Wait {
    /// As a lesson's action writes it: `block`, `timeout 0.5`, `nowait`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::Block => f.write_str("block"),
            Wait::Timeout(s) => write!(f, "timeout {}", s + 0.0),
            Wait::Nowait => f.write_str("nowait"),
        }
    }
}

impl std::str::FromStr for Wait {
    /// Not a wait (the caller says so in words).
    type Err = ();
    /// `block`, `nowait`, or `timeout S` with S plain decimal seconds
    /// from 0 to [`MAX_TIMEOUT`].
    fn from_str(s: &str) -> Result<Wait, ()> {
        match s.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["block"] => Ok(Wait::Block),
            ["nowait"] => Ok(Wait::Nowait),
            ["timeout", t] => parse_timeout(t).map(Wait::Timeout).map_err(drop),
            _ => Err(()),
        }
    }
}

/// Seconds a process waits before it tries again after a call that
/// raised at once (`block=False` or a timeout of 0), as a program sleeps
/// before retrying rather than spin (scaled live like a delay).
pub const RETRY_PAUSE: f64 = 0.5;

/// What a process does after its put raised `queue.Full` (its get
/// `queue.Empty`): the `except` clause of its program.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Then {
    /// Tries again: a writer the same item, a reader another get.
    #[default]
    Retry,
    /// Gives up: a writer drops the item and goes on with its next one
    /// (`except queue.Full: continue`); a reader stops reading and ends
    /// (`except queue.Empty: break`).
    GiveUp,
}

impl Then {
    pub fn other(self) -> Then {
        match self {
            Then::Retry => Then::GiveUp,
            Then::GiveUp => Then::Retry,
        }
    }

    /// Its name on the command line and in a lesson file.
    pub fn name(self) -> &'static str {
        match self {
            Then::Retry => "retry",
            Then::GiveUp => "give_up",
        }
    }
}

impl std::str::FromStr for Then {
    /// Not a choice (the caller says so in words).
    type Err = ();
    fn from_str(s: &str) -> Result<Then, ()> {
        match s {
            "retry" => Ok(Then::Retry),
            "give_up" | "give-up" => Ok(Then::GiveUp),
            _ => Err(()),
        }
    }
}

/// One role's calls: how they wait, and what the process does when they
/// raise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub wait: Wait,
    pub then: Then,
}

/// The pipe lesson: a sender, a receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipeConfig {
    pub messages: u32,
    pub delay: DelayRange,
    pub reader_delay: DelayRange,
    pub duplex: bool,
    /// The parent keeps its copy of the send end (as the lesson's code does).
    pub forget_close: bool,
    /// Each child keeps copies of both ends, as a forked Python child
    /// does: the sender a copy of the receive end, the receiver a copy of
    /// the send end (a recording made before it existed reads as false).
    #[serde(default)]
    pub inherit: bool,
    /// With `inherit`: each child closes the end its role does not use, as
    /// the fix does.
    #[serde(default)]
    pub close_unused: bool,
    /// The receiver replies to each message through its own end (a duplex
    /// pipe); the sender waits for each reply.
    #[serde(default)]
    pub echo: bool,
    /// As `echo`, but the sender first calls recv too (it waits for a
    /// greeting): both ends wait in recv, a deadlock.
    #[serde(default)]
    pub both_recv: bool,
}

impl PipeConfig {
    pub fn defaults(_mode: Mode) -> PipeConfig {
        PipeConfig {
            messages: 10,
            delay: DelayRange::LESSON,
            reader_delay: DelayRange::LESSON,
            duplex: true,
            forget_close: false,
            inherit: false,
            close_unused: false,
            echo: false,
            both_recv: false,
        }
    }

    /// Whether the receiver replies to each message (`echo`, and
    /// `both_recv`, which is the echo pair with the sender receiving first).
    pub fn replies(&self) -> bool {
        self.echo || self.both_recv
    }
}

/// Shared Value: processes incrementing one counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterConfig {
    pub procs: u32,
    pub increments: u64,
    /// The lock at the start (`l` switches it live).
    pub lock: bool,
    /// The pause after each step of `v.value += 1` (taking the lock,
    /// reading, adding, writing), so the race can be watched, each step
    /// reported; `None`: full speed (no pause, steps not reported one by
    /// one). A recording made before steps existed reads as full speed.
    #[serde(default)]
    pub step_delay: Option<DelayRange>,
    /// 0: a `Value`; N: an `Array` of N cells, counter k on cell
    /// (k - 1) mod N.
    #[serde(default)]
    pub array: u32,
}

impl CounterConfig {
    /// The visualizer's pause after each step: a few increments a second
    /// per process.
    pub const STEP_DELAY: DelayRange = DelayRange { lo: 0.05, hi: 0.15 };

    /// Headless runs at full speed, as before steps existed (its figures
    /// are the lesson's 100,000 increments); the visualizer at a pace a
    /// class can follow.
    pub fn defaults(mode: Mode) -> CounterConfig {
        CounterConfig {
            procs: 4,
            increments: 100_000,
            lock: false,
            step_delay: match mode {
                Mode::Headless => None,
                Mode::Tui => Some(Self::STEP_DELAY),
            },
            array: 0,
        }
    }

    /// The cells of the shared memory (a Value is one).
    pub fn cells(&self) -> u32 {
        self.array.max(1)
    }

    /// The cell counter `k` (from 1) increments.
    pub fn cell_of(&self, k: u32) -> u32 {
        k.saturating_sub(1) % self.cells()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    Queue(QueueConfig),
    Pipe(PipeConfig),
    Counter(CounterConfig),
    /// Someone's Python program, watched (`ipcscope run`).
    Program(super::program::ProgramConfig),
}

impl Scenario {
    pub fn name(&self) -> &'static str {
        match self {
            Scenario::Queue(_) => "queue",
            Scenario::Pipe(_) => "pipe",
            Scenario::Counter(_) => "counter",
            Scenario::Program(_) => "program",
        }
    }
}

/// Everything a run needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub scenario: Scenario,
    /// Same seed, same delays.
    pub seed: u64,
    pub mode: Mode,
    /// Write every event to this file, one JSON object per line (opened
    /// with [`crate::outfile::create`]; an existing file is overwritten).
    pub trace: Option<PathBuf>,
    /// Record every record of the run's stream to this file, for
    /// `ipcscope replay` (opened like `trace`).
    pub record: Option<PathBuf>,
    /// Draw without box-drawing or other Unicode glyphs.
    pub ascii: bool,
    /// The language of every sentence (a recording made before languages
    /// existed reads as English).
    #[serde(default)]
    pub lang: Lang,
    /// The projector's layout (`--classroom`): a display option, like
    /// `ascii`; a headless run ignores it (a recording made before it
    /// existed reads as false).
    #[serde(default)]
    pub classroom: bool,
}

impl RunConfig {
    /// A run of `scenario` in `mode` with `seed`: no trace, no record, the
    /// default language, drawn with Unicode, not for the classroom.
    pub fn new(scenario: Scenario, mode: Mode, seed: u64) -> RunConfig {
        RunConfig {
            scenario,
            seed,
            mode,
            trace: None,
            record: None,
            ascii: false,
            lang: Lang::default(),
            classroom: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_range_parses_ranges_and_single_values() {
        assert_eq!("0..1".parse::<DelayRange>().unwrap(), DelayRange::LESSON);
        assert_eq!("0.5".parse::<DelayRange>().unwrap(), DelayRange::fixed(0.5));
        assert_eq!(
            "0.25..0.75".parse::<DelayRange>().unwrap(),
            DelayRange { lo: 0.25, hi: 0.75 }
        );
    }

    #[test]
    fn delay_range_rejects_bad_input_with_a_reason() {
        for bad in ["", "x", "1..0", "-1..2", "0..nan", "0..inf", "0..5000"] {
            let e = bad.parse::<DelayRange>().unwrap_err().to_string();
            assert!(e.contains(&format!("'{bad}'")), "{bad}: {e}");
        }
        let e = "1..0".parse::<DelayRange>().unwrap_err();
        assert_eq!(e, BadSeconds::EmptyDelay("1..0".into()));
        assert!(e.to_string().contains("empty"));
    }

    #[test]
    fn delay_range_rejects_anything_but_plain_a_dot_dot_b_naming_the_text() {
        for bad in [
            "1...2", "1..", "..2", "1..2..3", " 1..2", "1..2 ", "1 ..2", "+1..2", "1e400..2",
            "1e3", ".5", "1.", "1.5.2", "0x10", "1,5", "..", "1....2", "١..٢",
        ] {
            let e = bad.parse::<DelayRange>().unwrap_err().to_string();
            assert!(
                e.contains(&format!("'{bad}' is not a delay")),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn delay_range_negative_or_too_long_is_out_of_range() {
        let huge = "9".repeat(400);
        for bad in ["-1..2", "0..-1", "-0", "0..3600.5", huge.as_str()] {
            let e = bad.parse::<DelayRange>().unwrap_err().to_string();
            assert!(e.contains("out of range"), "{bad}: {e}");
        }
        assert_eq!(
            "3600".parse::<DelayRange>().unwrap(),
            DelayRange::fixed(3600.0)
        );
    }

    #[test]
    fn delay_range_prints_as_written_in_shortest_form() {
        for text in [
            "0..1",
            "0.5..1",
            "0.25..0.75",
            "0.1..0.2",
            "0..0",
            "3600..3600",
        ] {
            let d: DelayRange = text.parse().unwrap();
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(
            "0.50..1.0".parse::<DelayRange>().unwrap().to_string(),
            "0.5..1"
        );
        assert_eq!("2".parse::<DelayRange>().unwrap().to_string(), "2..2");
        assert_eq!(DelayRange::fixed(-0.0).to_string(), "0..0");
    }

    /// The supervisor passes `to_string()` to children, which parse it.
    #[test]
    fn delay_range_round_trips_through_its_text() {
        let mut values = vec![0.0, 1e-9, 1e-300, 0.1 + 0.2, 1.0 / 3.0, MAX_DELAY];
        values.extend((0..2000).map(|i| i as f64 * 0.0137));
        values.extend((1..60).map(|i| 1.5f64.powi(-i)));
        for &lo in &values {
            for hi in [lo, (lo * 1.5).min(MAX_DELAY), MAX_DELAY] {
                let d = DelayRange { lo, hi };
                let back: DelayRange = d
                    .to_string()
                    .parse()
                    .unwrap_or_else(|e| panic!("{d:?}: {e}"));
                assert_eq!(back, d, "{}", d);
            }
        }
    }

    #[test]
    fn timeout_accepts_zero_to_an_hour() {
        assert_eq!(parse_timeout("0"), Ok(0.0));
        assert_eq!(parse_timeout("0.0"), Ok(0.0));
        assert_eq!(parse_timeout("0.25"), Ok(0.25));
        assert_eq!(parse_timeout("3600"), Ok(MAX_TIMEOUT));
    }

    #[test]
    fn timeout_rejects_negative_too_long_and_malformed_with_a_reason() {
        let e = |s: &str| parse_timeout(s).unwrap_err().to_string();
        assert!(e("-1").contains("'-1' is negative"));
        assert!(e("-0").contains("negative"));
        assert!(e("3600.5").contains("'3600.5' is out of range"));
        for bad in ["", "x", "nan", "inf", "1e3", " 1", "+1", ".5", "1..2"] {
            let e = e(bad);
            assert!(
                e.contains(&format!("'{bad}' is not a number of seconds")),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn lang_from_locale_takes_the_first_set_variable_and_zh_means_chinese() {
        use Lang::{En, Zh};
        assert_eq!(Lang::from_locale(None, None, None), En);
        assert_eq!(Lang::from_locale(None, None, Some("zh_CN.UTF-8")), Zh);
        assert_eq!(Lang::from_locale(None, None, Some("C.UTF-8")), En);
        assert_eq!(Lang::from_locale(None, Some("zh_TW"), Some("en_US")), Zh);
        // LC_ALL wins over both; an empty one counts as unset.
        assert_eq!(
            Lang::from_locale(Some("en_US.UTF-8"), Some("zh_CN"), Some("zh_CN")),
            En
        );
        assert_eq!(Lang::from_locale(Some(""), None, Some("zh_CN.UTF-8")), Zh);
        assert_eq!(Lang::from_locale(Some("zh"), None, None), Zh);
        assert_eq!(Lang::from_locale(Some("POSIX"), None, Some("zh_CN")), En);
    }

    #[test]
    fn a_config_without_a_lang_reads_as_english() {
        let mut v = serde_json::to_value(RunConfig {
            scenario: Scenario::Pipe(PipeConfig::defaults(Mode::Tui)),
            seed: 1,
            mode: Mode::Tui,
            trace: None,
            record: None,
            ascii: false,
            lang: Lang::Zh,
            classroom: false,
        })
        .unwrap();
        assert_eq!(v["lang"], "zh");
        v.as_object_mut().unwrap().remove("lang");
        let back: RunConfig = serde_json::from_value(v).unwrap();
        assert_eq!(back.lang, Lang::En);
    }

    #[test]
    fn a_config_without_classroom_reads_as_the_plain_layout() {
        let mut v = serde_json::to_value(RunConfig {
            scenario: Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            seed: 1,
            mode: Mode::Tui,
            trace: None,
            record: None,
            ascii: false,
            lang: Lang::En,
            classroom: true,
        })
        .unwrap();
        assert_eq!(v["classroom"], true);
        v.as_object_mut().unwrap().remove("classroom");
        let back: RunConfig = serde_json::from_value(v).unwrap();
        assert!(!back.classroom);
    }

    #[test]
    fn headless_queue_default_is_the_lesson_and_tui_is_unlimited() {
        assert_eq!(QueueConfig::defaults(Mode::Headless).items, 3);
        assert_eq!(QueueConfig::defaults(Mode::Tui).items, 0);
        assert_eq!(QueueConfig::defaults(Mode::Tui).writers, 2);
    }
}
