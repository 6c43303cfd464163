//! The words around lessons that ipcscope itself says (the lessons' own
//! texts are in their files): listings, the check's verdict, the handout's
//! headings. One function per sentence, both languages side by side.

use crate::stream::lesson::Lang;

/// `5 scenes` in a listing.
pub fn scene_count(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 scene".to_string(),
        (Lang::En, n) => format!("{n} scenes"),
        (Lang::Zh, n) => format!("{n} 个场景"),
    }
}

/// `lesson --check`'s answer for a good file.
pub fn lesson_ok(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("ok: {}", scene_count(n, lang)),
        Lang::Zh => format!("ok：{}", scene_count(n, lang)),
    }
}

/// Before a problem that does not stop a lesson.
pub fn warning(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "warning",
        Lang::Zh => "警告",
    }
}

/// The handout's line for scene `n` (from 1).
pub fn scene_line(n: usize, caption: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Scene {n}. {caption}"),
        Lang::Zh => format!("场景 {n}：{caption}"),
    }
}

/// The handout's line for a scene's question.
pub fn question_line(prompt: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Question: {prompt}"),
        Lang::Zh => format!("问题：{prompt}"),
    }
}

/// The handout's title line: the lesson's title and its program's file.
pub fn handout_title(title: &str, program: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("== {title} (program: {program}) =="),
        Lang::Zh => format!("== {title}（程序：{program}）=="),
    }
}

/// Between the handout's scenes and the run's transcript.
pub fn transcript_heading(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "--- the run ---",
        Lang::Zh => "--- 运行过程 ---",
    }
}
