//! Lesson files: loading `NAME.toml` and the Python program it names into a
//! [`crate::stream::lesson::Lesson`], from the lessons built into the
//! binary or from a teacher's folder (`--lessons DIR`). Every problem is
//! a [`LessonError`] naming the file, the line and the column, in words a
//! teacher can act on, in the language the thread speaks (a [`Problem`],
//! said by `crate::text`).
//!
//! The format (documented in the README, "Lesson files"):
//!
//! ```toml
//! title = { en = "Queue: two writers, one reader", zh = "队列：两个写进程，一个读进程" }
//! program = "queue_demo.py"       # beside this file
//!
//! [scenario.queue]                # or [scenario.pipe], [scenario.counter]
//! items = 3                       # the command line's options; the rest take defaults
//!
//! [lines]                         # where each role's operations are in the program
//! writer = { start = 20, put = 23, sleep = 24 }
//!
//! [[scenes]]
//! caption = { en = "...", zh = "..." }
//! setup = ["maxsize 2"]           # actions applied when the scene starts
//!
//! [scenes.question]               # optional
//! prompt = { en = "...", zh = "..." }
//! choices = [{ en = "...", zh = "..." }, { en = "...", zh = "..." }]   # 2 to 4
//! answer = 2                      # counting from 1
//! reveal = "writer blocks in put" # a condition on the run (stream::lesson::Reveal)
//! ```

mod builtin;
mod file;
pub mod menu;
mod print;
mod problem;
mod shape;

use std::path::{Path, PathBuf};

use crate::stream::lesson::Lesson;

pub use builtin::{BUILTIN, BuiltIn};
pub use print::{check, handout_scene, handout_title, list, listing};
pub use problem::{Bound, Found, Never, Problem, Syntax, Want, roles_of};

/// A problem with a lesson file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", place(*.at))]
pub struct LessonError {
    /// The lesson file (or program, or folder) as the user named it.
    pub file: String,
    /// Line and column, from 1 (columns count characters); `None` when the
    /// file itself cannot be read.
    pub at: Option<(usize, usize)>,
    /// What is wrong, in the language the thread spoke when it was found.
    pub message: String,
}

fn place(at: Option<(usize, usize)>) -> String {
    at.map_or(String::new(), |(l, c)| format!(":{l}:{c}"))
}

impl LessonError {
    fn whole(file: impl Into<String>, problem: Problem) -> LessonError {
        LessonError {
            file: file.into(),
            at: None,
            message: problem.message(),
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() + 1)
}

/// A lesson checked and resolved, with what looked wrong but does not stop
/// it (a mapped line that lacks its operation's call), each `file:line:col:
/// message` in the language the thread speaks.
#[derive(Debug, Clone)]
pub struct Checked {
    pub lesson: Lesson,
    pub warnings: Vec<String>,
}

/// Parses the lesson `name` from the text of its file (`file` is how errors
/// name it); `read_program` reads the program the lesson names, or says why
/// it cannot.
pub fn parse(
    name: &str,
    file: &str,
    text: &str,
    read_program: &dyn Fn(&str) -> Result<String, Problem>,
) -> Result<Checked, LessonError> {
    let located = |l: file::Located| {
        let at = line_column(text, l.span.start);
        (at, l.problem.message())
    };
    match file::resolve(text, read_program) {
        Ok(r) => Ok(Checked {
            warnings: r
                .warnings
                .into_iter()
                .map(|w| {
                    let ((l, c), m) = located(w);
                    format!("{file}:{l}:{c}: {m}")
                })
                .collect(),
            lesson: Lesson {
                name: name.to_string(),
                title: r.title,
                program_file: r.program_file,
                program: r.program,
                scenario: r.scenario,
                lines: r.lines,
                scenes: r.scenes,
            },
        }),
        Err(l) => {
            let (at, message) = located(l);
            Err(LessonError {
                file: file.to_string(),
                at: Some(at),
                message,
            })
        }
    }
}

/// Loads one lesson file; its program is read from beside it. The
/// lesson's name is the file's name without `.toml`.
pub fn load_file(path: &Path) -> Result<Checked, LessonError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LessonError::whole(&shown, Problem::CannotReadLesson(e.to_string())))?;
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let read = move |program: &str| -> Result<String, Problem> {
        let p = dir.join(program);
        std::fs::read_to_string(&p).map_err(|e| Problem::CannotReadProgram {
            path: p.display().to_string(),
            why: e.to_string(),
        })
    };
    parse(&name, &shown, &text, &read)
}

/// Where lessons come from: the ones built into ipcscope, or a teacher's
/// folder of `NAME.toml` files, each with the `.py` it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Library {
    BuiltIn,
    Dir(PathBuf),
}

impl Library {
    /// The lessons' names, sorted as they are listed: the built-in ones in
    /// teaching order, a folder's alphabetically.
    pub fn names(&self) -> Result<Vec<String>, LessonError> {
        match self {
            Library::BuiltIn => Ok(BUILTIN.iter().map(|b| b.name.to_string()).collect()),
            Library::Dir(dir) => {
                let shown = dir.display().to_string();
                let entries = std::fs::read_dir(dir).map_err(|e| {
                    LessonError::whole(&shown, Problem::CannotReadFolder(e.to_string()))
                })?;
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                    .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                    .collect();
                names.sort();
                Ok(names)
            }
        }
    }

    /// The lesson `name`, or `None` when there is no such lesson.
    pub fn find(&self, name: &str) -> Result<Option<Checked>, LessonError> {
        match self {
            Library::BuiltIn => BUILTIN
                .iter()
                .find(|b| b.name == name)
                .map(|b| b.load())
                .transpose(),
            Library::Dir(dir) => {
                if !self.names()?.iter().any(|n| n == name) {
                    return Ok(None);
                }
                load_file(&dir.join(format!("{name}.toml"))).map(Some)
            }
        }
    }

    /// Every lesson, in [`names`](Self::names) order; the first broken one
    /// is the error.
    pub fn load_all(&self) -> Result<Vec<Lesson>, LessonError> {
        let mut out = Vec::new();
        for name in self.names()? {
            if let Some(c) = self.find(&name)? {
                out.push(c.lesson);
            }
        }
        Ok(out)
    }

    /// How errors and listings name this library, in the current language.
    pub fn describe(&self) -> String {
        let dir = match self {
            Library::BuiltIn => None,
            Library::Dir(d) => Some(d.as_path()),
        };
        crate::text::cli_words().lesson_library(dir)
    }
}

/// The built-in lessons' programs, each with the scenario it is: what the
/// program panel may show for a plain run that makes the same calls.
pub fn programs() -> Vec<(crate::stream::run::Scenario, crate::model::code::Program)> {
    BUILTIN
        .iter()
        .filter_map(|b| b.load().ok())
        .map(|c| {
            let p = crate::model::code::Program::of(&c.lesson);
            (c.lesson.scenario, p)
        })
        .collect()
}

#[cfg(test)]
mod tests;
