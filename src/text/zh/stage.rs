//! The stage's words, in Chinese.

use super::Zh;
use crate::text::words::StageWords;

impl StageWords for Zh {
    fn stage_queue_unbounded(&self) -> &'static str {
        " Queue()（无界） "
    }

    fn stage_pipe_title(&self, duplex: bool) -> &'static str {
        if duplex {
            " Pipe()（双向） "
        } else {
            " Pipe(duplex=False)（单向） "
        }
    }

    fn stage_counter_title(&self, lock: bool) -> &'static str {
        if lock {
            " 共享 Value：with v.get_lock(): v.value += 1 "
        } else {
            " 共享 Value：v.value += 1（不加锁） "
        }
    }

    fn stage_stopped(&self) -> &'static str {
        "已停止（SIGSTOP）"
    }

    fn stage_pressing(&self, item: &str) -> String {
        format!("拿着 {item}")
    }

    fn stage_done_last(&self, word: &str, done: u64, last: &str) -> String {
        format!("{word} {done}，最近 {last}")
    }

    fn stage_lost_with(&self, item: &str) -> String {
        format!("{item} 随之丢失")
    }

    fn stage_more(&self, n: usize) -> String {
        format!("还有 {n} 个")
    }

    fn stage_over_maxsize(&self, n: usize) -> [String; 3] {
        [
            format!("+{n} 超出 maxsize"),
            format!("+{n} 超出"),
            format!("+{n}"),
        ]
    }

    fn stage_hidden_slots(&self, n: usize) -> String {
        format!("+{n} 格")
    }

    fn stage_hidden_items(&self, n: usize) -> String {
        format!("+{n} 项")
    }

    fn stage_untracked(&self, n: u64) -> String {
        format!("还有 {n} 项")
    }

    fn delay_scale(&self, x: &str) -> String {
        format!("延时 {x}")
    }

    fn stage_nobody(&self) -> &'static str {
        "（无）"
    }

    fn stage_tail(&self) -> &'static str {
        "队尾"
    }

    fn stage_head(&self) -> &'static str {
        "队头"
    }

    fn stage_depth_unbounded(&self, depth: usize) -> String {
        format!("深度 {depth}（无界）")
    }

    fn stage_depth_over(&self, depth: usize, m: u32, over: usize) -> String {
        format!("深度 {depth}/{m} 满：超出 maxsize {over} 项")
    }

    fn stage_depth_full(&self, depth: usize, m: u32) -> String {
        format!("深度 {depth}/{m} 满")
    }

    fn stage_depth_empty(&self, m: u32) -> String {
        format!("深度 0/{m} 空")
    }

    fn stage_depth(&self, depth: usize, m: u32) -> String {
        format!("深度 {depth}/{m}")
    }

    fn stage_depth_short_unbounded(&self, depth: usize) -> String {
        format!("深度 {depth}")
    }

    fn stage_depth_short_over(&self, depth: usize, m: u32, over: usize) -> String {
        format!("深度 {depth}/{m}，超出 {over}")
    }

    fn stage_fast(&self, rate_in: usize, rate_out: usize) -> String {
        format!("太快：进 {rate_in}/秒，出 {rate_out}/秒")
    }

    fn stage_pipe_ends(&self) -> (&'static str, &'static str) {
        ("发送端", "接收端")
    }

    fn stage_pipe_bytes(&self, bytes: Option<u64>, capacity: Option<u64>) -> String {
        let b = bytes.map_or("?".to_string(), |b| b.to_string());
        match capacity {
            Some(c) => format!("已缓冲 {b} B / {c} B"),
            None => format!("已缓冲 {b} B"),
        }
    }

    fn stage_pipe_way(&self, duplex: bool) -> &'static str {
        if duplex { "双向" } else { "单向" }
    }

    fn stage_both(&self, first: &str, second: &str) -> String {
        format!("{first}，{second}")
    }

    fn stage_eof(&self) -> &'static str {
        "收到 EOF"
    }

    fn stage_held_by(&self, send: bool) -> &'static str {
        if send {
            "发送端持有者："
        } else {
            "接收端持有者："
        }
    }

    fn stage_not_sampled(&self) -> &'static str {
        "尚未采样"
    }

    fn stage_parent_holds_send(&self, short: bool) -> &'static str {
        if short {
            "recv 收不到 EOF"
        } else {
            "只要它还开着，recv 就收不到 EOF"
        }
    }

    fn stage_expected_actual(&self, expected: u64, actual: i64) -> String {
        format!("期望 {expected}   实际 {actual}")
    }

    fn stage_lost(&self, lost: u64, pct: f64) -> String {
        format!("丢失 {lost} 次更新（{pct:.1}%）")
    }

    fn stage_lock(&self, lock: bool, lost: bool) -> &'static str {
        match (lock, lost) {
            (true, _) => "有锁：每次 += 1 都完整执行",
            (false, true) => "两个进程读到同一个值：一次 +1 丢了",
            (false, false) => "不加锁：两个进程可能读到同一个值",
        }
    }
}
