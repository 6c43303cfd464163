//! The event log: the headless transcript's lines, newest at the bottom,
//! each with its time and the process it is about (name and colour), and
//! the current notices (a kill's consequence, a timeout explained) pinned
//! above them so nobody misses them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::theme::Theme;
use super::width::{self as cols, pad_right, wrap};
use crate::model::View;
use crate::text;

/// The badge in front of a notice: plain ASCII, reversed, so it stands
/// out with or without colour.
const BADGE: &str = " ! ";

/// Narrower than this, a long line is cut rather than wrapped.
const MIN_WRAP: usize = 12;

/// Below this width the name column is left out (the lines still name
/// the PID or the item).
const NAME_MIN_WIDTH: u16 = 60;

/// The notices as lines, wrapped to `width`, newest kept when they do not
/// all fit in `max` rows.
fn notice_lines(app: &View, theme: &Theme, width: u16, max: usize) -> Vec<Line<'static>> {
    let badge_w = BADGE.len();
    let body_w = (width as usize).saturating_sub(badge_w + 1);
    let style = theme.warn();
    let mut blocks: Vec<Vec<Line<'static>>> = Vec::new();
    for n in notice_texts(app).iter().rev() {
        let rows: Vec<Line<'static>> = wrap(n, body_w)
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let lead = if i == 0 {
                    Span::styled(BADGE, style.add_modifier(Modifier::REVERSED))
                } else {
                    Span::raw(" ".repeat(badge_w))
                };
                Line::from(vec![lead, Span::raw(" "), Span::styled(row, style)])
            })
            .collect();
        let used: usize = blocks.iter().map(Vec::len).sum();
        if used + rows.len() > max {
            if used == 0 {
                // Even the newest does not fit whole: show its start.
                blocks.push(rows.into_iter().take(max).collect());
            }
            break;
        }
        blocks.push(rows);
    }
    blocks.into_iter().rev().flatten().collect()
}

/// The notices (from the run) and the hints (answers to keys) on screen
/// now, in words, oldest first.
fn notice_texts(app: &View) -> Vec<String> {
    let mut out: Vec<String> = app
        .scene
        .notices
        .iter()
        .map(|(n, _)| text::notice(n))
        .collect();
    out.extend(app.controls.hints.iter().map(|(h, _)| text::hint(h)));
    out
}

/// A log entry in words, with its time (ms into the run).
struct Entry {
    child: Option<u16>,
    t_ms: u64,
    text: String,
}

/// The newest log entries that fit in `rows`, oldest first. An entry
/// too long for the width wraps under its own text (a cut sentence could
/// hide the lesson); only whole entries are shown, except the newest
/// when it alone is taller than the room.
fn log_lines(app: &View, theme: &Theme, width: u16, rows: usize) -> Vec<Line<'static>> {
    if rows == 0 {
        return Vec::new();
    }
    // Only the entries that can show matter for the name column's width.
    let cx = text::Context::for_run(&app.scene.cfg);
    let recent: Vec<Entry> = app
        .scene
        .log
        .iter()
        .rev()
        .filter_map(|l| {
            Some(Entry {
                child: l.child,
                t_ms: l.ev.t_ns.saturating_sub(app.scene.start_ns) / 1_000_000,
                text: text::line(&l.ev, &app.scene.world, &cx.with_maxsize(l.maxsize))?,
            })
        })
        .take(rows)
        .collect();
    let names = width >= NAME_MIN_WIDTH;
    let name_w = if names {
        recent
            .iter()
            .map(|l| cols::width(&name_of(app, l.child)))
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let mut out: Vec<Vec<Line<'static>>> = Vec::new();
    let mut used = 0;
    for l in recent {
        let style = l.child.map_or(theme.dim(), |c| theme.proc(c));
        let mut head = vec![Span::styled(text::log_time(l.t_ms), theme.dim())];
        if names {
            let name = name_of(app, l.child);
            head.push(Span::styled(
                format!(" {}", pad_right(&name, name_w)),
                style,
            ));
        }
        head.push(Span::raw("  "));
        let indent = head.iter().map(Span::width).sum::<usize>();
        let body_w = (width as usize).saturating_sub(indent);
        let rows_of = if body_w >= MIN_WRAP {
            wrap(&l.text, body_w)
        } else {
            vec![l.text.clone()]
        };
        let mut entry = Vec::new();
        for (i, row) in rows_of.into_iter().enumerate() {
            let mut spans = if i == 0 {
                head.clone()
            } else {
                vec![Span::raw(" ".repeat(indent))]
            };
            spans.push(Span::styled(row, style));
            entry.push(Line::from(spans));
        }
        if used + entry.len() > rows {
            if out.is_empty() {
                entry.truncate(rows);
                out.push(entry);
            }
            break;
        }
        used += entry.len();
        out.push(entry);
    }
    out.into_iter().rev().flatten().collect()
}

/// The name of the process a line is about ("parent" for the supervisor).
fn name_of(app: &View, child: Option<u16>) -> String {
    child.and_then(|c| app.scene.world.proc(c)).map_or_else(
        || text::words().log_parent().to_string(),
        |p| p.name.clone(),
    )
}

/// Draws the log: notices on top (at most all rows but one while there
/// are log lines to show), then the newest lines that fit.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let block = Block::bordered()
        .border_set(theme.border())
        .title(Span::styled(text::words().log_title(), theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let rows = inner.height as usize;
    let keep_for_log = usize::from(!app.scene.log.is_empty() && rows > 1);
    let mut lines = notice_lines(app, theme, inner.width, rows - keep_for_log);
    let left = rows - lines.len();
    lines.extend(log_lines(app, theme, inner.width, left));
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, QueueConfig, Scenario};
    use crate::model::Hint;
    use crate::stream::{Event, Kind};
    use crate::ui::layout;
    use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

    fn draw(app: &Fixture, w: u16, h: u16) -> String {
        let a = layout::areas(Rect::new(0, 0, w, h)).unwrap().log;
        render_text(app, a.width, a.height, render)
    }

    fn notice(app: &mut Fixture, text: &str) {
        let what = text.to_string();
        app.controls.hint(Hint::Problem { what }, 0);
    }

    fn with_notice(mut app: Fixture) -> Fixture {
        notice(
            &mut app,
            "url_4 was lost with reader-1 (Process 4103); the queue goes on.",
        );
        app
    }

    #[test]
    fn log_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&queue_app(), 80, 24));
    }

    #[test]
    fn log_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&queue_app(), 160, 48));
    }

    #[test]
    fn log_snapshot_with_a_notice_at_80x24() {
        insta::assert_snapshot!(draw(&with_notice(queue_app()), 80, 24));
    }

    #[test]
    fn log_shows_the_newest_lines_at_the_bottom_with_their_time() {
        let t = draw(&queue_app(), 80, 24);
        let last = t.lines().rev().nth(1).unwrap();
        assert!(
            last.contains("2.6s") && last.contains("waits to put url_6"),
            "{t}"
        );
        assert!(
            !t.contains("is writing"),
            "oldest lines scrolled away:\n{t}"
        );
        assert!(t.contains("writer-2"), "lines name their process:\n{t}");
    }

    #[test]
    fn log_pins_notices_above_the_lines() {
        let t = draw(&with_notice(queue_app()), 80, 24);
        let lines: Vec<&str> = t.lines().collect();
        assert!(
            lines[1].contains(" ! ") && lines[1].contains("url_4 was lost"),
            "{t}"
        );
        assert!(
            lines.iter().any(|l| l.contains("url_6")),
            "a log line still shows"
        );
    }

    #[test]
    fn log_keeps_the_newest_notice_when_notices_crowd() {
        let mut app = queue_app();
        for n in 0..4 {
            notice(
                &mut app,
                &format!("notice number {n} with a few words to wrap around"),
            );
        }
        let t = draw(&app, 80, 24);
        assert!(t.contains("notice number 3"), "{t}");
        assert!(!t.contains("notice number 0"), "{t}");
    }

    #[test]
    fn log_wraps_long_lines_under_their_text() {
        let t = draw(&counter_app(), 80, 24);
        let lines: Vec<&str> = t.lines().collect();
        let cont = lines.iter().find(|l| l.contains("value 210000).")).unwrap();
        assert!(
            cont.starts_with(&format!("│{}value", " ".repeat(18))),
            "{t}"
        );
    }

    #[test]
    fn log_of_other_scenarios_and_empty_models_and_tiny_areas() {
        assert!(draw(&pipe_app(), 80, 24).contains("recv: url_1"));
        let _ = draw(&counter_app(), 80, 24);
        let empty = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        for app in [&empty, &with_notice(queue_app())] {
            for (w, h) in [(1, 1), (2, 2), (3, 3), (8, 3), (40, 4), (200, 3)] {
                let _ = render_text(app, w, h, render);
            }
        }
    }

    #[test]
    fn log_tells_each_wait_against_the_maxsize_in_force_when_it_happened() {
        let mut q = QueueConfig::defaults(Mode::Tui);
        q.maxsize = 3;
        let mut app = Fixture::new(Scenario::Queue(q));
        app.spawn(0, 0, 4101, "writer-1", crate::stream::Role::Writer);
        for n in 1..=3 {
            app.item(n * 100, 0, 4101, Kind::Put, &format!("url_{n}"), n);
        }
        let wait = |t: u64, item: &str| {
            Event::new(t * 1_000_000, 0, 4101, Kind::PutWait)
                .with_item(item)
                .with_depth(3)
        };
        app.apply(wait(400, "url_4"));
        app.ev(
            500,
            crate::stream::SUPERVISOR,
            1,
            Kind::MaxsizeSet { maxsize: 2 },
        );
        app.apply(wait(600, "url_4"));
        let t = draw(&app, 100, 30);
        assert!(t.contains("url_4: the queue is full (3/3)."), "{t}");
        assert!(
            t.contains("url_4: the queue holds 3, over its maxsize 2"),
            "{t}"
        );
    }

    #[test]
    fn log_in_ascii_is_pure_ascii() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        let a = layout::areas(Rect::new(0, 0, 80, 24)).unwrap().log;
        let mut buf = Buffer::empty(a);
        render(&with_notice(queue_app()).view(), &ascii, a, &mut buf);
        assert!(buf.content.iter().all(|c| c.symbol().is_ascii()));
    }
}
