//! English: every sentence ipcscope says, one file per subject.

mod attach;
mod cli;
mod errors;
mod feeder;
mod lesson;
mod lesson_file;
mod notices;
mod parent;
mod pipes;
mod policy;
mod race;
mod screen;
mod stage;
mod transcript;
mod waits;

/// The English table.
#[derive(Debug, Clone, Copy)]
pub struct En;
