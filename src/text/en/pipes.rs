//! Pipe ends as fork leaves them, replies and the deadlock, in English.

use super::En;
use crate::stream::{PipeCall, PipeEnd};
use crate::text::words::PipeWords;

impl PipeWords for En {
    fn end_closed(&self, pid: i32, end: PipeEnd) -> String {
        match end {
            PipeEnd::Send => {
                format!("Process({pid}) closed its copy of the send end: it only receives.")
            }
            PipeEnd::Recv => {
                format!("Process({pid}) closed its copy of the receive end: it only sends.")
            }
        }
    }

    fn parent_closed_send_end(&self) -> String {
        "The parent closed its copy of the send end.".into()
    }

    fn wrong_way(&self, pid: i32, call: PipeCall, error: &str) -> String {
        match call {
            PipeCall::Recv => {
                format!("Process({pid}) called recv() on an end that only sends: OSError: {error}")
            }
            PipeCall::Send => format!(
                "Process({pid}) called send() on an end that only receives: OSError: {error}"
            ),
        }
    }

    fn own_send_end(&self, receiver: i32, parent_too: bool, waited_s: f64) -> String {
        let who = if parent_too {
            "it holds a copy of the send end itself (inherited, never closed), and so does \
             the parent"
        } else {
            "it holds a copy of the send end itself (inherited, never closed)"
        };
        format!(
            "Process({receiver}) has waited {waited_s:.1} s in recv with no sender left, and \
             would wait forever: {who}, so recv never sees EOF. (Each child should close the \
             end it does not use: --close-unused.)"
        )
    }

    fn deadlock_link(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String {
        format!(
            "{name} (Process({pid})) waits in recv() for a message from {on_name} (Process({on_pid}))"
        )
    }

    fn deadlock(&self, links: &[String]) -> String {
        format!(
            "Deadlock: {}. Neither will ever send, so both wait forever.",
            links.join(", and ")
        )
    }

    fn replies_summary(&self, sent_back: u64, got: u64) -> String {
        format!("replies: {sent_back} sent back by the receiver, {got} received by the sender")
    }

    fn needs_duplex(&self, option: &str) -> String {
        format!(
            "{option} needs a duplex pipe (leave out --duplex false): the reply goes back \
             through the receiver's end, and a one-way pipe's receive end only receives"
        )
    }

    fn stuck_own_send_end(&self) -> &'static str {
        "STUCK: recv waits, it holds the send end"
    }

    fn stuck_deadlock(&self) -> &'static str {
        "DEADLOCK: both wait in recv"
    }

    fn stage_end_label(&self, code: &str, word: &str) -> String {
        format!("{code} ({word})")
    }

    fn stage_end_held_by(&self, label: &str) -> String {
        format!("{label} held by: ")
    }

    fn stage_own_copy(&self, parent_too: bool, short: bool) -> &'static str {
        match (parent_too, short) {
            (false, false) => "the receiver's own copy: its recv never sees EOF",
            (false, true) => "its own copy: no EOF",
            (true, false) => "recv never sees EOF while these are open",
            (true, true) => "no EOF",
        }
    }

    fn stage_deadlock(&self) -> &'static str {
        "DEADLOCK: "
    }

    fn stage_waits_for(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String {
        format!("{name} {pid} waits in recv() for {on_name} {on_pid}")
    }

    fn notice_wrong_way(&self, name: &str, call: PipeCall, error: &str) -> String {
        match call {
            PipeCall::Recv => {
                format!("{name}: recv() on an end that only sends raised OSError: {error}")
            }
            PipeCall::Send => {
                format!("{name}: send() on an end that only receives raised OSError: {error}")
            }
        }
    }

    fn hint_nothing_to_close(&self, holders: Option<&str>) -> String {
        match holders {
            Some(h) => format!("The parent holds no copy of the send end (held by: {h})."),
            None => "The parent holds no copy of the send end: nobody holds one now.".into(),
        }
    }

    fn hint_no_wrong_way(&self) -> String {
        "Pipe() is duplex: both ends send and receive, so neither has a wrong way \
         (try pipe --duplex false)."
            .into()
    }

    fn hint_wrong_way_later(&self, name: &str) -> String {
        format!("{name} is blocked: it tries the wrong way once its call returns.")
    }

    fn menu_pipe_ends(&self, close_unused: bool) -> String {
        if close_unused {
            "each child inherits both ends and closes the one it does not use".into()
        } else {
            "each child inherits both ends and keeps them".into()
        }
    }

    fn menu_pipe_replies(&self, both_recv: bool) -> String {
        if both_recv {
            "both ends call recv() first".into()
        } else {
            "the receiver replies to each message".into()
        }
    }
}
