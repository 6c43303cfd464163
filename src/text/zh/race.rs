//! 共享值上的竞争，中文。

use super::Zh;
use crate::model::race::Step;
use crate::text::words::RaceWords;

/// `tmp=5，`（首次读之前为空）。
fn tmp(t: Option<i64>) -> String {
    t.map_or_else(String::new, |v| format!("tmp={v}，"))
}

impl RaceWords for Zh {
    fn value_read(&self, pid: i32, shared: &str, value: i64) -> String {
        format!("Process({pid}) 读到 {shared} = {value}，存入 tmp。")
    }

    fn value_add(&self, pid: i32, register: i64) -> String {
        format!("Process({pid}) 加 1：tmp = {register}。")
    }

    fn value_write(&self, pid: i32, shared: &str, value: i64) -> String {
        format!("Process({pid}) 把 tmp = {value} 写回 {shared}。")
    }

    fn value_overwrote(
        &self,
        pid: i32,
        shared: &str,
        (value, old): (i64, i64),
        victims: &[String],
        lost: i64,
    ) -> String {
        let made = if victims.is_empty() {
            "别人在它读之后做的更新".to_string()
        } else {
            format!("{} 在它读之后做的 +1", victims.join("、"))
        };
        format!(
            "Process({pid}) 把 tmp = {value} 写回 {shared}，那里已是 {old}（{made}）：丢失 {lost} 次更新。"
        )
    }

    fn value_caught_up(&self, pid: i32, shared: &str, value: i64, old: i64) -> String {
        format!(
            "Process({pid}) 把 tmp = {value} 写回 {shared}，覆盖了更旧的 {old}：值一下子增加 {}。",
            value - old
        )
    }

    fn lock_wait(&self, pid: i32, holder: Option<i32>) -> String {
        match holder {
            Some(h) => format!("Process({pid}) 等待锁（锁在 Process({h}) 手里）。"),
            None => format!("Process({pid}) 等待锁。"),
        }
    }

    fn lock_taken(&self, pid: i32) -> String {
        format!("Process({pid}) 拿到了锁。")
    }

    fn lock_set(&self, on: bool) -> String {
        if on {
            "锁已打开：每个计数进程从下一次加 1 起先拿锁。".into()
        } else {
            "锁已关闭：计数进程不再拿锁。".into()
        }
    }

    fn notice_overwrote(&self, by: &str, victims: &[String], lost: i64) -> String {
        let lost_words = if lost == 1 {
            "丢失一次更新".to_string()
        } else {
            format!("丢失 {lost} 次更新")
        };
        if victims.is_empty() {
            return format!("{by} 覆盖了它读之后别人做的更新：{lost_words}");
        }
        format!("{by} 覆盖了 {} 的 +1：{lost_words}", victims.join("、"))
    }

    fn notice_caught_up(&self, by: &str, value: i64, old: i64) -> String {
        format!(
            "{by} 把 {value} 写在更旧的 {old} 上：值一下子增加 {}",
            value - old
        )
    }

    fn race_next(&self, t: Option<i64>, next: &str) -> String {
        format!("{}下一步：{next}", tmp(t))
    }

    fn race_next_short(&self, t: Option<i64>, step: Step) -> String {
        let word = match step {
            Step::Lock => "拿锁",
            Step::Read => "读",
            Step::Add => "加",
            Step::Write => "写",
        };
        format!("{}下一步：{word}", tmp(t))
    }

    fn lock_held_by(&self, name: Option<&str>) -> String {
        match name {
            Some(n) => format!("锁在 {n} 手里"),
            None => "锁已被占用".into(),
        }
    }

    fn lock_wait_state(&self, holder: Option<&str>) -> String {
        match holder {
            Some(h) => format!("阻塞：等待锁（{h} 持有）"),
            None => "阻塞：等待锁".into(),
        }
    }

    fn race_full_speed(&self) -> &'static str {
        "全速：丢失的更新只计数，不逐个说明"
    }

    fn race_partial(&self, told: i64, lost: u64) -> String {
        format!("{lost} 次丢失中逐个说明了 {told} 次（有些步骤没有报告）")
    }

    fn stage_array_title(&self, cells: u32, lock: bool) -> String {
        if lock {
            format!(" 共享 Array('i', {cells})：with arr.get_lock(): arr[i] += 1 ")
        } else {
            format!(" 共享 Array('i', {cells})：arr[i] += 1（不加锁） ")
        }
    }

    fn array_title(&self, lock: bool) -> &'static str {
        if lock {
            " 共享 Array（加锁） "
        } else {
            " 共享 Array（不加锁） "
        }
    }

    fn cell_lost(&self, lost: u64) -> String {
        if lost == 0 {
            "未丢失".into()
        } else {
            format!("丢失 {lost}")
        }
    }

    fn footer_lock(&self) -> &'static str {
        "锁"
    }

    fn stage_overwrote(&self, by: &str, victims: &[String]) -> String {
        if victims.is_empty() {
            format!("{by} 覆盖了一次更新")
        } else {
            format!("{by} 覆盖了 {} 的 +1", victims.join("、"))
        }
    }

    fn lock_now(&self, on: bool) -> &'static str {
        if on {
            "已加锁：从现在起不再丢失更新"
        } else {
            "锁又关了：更新再次竞争"
        }
    }
}
