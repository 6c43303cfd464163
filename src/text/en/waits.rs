//! The wait-for view, in English.

use super::En;
use crate::model::waits::Need;
use crate::text::words::WaitWords;

impl WaitWords for En {
    fn waits_for(&self, need: Need, from: &[String], short: bool) -> String {
        let what = match need {
            Need::Space => "space",
            Need::Data => "an item",
            Need::Message => "a message",
            Need::Room => "room",
            Need::Lock => "the lock",
        };
        match (from, short) {
            ([], false) => format!("waits for {what}: nobody can give it, forever"),
            ([], true) => "waits forever: nobody can".to_string(),
            (names, false) => format!("waits for {what} from {}", names.join(", ")),
            (names, true) => format!("← {}", names.join(", ")),
        }
    }

    fn provider_parent(&self) -> &'static str {
        "the parent (never sends)"
    }

    fn provider_itself(&self) -> &'static str {
        "itself (never sends)"
    }
}
