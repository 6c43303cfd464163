//! Around lessons, in English.

use std::path::Path;

use super::En;
use crate::text::words::{KeyTable, LessonWords};

impl LessonWords for En {
    fn scene_count(&self, n: usize) -> String {
        match n {
            1 => "1 scene".to_string(),
            n => format!("{n} scenes"),
        }
    }

    fn lesson_ok(&self, n: usize) -> String {
        format!("ok: {}", self.scene_count(n))
    }

    fn warning(&self) -> &'static str {
        "warning"
    }

    fn scene_line(&self, n: usize, caption: &str) -> String {
        format!("Scene {n}. {caption}")
    }

    fn question_line(&self, prompt: &str) -> String {
        format!("Question: {prompt}")
    }

    fn handout_title(&self, title: &str, program: &str) -> String {
        format!("== {title} (program: {program}) ==")
    }

    fn answered_here(&self, n: usize) -> String {
        format!("(Here the run answers the question of scene {n}.)")
    }

    fn not_answered(&self, n: usize) -> String {
        format!("(The run has not answered the question of scene {n}: the lesson goes on.)")
    }

    fn scene_of(&self, i: usize, n: usize) -> String {
        format!("Scene {i}/{n}")
    }

    fn scene_keys(&self, last: bool) -> &'static str {
        if last {
            "last scene · PgUp back"
        } else {
            "PgDn next · PgUp back"
        }
    }

    fn answer_keys(&self, n: usize) -> String {
        format!("Answer with 1-{n} (the world is frozen meanwhile) · s skips the question")
    }

    fn answered(&self, choice: usize) -> String {
        format!("The class chose {choice}. The world runs again: watch what it does.")
    }

    fn skipped(&self) -> &'static str {
        "Question skipped. The world runs again: watch what it does."
    }

    fn answered_by_hand(&self, choice: Option<usize>) -> String {
        let step = "The world stays frozen: step the processes (.) to see what happens.";
        match choice {
            Some(c) => format!("The class chose {c}. {step}"),
            None => format!("Question skipped. {step}"),
        }
    }

    fn right(&self, choice: usize) -> String {
        format!("Right: {choice}.")
    }

    fn wrong(&self, choice: usize, answer: usize) -> String {
        format!("Not {choice}: the run shows {answer}.")
    }

    fn the_answer(&self, answer: usize) -> String {
        format!("The run shows {answer}.")
    }

    fn program_title(&self, file: &str) -> String {
        format!(" Program: {file} ")
    }

    fn stands_for_title(&self, file: &str) -> String {
        format!(" What this run stands for: {file} ")
    }

    fn code_here(&self) -> &'static str {
        "here"
    }

    fn code_blocked(&self) -> &'static str {
        "blocked"
    }

    fn lesson_key_help(&self) -> KeyTable {
        &[
            ("PgDn/right/Tab", "next scene"),
            (
                "PgUp/left/S-Tab",
                "previous scene (its setup applied again)",
            ),
            ("1-4", "answer the open question (the class's choice)"),
            ("s", "skip the question (the run still shows the answer)"),
        ]
    }

    fn code_held(&self) -> &'static str {
        "held: t does it"
    }

    fn menu_title(&self) -> &'static str {
        " Lessons "
    }

    fn menu_title_in(&self, dir: &Path) -> String {
        format!(" Lessons in {} ", dir.display())
    }

    fn menu_keys(&self) -> KeyTable {
        &[
            ("up/down", "choose"),
            ("Enter", "open"),
            ("1-9", "jump"),
            ("q", "quit"),
        ]
    }

    fn menu_columns(&self) -> [&'static str; 4] {
        ["lesson", "title", "scenes", "program"]
    }

    fn menu_queue(&self, writers: u32, readers: u32, items: u64) -> String {
        let items = match items {
            0 => "putting until stopped".to_string(),
            1 => "1 item each".to_string(),
            n => format!("{n} items each"),
        };
        format!(
            "{}, {}, {items}",
            plural(writers, "writer"),
            plural(readers, "reader")
        )
    }

    fn menu_pipe(&self, messages: u32, forget_close: bool) -> String {
        let sent = format!(
            "{} from a sender to a receiver",
            plural(messages, "message")
        );
        if forget_close {
            format!("{sent}; the parent keeps a copy of the send end")
        } else {
            sent
        }
    }

    fn menu_counter(&self, procs: u32, increments: u64, lock: bool) -> String {
        let how = if lock {
            "holding get_lock()"
        } else {
            "without the lock"
        };
        format!(
            "{} add 1 to it, {increments} times each, {how}",
            plural(procs, "process")
        )
    }

    fn menu_runs(&self, what: &str) -> String {
        format!("Runs: {what}")
    }

    fn menu_broken(&self) -> &'static str {
        "broken"
    }

    fn menu_cannot_open(&self) -> &'static str {
        "This lesson cannot be opened: its file has a problem."
    }

    fn menu_check_hint(&self, file: &str) -> String {
        format!("Fix it, then check it with: ipcscope lesson --check {file}")
    }

    fn menu_refused(&self, name: &str) -> String {
        format!("{name} is broken: it cannot be opened")
    }

    fn menu_empty(&self) -> &'static str {
        "No lessons here: a lesson is a NAME.toml file and the program it names."
    }
}

/// `1 writer`, `2 writers`, `2 processes`.
fn plural(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n if noun.ends_with('s') => format!("{n} {noun}es"),
        n => format!("{n} {noun}s"),
    }
}
