//! The words around lessons, for callers that name the language (the
//! listings, the check and the handout print before any thread speaks
//! it): each is the language's table ([`super::words::LessonWords`]).

use super::table;
use crate::stream::lesson::Lang;
use crate::stream::run::Scenario;

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

/// A headless lesson: the run answers scene `n`'s question here.
pub fn answered_here(n: usize, lang: Lang) -> String {
    table(lang).answered_here(n)
}

/// A headless lesson: the run did not answer scene `n`'s question in time.
pub fn not_answered(n: usize, lang: Lang) -> String {
    table(lang).not_answered(n)
}

/// What a lesson's scenario runs, in a few parts for one line: its
/// Python object as the program makes it (`Queue(maxsize=2)`,
/// `Pipe(duplex=False)`, `Value('i', 0)`: the same in every language),
/// the processes in `lang`, then the calls that differ from the plain
/// ones (`put(timeout=0.5)`, `get_nowait()`).
pub fn scenario_parts(scenario: &Scenario, lang: Lang) -> Vec<String> {
    let t = table(lang);
    match scenario {
        Scenario::Queue(q) => {
            let mut v = vec![
                match q.maxsize {
                    0 => "Queue()".to_string(),
                    n => format!("Queue(maxsize={n})"),
                },
                t.menu_queue(q.writers, q.readers, q.items),
            ];
            if q.put_nowait {
                v.push("put_nowait()".to_string());
            } else if let Some(s) = q.put_timeout {
                v.push(format!("put(timeout={s})"));
            }
            if q.get_nowait {
                v.push("get_nowait()".to_string());
            } else if let Some(s) = q.get_timeout {
                v.push(format!("get(timeout={s})"));
            }
            // The except clauses that are not the plain retry.
            for (full, then) in [(true, q.on_full), (false, q.on_empty)] {
                if then == crate::config::Then::GiveUp {
                    v.push(t.then_tag(full, then).to_string());
                }
            }
            v
        }
        Scenario::Pipe(p) => {
            let mut v = vec![
                if p.duplex {
                    "Pipe()"
                } else {
                    "Pipe(duplex=False)"
                }
                .to_string(),
                t.menu_pipe(p.messages, p.forget_close),
            ];
            if p.inherit {
                v.push(t.menu_pipe_ends(p.close_unused));
            }
            if p.replies() {
                v.push(t.menu_pipe_replies(p.both_recv));
            }
            v
        }
        Scenario::Counter(c) => vec![
            "Value('i', 0)".to_string(),
            t.menu_counter(c.procs, c.increments, c.lock),
        ],
        Scenario::Program(p) => vec![p.file_name().to_string()],
    }
}
