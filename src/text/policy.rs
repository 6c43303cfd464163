//! The queue's put and get policies in words: the call as the program
//! makes it (Python, the same in every language), `queue.Full` and
//! `queue.Empty` with what the process does next.

use super::words;
use crate::config::{Policy, RETRY_PAUSE, Then, Wait};
use crate::stream::Role;

/// The call as a Python program makes it: `put(url_2, timeout=0.5)`,
/// `put(url_2, block=False)`, `get()`; `item`: what a put puts (`url`
/// when it is any item).
pub fn call(role: Role, wait: Wait, item: Option<&str>) -> String {
    let args = match wait {
        Wait::Block => String::new(),
        Wait::Timeout(s) => format!("timeout={}", s + 0.0),
        Wait::Nowait => "block=False".to_string(),
    };
    match role {
        Role::Writer => {
            let item = item.unwrap_or("url");
            if args.is_empty() {
                format!("put({item})")
            } else {
                format!("put({item}, {args})")
            }
        }
        _ => format!("get({args})"),
    }
}

/// A transcript line for `queue.Full` (`full`) or `queue.Empty` raised by
/// a call made with `wait` (`None`: a recording that did not say; then
/// `timeout` is the run's), and what the process did next.
pub fn raised_line(
    pid: i32,
    full: bool,
    item: &str,
    (wait, timeout): (Option<Wait>, Option<f64>),
    then: Then,
) -> String {
    let wait = wait.unwrap_or(Wait::of(false, timeout));
    let after_s = wait
        .limit()
        .filter(|s| *s > 0.0)
        .map(|s| format!("{}", s + 0.0));
    let after = after_s.as_deref();
    let give_up = then == Then::GiveUp;
    let pause = format!("{RETRY_PAUSE}");
    if full {
        let call = call(Role::Writer, wait, Some(item));
        words().put_raised(pid, item, &call, after, give_up, &pause)
    } else {
        let call = call(Role::Reader, wait, None);
        words().get_raised(pid, &call, after, give_up, &pause)
    }
}

/// The transcript line for a policy switched live.
pub fn policy_set_line(role: Role, p: Policy) -> String {
    words().policy_set(role, &call(role, p.wait, None), p.then == Then::GiveUp)
}
