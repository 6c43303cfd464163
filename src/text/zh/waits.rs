//! 等待关系视图，中文。

use super::Zh;
use crate::model::waits::Need;
use crate::text::words::WaitWords;

impl WaitWords for Zh {
    fn waits_for(&self, need: Need, from: &[String], short: bool) -> String {
        let what = match need {
            Need::Space => "空位",
            Need::Data => "数据项",
            Need::Message => "消息",
            Need::Room => "管道空间",
            Need::Lock => "锁",
        };
        match (from, short) {
            ([], false) => format!("等{what}：谁也给不了，永远等下去"),
            ([], true) => "永远等下去：没人能给".to_string(),
            (names, false) => format!("等 {} 给{what}", names.join("、")),
            (names, true) => format!("← {}", names.join("、")),
        }
    }

    fn provider_parent(&self) -> &'static str {
        "父进程（从不发送）"
    }

    fn provider_itself(&self) -> &'static str {
        "它自己（从不发送）"
    }
}
