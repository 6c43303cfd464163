//! Headless mode (being written).

use crate::config::RunConfig;

pub fn run(_cfg: &RunConfig) -> i32 {
    crate::demo::run()
}
