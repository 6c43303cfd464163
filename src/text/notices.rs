//! Notices (consequences the screen shows for a while) and hints (short
//! answers to a key): which sentence each one is.

use super::{note_text, signal_name, words};
use crate::model::notice::Notice;
use crate::model::{Hint, ScenarioKind};
use crate::stream::{Ended, SIGKILL};

/// A notice in words.
pub fn notice(n: &Notice) -> String {
    let t = words();
    match n {
        Notice::Ended { name, pid, ended } => match ended {
            Ended::Signal(s) if *s == SIGKILL => t.notice_killed(name, *pid),
            Ended::Signal(s) => t.notice_terminated(name, *pid, &signal_name(*s)),
            Ended::Code(c) => t.notice_exit_code(name, *pid, *c),
        },
        Notice::Lost { item, who, pid } => t.notice_lost(item, who, *pid),
        Notice::LockRepaired { who, pid } => t.notice_lock_repaired(who, *pid),
        Notice::ValueLockRecovered { by, who, pid } => t.notice_value_lock_recovered(by, who, *pid),
        Notice::TimeoutAfterResume { name, full } => t.notice_timeout_after_resume(name, *full),
        Notice::Note(note) => note_text(note),
        Notice::WrongWay { name, call, error } => t.notice_wrong_way(name, *call, error),
        Notice::Overwrote {
            by,
            victims,
            lost,
            value,
            old,
        } => super::overwrote_notice(by, victims, *lost, *value, *old),
    }
}

/// A hint in words.
pub fn hint(h: &Hint) -> String {
    let t = words();
    match h {
        Hint::NotHere {
            key,
            scenario: ScenarioKind::Program,
        } => t.prog_key_not_here(key),
        Hint::NotHere { key, scenario } => t.hint_not_here(key, t.scenario_name(*scenario)),
        Hint::NothingToRemove => t.hint_nothing_to_remove(),
        Hint::NoReaderToRemove => t.hint_no_reader_to_remove(),
        Hint::SelectLiving => t.hint_select_living(),
        Hint::SelectToStep => t.hint_select_to_step(),
        Hint::FreezeFirst => t.hint_freeze_first(),
        Hint::NothingToSlow { name } => t.hint_nothing_to_slow(name),
        Hint::Replay => t.hint_replay(),
        Hint::NotAReplay => t.hint_not_a_replay(),
        Hint::Failed { what } => t.could_not_do(what),
        Hint::Problem { what } => what.clone(),
        Hint::NotALesson => t.hint_not_a_lesson(),
        Hint::LessonKeepsScenario => t.hint_lesson_keeps_scenario(),
        Hint::NoProgram => t.hint_no_program(),
        Hint::NothingToClose { holders } => {
            let holders = if holders.is_empty() {
                None
            } else {
                let named: Vec<String> = holders
                    .iter()
                    .map(|(name, pid)| {
                        let name = name.as_deref().unwrap_or_else(|| t.parent_holder());
                        format!("{name} {pid}")
                    })
                    .collect();
                Some(named.join(", "))
            };
            t.hint_nothing_to_close(holders.as_deref())
        }
        Hint::NoWrongWay => t.hint_no_wrong_way(),
        Hint::WrongWayLater { name } => t.hint_wrong_way_later(name),
        Hint::SelectWriterOrReader => t.hint_select_writer_or_reader().into(),
        Hint::PolicyNextCall { name } => t.hint_policy_next_call(name),
    }
}
