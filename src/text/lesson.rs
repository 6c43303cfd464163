//! The words around lessons, for callers that name the language (the
//! listings, the check and the handout print before any thread speaks
//! it): each is the language's table ([`super::words::LessonWords`]).

use super::table;
use crate::stream::lesson::Lang;

/// `5 scenes` in a listing.
pub fn scene_count(n: usize, lang: Lang) -> String {
    table(lang).scene_count(n)
}

/// `lesson --check`'s answer for a good file.
pub fn lesson_ok(n: usize, lang: Lang) -> String {
    table(lang).lesson_ok(n)
}

/// Before a problem that does not stop a lesson.
pub fn warning(lang: Lang) -> &'static str {
    table(lang).warning()
}

/// The handout's line for scene `n` (from 1).
pub fn scene_line(n: usize, caption: &str, lang: Lang) -> String {
    table(lang).scene_line(n, caption)
}

/// The handout's line for a scene's question.
pub fn question_line(prompt: &str, lang: Lang) -> String {
    table(lang).question_line(prompt)
}

/// The handout's title line: the lesson's title and its program's file.
pub fn handout_title(title: &str, program: &str, lang: Lang) -> String {
    table(lang).handout_title(title, program)
}

/// Between the handout's scenes and the run's transcript.
pub fn transcript_heading(lang: Lang) -> &'static str {
    table(lang).transcript_heading()
}
