//! The stage's words: titles, captions and labels drawn on the picture.

/// The stage's title: the queue as Python would make it.
pub fn stage_queue_title(maxsize: u32) -> String {
    if maxsize == 0 {
        " Queue() (unbounded) ".into()
    } else {
        format!(" Queue(maxsize={maxsize}) ")
    }
}

/// The stage's title: the pipe as Python would make it.
pub fn stage_pipe_title(duplex: bool) -> &'static str {
    if duplex {
        " Pipe() (duplex: both ways) "
    } else {
        " Pipe(duplex=False) (one-way) "
    }
}

/// The stage's title: the shared value and how it is incremented.
pub fn stage_counter_title(lock: bool) -> &'static str {
    if lock {
        " Value: with v.get_lock(): v.value += 1 "
    } else {
        " Value: v.value += 1 (no lock) "
    }
}

/// A running process while the world is frozen.
pub fn stage_stopped() -> &'static str {
    "stopped (SIGSTOP)"
}

/// The item a blocked writer (or sender) holds while it waits for room.
pub fn stage_pressing(item: &str) -> String {
    format!("pressing {item}")
}

/// What a process has done, e.g. "put 3, last url_3".
pub fn stage_done(word: &str, done: u64, last: Option<&str>) -> String {
    match last {
        Some(item) => format!("{word} {done}, last {item}"),
        None => format!("{word} {done}"),
    }
}

/// An item that died with a killed process.
pub fn stage_lost_with(item: &str) -> String {
    format!("{item} lost with it")
}

/// Processes that did not fit on the stage.
pub fn stage_more(n: usize) -> String {
    format!("+{n} more")
}

/// Items that did not fit, counted where they would be.
pub fn stage_hidden(n: usize) -> String {
    format!("+{n}")
}

/// Items over maxsize (it was lowered under the depth) not drawn, from the
/// most words to the fewest.
pub fn stage_over_maxsize(n: usize) -> [String; 3] {
    [
        format!("+{n} over maxsize"),
        format!("+{n} over"),
        format!("+{n}"),
    ]
}

/// A bounded queue's slots that are not drawn (at its tail end).
pub fn stage_hidden_slots(n: usize) -> String {
    format!("+{n} slots")
}

/// Items of an unbounded queue that are not drawn (toward its tail).
pub fn stage_hidden_items(n: usize) -> String {
    format!("+{n} more")
}

/// Messages in the pipe nearest the receiver that the view does not
/// follow one by one (a flood): counted, never labelled wrong.
pub fn stage_untracked(n: u64) -> String {
    format!("{n} more")
}

/// A process's delays scaled by `[` / `]`, when not 1: "delay x1.5".
pub fn delay_scale(scale: f64) -> Option<String> {
    delay_scale_short(scale).map(|x| format!("delay {x}"))
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

/// A side of the stage with no process on it.
pub fn stage_nobody() -> &'static str {
    "(none)"
}

pub fn stage_tail() -> &'static str {
    "tail"
}

pub fn stage_head() -> &'static str {
    "head"
}

/// The queue's depth under the tube, with a word when full or empty, and
/// how many items are over maxsize when it was lowered under the depth
/// (puts wait while depth >= maxsize).
pub fn stage_depth(depth: usize, maxsize: u32) -> String {
    match maxsize {
        0 => format!("depth {depth} (unbounded)"),
        m if depth > m as usize => {
            format!(
                "depth {depth}/{m} FULL: {} over maxsize",
                depth - m as usize
            )
        }
        m if depth == m as usize => format!("depth {depth}/{m} FULL"),
        m if depth == 0 => format!("depth 0/{m} empty"),
        m => format!("depth {depth}/{m}"),
    }
}

/// The queue's depth in fewer words, for a narrow stage.
pub fn stage_depth_short(depth: usize, maxsize: u32) -> String {
    match maxsize {
        0 => format!("depth {depth}"),
        m if depth > m as usize => format!("depth {depth}/{m}, {} over max", depth - m as usize),
        _ => stage_depth(depth, maxsize),
    }
}

/// Events come faster than they can be drawn: rates instead of motion.
pub fn stage_fast(rate_in: usize, rate_out: usize) -> String {
    format!("fast: {rate_in}/s in, {rate_out}/s out")
}

/// The pipe's two ends, as the tube's ends are labelled.
pub fn stage_pipe_ends() -> (&'static str, &'static str) {
    ("send end", "recv end")
}

/// Bytes buffered in the pipe against its capacity.
pub fn stage_pipe_bytes(bytes: Option<u64>, capacity: Option<u64>) -> String {
    let b = bytes.map_or("?".to_string(), |b| b.to_string());
    match capacity {
        Some(c) => format!("{b} B / {c} B buffered"),
        None => format!("{b} B buffered"),
    }
}

pub fn stage_pipe_way(duplex: bool) -> &'static str {
    if duplex {
        "duplex: both ways"
    } else {
        "one-way"
    }
}

/// The receiver has seen end-of-file.
pub fn stage_eof() -> &'static str {
    "saw EOF"
}

/// The start of the line naming who holds an end of the pipe.
pub fn stage_held_by(send: bool) -> &'static str {
    if send {
        "send end held by: "
    } else {
        "recv end held by: "
    }
}

/// The holders of the pipe's ends have not been read yet.
pub fn stage_not_sampled() -> &'static str {
    "not sampled yet"
}

/// Why the parent holding the send end matters (`short` for a narrow stage).
pub fn stage_parent_holds_send(short: bool) -> &'static str {
    if short {
        "recv never sees EOF"
    } else {
        "recv never sees EOF while this is open"
    }
}

/// The caption over the shared value.
pub fn stage_value_caption() -> &'static str {
    "v.value"
}

pub fn stage_expected_actual(expected: u64, actual: i64) -> String {
    format!("expected {expected}   actual {actual}")
}

/// Updates lost so far, with the share of all increments made.
pub fn stage_lost(lost: u64, expected: u64) -> String {
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    format!("lost {lost} updates ({pct:.1}%)")
}

/// Why updates are lost, or why none are (`lost`: some were, so far).
pub fn stage_lock(lock: bool, lost: bool) -> &'static str {
    match (lock, lost) {
        (true, _) => "the lock makes each += 1 whole",
        (false, true) => "two read the same value: one +1 lost",
        (false, false) => "no lock: two may read the same value",
    }
}
