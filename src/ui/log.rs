//! The event log: the headless transcript's lines, newest at the bottom,
//! each with its time and the process it is about (name and colour), and
//! the current notices (a kill's consequence, a timeout explained) pinned
//! above them so nobody misses them. In the classroom, a burst of one
//! process's operations is one line ([`crate::model::digest`]), so the log
//! scrolls no faster than a class can read.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::theme::Theme;
use super::width::{self as cols, pad_right, wrap};
use crate::model::View;
use crate::model::digest::{Digest, Repeated, digest};
use crate::model::scene::LogEntry;
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
    /// A shorter form, for when `text` would wrap (a classroom summary
    /// without its items or its reason).
    brief: Option<String>,
}

/// The newest log entries that fit in `rows`, oldest first. An entry
/// too long for the width wraps under its own text (a cut sentence could
/// hide the lesson); only whole entries are shown, except the newest
/// when it alone is taller than the room.
fn log_lines(app: &View, theme: &Theme, width: u16, rows: usize) -> Vec<Line<'static>> {
    if rows == 0 {
        return Vec::new();
    }
    let names = width >= NAME_MIN_WIDTH;
    // Only the entries that can show matter for the name column's width.
    let recent = if app.controls.classroom {
        digested(app, rows, names)
    } else {
        let cx = text::Context::for_run(&app.scene.cfg);
        app.scene
            .log
            .iter()
            .rev()
            .filter_map(|l| {
                Some(Entry {
                    child: l.child,
                    t_ms: ms_into_run(app, l),
                    text: text::line(&l.ev, &app.scene.world, &cx.with_maxsize(l.maxsize))?,
                    brief: None,
                })
            })
            .take(rows)
            .collect()
    };
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
        // One row per line where a brief form makes it fit.
        let said = match &l.brief {
            Some(b) if cols::width(&l.text) > body_w => b,
            _ => &l.text,
        };
        let rows_of = if body_w >= MIN_WRAP {
            wrap(said, body_w)
        } else {
            vec![said.clone()]
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

/// When `l` happened, in ms into the run.
fn ms_into_run(app: &View, l: &LogEntry) -> u64 {
    l.ev.t_ns.saturating_sub(app.scene.start_ns) / 1_000_000
}

/// The classroom's newest `rows` lines, newest first: the log with its
/// bursts summarised (`names`: the log has a name column, so a summary
/// need not say who).
fn digested(app: &View, rows: usize, names: bool) -> Vec<Entry> {
    let cx = text::Context::for_run(&app.scene.cfg);
    let said = |l: &LogEntry| text::line(&l.ev, &app.scene.world, &cx.with_maxsize(l.maxsize));
    // Entries that print nothing are no lines, and split no burst.
    let entries: Vec<&LogEntry> = app
        .scene
        .log
        .iter()
        .filter(|l| Repeated::of(&l.ev.kind).is_some() || said(l).is_some())
        .collect();
    digest(&entries, app.scene.start_ns)
        .iter()
        .rev()
        .filter_map(|d| {
            let last = d.last();
            let (text, brief) = match d {
                Digest::One(l) => (said(l)?, None),
                Digest::Burst { .. } => {
                    let who = (!names).then(|| name_of(app, last.child));
                    let who = who.as_deref();
                    (text::burst(who, d, true)?, text::burst(who, d, false))
                }
            };
            Some(Entry {
                child: last.child,
                t_ms: ms_into_run(app, last),
                text,
                brief,
            })
        })
        .take(rows)
        .collect()
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

    /// The queue lesson in a flood: for 4 s, writer-1 puts and reader-1
    /// gets 50 items a second; at 2.5 s writer-2 is killed putting url_999
    /// (lost), then the flood goes on.
    fn flood() -> Fixture {
        use crate::stream::{Ended, Role, SIGKILL};
        let mut app = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        app.spawn(0, 0, 4101, "writer-1", Role::Writer);
        app.spawn(0, 1, 4102, "writer-2", Role::Writer);
        app.spawn(0, 2, 4103, "reader-1", Role::Reader);
        for k in 1..=200u64 {
            if k == 126 {
                let killed = Kind::Exit {
                    ended: Ended::Signal(SIGKILL),
                };
                app.ev(2_500, 1, 4102, killed);
                let lost = Kind::Recovered {
                    dead: 4102,
                    by: 4103,
                    held_lock: false,
                    lost: Some("url_999".into()),
                };
                app.ev(2_500, 2, 4103, lost);
            }
            let label = format!("url_{k}");
            app.item(20 * k - 10, 0, 4101, Kind::Put, &label, k);
            app.item(20 * k - 5, 2, 4103, Kind::Get, &label, k);
        }
        app.tick(4_000);
        app
    }

    fn classroom(mut app: Fixture) -> Fixture {
        app.controls.set_classroom(true);
        app
    }

    #[test]
    fn the_classroom_log_summarises_a_flood_and_keeps_every_notice_in_its_place() {
        let app = classroom(flood());
        let t = draw(&app, 160, 48);
        let lines: Vec<&str> = t.lines().collect();
        let at = |s: &str| {
            lines
                .iter()
                .position(|l| l.contains(s))
                .unwrap_or_else(|| panic!("{s}:\n{t}"))
        };
        // One line for each process's operations in each window of 2 s,
        // and the kill and the lost item on lines of their own, after
        // what came before them and before what came after.
        let order = [
            at("writer-1  Put 100 items (url_1, ..., url_100)"),
            at("reader-1  Got 100 items (url_1, ..., url_100)"),
            at("writer-1  Put 25 items (url_101, ..., url_125)"),
            at("reader-1  Got 25 items (url_101, ..., url_125)"),
            at("2.5s writer-2  Process(####) (writer-2) was killed by SIGKILL"),
            at("2.5s reader-1  Process(####) died putting url_999"),
            at("writer-1  Put 75 items (url_126, ..., url_200)"),
            at("reader-1  Got 75 items (url_126, ..., url_200)"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{t}");
        assert!(!t.contains("Put url_"), "no flood of single lines:\n{t}");
        // The notices are still pinned on top.
        assert!(
            lines[1].contains(" !  writer-2 (Process ####) was killed"),
            "{t}"
        );
        // At 100x30 too; narrow, without the name column, a summary says who.
        assert!(draw(&app, 100, 30).contains("reader-1  Got 75 items (url_126, ..., url_200)"));
        // There, a summary too long for its row is said briefly, on one.
        let t = render_text(&app, 50, 8, render);
        let one_row = |s: &str| {
            t.lines()
                .any(|l| l.trim_end_matches(['│', ' ']).ends_with(s))
        };
        assert!(one_row("reader-1 got 75 items"), "{t}");
        assert!(!t.contains("url_126"), "{t}");
        let zh = crate::text::with_lang(crate::config::Lang::Zh, || draw(&app, 100, 30));
        assert!(zh.contains("取出了 75 项（url_126、…、url_200）"), "{zh}");
        // Outside the classroom, one line per operation as before.
        let plain = draw(&flood(), 100, 30);
        assert!(plain.contains("Get url_200 from queue."), "{plain}");
        assert!(!plain.contains("75 items"), "{plain}");
    }

    #[test]
    fn the_classroom_log_keeps_single_operations_a_class_can_read() {
        let mut app = classroom(Fixture::new(Scenario::Queue(QueueConfig::defaults(
            Mode::Tui,
        ))));
        app.spawn(0, 0, 4101, "writer-1", crate::stream::Role::Writer);
        app.item(2_300, 0, 4101, Kind::Put, "url_1", 1);
        app.item(3_100, 0, 4101, Kind::Put, "url_2", 2);
        let t = draw(&app, 100, 30);
        assert!(
            t.contains("Put url_1 to queue...") && t.contains("Put url_2 to queue..."),
            "{t}"
        );
        // The pinned notices stay on top.
        let t = draw(&with_notice(app), 100, 30);
        assert!(t.lines().nth(1).unwrap().contains("url_4 was lost"), "{t}");
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
