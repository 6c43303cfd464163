//! The wait-for view, in English.

use super::En;
use crate::model::waits::Need;
use crate::text::words::WaitWords;

impl WaitWords for En {
    fn waits_for(&self, need: Need, from: &[String], forever: bool, short: bool) -> String {
        let what = match need {
            Need::Space => "space",
            Need::Data => "an item",
            Need::Message => "a message",
            Need::Room => "room",
            Need::Lock => "the lock",
            Need::End => "the end of",
            Need::Flush => "room for its buffer",
        };
        match (need, from, forever, short) {
            (Need::End, [], _, false) => "waits forever to join: nobody left".to_string(),
            (Need::End, names, true, false) => {
                format!("waits forever: {} never ends", names.join(", "))
            }
            (Need::End, names, false, false) => format!("waits for {} to end", names.join(", ")),
            (_, [], _, false) => format!("waits for {what} forever: nobody can give it"),
            (_, [], _, true) => "waits forever: nobody can".to_string(),
            (_, names, true, false) => {
                format!("waits for {what} forever: only {}", names.join(", "))
            }
            (_, names, true, true) => format!("forever ← {}", names.join(", ")),
            (_, names, false, false) => format!("waits for {what} from {}", names.join(", ")),
            (_, names, false, true) => format!("← {}", names.join(", ")),
        }
    }

    fn provider_parent(&self, short: bool) -> &'static str {
        if short {
            "parent"
        } else {
            "the parent (never sends)"
        }
    }

    fn provider_itself(&self, need: Need, short: bool) -> &'static str {
        match (need, short) {
            (_, true) => "itself",
            (Need::Message, false) => "itself (never sends)",
            (Need::Room, false) => "itself (never receives)",
            (Need::Data, false) => "itself (never puts)",
            (Need::Space, false) => "itself (never gets)",
            (_, false) => "itself",
        }
    }
}
