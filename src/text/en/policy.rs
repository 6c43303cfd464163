//! The queue's put and get policies, `queue.Full` and `queue.Empty`, in
//! English.

use super::En;
use crate::stream::Role;
use crate::stream::run::Then;
use crate::text::words::PolicyWords;

/// "after 0.5 s" or "at once".
fn when(after: Option<&str>) -> String {
    after.map_or_else(|| "at once".to_string(), |s| format!("after {s} s"))
}

impl PolicyWords for En {
    fn put_raised(
        &self,
        pid: i32,
        item: &str,
        call: &str,
        after: Option<&str>,
        give_up: bool,
        pause: &str,
    ) -> String {
        let next = match (give_up, after) {
            (true, _) => format!("it gives {item} up and goes on with its next item"),
            (false, Some(_)) => "it tries again".to_string(),
            (false, None) => format!("it tries {item} again in {pause} s"),
        };
        format!(
            "Process({pid}) {call}: queue.Full raised {}; {next}.",
            when(after)
        )
    }

    fn get_raised(
        &self,
        pid: i32,
        call: &str,
        after: Option<&str>,
        give_up: bool,
        pause: &str,
    ) -> String {
        let next = match (give_up, after) {
            (true, _) => "it stops reading".to_string(),
            (false, Some(_)) => "it tries again".to_string(),
            (false, None) => format!("it tries again in {pause} s"),
        };
        format!(
            "Process({pid}) {call}: queue.Empty raised {}; {next}.",
            when(after)
        )
    }

    fn policy_set(&self, role: Role, call: &str, give_up: bool) -> String {
        match (role, give_up) {
            (Role::Writer, false) => format!(
                "The writers now call {call}; after queue.Full they try the same item again."
            ),
            (Role::Writer, true) => format!(
                "The writers now call {call}; after queue.Full they give the item up and go on."
            ),
            (_, false) => {
                format!("The readers now call {call}; after queue.Empty they get again.")
            }
            (_, true) => {
                format!("The readers now call {call}; after queue.Empty they stop reading.")
            }
        }
    }

    fn then_flash(&self, full: bool, then: Then, item: Option<&str>) -> String {
        match (full, then, item) {
            (true, Then::Retry, Some(i)) => format!("retries {i}"),
            (true, Then::GiveUp, Some(i)) => format!("gives up {i}"),
            (true, Then::Retry, None) => "retries".into(),
            (true, Then::GiveUp, None) => "gives up".into(),
            (false, Then::Retry, _) => "gets again".into(),
            (false, Then::GiveUp, _) => "stops reading".into(),
        }
    }

    fn then_tag(&self, full: bool, then: Then) -> &'static str {
        match (full, then) {
            (true, Then::Retry) => "except queue.Full: retry",
            (true, Then::GiveUp) => "except queue.Full: give up",
            (false, Then::Retry) => "except queue.Empty: retry",
            (false, Then::GiveUp) => "except queue.Empty: give up",
        }
    }

    fn hint_select_writer_or_reader(&self) -> &'static str {
        "Select a writer or a reader (up/down) first: b and e change how its role puts or gets."
    }

    fn hint_policy_next_call(&self, name: &str) -> String {
        format!("{name} is blocked: the new way applies from its next call.")
    }

    fn footer_wait(&self) -> &'static str {
        "wait"
    }

    fn footer_then(&self) -> &'static str {
        "except"
    }
}
