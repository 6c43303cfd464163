//! Notices and hints, in English.

use super::En;
use crate::model::ScenarioKind;
use crate::text::words::NoticeWords;

impl NoticeWords for En {
    fn notice_killed(&self, name: &str, pid: i32) -> String {
        format!("{name} (Process {pid}) was killed by SIGKILL.")
    }

    fn notice_terminated(&self, name: &str, pid: i32, signal: &str) -> String {
        format!("{name} (Process {pid}) was terminated by {signal}.")
    }

    fn notice_exit_code(&self, name: &str, pid: i32, c: i32) -> String {
        format!("{name} (Process {pid}) exited with code {c}.")
    }

    fn notice_lost(&self, item: &str, who: &str, pid: i32) -> String {
        format!(
            "{item} was lost with {who} (Process {pid}): it died putting it; the queue goes on."
        )
    }

    fn notice_lock_repaired(&self, who: &str, pid: i32) -> String {
        format!("{who} (Process {pid}) died holding the queue lock; the next process repaired it.")
    }

    fn notice_timeout_after_resume(&self, name: &str, full: bool) -> String {
        let what = if full {
            "put raised queue.Full"
        } else {
            "get raised queue.Empty"
        };
        format!(
            "{name}'s {what} right after resuming: its timeout kept running while \
             the world was frozen, as Python's would under SIGSTOP."
        )
    }

    fn scenario_name(&self, kind: ScenarioKind) -> &'static str {
        match kind {
            ScenarioKind::Queue => "queue",
            ScenarioKind::Pipe => "pipe",
            ScenarioKind::Counter => "counter",
            ScenarioKind::Program => "program",
        }
    }

    fn hint_not_here(&self, key: &str, scenario: &str) -> String {
        format!("{key} does not apply to the {scenario} scenario.")
    }

    fn hint_nothing_to_remove(&self) -> String {
        "There is no process of that kind left to remove.".into()
    }

    fn hint_no_reader_to_remove(&self) -> String {
        "There is no reader left to remove.".into()
    }

    fn hint_select_living(&self) -> String {
        "Select a living process first (up/down or a click).".into()
    }

    fn hint_select_to_step(&self) -> String {
        "Select a living process (up/down) to let it step.".into()
    }

    fn hint_freeze_first(&self) -> String {
        "Freeze the world first (space), then step one process with '.'.".into()
    }

    fn hint_nothing_to_slow(&self, name: &str) -> String {
        format!(
            "{name} does not sleep between operations (its delay is 0): the scale has nothing to slow."
        )
    }

    fn hint_replay(&self) -> String {
        "This is a replay: what happened cannot be changed.".into()
    }

    fn hint_not_a_replay(&self) -> String {
        "Timeline keys work in a replay (ipcscope replay FILE).".into()
    }

    fn hint_not_a_lesson(&self) -> String {
        "Scene keys work in a lesson (ipcscope lesson NAME; ipcscope lesson --list).".into()
    }

    fn hint_lesson_keeps_scenario(&self) -> String {
        "A lesson keeps its scenario: 1/2/3 do not switch it.".into()
    }

    fn hint_no_program(&self) -> String {
        "No built-in program is this run (its Queue/Pipe arguments differ): see ipcscope lesson --list."
            .into()
    }
}
