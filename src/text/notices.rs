//! Notices (consequences the screen shows for a while) and hints (short
//! answers to a key), in words.

use super::{note_text, signal_name};
use crate::model::Hint;
use crate::model::notice::Notice;
use crate::stream::{Ended, SIGKILL};

/// A notice in words.
pub fn notice(n: &Notice) -> String {
    match n {
        Notice::Ended { name, pid, ended } => match ended {
            Ended::Signal(s) if *s == SIGKILL => {
                format!("{name} (Process {pid}) was killed by SIGKILL.")
            }
            Ended::Signal(s) => format!(
                "{name} (Process {pid}) was terminated by {}.",
                signal_name(*s)
            ),
            Ended::Code(c) => format!("{name} (Process {pid}) exited with code {c}."),
        },
        Notice::Lost { item, who, pid } => format!(
            "{item} was lost with {who} (Process {pid}): it died putting it; the queue goes on."
        ),
        Notice::LockRepaired { who, pid } => format!(
            "{who} (Process {pid}) died holding the queue lock; the next process repaired it."
        ),
        Notice::TimeoutAfterResume { name, full } => {
            let what = if *full {
                "put raised queue.Full"
            } else {
                "get raised queue.Empty"
            };
            format!(
                "{name}'s {what} right after resuming: its timeout kept running while \
                 the world was frozen, as Python's would under SIGSTOP."
            )
        }
        Notice::Note(note) => note_text(note),
    }
}

/// A hint in words.
pub fn hint(h: &Hint) -> String {
    match h {
        Hint::NotHere { key, scenario } => {
            format!("{key} does not apply to the {scenario} scenario.")
        }
        Hint::NothingToRemove => "There is no process of that kind left to remove.".into(),
        Hint::NoReaderToRemove => "There is no reader left to remove.".into(),
        Hint::SelectLiving => "Select a living process first (up/down or a click).".into(),
        Hint::SelectToStep => "Select a living process (up/down) to let it step.".into(),
        Hint::FreezeFirst => {
            "Freeze the world first (space), then step one process with '.'.".into()
        }
        Hint::NothingToSlow { name } => format!(
            "{name} does not sleep between operations (its delay is 0): the scale has nothing to slow."
        ),
        Hint::Replay => "This is a replay: what happened cannot be changed.".into(),
        Hint::NotAReplay => "Timeline keys work in a replay (ipcscope replay FILE).".into(),
        Hint::Failed { what } => format!("Could not do that: {what}"),
        Hint::Problem { what } => what.clone(),
        Hint::NotALesson => {
            "Scene keys work in a lesson (ipcscope lesson NAME; ipcscope lesson --list).".into()
        }
        Hint::LessonKeepsScenario => "A lesson keeps its scenario: 1/2/3 do not switch it.".into(),
    }
}
