//! The parent (`__main__`) on the stage and in the transcript, in English.

use super::En;
use crate::model::parent::ParentAt;
use crate::text::words::ParentWords;

impl ParentWords for En {
    fn parent_joins(&self, pid: i32, name: &str) -> String {
        format!("The parent calls join() on Process({pid}) ({name}) and waits until it ends.")
    }

    fn parent_joined(&self, pid: i32, name: &str) -> String {
        format!("The parent's join() on Process({pid}) ({name}) returned.")
    }

    fn parent_hold(&self, on: bool) -> String {
        if on {
            "The lesson holds the parent before terminate(): the class goes on when ready.".into()
        } else {
            "The parent goes on to terminate().".into()
        }
    }

    fn parent_name(&self) -> &'static str {
        "parent"
    }

    fn parent_word(&self, at: ParentAt) -> &'static str {
        match at {
            ParentAt::Starting => "starting",
            ParentAt::Joining(_) | ParentAt::Reading { blocked: true } => "BLOCKED",
            ParentAt::Reading { blocked: false } => "reading",
            ParentAt::BeforeTerminate { held: true } => "HELD",
            ParentAt::BeforeTerminate { held: false } => "draining",
            ParentAt::Terminating => "terminating",
            ParentAt::Done => "done",
        }
    }

    fn parent_starting(&self, short: bool) -> &'static str {
        if short {
            "starting"
        } else {
            "starting its children"
        }
    }

    fn parent_joining(&self, name: &str, short: bool) -> String {
        if short {
            format!("BLOCKED join {name}")
        } else {
            format!("BLOCKED in join(): waits for {name} to end")
        }
    }

    fn parent_before_terminate(&self, held: bool, short: bool) -> &'static str {
        match (held, short) {
            (true, false) => "HELD before terminate(): the lesson goes on",
            (true, true) => "HELD before terminate()",
            (false, false) => "before terminate(): the reader empties the queue",
            (false, true) => "before terminate()",
        }
    }

    fn parent_terminating(&self, names: &str, short: bool) -> String {
        if short {
            "terminating".into()
        } else {
            format!("terminate(): SIGTERM sent to {names}")
        }
    }

    fn parent_done(&self, short: bool) -> &'static str {
        if short {
            "done"
        } else {
            "done: every child has ended"
        }
    }

    fn parent_kernel(&self, what: &str) -> String {
        format!("kernel: {what}")
    }

    fn step_start(&self) -> &'static str {
        "start"
    }

    fn step_join(&self, name: &str) -> String {
        format!("join {name}")
    }

    fn step_terminate(&self, names: &str) -> String {
        format!("terminate {names}")
    }

    fn step_done(&self) -> &'static str {
        "done"
    }
}
