//! 父进程（`__main__`）在舞台和记录里的样子，中文。

use super::Zh;
use crate::model::parent::ParentAt;
use crate::text::words::ParentWords;

impl ParentWords for Zh {
    fn parent_joins(&self, pid: i32, name: &str) -> String {
        format!("父进程对 Process({pid})（{name}）调用 join()，等它结束。")
    }

    fn parent_joined(&self, pid: i32, name: &str) -> String {
        format!("父进程对 Process({pid})（{name}）的 join() 返回了。")
    }

    fn parent_hold(&self, on: bool) -> String {
        if on {
            "课程让父进程停在 terminate() 之前：全班准备好再继续。".into()
        } else {
            "父进程继续执行 terminate()。".into()
        }
    }

    fn parent_name(&self) -> &'static str {
        "父进程"
    }

    fn parent_word(&self, at: ParentAt) -> &'static str {
        match at {
            ParentAt::Starting => "启动中",
            ParentAt::Joining(_) | ParentAt::Reading { blocked: true } => "阻塞",
            ParentAt::Reading { blocked: false } => "读取中",
            ParentAt::BeforeTerminate { held: true } => "暂停",
            ParentAt::BeforeTerminate { held: false } => "等取空",
            ParentAt::Terminating => "终止中",
            ParentAt::Done => "结束",
        }
    }

    fn parent_starting(&self, short: bool) -> &'static str {
        if short {
            "启动中"
        } else {
            "正在启动子进程"
        }
    }

    fn parent_joining(&self, name: &str, short: bool) -> String {
        if short {
            format!("阻塞 join {name}")
        } else {
            format!("阻塞在 join()：等 {name} 结束")
        }
    }

    fn parent_before_terminate(&self, held: bool, short: bool) -> &'static str {
        match (held, short) {
            (true, false) => "停在 terminate() 之前：等课程继续",
            (true, true) => "停在 terminate() 之前",
            (false, false) => "terminate() 之前：读进程取空队列",
            (false, true) => "terminate() 之前",
        }
    }

    fn parent_terminating(&self, names: &str, short: bool) -> String {
        if short {
            "终止中".into()
        } else {
            format!("terminate()：已向 {names} 发送 SIGTERM")
        }
    }

    fn parent_done(&self, short: bool) -> &'static str {
        if short {
            "结束"
        } else {
            "结束：所有子进程都已结束"
        }
    }

    fn parent_kernel(&self, what: &str) -> String {
        format!("内核：{what}")
    }

    fn step_start(&self) -> &'static str {
        "启动"
    }

    fn step_join(&self, name: &str) -> String {
        format!("join（{name}）")
    }

    fn step_terminate(&self, names: &str) -> String {
        format!("terminate（{names}）")
    }

    fn step_done(&self) -> &'static str {
        "结束"
    }
}
