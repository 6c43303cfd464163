//! Notices: consequences the screen shows for a while (a process killed,
//! an item lost, a lock repaired, a timeout explained). Structured facts;
//! the text module puts them into words in the chosen language.

use super::world::World;
use crate::stream::{Ended, Event, Kind, Note, PipeCall, SIGKILL};

/// A consequence worth telling the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A process ended by a signal.
    Ended {
        name: String,
        pid: i32,
        ended: Ended,
    },
    /// An item was being put by a process that died: it never entered the queue.
    Lost { item: String, who: String, pid: i32 },
    /// A process died holding the queue lock; the next one repaired it.
    LockRepaired { who: String, pid: i32 },
    /// A counter took the Value's lock a dead process held.
    ValueLockRecovered { by: String, who: String, pid: i32 },
    /// A timeout fired right after resuming: its clock ran while frozen.
    TimeoutAfterResume { name: String, full: bool },
    /// A note from the supervisor.
    Note(Note),
    /// A process tried the wrong direction on its one-way pipe end and
    /// Python's error was raised.
    WrongWay {
        name: String,
        call: PipeCall,
        error: String,
    },
    /// A counter's write replaced updates made after it read (`lost` > 0),
    /// or an older value (`lost` < 0: the value goes up by more than one).
    Overwrote {
        by: String,
        /// Whose updates it replaced, in order.
        victims: Vec<String>,
        lost: i64,
        value: i64,
        old: i64,
    },
}

impl Notice {
    /// The notice an event brings, if any. `resumed_at_ns`: when the world
    /// was last resumed.
    pub fn of_event(ev: &Event, w: &World, resumed_at_ns: Option<u64>) -> Option<Notice> {
        let name = || {
            w.proc(ev.child)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| format!("child {}", ev.child))
        };
        match &ev.kind {
            Kind::Exit {
                ended: ended @ Ended::Signal(_),
            } => Some(Notice::Ended {
                name: name(),
                pid: ev.pid,
                ended: *ended,
            }),
            Kind::Recovered {
                dead,
                lost: Some(item),
                ..
            } => Some(Notice::Lost {
                item: item.clone(),
                who: w.name_of(*dead),
                pid: *dead,
            }),
            Kind::Recovered {
                dead,
                held_lock: true,
                lost: None,
                ..
            } => Some(Notice::LockRepaired {
                who: w.name_of(*dead),
                pid: *dead,
            }),
            Kind::LockRecovered { dead } => Some(Notice::ValueLockRecovered {
                by: name(),
                who: w.name_of(*dead),
                pid: *dead,
            }),
            // A call that raised at once (block=False, timeout=0) had no
            // timeout to run while frozen.
            Kind::PutFull { wait, .. } | Kind::GetEmpty { wait, .. }
                if resumed_at_ns.is_some_and(|r| ev.t_ns <= r + 1_000_000_000)
                    && !wait.is_some_and(|w| w.at_once()) =>
            {
                Some(Notice::TimeoutAfterResume {
                    name: name(),
                    full: matches!(ev.kind, Kind::PutFull { .. }),
                })
            }
            Kind::ValueWrite { .. } => {
                let o = w.race.overwrite_of(ev)?;
                Some(Notice::Overwrote {
                    by: name(),
                    victims: o
                        .victims
                        .iter()
                        .map(|v| {
                            w.proc(*v)
                                .map(|p| p.name.clone())
                                .unwrap_or_else(|| format!("child {v}"))
                        })
                        .collect(),
                    lost: o.lost,
                    value: o.value,
                    old: o.old,
                })
            }
            Kind::Note { note } => match note {
                Note::CouldNotDo { .. }
                | Note::Failed { .. }
                | Note::AtLimit { .. }
                | Note::NoSlotLeft { .. }
                | Note::Deadlock { .. }
                | Note::JoinBeforeDrain { .. }
                | Note::OwnSendEnd { .. } => Some(Notice::Note(note.clone())),
                _ => None,
            },
            Kind::WrongWay { call, error } => Some(Notice::WrongWay {
                name: name(),
                call: *call,
                error: error.clone(),
            }),
            _ => None,
        }
    }

    /// Whether it tells of a kill (SIGKILL) rather than a termination.
    pub fn is_kill(&self) -> bool {
        matches!(self, Notice::Ended { ended: Ended::Signal(s), .. } if *s == SIGKILL)
    }
}

/// Whether an event of this kind gets a line in the event log.
pub fn listed(k: &Kind) -> bool {
    !matches!(
        k,
        Kind::Exiting | Kind::DelayScaled { .. } | Kind::SlowMotion { .. } | Kind::Stepped
    )
}
