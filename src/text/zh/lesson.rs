//! 课程相关的话（课程自己的文字在课程文件里）。

use std::path::Path;

use super::Zh;
use crate::text::words::{KeyTable, LessonWords};

impl LessonWords for Zh {
    fn scene_count(&self, n: usize) -> String {
        format!("{n} 个场景")
    }

    fn lesson_ok(&self, n: usize) -> String {
        format!("ok：{}", self.scene_count(n))
    }

    fn warning(&self) -> &'static str {
        "警告"
    }

    fn scene_line(&self, n: usize, caption: &str) -> String {
        format!("场景 {n}：{caption}")
    }

    fn question_line(&self, prompt: &str) -> String {
        format!("问题：{prompt}")
    }

    fn handout_title(&self, title: &str, program: &str) -> String {
        format!("== {title}（程序：{program}）==")
    }

    fn answered_here(&self, n: usize) -> String {
        format!("（运行在这里回答了场景 {n} 的问题。）")
    }

    fn not_answered(&self, n: usize) -> String {
        format!("（运行没有回答场景 {n} 的问题：课程继续。）")
    }

    fn scene_of(&self, i: usize, n: usize) -> String {
        format!("场景 {i}/{n}")
    }

    fn scene_keys(&self, last: bool) -> &'static str {
        if last {
            "最后一个场景 · PgUp 上一个"
        } else {
            "PgDn 下一个 · PgUp 上一个"
        }
    }

    fn answer_keys(&self, n: usize) -> String {
        format!("按 1-{n} 作答（此时世界已冻结）· s 跳过此题")
    }

    fn answered(&self, choice: usize) -> String {
        format!("全班选了 {choice}。世界继续运行：看看会发生什么。")
    }

    fn skipped(&self) -> &'static str {
        "跳过了这道题。世界继续运行：看看会发生什么。"
    }

    fn answered_by_hand(&self, choice: Option<usize>) -> String {
        let step = "世界仍然冻结：用 . 单步执行各个进程，看看会发生什么。";
        match choice {
            Some(c) => format!("全班选了 {c}。{step}"),
            None => format!("跳过了这道题。{step}"),
        }
    }

    fn right(&self, choice: usize) -> String {
        format!("答对了：{choice}。")
    }

    fn wrong(&self, choice: usize, answer: usize) -> String {
        format!("不是 {choice}：运行结果是 {answer}。")
    }

    fn the_answer(&self, answer: usize) -> String {
        format!("运行结果是 {answer}。")
    }

    fn program_title(&self, file: &str) -> String {
        format!(" 程序：{file} ")
    }

    fn stands_for_title(&self, file: &str) -> String {
        format!(" 这次运行相当于：{file} ")
    }

    fn code_here(&self) -> &'static str {
        "在此行"
    }

    fn code_blocked(&self) -> &'static str {
        "阻塞"
    }

    fn lesson_key_help(&self) -> KeyTable {
        &[
            ("PgDn/right/Tab", "下一个场景"),
            ("PgUp/left/S-Tab", "上一个场景（重新应用它的设置）"),
            ("1-4", "回答当前问题（全班的选择）"),
            ("s", "跳过此题（运行仍会揭示答案）"),
        ]
    }

    fn code_held(&self) -> &'static str {
        "暂停：按 t 执行"
    }

    fn menu_title(&self) -> &'static str {
        " 课程 "
    }

    fn menu_title_in(&self, dir: &Path) -> String {
        format!(" {} 里的课程 ", dir.display())
    }

    fn menu_keys(&self) -> KeyTable {
        &[
            ("up/down", "选择"),
            ("Enter", "打开"),
            ("1-9", "跳到"),
            ("q", "退出"),
        ]
    }

    fn menu_columns(&self) -> [&'static str; 4] {
        ["课程", "标题", "场景", "程序"]
    }

    fn menu_queue(&self, writers: u32, readers: u32, items: u64) -> String {
        let items = match items {
            0 => "一直放到停止".to_string(),
            n => format!("每个写进程放 {n} 项"),
        };
        format!("{writers} 个写进程，{readers} 个读进程，{items}")
    }

    fn menu_pipe(&self, messages: u32, forget_close: bool) -> String {
        let sent = format!("发送进程向接收进程发 {messages} 条消息");
        if forget_close {
            format!("{sent}；父进程保留发送端的副本")
        } else {
            sent
        }
    }

    fn menu_counter(&self, procs: u32, increments: u64, lock: bool) -> String {
        let how = if lock {
            "持有 get_lock()"
        } else {
            "不加锁"
        };
        format!("{procs} 个进程各给它加 1，每个 {increments} 次，{how}")
    }

    fn menu_runs(&self, what: &str) -> String {
        format!("运行：{what}")
    }

    fn menu_broken(&self) -> &'static str {
        "有错误"
    }

    fn menu_cannot_open(&self) -> &'static str {
        "这个课程无法打开：它的文件有问题。"
    }

    fn menu_check_hint(&self, file: &str) -> String {
        format!("改好后用这条命令检查：ipcscope lesson --check {file}")
    }

    fn menu_refused(&self, name: &str) -> String {
        format!("{name} 有错误，无法打开")
    }

    fn menu_empty(&self) -> &'static str {
        "这里没有课程：一个课程是一个 NAME.toml 文件和它指定的程序。"
    }
}
