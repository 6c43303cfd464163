//! A lesson's caption bar, under the header: the scene (its number, the
//! lesson's title, the scene keys) on the bar's top edge, then the scene's
//! caption in the class's language and, when the scene asks, its question:
//! the choices and how to answer while it is open, the class's choice
//! while the run decides, and whether it was right (and why) once the run
//! showed it. Reads the guide, never changes it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Widget};

use super::theme::{Glyph, Theme};
use super::width;
use crate::model::View;
use crate::model::guide::{Asking, Guide};
use crate::text::{self, words};

/// What a row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Caption,
    Prompt,
    Choice { chosen: bool, right: bool },
    Keys,
    Verdict { right: Option<bool> },
}

/// Rows the caption bar wants at `width` (0 outside a lesson): its top
/// edge and its text.
pub fn height(view: &View, width: u16) -> u16 {
    match &view.controls.guide {
        Some(g) => 1 + rows(g, &Theme::plain(), text_width(width)).len() as u16,
        None => 0,
    }
}

/// Columns of text inside the bar.
fn text_width(width: u16) -> usize {
    width.saturating_sub(2).max(1) as usize
}

/// The bar's text, wrapped to `w` columns.
fn rows(g: &Guide, theme: &Theme, w: usize) -> Vec<(String, Kind)> {
    let lang = text::lang();
    let mut out = Vec::new();
    let mut push = |s: &str, indent: &str, kind: Kind| {
        let first = width::width(indent);
        for (i, line) in width::wrap(s, w.saturating_sub(first))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                indent.to_string()
            } else {
                " ".repeat(first)
            };
            out.push((format!("{lead}{line}"), kind));
        }
    };
    let Some(scene) = g.current() else {
        return out;
    };
    push(scene.caption.get(lang), "", Kind::Caption);
    let Some(q) = g.question() else {
        return out;
    };
    let n = q.choices.len();
    match g.asking {
        Asking::Nothing => {}
        Asking::Open | Asking::Watching(_) => {
            push(q.prompt.get(lang), "? ", Kind::Prompt);
            let chosen = match g.asking {
                Asking::Watching(c) => c,
                _ => None,
            };
            for (i, c) in q.choices.iter().enumerate() {
                let mark = if chosen == Some(i + 1) {
                    theme.glyph(Glyph::Selected)
                } else {
                    " "
                };
                let kind = Kind::Choice {
                    chosen: chosen == Some(i + 1),
                    right: false,
                };
                push(c.get(lang), &format!(" {mark} {}  ", i + 1), kind);
            }
            let keys = match g.asking {
                Asking::Watching(c) if q.by_hand => words().answered_by_hand(c),
                Asking::Watching(Some(c)) => words().answered(c),
                Asking::Watching(None) => words().skipped().to_string(),
                _ => words().answer_keys(n),
            };
            push(&keys, "", Kind::Keys);
        }
        Asking::Revealed(chosen) => {
            push(q.prompt.get(lang), "? ", Kind::Prompt);
            let right = g.was_right();
            let verdict = match chosen {
                Some(c) if c == q.answer => words().right(c),
                Some(c) => words().wrong(c, q.answer),
                None => words().the_answer(q.answer),
            };
            let answer = q
                .choices
                .get(q.answer.saturating_sub(1))
                .map_or("", |c| c.get(lang));
            let mark = match right {
                Some(false) => theme.glyph(Glyph::Dead),
                _ => theme.glyph(Glyph::Running),
            };
            push(
                &format!("{verdict} {answer}"),
                &format!("{mark} "),
                Kind::Verdict { right },
            );
            // Why, under the verdict.
            if let Some(why) = q.why.as_ref() {
                push(why.get(lang), "  ", Kind::Caption);
            }
        }
    }
    out
}

/// Draws the caption bar into `area` (nothing outside a lesson).
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(g) = &app.controls.guide else {
        return;
    };
    let lang = text::lang();
    let n = g.scenes();
    let i = g.scene + 1;
    let title = format!(
        " {} · {} ",
        words().scene_of(i, n),
        g.lesson.title.get(lang)
    );
    let keys = format!(" {} ", words().scene_keys(i >= n));
    let block = Block::default()
        .borders(Borders::TOP)
        .border_set(theme.border())
        .title(Line::from(Span::styled(title, theme.title())))
        .title(Line::from(Span::styled(keys, theme.key())).right_aligned())
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    block.render(area, buf);
    let lines: Vec<Line> = rows(g, theme, inner.width as usize)
        .into_iter()
        .take(inner.height as usize)
        .map(|(s, kind)| Line::from(Span::styled(s, style(kind, theme))))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn style(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Caption => Style::new(),
        Kind::Prompt => theme.title(),
        Kind::Choice { chosen: true, .. } => theme.selected(),
        Kind::Choice { .. } => Style::new(),
        Kind::Keys => theme.key(),
        Kind::Verdict { right: Some(false) } => theme.warn(),
        Kind::Verdict { .. } => theme.ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::ui::testkit::{lesson_app, render_text};

    fn bar(app: &crate::ui::testkit::Fixture, w: u16) -> String {
        let h = height(&app.view(), w);
        render_text(app, w, h, render)
    }

    #[test]
    fn outside_a_lesson_there_is_no_caption_bar() {
        let app = crate::ui::testkit::queue_app();
        assert_eq!(height(&app.view(), 100), 0);
    }

    #[test]
    fn the_bar_names_the_scene_and_says_its_caption() {
        let app = lesson_app(0);
        let t = bar(&app, 100);
        assert!(t.contains("Scene 1/3 · Queue lesson"), "{t}");
        assert!(t.contains("PgDn next"), "{t}");
        assert!(t.contains("The parent makes one Queue"), "{t}");
    }

    #[test]
    fn an_open_question_shows_its_choices_and_how_to_answer() {
        let app = lesson_app(1);
        let t = bar(&app, 100);
        assert!(t.contains("? Who waits?"), "{t}");
        assert!(t.contains("1  the writer"), "{t}");
        assert!(t.contains("2  the reader"), "{t}");
        assert!(t.contains("Answer with 1-2"), "{t}");
    }

    #[test]
    fn once_revealed_the_bar_says_whether_the_class_was_right_and_why() {
        let mut app = lesson_app(1);
        let g = app.controls.guide.as_mut().unwrap();
        g.asking = Asking::Revealed(Some(1));
        let t = bar(&app, 100);
        assert!(t.contains("Not 1: the run shows 2. the reader"), "{t}");
        let why = t.lines().position(|l| l.contains("because it is empty"));
        let verdict = t.lines().position(|l| l.contains("Not 1"));
        assert_eq!(
            why,
            verdict.map(|v| v + 1),
            "why is under the verdict:\n{t}"
        );
        assert!(!t.contains("Answer with"), "{t}");
        let g = app.controls.guide.as_mut().unwrap();
        g.asking = Asking::Revealed(Some(2));
        assert!(bar(&app, 100).contains("Right: 2."));
        let g = app.controls.guide.as_mut().unwrap();
        g.asking = Asking::Watching(Some(2));
        let t = bar(&app, 100);
        assert!(t.contains("The class chose 2"), "{t}");
        assert!(t.contains("▸ 2  the reader"), "{t}");
    }

    /// A question the class answers by stepping leaves the world frozen,
    /// and the bar says so (not that it runs again).
    #[test]
    fn answered_by_hand_the_bar_says_to_step_the_frozen_world() {
        for by_hand in [false, true] {
            let mut app = lesson_app(1);
            let g = app.controls.guide.as_mut().unwrap();
            if let Some(q) = g.lesson.scenes[1].question.as_mut() {
                q.by_hand = by_hand;
            }
            g.asking = Asking::Watching(Some(2));
            let t = bar(&app, 100);
            assert_eq!(t.contains("The world runs again"), !by_hand, "{t}");
            assert_eq!(t.contains("step the processes (.)"), by_hand, "{t}");
        }
    }

    #[test]
    fn the_last_scene_says_so_and_chinese_wraps_whole() {
        let app = lesson_app(2);
        let t = bar(&app, 100);
        assert!(t.contains("last scene"), "{t}");
        let t = crate::text::with_lang(Lang::Zh, || bar(&lesson_app(1), 80));
        assert!(t.contains("场景 2/3"), "{t}");
        assert!(t.contains("谁在等？"), "{t}");
        for row in t.lines() {
            assert!(width::width(row) <= 80, "{row}");
        }
    }
}
