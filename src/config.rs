//! What a run is: the scenario and its settings, with one table of defaults
//! per scenario and mode. Built by the command line, read by the supervisor,
//! the headless printer and the visualizer.

use std::fmt;
use std::path::PathBuf;

/// A random delay range in seconds, `A..B` on the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelayRange {
    pub lo: f64,
    pub hi: f64,
}

/// Longest delay accepted, in seconds.
pub const MAX_DELAY: f64 = 3600.0;
/// Longest put/get timeout accepted, in seconds.
pub const MAX_TIMEOUT: f64 = 3600.0;

impl DelayRange {
    pub const ZERO: DelayRange = DelayRange { lo: 0.0, hi: 0.0 };
    pub const LESSON: DelayRange = DelayRange { lo: 0.0, hi: 1.0 };

    pub fn fixed(s: f64) -> DelayRange {
        DelayRange { lo: s, hi: s }
    }
}

impl fmt::Display for DelayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

impl std::str::FromStr for DelayRange {
    type Err = String;

    /// `A..B` (seconds, 0 <= A <= B <= 3600) or a single number `A`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = |p: &str| -> Result<f64, String> {
            let v: f64 = p
                .trim()
                .parse()
                .map_err(|_| format!("'{p}' is not a number of seconds"))?;
            if !v.is_finite() || !(0.0..=MAX_DELAY).contains(&v) {
                return Err(format!("{p} is out of range: 0 to {MAX_DELAY} seconds"));
            }
            Ok(v)
        };
        let (lo, hi) = match s.split_once("..") {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => {
                let v = parse(s)?;
                (v, v)
            }
        };
        if lo > hi {
            return Err(format!(
                "{lo}..{hi} is empty: the first bound must not exceed the second"
            ));
        }
        Ok(DelayRange { lo, hi })
    }
}

/// Interactive visualizer or printed transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Tui,
    Headless,
}

/// The queue lesson: writers put urls, readers get them.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueConfig {
    pub writers: u32,
    pub readers: u32,
    /// Items per writer; 0 = unlimited.
    pub items: u64,
    pub delay: DelayRange,
    pub reader_delay: DelayRange,
    /// 0 = unbounded.
    pub maxsize: u32,
    pub put_timeout: Option<f64>,
    pub get_timeout: Option<f64>,
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
        }
    }
}

/// The pipe lesson: a sender, a receiver.
#[derive(Debug, Clone, PartialEq)]
pub struct PipeConfig {
    pub messages: u32,
    pub delay: DelayRange,
    pub reader_delay: DelayRange,
    pub duplex: bool,
    /// The parent keeps its copy of the send end (as the lesson's code does).
    pub forget_close: bool,
}

impl PipeConfig {
    pub fn defaults(_mode: Mode) -> PipeConfig {
        PipeConfig {
            messages: 10,
            delay: DelayRange::LESSON,
            reader_delay: DelayRange::LESSON,
            duplex: true,
            forget_close: false,
        }
    }
}

/// Shared Value: processes incrementing one counter.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterConfig {
    pub procs: u32,
    pub increments: u64,
    pub lock: bool,
}

impl CounterConfig {
    pub fn defaults(_mode: Mode) -> CounterConfig {
        CounterConfig {
            procs: 4,
            increments: 100_000,
            lock: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scenario {
    Queue(QueueConfig),
    Pipe(PipeConfig),
    Counter(CounterConfig),
}

impl Scenario {
    pub fn name(&self) -> &'static str {
        match self {
            Scenario::Queue(_) => "queue",
            Scenario::Pipe(_) => "pipe",
            Scenario::Counter(_) => "counter",
        }
    }
}

/// Everything a run needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    pub scenario: Scenario,
    /// Same seed, same delays.
    pub seed: u64,
    pub mode: Mode,
    pub trace: Option<PathBuf>,
    /// Draw without box-drawing or other Unicode glyphs.
    pub ascii: bool,
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
            let e = bad.parse::<DelayRange>().unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
        assert!("1..0".parse::<DelayRange>().unwrap_err().contains("empty"));
    }

    #[test]
    fn headless_queue_default_is_the_lesson_and_tui_is_unlimited() {
        assert_eq!(QueueConfig::defaults(Mode::Headless).items, 3);
        assert_eq!(QueueConfig::defaults(Mode::Tui).items, 0);
        assert_eq!(QueueConfig::defaults(Mode::Tui).writers, 2);
    }
}
