//! Notices and hints, in Chinese.

use super::Zh;
use crate::model::ScenarioKind;
use crate::text::words::NoticeWords;

impl NoticeWords for Zh {
    fn notice_killed(&self, name: &str, pid: i32) -> String {
        format!("{name}（Process {pid}）被 SIGKILL 杀死。")
    }

    fn notice_terminated(&self, name: &str, pid: i32, signal: &str) -> String {
        format!("{name}（Process {pid}）被 {signal} 终止。")
    }

    fn notice_exit_code(&self, name: &str, pid: i32, c: i32) -> String {
        format!("{name}（Process {pid}）已退出，退出码 {c}。")
    }

    fn notice_lost(&self, item: &str, who: &str, pid: i32) -> String {
        format!("{item} 随 {who}（Process {pid}）丢失：它死在放入的途中；队列照常工作。")
    }

    fn notice_lock_repaired(&self, who: &str, pid: i32) -> String {
        format!("{who}（Process {pid}）死时持有队列锁；下一个进程修复了它。")
    }

    fn notice_timeout_after_resume(&self, name: &str, full: bool) -> String {
        let what = if full {
            "put 抛出了 queue.Full"
        } else {
            "get 抛出了 queue.Empty"
        };
        format!(
            "{name} 刚恢复就 {what}：冻结期间它的超时一直在计时，\
             就像 Python 进程被 SIGSTOP 时一样。"
        )
    }

    fn scenario_name(&self, kind: ScenarioKind) -> &'static str {
        match kind {
            ScenarioKind::Queue => "队列",
            ScenarioKind::Pipe => "管道",
            ScenarioKind::Counter => "计数器",
            ScenarioKind::Program => "program",
        }
    }

    fn hint_not_here(&self, key: &str, scenario: &str) -> String {
        format!("{key} 在{scenario}演示中不可用。")
    }

    fn hint_nothing_to_remove(&self) -> String {
        "已经没有这类进程可以移除了。".into()
    }

    fn hint_no_reader_to_remove(&self) -> String {
        "已经没有读进程可以移除了。".into()
    }

    fn hint_select_living(&self) -> String {
        "请先选中一个存活的进程（↑/↓ 或点击）。".into()
    }

    fn hint_select_to_step(&self) -> String {
        "选中一个存活的进程（↑/↓），让它单步执行。".into()
    }

    fn hint_freeze_first(&self) -> String {
        "请先冻结（空格键），再按 '.' 让一个进程单步执行。".into()
    }

    fn hint_nothing_to_slow(&self, name: &str) -> String {
        format!("{name} 在两次操作之间不休眠（延时为 0）：调速对它不起作用。")
    }

    fn hint_replay(&self) -> String {
        "这是回放：已经发生的事无法改变。".into()
    }

    fn hint_not_a_replay(&self) -> String {
        "时间轴按键只在回放中可用（ipcscope replay FILE）。".into()
    }

    fn hint_not_a_lesson(&self) -> String {
        "场景按键只在课程中可用（ipcscope lesson NAME；ipcscope lesson --list 列出课程）。".into()
    }

    fn hint_lesson_keeps_scenario(&self) -> String {
        "课程固定了演示：1/2/3 不会切换。".into()
    }

    fn hint_no_program(&self) -> String {
        "没有与这次运行一致的内置程序（Queue/Pipe 的参数不同）：见 ipcscope lesson --list。".into()
    }
}
