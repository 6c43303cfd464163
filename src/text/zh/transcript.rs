//! The transcript, the supervisor's notes and the summary, in Chinese.

use std::path::Path;

use super::{Zh, list};
use crate::stream::{Attempt, Role};
use crate::text::words::{ScreenWords, TranscriptWords};

impl TranscriptWords for Zh {
    fn sending(&self, p: i32) -> String {
        format!("Process({p}) 开始发送。")
    }

    fn receiving(&self, p: i32) -> String {
        format!("Process({p}) 开始接收。")
    }

    fn counting(&self, p: i32, lock: bool) -> String {
        if lock {
            format!("Process({p}) 开始计数：with v.get_lock(): v.value += 1")
        } else {
            format!("Process({p}) 开始计数：v.value += 1（不加锁）")
        }
    }

    fn put_wait_ring(&self, p: i32, item: &str, depth: u32, capacity: u32) -> String {
        format!("Process({p}) 等待放入 {item}：队列的环形缓冲区已满（{depth}/{capacity} 格）。")
    }

    fn put_wait_over(&self, p: i32, item: &str, depth: u32, m: u32) -> String {
        format!(
            "Process({p}) 等待放入 {item}：队列中有 {depth} 项，超过了 maxsize {m}\
             （深度 >= maxsize 时 put 会等待）。"
        )
    }

    fn put_wait_full(&self, p: i32, item: &str, depth: u32, m: u32) -> String {
        format!("Process({p}) 等待放入 {item}：队列已满（{depth}/{m}）。")
    }

    fn get_wait(&self, p: i32) -> String {
        format!("Process({p}) 等待 get：队列是空的。")
    }

    fn send_wait(&self, p: i32, item: &str) -> String {
        format!("Process({p}) 等待发送 {item}：管道已满。")
    }

    fn recv_wait(&self, p: i32) -> String {
        format!("Process({p}) 等待 recv：管道里还没有数据。")
    }

    fn recv_eof(&self, p: i32) -> String {
        format!("Process({p}) recv：EOFError（发送端的所有副本都已关闭）。")
    }

    fn lost_holding_lock(&self, dead: i32, by: i32, l: &str) -> String {
        format!(
            "Process({dead}) 在放入 {l} 时死去，当时持有队列锁：{l} 没有进入队列，已丢失；\
             Process({by}) 修复了队列。"
        )
    }

    fn lost_putting(&self, dead: i32, l: &str) -> String {
        format!("Process({dead}) 在放入 {l} 时死去：{l} 没有进入队列，已丢失。")
    }

    fn lock_recovered(&self, dead: i32, by: i32) -> String {
        format!("Process({by}) 恢复了队列锁：Process({dead}) 死时持有它；没有丢失数据。")
    }

    fn parent_sent(&self, target: i32, signal: &str) -> String {
        format!("父进程向 Process({target}) 发送了 {signal}。")
    }

    fn count_done(&self, p: i32, done: u64, value: i64) -> String {
        format!("Process({p}) 完成了 {done} 次自增（最后看到的值是 {value}）。")
    }

    fn gave_up(&self, p: i32, item: &str) -> String {
        format!("Process({p}) 在等待放入 {item} 时被要求停止：{item} 没有进入队列。")
    }

    fn exit_killed(&self, p: i32, name: &str) -> String {
        format!("Process({p})（{name}）被 SIGKILL 杀死。")
    }

    fn exit_terminated(&self, p: i32, name: &str, signal: &str) -> String {
        format!("Process({p})（{name}）被 {signal} 终止。")
    }

    fn exit_ok(&self, p: i32, name: &str) -> String {
        format!("Process({p})（{name}）已退出。")
    }

    fn exit_code(&self, p: i32, name: &str, c: i32) -> String {
        format!("Process({p})（{name}）已退出，退出码 {c}。")
    }

    fn printed(&self, p: i32, text: &str) -> String {
        format!("Process({p}) 输出：{text}")
    }

    fn frozen(&self) -> String {
        "全部冻结：每个进程停在两次操作之间，然后收到 SIGSTOP。".into()
    }

    fn resumed(&self) -> String {
        "全部恢复：向每个进程发送 SIGCONT。".into()
    }

    fn maxsize_unbounded(&self) -> String {
        "maxsize 现在不设上限（队列无界）。".into()
    }

    fn maxsize_set(&self, m: u32) -> String {
        format!("maxsize 现在是 {m}：队列中有 {m} 项或更多时，put 会等待。")
    }

    fn missed(&self, puts: u64, gets: u64) -> String {
        format!("{puts} 次 put 和 {gets} 次 get 太快，来不及逐条显示（计数准确）。")
    }

    fn interrupted(&self) -> String {
        "已中断：正在停止各个进程。".into()
    }

    fn drain_timeout(&self, left: u64) -> String {
        format!("读进程没能及时取完队列：还剩 {left} 项；终止它。")
    }

    fn forgotten_send_end(&self, receiver: i32, waited_s: f64) -> String {
        format!(
            "Process({receiver}) 已在 recv 中等了 {waited_s:.1} 秒，发送进程都已结束，它却会永远等下去：\
             父进程仍持有发送端的副本，所以 recv 永远收不到 EOF。\
             （在父进程中关闭它，或去掉 --forget-close。）"
        )
    }

    fn no_progress_full(&self) -> String {
        "没有进程能再前进：每个写进程都在等满队列（深度 >= maxsize）腾出空间，\
         却没有读进程来取数据。"
            .into()
    }

    fn no_progress_empty(&self) -> String {
        "没有进程能再前进：每个读进程都在等空队列来数据，却没有写进程来放入。".into()
    }

    fn could_not_do(&self, what: &str) -> String {
        format!("无法执行：{what}")
    }

    fn could_not(&self, tried: Attempt, error: &str) -> String {
        match tried {
            Attempt::Start { role } => {
                format!(
                    "无法再启动一个{}：{error}。",
                    ScreenWords::role_name(self, role)
                )
            }
            Attempt::SetMaxsize { maxsize: 0 } => {
                format!("无法把队列设为无界（maxsize 0）：{error}。")
            }
            Attempt::SetMaxsize { maxsize } => {
                format!("无法把队列的 maxsize 设为 {maxsize}：{error}。")
            }
            Attempt::Repair { pid } => {
                format!("无法修复 Process({pid}) 留在队列中的状态：{error}。")
            }
            Attempt::Join { pid } => {
                format!("父进程无法在 join() 中等待 Process({pid})：{error}。ipcscope 仍会回收它。")
            }
            Attempt::Read => format!("父进程无法读取队列：{error}。它跳过这一步继续。"),
        }
    }

    fn at_limit(&self, limit: u32) -> String {
        format!("一个队列同时最多供 {limit} 个进程使用：不再启动新进程。")
    }

    fn no_slot_left(&self, slots: u32) -> String {
        format!("一次运行中总共最多启动 {slots} 个进程：不再启动新进程（重新开始运行即可再启动）。")
    }

    fn still_running(&self) -> String {
        "仍在运行".into()
    }

    fn exited(&self) -> String {
        "已退出".into()
    }

    fn exited_code_0(&self) -> String {
        "已退出（退出码 0）".into()
    }

    fn exited_with(&self, c: i32) -> String {
        format!("已退出，退出码 {c}")
    }

    fn killed_by_sigkill(&self) -> String {
        "被 SIGKILL 杀死".into()
    }

    fn terminated_by(&self, signal: &str) -> String {
        format!("被 {signal} 终止")
    }

    fn role_done(&self, role: Role) -> &'static str {
        match role {
            Role::Writer => "放入",
            Role::Reader => "取出",
            Role::Sender => "发送",
            Role::Receiver => "接收",
            Role::Counter => "自增",
            Role::Supervisor | Role::Program => "",
        }
    }

    fn summary_header(&self) -> String {
        "--- 总结 ---".into()
    }

    fn queue_summary(&self, puts: u64, gets: u64, left: usize, maxsize: u32) -> String {
        let bound = if maxsize == 0 {
            "无界".to_string()
        } else {
            format!("maxsize {maxsize}")
        };
        format!("队列（{bound}）：放入 {puts}，取出 {gets}，队列中剩 {left}")
    }

    fn left_in_queue(&self, labels: &[String]) -> String {
        format!("队列中剩下：{}", list(labels))
    }

    fn lost_items(&self, items: &[(String, String, i32)]) -> String {
        let parts: Vec<String> = items
            .iter()
            .map(|(item, name, pid)| format!("{item}（随 {name}，Process({pid})）"))
            .collect();
        format!("随被杀进程丢失：{}", list(&parts))
    }

    fn pipe_summary(&self, sent: u64, received: u64, eof: bool) -> String {
        let eof = if eof {
            "，接收进程收到了 EOF"
        } else {
            "，没有 EOF"
        };
        format!("管道：发送 {sent}，接收 {received}{eof}")
    }

    fn counter_summary(
        &self,
        expected: u64,
        actual: i64,
        lost: i64,
        pct: f64,
        lock: bool,
    ) -> String {
        let how = if lock { "加锁" } else { "不加锁" };
        format!("计数器（{how}）：期望 {expected}，实际 {actual}：丢失 {lost} 次更新（{pct:.1} %）")
    }

    fn summary_proc(
        &self,
        name: &str,
        pid: i32,
        (word, done): (&str, u64),
        extra: &str,
        ended: &str,
    ) -> String {
        format!("  {name:<10} Process({pid}) {word} {done}{extra}，{ended}")
    }

    fn summary_timeouts(&self, full: bool, n: u64) -> String {
        if full {
            format!("，queue.Full {n} 次")
        } else {
            format!("，queue.Empty {n} 次")
        }
    }

    fn telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String {
        let mut s = format!("遥测：{events} 个事件");
        if dropped > 0 {
            s.push_str(&format!(
                "，丢弃 {dropped} 个（ipcscope 没跟上；上面的计数仍然准确）"
            ));
        } else {
            s.push_str("，没有丢弃");
        }
        if late > 0 {
            s.push_str(&format!("，{late} 个迟到"));
        }
        s
    }

    fn recording_gaps(&self, path: &Path) -> String {
        format!(
            "录制文件 {} 跟不上这么多数据：部分记录被略过，在文件中标为缺口（运行本身不会变慢）。",
            path.display()
        )
    }

    fn recording_gaps_summary(&self, path: &Path, dropped: u64) -> String {
        format!(
            "录制文件 {}：略过 {dropped} 条记录（已标为缺口）",
            path.display()
        )
    }

    fn recoveries_summary(&self, n: u64) -> String {
        format!("进程死后队列的恢复次数：{n}")
    }
}
