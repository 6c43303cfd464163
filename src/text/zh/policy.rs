//! 队列的 put / get 策略、`queue.Full` 与 `queue.Empty`，中文。

use super::Zh;
use crate::stream::Role;
use crate::stream::run::Then;
use crate::text::words::PolicyWords;

/// “等了 0.5 秒后”或“立刻”。
fn when(after: Option<&str>) -> String {
    after.map_or_else(|| "立刻".to_string(), |s| format!("等了 {s} 秒后"))
}

impl PolicyWords for Zh {
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
            (true, _) => format!("它放弃 {item}，继续放下一个"),
            (false, Some(_)) => "它再试一次".to_string(),
            (false, None) => format!("它 {pause} 秒后再试 {item}"),
        };
        format!(
            "Process({pid}) {call}：{}抛出 queue.Full；{next}。",
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
            (true, _) => "它不再读取".to_string(),
            (false, Some(_)) => "它再试一次".to_string(),
            (false, None) => format!("它 {pause} 秒后再试"),
        };
        format!(
            "Process({pid}) {call}：{}抛出 queue.Empty；{next}。",
            when(after)
        )
    }

    fn policy_set(&self, role: Role, call: &str, give_up: bool) -> String {
        match (role, give_up) {
            (Role::Writer, false) => {
                format!("写进程现在调用 {call}；遇到 queue.Full 后重试同一个数据项。")
            }
            (Role::Writer, true) => {
                format!("写进程现在调用 {call}；遇到 queue.Full 后放弃这个数据项，继续下一个。")
            }
            (_, false) => format!("读进程现在调用 {call}；遇到 queue.Empty 后再次 get。"),
            (_, true) => format!("读进程现在调用 {call}；遇到 queue.Empty 后不再读取。"),
        }
    }

    fn then_flash(&self, full: bool, then: Then, item: Option<&str>) -> String {
        match (full, then, item) {
            (true, Then::Retry, Some(i)) => format!("重试 {i}"),
            (true, Then::GiveUp, Some(i)) => format!("放弃 {i}"),
            (true, Then::Retry, None) => "重试".into(),
            (true, Then::GiveUp, None) => "放弃".into(),
            (false, Then::Retry, _) => "再次 get".into(),
            (false, Then::GiveUp, _) => "不再读取".into(),
        }
    }

    fn then_tag(&self, full: bool, then: Then) -> &'static str {
        match (full, then) {
            (true, Then::Retry) => "except queue.Full：重试",
            (true, Then::GiveUp) => "except queue.Full：放弃",
            (false, Then::Retry) => "except queue.Empty：重试",
            (false, Then::GiveUp) => "except queue.Empty：放弃",
        }
    }

    fn hint_select_writer_or_reader(&self) -> &'static str {
        "请先用 ↑/↓ 选中一个写进程或读进程：b 和 e 改变它这一类进程的 put 或 get 方式。"
    }

    fn hint_policy_next_call(&self, name: &str) -> String {
        format!("{name} 正在阻塞：新的方式从它的下一次调用起生效。")
    }

    fn footer_wait(&self) -> &'static str {
        "等待方式"
    }

    fn footer_then(&self) -> &'static str {
        "重试/放弃"
    }
}
