//! Every sentence ipcscope says, in one place per subject (so a
//! translation is a table, not a hunt): the transcript in the lesson's
//! voice and the closing summary (`transcript`), notices and hints
//! (`notices`), and the screen's words (`screen`, `stage`). Text reads the
//! model and the stream; the model never reads text.

mod lesson;
mod notices;
mod screen;
mod stage;
mod transcript;

pub use lesson::*;
pub use notices::*;
pub use screen::*;
pub use stage::*;
pub use transcript::*;

use crate::config::{RunConfig, Scenario};

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
            }
            Scenario::Counter(c) => {
                cx.increments = c.increments;
                cx.counter_lock = c.lock;
            }
            Scenario::Pipe(_) => {}
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

/// A signal's name (`SIGTERM`), or its number.
pub fn signal_name(sig: i32) -> String {
    nix::sys::signal::Signal::try_from(sig)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {sig}"))
}

fn secs(t: Option<f64>) -> String {
    t.map_or("?".into(), |t| format!("{t}"))
}
