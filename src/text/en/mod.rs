//! English: every sentence ipcscope says, one file per subject.

mod errors;
mod lesson;
mod lesson_file;
mod notices;
mod parent;
mod pipes;
mod race;
mod screen;
mod stage;
mod transcript;

/// The English table.
#[derive(Debug, Clone, Copy)]
pub struct En;
