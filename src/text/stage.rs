//! The stage's shared pieces: which sentence the queue's depth is, the
//! titles that are only code, and counts that read the same everywhere.

use super::screen::share;
use super::words;

/// The stage's title: the queue as Python would make it.
pub fn stage_queue_title(maxsize: u32) -> String {
    if maxsize == 0 {
        words().stage_queue_unbounded().into()
    } else {
        format!(" Queue(maxsize={maxsize}) ")
    }
}

/// What a process has done, e.g. "put 3, last url_3" (or "put 3").
pub fn stage_done(word: &str, done: u64, last: Option<&str>) -> String {
    match last {
        Some(item) => words().stage_done_last(word, done, item),
        None => format!("{word} {done}"),
    }
}

/// A pipe end as the lesson's programs name it: `a` and `b` for `Pipe()`
/// (the sender's end first), with the end's role word; `send_end` and
/// `recv_end` for `Pipe(duplex=False)`, whose names say it.
pub fn pipe_end_label(duplex: bool, send: bool) -> String {
    let (send_word, recv_word) = words().stage_pipe_ends();
    match (duplex, send) {
        (true, true) => words().stage_end_label("a", send_word),
        (true, false) => words().stage_end_label("b", recv_word),
        (false, true) => "send_end".into(),
        (false, false) => "recv_end".into(),
    }
}

/// Items that did not fit, counted where they would be.
pub fn stage_hidden(n: usize) -> String {
    format!("+{n}")
}

/// The caption over the shared value (its Python name).
pub fn stage_value_caption() -> &'static str {
    "v.value"
}

/// A process's delays scaled by `[` / `]`, when not 1: "delay x1.5".
pub fn delay_scale(scale: f64) -> Option<String> {
    delay_scale_short(scale).map(|x| words().delay_scale(&x))
}

/// A process's delays scaled by `[` / `]`, when not 1: "x1.5".
pub fn delay_scale_short(scale: f64) -> Option<String> {
    if (scale - 1.0).abs() < 1e-9 {
        return None;
    }
    let s = format!("{scale:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    Some(format!("x{s}"))
}

/// The queue's depth under the tube, with a word when full or empty, and
/// how many items are over maxsize when it was lowered under the depth
/// (puts wait while depth >= maxsize).
pub fn stage_depth(depth: usize, maxsize: u32) -> String {
    let t = words();
    match maxsize {
        0 => t.stage_depth_unbounded(depth),
        m if depth > m as usize => t.stage_depth_over(depth, m, depth - m as usize),
        m if depth == m as usize => t.stage_depth_full(depth, m),
        m if depth == 0 => t.stage_depth_empty(m),
        m => t.stage_depth(depth, m),
    }
}

/// The queue's depth in fewer words, for a narrow stage.
pub fn stage_depth_short(depth: usize, maxsize: u32) -> String {
    let t = words();
    match maxsize {
        0 => t.stage_depth_short_unbounded(depth),
        m if depth > m as usize => t.stage_depth_short_over(depth, m, depth - m as usize),
        _ => stage_depth(depth, maxsize),
    }
}

/// Updates lost so far, with the share of all increments made.
pub fn stage_lost(lost: u64, expected: u64) -> String {
    words().stage_lost(lost, share(lost, expected))
}

/// What a blocked process waits for and from whom, in the wait-for view's
/// words (`waits for a message forever: only MainProcess, itself (never
/// sends)`; `short`: `forever ← MainProcess, itself`): the stage's cards,
/// the processes panel and a stuck program's note say it alike.
pub fn waits_said(
    w: &crate::model::world::World,
    wait: &crate::model::waits::WaitFor,
    short: bool,
) -> String {
    use crate::model::waits::Provider;
    let t = words();
    let names: Vec<String> = wait
        .from
        .iter()
        .map(|p| match p {
            Provider::Proc(id) => w
                .proc(*id)
                .map_or_else(|| format!("{id}"), |q| q.name.clone()),
            Provider::Parent => t.provider_parent(short).to_string(),
            Provider::Main => t.provider_main(short).to_string(),
            Provider::Itself => t.provider_itself(wait.need, short).to_string(),
        })
        .collect();
    t.waits_for(wait.need, &names, wait.forever, short)
}
