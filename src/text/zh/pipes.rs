//! 管道端口的继承、回复与两端都先 recv 的死锁，中文。

use super::Zh;
use crate::stream::{PipeCall, PipeEnd};
use crate::text::words::PipeWords;

impl PipeWords for Zh {
    fn end_closed(&self, pid: i32, end: PipeEnd) -> String {
        match end {
            PipeEnd::Send => format!("Process({pid}) 关闭了自己的发送端副本：它只接收。"),
            PipeEnd::Recv => format!("Process({pid}) 关闭了自己的接收端副本：它只发送。"),
        }
    }

    fn parent_closed_send_end(&self) -> String {
        "父进程关闭了自己的发送端副本。".into()
    }

    fn wrong_way(&self, pid: i32, call: PipeCall, error: &str) -> String {
        match call {
            PipeCall::Recv => {
                format!("Process({pid}) 在只能发送的端口上调用了 recv()：OSError: {error}")
            }
            PipeCall::Send => {
                format!("Process({pid}) 在只能接收的端口上调用了 send()：OSError: {error}")
            }
        }
    }

    fn own_send_end(&self, receiver: i32, parent_too: bool, waited_s: f64) -> String {
        let who = if parent_too {
            "它自己持有发送端的副本（继承来的，从没关闭），父进程也持有一个"
        } else {
            "它自己持有发送端的副本（继承来的，从没关闭）"
        };
        format!(
            "Process({receiver}) 已在 recv 中等了 {waited_s:.1} 秒，发送进程都已结束，它却会永远等下去：\
             {who}，所以 recv 永远收不到 EOF。（每个子进程都应关闭自己用不到的端口：--close-unused。）"
        )
    }

    fn deadlock_link(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String {
        format!("{name}（Process({pid})）在 recv() 中等 {on_name}（Process({on_pid})）发来消息")
    }

    fn deadlock(&self, links: &[String]) -> String {
        format!(
            "死锁：{}。谁都不会再发送，两个进程永远等下去。",
            links.join("，而 ")
        )
    }

    fn replies_summary(&self, sent_back: u64, got: u64) -> String {
        format!("回复：接收进程发回 {sent_back} 条，发送进程收到 {got} 条")
    }

    fn needs_duplex(&self, option: &str) -> String {
        format!(
            "{option} 需要双向管道（去掉 --duplex false）：回复要经接收进程的端口发回，\
             而单向管道的接收端只能接收"
        )
    }

    fn stuck_own_send_end(&self) -> &'static str {
        "卡住：recv 在等，它自己持有发送端"
    }

    fn stuck_deadlock(&self) -> &'static str {
        "死锁：两端都在 recv 中等待"
    }

    fn stage_end_label(&self, code: &str, word: &str) -> String {
        format!("{code}（{word}）")
    }

    fn stage_end_held_by(&self, label: &str) -> String {
        format!("{label}持有者：")
    }

    fn stage_own_copy(&self, parent_too: bool, short: bool) -> &'static str {
        match (parent_too, short) {
            (false, false) => "接收进程自己的副本：它的 recv 永远收不到 EOF",
            (false, true) => "自己的副本：没有 EOF",
            (true, false) => "只要这些还开着，recv 就收不到 EOF",
            (true, true) => "没有 EOF",
        }
    }

    fn stage_deadlock(&self) -> &'static str {
        "死锁："
    }

    fn stage_waits_for(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String {
        format!("{name} {pid} 在 recv() 中等 {on_name} {on_pid}")
    }

    fn notice_wrong_way(&self, name: &str, call: PipeCall, error: &str) -> String {
        match call {
            PipeCall::Recv => {
                format!("{name}：在只能发送的端口上调用 recv()，抛出 OSError: {error}")
            }
            PipeCall::Send => {
                format!("{name}：在只能接收的端口上调用 send()，抛出 OSError: {error}")
            }
        }
    }

    fn hint_nothing_to_close(&self, holders: Option<&str>) -> String {
        match holders {
            Some(h) => format!("父进程没有发送端的副本（持有者：{h}）。"),
            None => "父进程没有发送端的副本：现在没有任何进程持有它。".into(),
        }
    }

    fn hint_no_wrong_way(&self) -> String {
        "Pipe() 是双向的：两端都能收发，没有“方向错误”可演示（试试 pipe --duplex false）。".into()
    }

    fn hint_wrong_way_later(&self, name: &str) -> String {
        format!("{name} 正在阻塞：等这次调用返回后，它再尝试错误的方向。")
    }

    fn menu_pipe_ends(&self, close_unused: bool) -> String {
        if close_unused {
            "每个子进程继承两端，并关闭自己用不到的那一端".into()
        } else {
            "每个子进程继承两端并一直持有".into()
        }
    }

    fn menu_pipe_replies(&self, both_recv: bool) -> String {
        if both_recv {
            "两端都先调用 recv()".into()
        } else {
            "接收进程回复每条消息".into()
        }
    }
}
