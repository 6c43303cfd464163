//! The footer line: the main keys, as many as fit, most useful first. Keys
//! that do nothing in this scenario are gathered under "n/a here" rather
//! than shown as if they worked. `?` lists every key.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::model::{ScenarioKind, View};
use crate::text;

/// Whether a key (as [`ScreenWords::key_help`](text::ScreenWords::key_help) spells it) does something in
/// `scenario`: the same rules as the model's "does not apply" notices.
pub fn applies(key: &str, scenario: ScenarioKind) -> bool {
    match key {
        "+/-" => !matches!(scenario, ScenarioKind::Pipe | ScenarioKind::Program),
        "r/R" | "m/M" => scenario == ScenarioKind::Queue,
        // Someone else's program paces itself: no delays to scale.
        "[/]" | "." => scenario != ScenarioKind::Program,
        "x" | "w" => scenario == ScenarioKind::Pipe,
        "l" => scenario == ScenarioKind::Counter,
        "b" | "e" | "b/e" => scenario == ScenarioKind::Queue,
        _ => true,
    }
}

/// One entry: the key and its word, or the gathered keys that do not apply.
enum Entry {
    Key(&'static str, &'static str),
    NotHere(Vec<&'static str>),
}

/// The footer's entries in order of use. Step only shows while the world
/// is frozen (the only time it works); the keys that do not apply are
/// gathered where the first of them would be.
fn entries(app: &View) -> Vec<Entry> {
    if app.controls.replay {
        return text::words()
            .replay_footer_keys()
            .iter()
            .map(|&(k, w)| Entry::Key(k, w))
            .collect();
    }
    let scenario = app.scenario();
    let not_here: Vec<&'static str> = text::words()
        .footer_keys()
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !applies(k, scenario))
        .collect();
    let mut out = Vec::new();
    let mut gathered = false;
    for &(key, word) in text::words().footer_keys() {
        // The lock's key, in the counter scenario only (after +/-).
        if key == "r/R" && scenario == ScenarioKind::Counter {
            out.push(Entry::Key("l", text::words().footer_lock()));
        }
        // The queue's policy keys, in the queue scenario only (after the
        // kill keys; on a narrow footer they give way to the keys before).
        if key == "[/]" && scenario == ScenarioKind::Queue {
            out.push(Entry::Key("b", text::words().footer_wait()));
            out.push(Entry::Key("e", text::words().footer_then()));
        }
        if !applies(key, scenario) {
            if !gathered {
                out.push(Entry::NotHere(not_here.clone()));
                gathered = true;
            }
            continue;
        }
        let word = match key {
            "." if !app.scene.frozen => continue,
            "space" if app.scene.frozen => text::words().footer_resume(),
            "+/-" if scenario == ScenarioKind::Counter => text::words().footer_counters(),
            _ => word,
        };
        out.push(Entry::Key(key, word));
    }
    out
}

fn spans(e: &Entry, theme: &Theme) -> Vec<Span<'static>> {
    match e {
        Entry::Key(k, w) => vec![
            Span::styled(text::words().key_name(k), theme.key()),
            Span::raw(format!(" {w}")),
        ],
        Entry::NotHere(keys) => vec![Span::styled(
            format!("{} {}", keys.join(" "), text::words().not_applicable()),
            theme.dim(),
        )],
    }
}

/// Gap between entries.
const GAP: &str = "  ";

/// Draws the keys that fit on the first row of `area`, skipping an entry
/// that does not fit so a shorter one after it can still show.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let room = area.width.saturating_sub(1) as usize;
    let mut line: Vec<Span<'static>> = vec![Span::raw(" ")];
    let mut used = 1;
    for e in entries(app) {
        let s = spans(&e, theme);
        let w: usize = s.iter().map(|s| s.width()).sum();
        let gap = if used > 1 { GAP.len() } else { 0 };
        if used + gap + w > room {
            continue;
        }
        if gap > 0 {
            line.push(Span::raw(GAP));
        }
        line.extend(s);
        used += gap + w;
    }
    Line::from(line).render(Rect { height: 1, ..area }, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::layout;
    use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

    fn draw(app: &Fixture, w: u16, h: u16) -> String {
        let a = layout::areas(Rect::new(0, 0, w, h)).unwrap().footer;
        render_text(app, a.width, a.height, render)
    }

    #[test]
    fn footer_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&queue_app(), 80, 24));
    }

    #[test]
    fn footer_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&queue_app(), 160, 48));
    }

    #[test]
    fn footer_snapshot_of_the_pipe_at_80x24() {
        insta::assert_snapshot!(draw(&pipe_app(), 80, 24));
    }

    #[test]
    fn footer_keeps_quit_and_help_first() {
        let t = draw(&queue_app(), 80, 24);
        assert!(t.starts_with(" q quit  ? help  space freeze"), "{t}");
    }

    #[test]
    fn footer_says_which_keys_do_not_apply_in_the_pipe() {
        let t = draw(&pipe_app(), 80, 24);
        assert!(t.contains("+/- r/R m/M n/a here"), "{t}");
        assert!(!t.contains("writers") && !t.contains("readers"), "{t}");
        let t = draw(&counter_app(), 160, 48);
        assert!(t.contains("+/- counters"), "{t}");
        assert!(t.contains("r/R m/M n/a here"), "{t}");
    }

    #[test]
    fn footer_offers_step_and_resume_while_frozen() {
        let mut app = queue_app();
        assert!(!draw(&app, 160, 48).contains(". step"));
        app.scene.frozen = true;
        let t = draw(&app, 80, 24);
        assert!(t.contains("space resume") && t.contains(". step"), "{t}");
    }

    #[test]
    fn a_replay_footer_offers_the_timeline_keys_not_the_world_keys() {
        let mut app = queue_app();
        app.controls.replay = true;
        let t = draw(&app, 80, 24);
        assert!(
            t.contains("space play/pause") && t.contains(", back"),
            "{t}"
        );
        assert!(!t.contains("writers") && !t.contains("kill"), "{t}");
        for (key, _) in text::words().replay_footer_keys() {
            assert!(
                text::words()
                    .replay_key_help()
                    .iter()
                    .any(|(k, _)| k == key || k.split(['/', ',']).next() == Some(key)),
                "{key} is not in replay_key_help"
            );
        }
    }

    #[test]
    fn footer_keys_are_keys_of_the_help() {
        for (key, _) in text::words().footer_keys() {
            assert!(
                text::words()
                    .key_help()
                    .iter()
                    .any(|(k, _)| k == key || k.split(['/', ',']).next() == Some(key)),
                "{key} is not in key_help"
            );
        }
    }

    #[test]
    fn footer_in_ascii_is_pure_ascii_and_tiny_areas_do_not_panic() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 160, 1));
        render(&queue_app().view(), &ascii, buf.area, &mut buf);
        assert!(buf.content.iter().all(|c| c.symbol().is_ascii()));
        for (w, h) in [(1, 1), (3, 1), (10, 2)] {
            let _ = render_text(&queue_app(), w, h, render);
        }
    }
}
