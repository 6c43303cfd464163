//! The screen's words, in Chinese.

use super::{Zh, list};
use crate::model::digest::Repeated;
use crate::model::world::Activity;
use crate::stream::run::Then;
use crate::stream::{Ended, KernelWait, Role, SIGKILL};
use crate::text::words::{KeyTable, ProcessHeadings, ScreenWords};

impl ScreenWords for Zh {
    fn too_small(&self, w: u16, h: u16, min_w: u16, min_h: u16) -> String {
        format!(
            "ipcscope 需要至少 {min_w}x{min_h} 的终端；当前是 {w}x{h}。\
             请放大窗口（或调小字体）。按 q 退出。"
        )
    }

    fn activity(&self, a: &Activity, maxsize: u32) -> &'static str {
        match a {
            Activity::Starting => "启动中",
            Activity::Active => "运行中",
            Activity::WaitingToPut { .. } if maxsize == 0 => "阻塞于 put：缓冲区满",
            Activity::WaitingToPut { .. } => "阻塞于 put：队列满",
            Activity::WaitingToGet { .. } => "阻塞于 get：队列空",
            Activity::WaitingToSend { .. } => "阻塞于 send：管道满",
            Activity::WaitingToRecv { .. } => "阻塞于 recv：管道空",
            Activity::Exited => "已退出",
            Activity::WaitingForLock { .. } => "阻塞：等待锁",
            Activity::WaitingToFlush { .. } => "阻塞于退出：等 feeder 冲完",
        }
    }

    fn activity_short(&self, a: &Activity) -> &'static str {
        match a {
            Activity::Starting => "启动中",
            Activity::Active => "运行中",
            Activity::WaitingToPut { .. } => "阻塞于 put",
            Activity::WaitingToGet { .. } => "阻塞于 get",
            Activity::WaitingToSend { .. } => "阻塞于 send",
            Activity::WaitingToRecv { .. } => "阻塞于 recv",
            Activity::Exited => "已退出",
            Activity::WaitingForLock { .. } => "阻塞于锁",
            Activity::WaitingToFlush { .. } => "阻塞于退出",
        }
    }

    fn activity_tiny(&self, a: &Activity) -> &'static str {
        match a {
            Activity::Starting => "启动中",
            Activity::Active => "运行中",
            Activity::Exited => "已退出",
            _ => "阻塞",
        }
    }

    fn not_a_terminal(&self) -> String {
        "可视化界面需要终端，而 stdout（或 stdin）不是终端。\
         要打印文字记录，请加 --headless 运行（例如 `ipcscope --headless`）。"
            .into()
    }

    fn not_applicable(&self) -> &'static str {
        "此处不可用"
    }

    fn key_help(&self) -> KeyTable {
        &[
            ("+/-", "增加 / 减少一个写进程（计数器演示中是计数进程）"),
            ("r/R", "增加 / 减少一个读进程（仅队列）"),
            ("[/]", "加快 / 放慢：选中的进程，或全部写进程"),
            ("m/M", "maxsize 减小 / 增大（仅队列）"),
            ("l", "加锁 / 解锁，立即生效（仅计数器）"),
            ("b/e", "选中的一类进程：阻塞/timeout/block=False；重试/放弃"),
            ("space", "冻结 / 恢复全部进程（SIGSTOP / SIGCONT）"),
            ("f", "只冻结画面（进程继续运行）"),
            (".", "单步：冻结时让选中的进程执行一次操作"),
            ("up/down, click", "选中一个进程"),
            ("k", "杀死选中的进程（SIGKILL）"),
            ("t", "终止选中的进程（SIGTERM）"),
            ("n", "重新开始本演示"),
            ("1/2/3", "切换到队列 / 管道 / 计数器演示"),
            ("</>", "慢放：更慢 / 更快（按比例放大所有延时）"),
            ("c", "显示 / 隐藏舞台旁的 Python 程序"),
            ("x", "父进程关闭它持有的管道发送端副本（管道）"),
            ("w", "选中的管道端口朝错误的方向调用（单向管道）"),
            ("?", "显示 / 隐藏本帮助"),
            ("Esc", "关闭本帮助，否则取消选中"),
            ("q/Ctrl-C", "退出（停止并回收所有进程）"),
        ]
    }

    fn replay_key_help(&self) -> KeyTable {
        &[
            ("space", "播放 / 暂停"),
            (".", "前进一个事件"),
            (",", "后退一个事件"),
            ("left/right", "后退 / 前进 5 秒"),
            ("Home/End", "跳到开头 / 结尾"),
            ("</>", "放慢 / 加快播放（x0.1 到 x10）"),
            ("click", "点时间轴：跳到那里；点进程：选中它"),
            ("up/down", "选中一个进程"),
            ("?", "显示 / 隐藏本帮助"),
            ("Esc", "关闭本帮助，否则取消选中"),
            ("q/Ctrl-C", "退出"),
        ]
    }

    fn footer_keys(&self) -> KeyTable {
        &[
            ("q", "退出"),
            ("?", "帮助"),
            ("space", "冻结"),
            (".", "单步"),
            ("+/-", "写进程"),
            ("r/R", "读进程"),
            ("k", "杀死"),
            ("t", "终止"),
            ("[/]", "速度"),
            ("m/M", "maxsize"),
            ("</>", "慢放"),
            ("f", "画面"),
            ("n", "重启"),
            ("1/2/3", "演示"),
        ]
    }

    fn replay_footer_keys(&self) -> KeyTable {
        &[
            ("q", "退出"),
            ("?", "帮助"),
            ("space", "播放/暂停"),
            (".", "单步"),
            (",", "后退"),
            ("left/right", "5 秒"),
            ("Home/End", "两端"),
            ("</>", "速度"),
        ]
    }

    fn key_name(&self, key: &'static str) -> &'static str {
        match key {
            "space" => "空格",
            "up/down" => "↑/↓",
            "up/down, click" => "↑/↓、点击",
            "left/right" => "←/→",
            "PgDn/right/Tab" => "PgDn/→/Tab",
            "PgUp/left/S-Tab" => "PgUp/←/S-Tab",
            "click" => "点击",
            other => other,
        }
    }

    fn footer_resume(&self) -> &'static str {
        "恢复"
    }

    fn footer_counters(&self) -> &'static str {
        "计数进程"
    }

    fn help_title(&self) -> &'static str {
        " 按键（按 ? 或 Esc 关闭） "
    }

    fn help_kernel_letters(&self) -> &'static str {
        "内核列：R 运行，S 睡眠或等待，T 已停止，Z 僵尸"
    }

    fn help_disagreement(&self, mark: &str) -> String {
        format!("{mark} {}：内核看到的与进程自报的矛盾", self.disagrees())
    }

    fn running(&self) -> &'static str {
        "运行中"
    }

    fn frozen_world(&self) -> &'static str {
        "已冻结（SIGSTOP）"
    }

    fn frozen_short(&self) -> &'static str {
        "已冻结"
    }

    fn finished_eof(&self) -> String {
        "已结束：recv 收到 EOF，全部退出".into()
    }

    fn finished_clean(&self) -> String {
        "已结束：所有进程都已退出".into()
    }

    fn finished_last(&self, name: &str, how: &str) -> String {
        format!("已结束：全部终止，最后是 {name}（{how}）")
    }

    fn finished_all(&self) -> String {
        "已结束：所有进程都已终止".into()
    }

    fn finished_short(&self) -> &'static str {
        "已结束"
    }

    fn stuck_full_no_reader(&self) -> &'static str {
        "卡住：写进程在等，没有读进程"
    }

    fn stuck_empty_no_writer(&self) -> &'static str {
        "卡住：读进程在等，没有写进程"
    }

    fn stuck_send_end(&self) -> &'static str {
        "卡住：recv 在等，父进程持有发送端"
    }

    fn stuck_short(&self) -> &'static str {
        "卡住"
    }

    fn replay_tag(&self) -> &'static str {
        "回放"
    }

    fn view_frozen(&self) -> &'static str {
        "画面已冻结"
    }

    fn slow_motion(&self, factor: f64) -> String {
        format!("慢放 x{factor:.1}")
    }

    fn fast(&self) -> &'static str {
        "太快（只计数，不动画）"
    }

    fn fast_short(&self) -> &'static str {
        "太快"
    }

    fn lag(&self, ms: u64) -> String {
        format!("滞后 {ms} ms")
    }

    fn dropped(&self, n: u64) -> String {
        format!("丢弃 {n}")
    }

    fn late(&self, n: u64) -> String {
        format!("迟到 {n}")
    }

    fn processes_title(&self, n: usize) -> String {
        format!(" 进程（{n}） ")
    }

    fn more_rows(&self, n: usize) -> String {
        format!(" 还有 {n} 个 ")
    }

    fn process_headings(&self) -> ProcessHeadings {
        ProcessHeadings {
            name: "名称",
            role: "角色",
            reported: "状态",
            state: "状态",
            kernel: "内核",
            item: "数据",
            done: "完成",
            blocked: "阻塞",
            exit: "结束",
        }
    }

    fn role_name(&self, role: Role) -> &'static str {
        match role {
            Role::Writer => "写进程",
            Role::Reader => "读进程",
            Role::Sender => "发送进程",
            Role::Receiver => "接收进程",
            Role::Counter => "计数进程",
            Role::Supervisor => "父进程",
            Role::Program => "进程",
        }
    }

    fn ended_short(&self, e: Ended) -> String {
        match e {
            Ended::Code(0) => "已退出".into(),
            Ended::Code(c) => format!("退出码 {c}"),
            Ended::Signal(s) if s == SIGKILL => "已杀死".into(),
            Ended::Signal(_) => "已终止".into(),
        }
    }

    fn signal_sent(&self, signal: &str) -> String {
        format!("已发送 {signal}")
    }

    fn kernel_wait(&self, w: &KernelWait, short: bool) -> &'static str {
        match (w, short) {
            (KernelWait::Running, _) => "运行",
            (KernelWait::Sleeping, _) => "睡眠",
            (KernelWait::WaitingForData, false) => "等待数据",
            (KernelWait::WaitingForData, true) => "等数据",
            (KernelWait::WaitingForSpace, false) => "等待空间",
            (KernelWait::WaitingForSpace, true) => "等空间",
            (KernelWait::WaitingForLock, false) => "等待锁",
            (KernelWait::WaitingForLock, true) => "等锁",
            (KernelWait::WaitingOther(_), _) => "等待",
            (KernelWait::Stopped, _) => "已停止",
            (KernelWait::Zombie, _) => "僵尸",
            (KernelWait::Gone, _) => "已消失",
        }
    }

    fn kernel_unseen(&self, short: bool) -> &'static str {
        if short { "?" } else { "未采样" }
    }

    fn disagrees(&self) -> &'static str {
        "不一致"
    }

    fn disagree_legend(&self, mark: &str) -> String {
        format!(" {mark} 内核与自报{} ", self.disagrees())
    }

    fn log_title(&self) -> &'static str {
        " 事件日志 "
    }

    fn log_parent(&self) -> &'static str {
        "父进程"
    }

    fn burst(
        &self,
        who: Option<&str>,
        op: Repeated,
        n: usize,
        span: Option<(&str, &str)>,
        why: bool,
    ) -> String {
        let who = who.map_or(String::new(), |w| format!("{w} "));
        let span = match span {
            Some((a, b)) if n == 2 => format!("（{a}、{b}）"),
            Some((a, b)) => format!("（{a}、…、{b}）"),
            None => String::new(),
        };
        match op {
            Repeated::Put => format!("{who}放入了 {n} 项{span}"),
            Repeated::Get => format!("{who}取出了 {n} 项{span}"),
            Repeated::Send => format!("{who}发送了 {n} 条{span}"),
            Repeated::Recv => format!("{who}接收了 {n} 条{span}"),
            Repeated::PutWait if why => format!("{who}等待放入 {n} 次：队列已满"),
            Repeated::GetWait if why => format!("{who}等待 get {n} 次：队列是空的"),
            Repeated::SendWait if why => format!("{who}等待发送 {n} 次：管道已满"),
            Repeated::RecvWait if why => format!("{who}等待 recv {n} 次：管道里没有数据"),
            Repeated::PutWait => format!("{who}等待放入 {n} 次"),
            Repeated::GetWait => format!("{who}等待 get {n} 次"),
            Repeated::SendWait => format!("{who}等待发送 {n} 次"),
            Repeated::RecvWait => format!("{who}等待 recv {n} 次"),
            Repeated::PutFull(Then::Retry) if why => {
                format!("{who}抛出了 {n} 次 queue.Full（每次都再试）")
            }
            Repeated::PutFull(Then::GiveUp) if why => {
                format!("{who}抛出了 {n} 次 queue.Full（每次都放弃了数据项）")
            }
            Repeated::GetEmpty(Then::Retry) if why => {
                format!("{who}抛出了 {n} 次 queue.Empty（每次都再试）")
            }
            Repeated::GetEmpty(Then::GiveUp) if why => {
                format!("{who}抛出了 {n} 次 queue.Empty（随后不再读取）")
            }
            Repeated::PutFull(_) => format!("{who}抛出了 {n} 次 queue.Full"),
            Repeated::GetEmpty(_) => format!("{who}抛出了 {n} 次 queue.Empty"),
        }
    }

    fn queue_title(&self, maxsize: u32) -> String {
        if maxsize == 0 {
            " 队列（无界） ".into()
        } else {
            format!(" 队列（maxsize {maxsize}） ")
        }
    }

    fn depth_label(&self, depth: u64, maxsize: u32, capacity: usize) -> String {
        if maxsize == 0 {
            format!("深度 {depth}，缓冲区 {capacity} 格")
        } else {
            format!("深度 {depth}/{maxsize}")
        }
    }

    fn gauge_empty(&self) -> &'static str {
        "空"
    }

    fn gauge_full(&self) -> &'static str {
        "满"
    }

    fn depth_history(&self, secs: f64) -> String {
        format!("深度，最近 {secs:.0} 秒")
    }

    fn flow_words(&self, pipe: bool) -> (&'static str, &'static str) {
        if pipe {
            ("发送", "接收")
        } else {
            ("放入", "取出")
        }
    }

    fn queue_waiters(&self, put: u32, get: u32) -> String {
        format!("等待中：put {put}，get {get}")
    }

    fn raised(&self, full: u64, empty: u64) -> String {
        format!("已抛出：Full {full}  Empty {empty}")
    }

    fn recovered_lost(&self, recoveries: u64, lost: &[String], count: u64) -> String {
        if lost.is_empty() {
            format!("已恢复 {recoveries}  丢失 {count}")
        } else {
            format!("已恢复 {recoveries}  丢失 {count}：{}", list(lost))
        }
    }

    fn pipe_title(&self) -> &'static str {
        " 管道 "
    }

    fn pipe_label(&self, bytes: Option<u64>, capacity: Option<&str>) -> String {
        match (bytes, capacity) {
            (Some(b), Some(c)) => format!("已缓冲 {b} B / {c}"),
            (Some(b), None) => format!("已缓冲 {b} B"),
            _ => "已缓冲 ?".into(),
        }
    }

    fn in_flight(&self, n: usize, labels: &[String]) -> String {
        if labels.is_empty() {
            format!("管道中：{n}")
        } else {
            format!("管道中：{n}（{}）", list(labels))
        }
    }

    fn eof(&self, seen: bool) -> &'static str {
        if seen {
            "EOF：接收进程已收到"
        } else {
            "EOF：还没有"
        }
    }

    fn holders(&self, send: bool, names: &[String]) -> String {
        let end = if send { "发送端" } else { "接收端" };
        if names.is_empty() {
            format!("{end}：无人持有")
        } else {
            format!("{end}：{}", list(names))
        }
    }

    fn counter_title(&self, lock: bool) -> &'static str {
        if lock {
            " 共享 Value（加锁） "
        } else {
            " 共享 Value（不加锁） "
        }
    }

    fn expected(&self, n: u64) -> String {
        format!("期望值    {n}")
    }

    fn actual(&self, n: i64) -> String {
        format!("实际值    {n}")
    }

    fn lost_updates(&self, lost: u64, pct: f64) -> String {
        format!("丢失更新  {lost}（{pct:.0}%）")
    }

    fn counter_lock(&self, lock: bool) -> &'static str {
        if lock {
            "加锁：没有丢失"
        } else {
            "不加锁：更新相互竞争"
        }
    }

    fn counter_label(&self, actual: i64, expected: u64) -> String {
        format!("{actual} / {expected}")
    }

    fn parent_holder(&self) -> &'static str {
        "父进程（ipcscope）"
    }

    fn timeline_state(&self, playing: bool, speed: f64, at_s: f64, end_s: f64) -> String {
        let state = if playing { "播放" } else { "暂停" };
        format!(" {state} x{speed} {at_s:.1}s/{end_s:.1}s")
    }

    fn timeline_records(&self, position: u64, total: u64) -> String {
        format!("记录 {position}/{total} ")
    }
}
