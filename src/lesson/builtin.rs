//! The lessons built into the binary: `assets/lessons/NAME.toml` and the
//! program it names, listed here and nowhere else, in teaching order.
//!
//! A program is `NAME.py` except the queue lesson's, `queue_demo.py`: a
//! `queue.py` would hide Python's own `queue` module from every program in
//! its folder (multiprocessing imports it), so no program here may share a
//! name with a module of Python's standard library.

use super::{Checked, LessonError, Problem, parse};

/// A lesson file and its program, as compiled in.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    pub name: &'static str,
    pub toml: &'static str,
    /// The program's file name and text.
    pub program: (&'static str, &'static str),
}

macro_rules! builtin {
    ($($name:literal => $program:literal),* $(,)?) => {
        &[$(BuiltIn {
            name: $name,
            toml: include_str!(concat!("../../assets/lessons/", $name, ".toml")),
            program: ($program, include_str!(concat!("../../assets/lessons/", $program))),
        }),*]
    };
}

/// Every built-in lesson, in teaching order.
pub const BUILTIN: &[BuiltIn] = builtin![
    "queue" => "queue_demo.py",
    "maxsize" => "maxsize.py",
    "timeouts" => "timeouts.py",
    "pipe" => "pipe.py",
    "forgotten_close" => "forgotten_close.py",
    "inherited_ends" => "inherited_ends.py",
    "echo" => "echo.py",
    "both_recv" => "both_recv.py",
    "value" => "value.py",
    "race" => "race.py",
    "terminate" => "terminate.py",
    "join_before_drain" => "join_before_drain.py",
];

impl BuiltIn {
    /// Where the file is in the source tree, as errors name it.
    pub fn path(&self) -> String {
        format!("assets/lessons/{}.toml", self.name)
    }

    pub fn load(&self) -> Result<Checked, LessonError> {
        let (file, text) = self.program;
        let read = |name: &str| {
            if name == file {
                Ok(text.to_string())
            } else {
                Err(Problem::NotTheBuiltInProgram {
                    file: file.to_string(),
                    named: name.to_string(),
                })
            }
        };
        parse(self.name, &self.path(), self.toml, &read)
    }
}
