//! The help overlay: every key and what it does (the same table as the
//! footer and the README), which keys do not apply to this scenario, and
//! what the kernel column's letters and mark mean.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Widget, Wrap};

use super::footer::applies;
use super::theme::Theme;
use super::width::{pad_left, width};
use crate::model::{ScenarioKind, View};
use crate::text;

/// Widest the popup grows: wide enough for every line unwrapped, narrow
/// enough to read as one block on a large screen.
const MAX_WIDTH: u16 = 80;

/// Keys that act on a pipe's ends only (`x` closes the parent's copy, `w`
/// tries the wrong way): the help of another scenario leaves them out.
fn pipe_only(key: &str) -> bool {
    matches!(key, "x" | "w")
}

/// Keys that act on the queue's roles only (`b` and `e` switch how the
/// selected role puts or gets): the help of another scenario leaves them
/// out.
fn queue_only(key: &str) -> bool {
    matches!(key, "b/e")
}

/// The popup's lines: the key table, then the kernel legend.
fn lines(app: &View, theme: &Theme) -> Vec<Line<'static>> {
    let replay = app.controls.replay;
    let lesson = app.controls.guide.is_some();
    let keys = if replay {
        text::words().replay_key_help()
    } else {
        text::words().key_help()
    };
    // A lesson's own keys come first.
    let lesson_keys = if lesson {
        text::words().lesson_key_help()
    } else {
        &[]
    };
    let name = |k| text::words().key_name(k);
    let key_w = keys
        .iter()
        .chain(lesson_keys)
        .map(|(k, _)| width(name(k)))
        .max()
        .unwrap_or(0);
    let scenario = app.scenario();
    let line = |&(key, what): &(&'static str, &'static str)| {
        let mut spans = vec![
            Span::styled(pad_left(name(key), key_w), theme.key()),
            Span::raw("  "),
            Span::raw(what),
        ];
        if !replay && !applies(key, scenario) {
            spans.push(Span::styled(
                format!(" [{}]", text::words().not_applicable()),
                theme.warn(),
            ));
        }
        Line::from(spans)
    };
    let mut out: Vec<Line<'static>> = lesson_keys.iter().map(line).collect();
    if lesson {
        out.push(Line::raw(""));
    }
    // A lesson keeps its scenario: no switching. The pipe's own keys are
    // listed with a pipe only.
    out.extend(
        keys.iter()
            .filter(|(k, _)| !(lesson && *k == "1/2/3"))
            .filter(|(k, _)| !(pipe_only(k) && scenario != ScenarioKind::Pipe))
            .filter(|(k, _)| !(queue_only(k) && scenario != ScenarioKind::Queue))
            // A lesson's scenario never changes: what does not apply to it
            // is left out (a small screen holds the rest).
            .filter(|(k, _)| !lesson || applies(k, scenario))
            .map(line),
    );
    let mark = if theme.ascii { "!=" } else { "≠" };
    out.push(Line::raw(""));
    out.push(Line::styled(
        text::words().help_kernel_letters(),
        theme.dim(),
    ));
    out.push(Line::styled(
        text::words().help_disagreement(mark),
        theme.dim(),
    ));
    out
}

/// Draws the overlay centred on `area` (the whole screen), clearing what
/// is underneath so the table reads on its own.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let mut lines = lines(app, theme);
    // On a short screen the kernel legend (the last three lines) gives way
    // to the keys.
    if lines.len() as u16 + 2 > area.height {
        lines.truncate(lines.len().saturating_sub(3));
    }
    // Still too tall (a lesson's keys come first): the blank line after
    // them goes too.
    if lines.len() as u16 + 2 > area.height
        && let Some(blank) = lines.iter().position(|l| l.width() == 0)
    {
        lines.remove(blank);
    }
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    // Borders and a space of padding on each side.
    let w = (widest + 4).min(MAX_WIDTH).min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Length(w), Constraint::Length(h));
    Clear.render(popup, buf);
    let block = Block::bordered()
        .border_set(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(text::words().help_title(), theme.title()));
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, QueueConfig, Scenario};
    use crate::ui::testkit::{Fixture, pipe_app, queue_app, render_text};

    #[test]
    fn in_a_lesson_the_help_starts_with_the_scene_keys_and_leaves_out_switching() {
        let app = crate::ui::testkit::lesson_app(0);
        let t = render_text(&app, 100, 40, render);
        let at = |s: &str| t.find(s).unwrap_or_else(|| panic!("{s}:\n{t}"));
        assert!(at("next scene") < at("add / remove a writer"), "{t}");
        assert!(t.contains("skip the question"), "{t}");
        assert!(!t.contains("1/2/3"), "{t}");
        assert!(!render_text(&queue_app(), 100, 40, render).contains("next scene"));
    }

    #[test]
    fn help_snapshot_at_80x24() {
        insta::assert_snapshot!(render_text(&queue_app(), 80, 24, render));
    }

    #[test]
    fn help_snapshot_at_160x48() {
        insta::assert_snapshot!(render_text(&queue_app(), 160, 48, render));
    }

    #[test]
    fn help_snapshot_of_the_pipe_at_80x24() {
        insta::assert_snapshot!(render_text(&pipe_app(), 80, 24, render));
    }

    #[test]
    fn help_lists_every_key_at_80x24() {
        let t = render_text(&queue_app(), 80, 24, render);
        for key in [
            "+/-", "r/R", "[/]", "m/M", "space", " f ", " . ", "up/down", "click", " k ", " t ",
            " n ", "1/2/3", "</>", " ? ", "q/Ctrl-C", "Esc",
        ] {
            assert!(t.contains(key), "{key:?} missing:\n{t}");
        }
        for word in [
            "writer",
            "reader",
            "faster",
            "maxsize",
            "SIGSTOP",
            "SIGCONT",
            "view",
            "one operation",
            "select",
            "SIGKILL",
            "SIGTERM",
            "restart",
            "queue / pipe / counter",
            "slow motion",
            "help",
            "quit",
            "R running",
            "S sleeping",
            "T stopped",
            "Z zombie",
        ] {
            assert!(t.contains(word), "{word:?} missing:\n{t}");
        }
    }

    #[test]
    fn help_marks_the_keys_that_do_not_apply_here() {
        let t = render_text(&pipe_app(), 160, 48, render);
        let marked: Vec<&str> = t.lines().filter(|l| l.contains("[n/a here]")).collect();
        // +/-, r/R, m/M and l (the lock is the counter's).
        assert_eq!(marked.len(), 4, "{t}");
        assert!(marked.iter().any(|l| l.contains(" l  lock")), "{t}");
        let t = render_text(&queue_app(), 160, 48, render);
        let marked: Vec<&str> = t.lines().filter(|l| l.contains("[n/a here]")).collect();
        assert_eq!(marked.len(), 1, "only the lock:\n{t}");
        assert!(marked[0].contains(" l  lock"), "{t}");
    }

    #[test]
    fn help_clears_what_is_underneath() {
        let app = queue_app();
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
        for c in buf.content.iter_mut() {
            c.set_symbol("x");
        }
        render(&app.view(), &Theme::plain(), buf.area, &mut buf);
        let row: Vec<&str> = (0..80).map(|x| buf[(x, 12)].symbol()).collect();
        assert_eq!(row[0], "x", "outside the popup stays");
        assert!(!row[2..78].contains(&"x"), "{row:?}");
    }

    #[test]
    fn help_in_ascii_is_pure_ascii_and_tiny_areas_do_not_panic() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
        render(&queue_app().view(), &ascii, buf.area, &mut buf);
        assert!(buf.content.iter().all(|c| c.symbol().is_ascii()));
        let empty = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        for (w, h) in [(1, 1), (2, 2), (10, 3), (30, 8)] {
            let _ = render_text(&empty, w, h, render);
        }
    }
}

#[cfg(test)]
mod pipe_keys {
    use super::*;
    use crate::config::Lang;
    use crate::ui::testkit::{assert_wide_glyphs_whole, pipe_app, queue_app};

    #[test]
    fn x_and_w_are_listed_with_a_pipe_only() {
        let pipe = render_text(&pipe_app(), 160, 48, render);
        assert!(pipe.contains("the parent closes its copy"), "{pipe}");
        assert!(pipe.contains("tries the wrong way"), "{pipe}");
        let queue = render_text(&queue_app(), 160, 48, render);
        assert!(!queue.contains("wrong way"), "{queue}");
    }

    /// A pipe lesson's help at 80x24 holds every key that acts in it (the
    /// queue's keys, which do nothing there, are left out).
    #[test]
    fn a_pipe_lessons_help_fits_at_80x24_with_x_and_w() {
        let mut app = pipe_app();
        let lesson = crate::lesson::Library::BuiltIn
            .find("inherited_ends")
            .unwrap()
            .unwrap()
            .lesson;
        app.controls = crate::model::Controls::for_lesson(&app.scene.cfg, lesson);
        app.controls.help = true;
        for lang in Lang::ALL {
            let t = assert_wide_glyphs_whole(lang, &app, 80, 24);
            for key in ["PgDn", "1-4", " x ", " w ", "q/Ctrl-C"] {
                assert!(t.contains(key), "{lang:?} {key}:\n{t}");
            }
            let popup = t.lines().filter(|l| l.contains('│'));
            assert!(
                popup
                    .clone()
                    .all(|l| !l.contains("r/R") && !l.contains("m/M")),
                "{lang:?}:\n{t}"
            );
        }
    }

    fn render_text(
        app: &crate::ui::testkit::Fixture,
        w: u16,
        h: u16,
        f: impl FnOnce(&View, &Theme, Rect, &mut Buffer),
    ) -> String {
        crate::ui::testkit::render_text(app, w, h, f)
    }
}
