//! Python 的 feeder 线程，以及自己读队列的父进程，中文。

use super::{Zh, list};
use crate::text::words::FeederWords;

impl FeederWords for Zh {
    fn flushed(&self, pid: i32, item: &str) -> String {
        format!("Process({pid}) 的 feeder 线程把 {item} 冲进了管道。")
    }

    fn flush_wait(&self, pid: i32, left: u32) -> String {
        format!(
            "Process({pid}) 已经做完，但还不能退出：它的 feeder 线程必须先把缓冲区里的 \
             {left} 项冲进管道。"
        )
    }

    fn lost_in_buffer(&self, pid: i32, items: &[String]) -> String {
        format!(
            "Process({pid}) 放入的 {} 从未离开它的缓冲区：feeder 还没把它们冲进管道，\
             它们随进程一起丢失了。",
            list(items)
        )
    }

    fn buffer_lost(&self, pid: i32, name: &str, n: u64) -> String {
        format!(
            "Process({pid})（{name}）死时 feeder 缓冲区里还有 {n} 项：put() 已为它们返回，\
             它们却从未进入管道，随进程一起丢失了。"
        )
    }

    fn lost_unnamed(&self, n: u64) -> String {
        format!("另有 {n} 项丢失在 feeder 缓冲区里，太多了，无法逐一列出")
    }

    fn parent_get_wait(&self) -> String {
        "父进程在 get() 中等待：队列是空的。".into()
    }

    fn feeder_summary(
        &self,
        buffered: u64,
        flushed: u64,
        got: u64,
        left: u64,
        holds: u32,
    ) -> String {
        format!(
            "带 feeder 的 Queue()：put() 返回了 {buffered} 次；{flushed} 项进了管道（能放 {holds} 项），\
             取走 {got} 项，还剩 {left} 项"
        )
    }

    fn stuck_join_before_drain(&self) -> &'static str {
        "死锁：先 join 后取"
    }

    fn feeder_panel_title(&self, holds: u32) -> String {
        format!(" Queue() 的管道（能放 {holds} 项） ")
    }

    fn join_before_drain(&self, pid: i32, name: &str, feeder: bool) -> String {
        let into = if feeder { "管道" } else { "队列" };
        format!(
            "死锁：父进程在 join() 中等 Process({pid})（{name}）结束，而它要等自己放入的数据\
             进入{into}才能结束；{into}已满，唯一会读它的是父进程，却要在 join 之后才读。\
             应先取空队列，再 join。"
        )
    }

    fn feeder_title(&self, holds: u32) -> String {
        format!("Queue() · 管道能放 {holds} 项（Python 的：64 KiB）")
    }

    fn buffer_detail(&self, n: u64, stuck: bool, short: bool) -> String {
        match (stuck, short) {
            (true, false) => format!("缓冲区 {n}：feeder 在等管道空间"),
            (false, false) => format!("缓冲区 {n}：feeder 正在冲"),
            (_, true) => format!("缓冲 {n}"),
        }
    }

    fn provider_main(&self, short: bool) -> &'static str {
        if short {
            "父进程"
        } else {
            "父进程（它读这个队列）"
        }
    }

    fn parent_reading(&self, got: u64, blocked: bool, short: bool) -> String {
        match (blocked, short) {
            (true, false) => format!("阻塞于 get()：队列是空的（已取 {got}）"),
            (true, true) => "阻塞于 get".into(),
            (false, false) => format!("读取队列：get()（已取 {got}）"),
            (false, true) => format!("get（{got}）"),
        }
    }

    fn step_get(&self, n: Option<u64>) -> String {
        match n {
            Some(n) => format!("get 取 {n} 项"),
            None => "get 取数据".into(),
        }
    }
}
