//! What `ipcscope lesson` prints: the listing (`--list`), a file's check
//! (`--check`) and, in a headless run's transcript, the lesson as a
//! handout (its title, and each scene's caption and question where the
//! scene starts, without the answers).

use std::io::Write;
use std::path::Path;

use unicode_width::UnicodeWidthStr;

use super::{Library, load_file};
use crate::stream::lesson::{Lang, Lesson};
use crate::text;

/// `ipcscope lesson --list`: one line per lesson (name, scenes, title);
/// exit code 0, or 2 when a lesson cannot be loaded (the error on stderr).
pub fn list(library: &Library, lang: Lang) -> i32 {
    match library.load_all() {
        Ok(lessons) => {
            let _ = write!(std::io::stdout(), "{}", listing(&lessons, lang));
            0
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
            2
        }
    }
}

/// The listing's text: the names, then the scene counts, in columns (as
/// wide as they show on a terminal: a Chinese character takes two), then
/// the titles.
pub fn listing(lessons: &[Lesson], lang: Lang) -> String {
    let rows: Vec<[String; 3]> = lessons
        .iter()
        .map(|l| {
            [
                l.name.clone(),
                text::scene_count(l.scenes.len(), lang),
                l.title.get(lang).to_string(),
            ]
        })
        .collect();
    let col = |i: usize| rows.iter().map(|r| r[i].width()).max().unwrap_or(0);
    let (w0, w1) = (col(0), col(1));
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    rows.iter()
        .map(|[name, scenes, title]| format!("{}  {}  {title}\n", pad(name, w0), pad(scenes, w1)))
        .collect()
}

/// `ipcscope lesson --check FILE`: `ok: N scenes` and exit 0, warnings on
/// stderr; or the problem on stderr and exit 2.
pub fn check(file: &Path, lang: Lang) -> i32 {
    match load_file(file) {
        Ok(c) => {
            for w in &c.warnings {
                let _ = writeln!(std::io::stderr(), "{}: {w}", text::warning(lang));
            }
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                text::lesson_ok(c.lesson.scenes.len(), lang)
            );
            0
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
            2
        }
    }
}

/// The handout's first line, in `lang`: the lesson's title and program.
pub fn handout_title(lesson: &Lesson, lang: Lang) -> String {
    text::handout_title(lesson.title.get(lang), &lesson.program_file, lang)
}

/// Scene `i` (from 0) as the handout prints it, in `lang`: a blank line,
/// its caption, and its question with its choices (not the answer).
pub fn handout_scene(lesson: &Lesson, i: usize, lang: Lang) -> Vec<String> {
    let Some(scene) = lesson.scenes.get(i) else {
        return Vec::new();
    };
    let mut out = vec![
        String::new(),
        text::scene_line(i + 1, scene.caption.get(lang), lang),
    ];
    if let Some(q) = &scene.question {
        out.push(format!(
            "   {}",
            text::question_line(q.prompt.get(lang), lang)
        ));
        for (n, c) in q.choices.iter().enumerate() {
            out.push(format!("     {}) {}", n + 1, c.get(lang)));
        }
    }
    out
}
