//! 等待关系视图，中文。

use super::Zh;
use crate::model::waits::Need;
use crate::text::words::WaitWords;

impl WaitWords for Zh {
    fn waits_for(&self, need: Need, from: &[String], forever: bool, short: bool) -> String {
        let what = match need {
            Need::Space => "空位",
            Need::Data => "数据项",
            Need::Message => "消息",
            Need::Room => "管道空间",
            Need::Lock => "锁",
        };
        match (from, forever, short) {
            ([], _, false) => format!("等{what}：谁也给不了，永远等下去"),
            ([], _, true) => "永远等下去：没人能给".to_string(),
            (names, true, false) => format!("永远等不到{what}：只剩 {}", names.join("、")),
            (names, true, true) => format!("永远等 ← {}", names.join("、")),
            (names, false, false) => format!("等 {} 给{what}", names.join("、")),
            (names, false, true) => format!("← {}", names.join("、")),
        }
    }

    fn provider_parent(&self, short: bool) -> &'static str {
        if short {
            "父进程"
        } else {
            "父进程（从不发送）"
        }
    }

    fn provider_itself(&self, short: bool) -> &'static str {
        if short {
            "它自己"
        } else {
            "它自己（从不发送）"
        }
    }
}
