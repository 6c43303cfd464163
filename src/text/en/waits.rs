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
        };
        match (from, forever, short) {
            ([], _, false) => format!("waits for {what} forever: nobody can give it"),
            ([], _, true) => "waits forever: nobody can".to_string(),
            (names, true, false) => {
                format!("waits for {what} forever: only {}", names.join(", "))
            }
            (names, true, true) => format!("forever ← {}", names.join(", ")),
            (names, false, false) => format!("waits for {what} from {}", names.join(", ")),
            (names, false, true) => format!("← {}", names.join(", ")),
        }
    }

    fn provider_parent(&self, short: bool) -> &'static str {
        if short {
            "parent"
        } else {
            "the parent (never sends)"
        }
    }

    fn provider_itself(&self, short: bool) -> &'static str {
        if short {
            "itself"
        } else {
            "itself (never sends)"
        }
    }
}
