//! Around lessons, in English.

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

    fn transcript_heading(&self) -> &'static str {
        "--- the run ---"
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

    fn menu_keys(&self) -> &'static str {
        "↑↓ choose · Enter open · q quit"
    }
}
