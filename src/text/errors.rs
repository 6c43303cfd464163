//! ipcscope's own errors about what it was given, told in the current
//! language: their types live where they are found (pure data), their
//! words here.

use std::fmt;

use super::words;
use crate::config::{BadSeconds, MAX_DELAY, MAX_TIMEOUT};

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
