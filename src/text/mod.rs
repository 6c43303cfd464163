//! Every sentence ipcscope says, in one table per language ([`en`],
//! [`zh`]), both implementing [`Words`] (`words.rs`: one method per
//! sentence, grouped by subject). The modules beside them hold the logic
//! that picks a sentence and is the same in every language: the
//! transcript and the closing summary (`transcript`), notices and hints
//! (`notices`), the screen's and the stage's shared pieces (`screen`,
//! `stage`), and the Python programs' own prints, which no language
//! changes (`prints`).
//!
//! The language is a thread-local ([`set_lang`], [`lang`]): the visualizer
//! and the headless printer set it from the run's configuration when they
//! start, each test thread sets its own, and it is English until set.
//! Text reads the model and the stream; the model never reads text.

pub mod en;
mod errors;
mod lesson;
mod notices;
pub mod policy;
pub mod prints;
pub mod program;
mod race;
mod screen;
mod stage;
mod transcript;
pub mod words;
pub mod zh;

use std::cell::Cell;

pub use lesson::*;
pub use notices::*;
pub use race::*;
pub use screen::*;
pub use stage::*;
pub use transcript::*;
pub use words::{
    AttachWords, CliWords, ErrorWords, KeyTable, LessonWords, NoticeWords, PolicyWords,
    ProcessHeadings, RaceWords, ScreenWords, StageWords, TranscriptWords, WaitWords, Words,
};

pub use crate::config::Lang;
use crate::config::{RunConfig, Scenario};

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Speaks `lang` from now on, on this thread.
pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
}

/// The language this thread speaks (English until [`set_lang`]).
pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// The current language's table.
pub fn words() -> &'static dyn Words {
    table(lang())
}

/// A language's table.
pub fn table(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::En,
        Lang::Zh => &zh::Zh,
    }
}

/// The current language's command-line words.
pub fn cli_words() -> &'static dyn CliWords {
    cli_table(lang())
}

/// A language's command-line words (a table of its own beside [`Words`],
/// which the rest of ipcscope speaks).
pub fn cli_table(lang: Lang) -> &'static dyn CliWords {
    match lang {
        Lang::En => &en::En,
        Lang::Zh => &zh::Zh,
    }
}

/// Runs `f` speaking `lang`, then speaks what this thread spoke before.
pub fn with_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    struct Restore(Lang);
    impl Drop for Restore {
        fn drop(&mut self) {
            set_lang(self.0);
        }
    }
    let _restore = Restore(self::lang());
    set_lang(lang);
    f()
}

/// What a line may need to know about the run's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Queue maxsize (0: unbounded).
    pub maxsize: u32,
    /// The queue's physical ring (the limit of an unbounded queue).
    pub capacity: u32,
    pub put_timeout: Option<f64>,
    pub get_timeout: Option<f64>,
    /// Increments each counter makes.
    pub increments: u64,
    pub counter_lock: bool,
    /// A watched Python program: its own output is printed as it is, and
    /// ipcscope's lines about it are told apart (`text::program`).
    pub program: bool,
    /// An Array's cells (0: a Value).
    pub array: u32,
    /// Python's feeder thread (`--python-feeder`): a writer's put goes to
    /// its buffer first, then into the pipe.
    pub feeder: bool,
}

impl Context {
    /// What the words need to know about a run's settings.
    pub fn for_run(cfg: &RunConfig) -> Context {
        let mut cx = Context {
            capacity: crate::ipc::queue::DEFAULT_CAPACITY as u32,
            ..Context::default()
        };
        match &cfg.scenario {
            Scenario::Queue(q) => {
                cx.maxsize = q.maxsize;
                cx.put_timeout = q.put_timeout;
                cx.get_timeout = q.get_timeout;
                cx.feeder = q.feeder;
            }
            Scenario::Counter(c) => {
                cx.increments = c.increments;
                cx.counter_lock = c.lock;
                cx.array = c.array;
            }
            Scenario::Pipe(_) => {}
            Scenario::Program(_) => cx.program = true,
        }
        cx
    }
}

impl Context {
    /// The same settings with the queue's maxsize in force (it may be
    /// changed live).
    pub fn with_maxsize(self, maxsize: u32) -> Context {
        Context { maxsize, ..self }
    }
}

/// A signal's name (`SIGTERM`), or its number: the same in every language.
pub fn signal_name(sig: i32) -> String {
    nix::sys::signal::Signal::try_from(sig)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {sig}"))
}

#[cfg(test)]
mod tests;
