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
            Need::End => "结束",
            Need::Flush => "放缓冲区的管道空间",
        };
        match (need, from, forever, short) {
            (Need::End, [], _, false) => "永远等 join：没人了".to_string(),
            (Need::End, names, true, false) => {
                format!("永远等下去：{} 永远不会结束", names.join("、"))
            }
            (Need::End, names, false, false) => format!("等 {} 结束", names.join("、")),
            (_, [], _, false) => format!("等{what}：谁也给不了，永远等下去"),
            (_, [], _, true) => "永远等下去：没人能给".to_string(),
            (_, names, true, false) => format!("永远等不到{what}：只剩 {}", names.join("、")),
            (_, names, true, true) => format!("永远等 ← {}", names.join("、")),
            (_, names, false, false) => format!("等 {} 给{what}", names.join("、")),
            (_, names, false, true) => format!("← {}", names.join("、")),
        }
    }

    fn provider_parent(&self, short: bool) -> &'static str {
        if short {
            "父进程"
        } else {
            "父进程（从不发送）"
        }
    }

    fn provider_itself(&self, need: Need, short: bool) -> &'static str {
        match (need, short) {
            (_, true) => "它自己",
            (Need::Message, false) => "它自己（从不发送）",
            (Need::Room, false) => "它自己（从不接收）",
            (Need::Data, false) => "它自己（从不放入）",
            (Need::Space, false) => "它自己（从不取出）",
            (_, false) => "它自己",
        }
    }
}
