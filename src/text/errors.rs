//! ipcscope's own errors about what it was given, told in the current
//! language: their types live where they are found (pure data), their
//! words here (a lesson file's actions, reveal conditions and texts too;
//! the rest of a lesson file's problems are said by
//! `crate::lesson::Problem::message`).

use std::fmt;

use super::words;
use crate::config::{BadSeconds, MAX_DELAY, MAX_MAXSIZE, MAX_TIMEOUT, SLOW_MOTION};
use crate::stream::lesson::{ActionError, CHILD_ROLES, RevealError, TextError};

impl fmt::Display for BadSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            BadSeconds::DelayOutOfRange(s) => t.delay_out_of_range(s, MAX_DELAY),
            BadSeconds::NotADelay(s) => t.not_a_delay(s),
            BadSeconds::EmptyDelay(s) => t.empty_delay(s),
            BadSeconds::TimeoutOutOfRange(s) => t.timeout_out_of_range(s, MAX_TIMEOUT),
            BadSeconds::NegativeTimeout(s) => t.negative_timeout(s, MAX_TIMEOUT),
            BadSeconds::NotSeconds(s) => t.not_seconds(s, MAX_TIMEOUT),
        })
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&words().text_problem(*self))
    }
}

/// The roles a phrase may name, for the sentence that lists them.
fn child_roles() -> Vec<&'static str> {
    CHILD_ROLES.iter().map(|r| r.as_str()).collect()
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            ActionError::Unknown(p) => t.not_an_action(p),
            ActionError::Maxsize(p) => t.maxsize_takes(p, MAX_MAXSIZE),
            ActionError::SlowMotion(p) => {
                t.slow_motion_takes(p, *SLOW_MOTION.start(), *SLOW_MOTION.end())
            }
            ActionError::Array(p) => t.array_takes(p, crate::config::MAX_CELLS),
            ActionError::Role(r) => t.not_a_role(&r.phrase, &r.word, &child_roles()),
            ActionError::Wait(p) => t.policy_takes(p, crate::config::MAX_TIMEOUT),
            ActionError::Then(p) => t.then_takes(p),
        })
    }
}

impl fmt::Display for RevealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = words();
        f.write_str(&match self {
            RevealError::Unknown(p) => t.not_a_reveal(p),
            RevealError::WrongOp {
                phrase,
                role,
                op,
                written,
            } => t.blocks_in(phrase, *role, *op, written),
            RevealError::NeverBlocks { phrase, role } => t.never_blocks(phrase, *role),
            RevealError::NotACount { phrase, word } => t.not_a_count(phrase, word),
            RevealError::Role(r) => t.not_a_role(&r.phrase, &r.word, &child_roles()),
        })
    }
}
