//! 简体中文：观察别人的 Python 程序（`ipcscope run`）。

use super::Zh;
use crate::text::words::AttachWords;

impl AttachWords for Zh {
    fn at_place(&self, place: &str) -> String {
        format!("（{place}）")
    }

    fn prog_main(&self, p: i32) -> String {
        format!("程序以 Process({p}) 启动。")
    }

    fn prog_helper(&self, p: i32, name: &str) -> String {
        format!("Process({p}) 是 multiprocessing 自己的 {name}。")
    }

    fn prog_started(&self, p: i32, child: i32, name: &str, target: &str, method: &str) -> String {
        format!("Process({p}) 启动了 Process({child})：{name}，运行 {target}()（{method}）。")
    }

    fn prog_made(&self, p: i32, what: &str) -> String {
        format!("Process({p}) 创建了 {what}。")
    }

    fn prog_put(&self, p: i32, item: &str, obj: &str, depth: u32) -> String {
        format!(
            "Process({p}) 向 {obj} 放入 {item}：先进入它的 feeder 缓冲区，还没进管道（深度 {depth}）。"
        )
    }

    fn prog_put_direct(&self, p: i32, item: &str, obj: &str) -> String {
        format!("Process({p}) 向 {obj} 放入 {item}：直接写进管道。")
    }

    fn prog_get(&self, p: i32, item: &str, obj: &str, depth: u32) -> String {
        format!("Process({p}) 从 {obj} 取出 {item}（深度 {depth}）。")
    }

    fn prog_put_wait(&self, p: i32, item: &str, obj: &str, depth: u32, maxsize: u32) -> String {
        format!("Process({p}) 阻塞在 put({item})：{obj} 已满（{depth}/{maxsize}）。")
    }

    fn prog_get_wait(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) 阻塞在 get()：{obj} 是空的。")
    }

    fn prog_full(&self, p: i32, item: &str, obj: &str) -> String {
        format!("Process({p}) 对 {obj} 的 put({item}) 抛出 queue.Full。")
    }

    fn prog_empty(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) 对 {obj} 的 get() 抛出 queue.Empty。")
    }

    fn prog_send(&self, p: i32, item: &str, end: &str) -> String {
        format!("Process({p}) 通过 {end} 发送了 {item}。")
    }

    fn prog_recv(&self, p: i32, item: &str, end: &str) -> String {
        format!("Process({p}) 从 {end} 收到了 {item}。")
    }

    fn prog_recv_wait(&self, p: i32, end: &str) -> String {
        format!("Process({p}) 阻塞在 {end}.recv()：管道里还没有数据。")
    }

    fn prog_eof(&self, p: i32, end: &str) -> String {
        format!("Process({p}) {end}.recv()：抛出 EOFError（另一端的所有副本都已关闭）。")
    }

    fn prog_closed(&self, p: i32, what: &str) -> String {
        format!("Process({p}) 关闭了 {what}。")
    }

    fn prog_raised(&self, p: i32, call: &str, obj: &str, error: &str) -> String {
        format!("Process({p}) 对 {obj} 的 {call}() 抛出 {error}。")
    }

    fn prog_join_wait(&self, p: i32, child: i32) -> String {
        format!("Process({p}) 阻塞在 join()，等待 Process({child})。")
    }

    fn prog_joined(&self, p: i32, child: i32, ended: bool) -> String {
        if ended {
            format!("Process({p}) join 了 Process({child})。")
        } else {
            format!("Process({p}) 不再等待 Process({child})（join 超时）。")
        }
    }

    fn prog_finishing(&self, p: i32, buffered: u64) -> String {
        format!(
            "Process({p}) 的目标函数已返回，但它的 feeder 缓冲区里还有 {buffered} 项：\
             这些数据进入管道之前，它无法结束。"
        )
    }

    fn prog_many(&self, p: i32, op: &str, n: u64, obj: &str) -> String {
        format!("Process({p})：对 {obj} 又做了 {n} 次 {op}()，太快无法逐条显示（计数准确）。")
    }

    fn prog_signalled(&self, p: i32, target: i32, signal: &str) -> String {
        format!("Process({p}) 向 Process({target}) 发送了 {signal}。")
    }

    fn prog_exit(&self, p: i32, name: &str, how: &str) -> String {
        format!("Process({p})（{name}）结束：{how}。")
    }

    fn prog_how_code(&self, code: i32) -> String {
        format!("退出码 {code}")
    }

    fn prog_how_signal(&self, signal: &str) -> String {
        format!("被 {signal} 结束")
    }

    fn prog_interrupted(&self) -> String {
        "ipcscope 正在停止程序（向每个进程发送 SIGTERM，2 秒后 SIGKILL）。".into()
    }

    fn prog_note_started(&self, python: &str, pid: i32) -> String {
        format!("Python {python} 以 Process({pid}) 运行这个程序，带着 ipcscope 的插桩。")
    }

    fn prog_note_not_instrumented(&self) -> String {
        "没有插桩（--no-instrument）：ipcscope 按内核看到的样子显示进程、它们的状态和它们持有的管道。".into()
    }

    fn prog_note_old_python(&self, version: &str) -> String {
        format!(
            "运行这个程序的是 Python {version}：ipcscope 要看进程内部需要 Python 3.11 或更新版本，\
             所以只显示内核看到的内容。"
        )
    }

    fn prog_note_report_fd(&self, pid: i32, fd: i32, reused: bool) -> String {
        let what = if reused { "复用了" } else { "关闭了" };
        format!(
            "Process({pid}) {what} ipcscope 的报告描述符（fd {fd}）；它的报告改经 ipcscope 的 FIFO 继续。"
        )
    }

    fn prog_note_hook_failed(&self, what: &str) -> String {
        format!("ipcscope 无法插桩 {what}；程序在那里照常运行，但不被观察。")
    }

    fn prog_note_too_many(&self, limit: u32) -> String {
        format!(
            "程序同时有超过 {limit} 个进程：ipcscope 只跟踪前 {limit} 个（其余的也会随它一起结束）。"
        )
    }

    fn prog_note_timed_out(&self, secs: u64) -> String {
        format!("程序运行 {secs} 秒后仍未结束（--timeout）：ipcscope 停止它。")
    }

    fn prog_note_all_blocked(&self, secs: f64) -> String {
        format!("程序的每个进程都已等待 {secs:.1} 秒，没有一个能继续：它永远不会自己结束。")
    }

    fn prog_note_all_blocked_why(&self, secs: f64, why: &[String]) -> String {
        format!(
            "程序的每个进程都已等待 {secs:.1} 秒，没有一个能继续：{}。它永远不会自己结束。",
            why.join("；")
        )
    }

    fn prog_why_join(&self, p: i32, child: i32) -> String {
        format!("Process({p}) 在 join() 中等待 Process({child})")
    }

    fn prog_why_recv(&self, p: i32, end: &str, other: &str, holders: &[i32]) -> String {
        let who: Vec<String> = holders
            .iter()
            .map(|h| {
                if *h == p {
                    format!("Process({h}) 自己")
                } else {
                    format!("Process({h})")
                }
            })
            .collect();
        if who.is_empty() {
            format!("Process({p}) 在 {end}.recv() 中等待")
        } else {
            let who = who.join(" 和 ");
            // 「自己」后不空格；拉丁文字后空一格。
            let gap = if who.ends_with("自己") { "" } else { " " };
            format!(
                "Process({p}) 在 {end}.recv() 中等待，而消息要经过的另一端 {other} 只有 {who}{gap}还持有"
            )
        }
    }

    fn prog_why_send(&self, p: i32, end: &str) -> String {
        format!("Process({p}) 在 {end}.send() 中等待：管道已满")
    }

    fn prog_why_get(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) 在 {obj}.get() 中等待：队列是空的")
    }

    fn prog_why_put(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) 在 {obj}.put() 中等待：队列已满")
    }

    fn prog_why_flush(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) 要等 feeder 把数据冲进 {obj} 的管道才能结束")
    }

    fn prog_stuck_waits(&self, waits: &[String]) -> String {
        format!("谁在等谁：{}。", waits.join("；"))
    }

    fn prog_stuck_cycle(&self, names: &[String]) -> String {
        format!("死锁：{}，每个都永远等着下一个。", names.join(" → "))
    }

    fn prog_note_lost_in_feeder(&self, n: u64, name: &str, pid: i32, obj: &str) -> String {
        format!(
            "{name} ({pid}) 放进 {obj} 的 {n} 个数据项在它被杀死时还在它的 feeder 缓冲区里：\
             丢失了，从未进入管道（get 等它们是白等）。"
        )
    }

    fn prog_summary_queue_lost(
        &self,
        title: &str,
        puts: u64,
        gets: u64,
        lost: u64,
        left: u64,
    ) -> String {
        format!("{title}：放入 {puts}，取出 {gets}，丢失 {lost}，剩 {left}")
    }

    fn prog_note_ignored_term(&self, pid: i32) -> String {
        format!("Process({pid}) 2 秒内没有响应 SIGTERM：SIGKILL。")
    }

    fn prog_note_left_behind(&self, count: u32) -> String {
        format!("主进程已结束，留下 {count} 个仍在运行的进程：ipcscope 停止它们。")
    }

    fn prog_note_no_multiprocessing(&self) -> String {
        "程序结束了，没有用到 multiprocessing：没有 Queue、Pipe、Value 或 Process 可显示。".into()
    }

    fn prog_summary_ended(&self, file: &str, how: &str) -> String {
        format!("{file}：{how}")
    }

    fn prog_summary_still_running(&self, file: &str) -> String {
        format!("{file}：仍在运行")
    }

    fn prog_summary_queue(&self, title: &str, puts: u64, gets: u64, left: u64) -> String {
        format!("{title}：放入 {puts}，取出 {gets}，剩 {left}")
    }

    fn prog_summary_pipe(&self, title: &str, sent: u64, received: u64, eof: bool) -> String {
        let eof = if eof { "，抛出了 EOFError" } else { "" };
        format!("{title}：发送 {sent}，接收 {received}{eof}")
    }

    fn prog_summary_value(&self, title: &str, writes: u64, procs: usize, value: &str) -> String {
        format!("{title}：{procs} 个进程写了 {writes} 次，最后看到的值 {value}")
    }

    fn prog_summary_proc(&self, name: &str, pid: i32, ended: &str, place: &str) -> String {
        let place = if place.is_empty() {
            String::new()
        } else {
            format!("，最后在 {place}")
        };
        format!("  {name:<16} Process({pid}) {ended}{place}")
    }

    fn prog_telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String {
        let mut s = format!("遥测：{events} 个事件");
        if dropped > 0 {
            s.push_str(&format!(
                "，丢弃 {dropped} 条报告（程序跑在 ipcscope 前面；上面的计数缺少这些报告的内容）"
            ));
        } else {
            s.push_str("，没有丢弃");
        }
        if late > 0 {
            s.push_str(&format!("，{late} 个迟到"));
        }
        s
    }

    fn run_no_python(&self, python: &str) -> String {
        format!(
            "无法运行 '{python}'：没有这个程序（请安装 Python 3.11 或更新版本，或者指定一个：\
             ipcscope run -- /path/to/python3 PROG.py）"
        )
    }

    fn run_no_program(&self, path: &str, why: &str) -> String {
        format!("无法运行 '{path}'：{why}")
    }

    fn run_no_such_file(&self) -> String {
        "没有这个文件".into()
    }

    fn run_cannot_start(&self, why: &str) -> String {
        format!("无法启动程序：{why}")
    }

    fn prog_key_not_here(&self, key: &str) -> String {
        format!("{key}：不适用于别人的程序（它自己创建进程和对象）。")
    }

    fn prog_stage_title(&self, file: &str, objects: usize) -> String {
        format!("{file}：{objects} 个共享对象")
    }

    fn prog_stage_empty(&self) -> &'static str {
        "还没有 Queue、Pipe 或 Value：程序创建它们时会出现在这里。"
    }

    fn prog_stage_queue(&self, buffered: u64, in_pipe: u64, bytes: &str) -> String {
        format!("feeder 缓冲区 {buffered} 项，管道中 {in_pipe} 项（{bytes}）")
    }

    fn prog_doing_join(&self, child: i32) -> String {
        format!("join 等待 {child}")
    }

    fn prog_doing_sleep(&self, secs: f64) -> String {
        format!("睡眠 {secs:.1}s")
    }

    fn prog_doing_poll(&self) -> &'static str {
        "poll 等待"
    }

    fn prog_doing_finishing(&self, buffered: u64) -> String {
        format!("清空缓冲 {buffered}")
    }

    fn prog_holders(&self, end: &str, who: &str) -> String {
        format!("{end} 持有者：{who}")
    }
}
