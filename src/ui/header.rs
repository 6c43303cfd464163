//! The header line: what is running, for how long, whether the world or
//! only the view is frozen, and how far the view trusts its telemetry (lag
//! and dropped events are always shown, never hidden; in the classroom,
//! only when there is something to show: events dropped or late, or the
//! view lagging).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::{Glyph, Theme};
use crate::model::View;
use crate::stream::Ended;
use crate::text;

/// One piece of the header, with a shorter form for narrow terminals.
struct Part {
    long: Vec<Span<'static>>,
    short: Vec<Span<'static>>,
    /// Lower is more important; parts go highest first when room is short.
    rank: u8,
    /// Sits at the right edge (telemetry) instead of the left.
    right: bool,
}

/// Never dropped: the telemetry's health (lag, dropped and late events).
const ALWAYS: u8 = 0;

/// Lag beyond this is more than the view promises: shown as a warning.
const LAG_WARN_MS: u64 = 100;

fn part(long: Vec<Span<'static>>, short: Vec<Span<'static>>, rank: u8, right: bool) -> Part {
    Part {
        long,
        short,
        rank,
        right,
    }
}

fn same(spans: Vec<Span<'static>>, rank: u8, right: bool) -> Part {
    part(spans.clone(), spans, rank, right)
}

/// A glyph and a word in one style, so a state is never told by colour.
fn flag(theme: &Theme, g: Glyph, words: impl Into<String>, style: Style) -> Vec<Span<'static>> {
    vec![
        Span::styled(theme.glyph(g), style),
        Span::raw(" "),
        Span::styled(words.into(), style),
    ]
}

/// Everything the header may say, most important first.
fn parts(app: &View, theme: &Theme) -> Vec<Part> {
    let mut v = vec![
        part(
            vec![Span::styled(text::app_name(), theme.title())],
            vec![],
            5,
            false,
        ),
        same(
            vec![Span::styled(
                text::words().scenario_name(app.scenario()),
                theme.title(),
            )],
            3,
            false,
        ),
        same(
            vec![Span::raw(text::run_time(app.scene.run_ms()))],
            3,
            false,
        ),
    ];
    if app.timeline.is_some() {
        // What follows is the recorded run's state, at the playhead.
        v.push(same(
            vec![Span::styled(text::words().replay_tag(), theme.key())],
            0,
            false,
        ));
    }
    let finished = app.scene.finished();
    let stuck = app.scene.stuck.as_ref().filter(|_| !finished);
    if finished {
        let long = finished_words(app);
        v.push(part(
            flag(theme, Glyph::Blocked, long, theme.title()),
            flag(
                theme,
                Glyph::Blocked,
                text::words().finished_short(),
                theme.title(),
            ),
            1,
            false,
        ));
    } else if app.scene.frozen {
        v.push(part(
            flag(theme, Glyph::Stopped, text::world_state(true), theme.warn()),
            flag(
                theme,
                Glyph::Stopped,
                text::words().frozen_short(),
                theme.warn(),
            ),
            1,
            false,
        ));
    } else if stuck.is_none() {
        v.push(same(
            flag(theme, Glyph::Running, text::world_state(false), theme.ok()),
            1,
            false,
        ));
    }
    if let Some(note) = stuck {
        v.push(part(
            flag(theme, Glyph::Blocked, text::stuck(note), theme.blocked()),
            flag(
                theme,
                Glyph::Blocked,
                text::words().stuck_short(),
                theme.blocked(),
            ),
            1,
            false,
        ));
    }
    if app.controls.view_frozen {
        v.push(same(
            flag(
                theme,
                Glyph::Stopped,
                text::words().view_frozen(),
                theme.warn(),
            ),
            1,
            false,
        ));
    }
    if (app.scene.slow_motion - 1.0).abs() > 1e-9 {
        v.push(same(
            vec![Span::styled(
                text::words().slow_motion(app.scene.slow_motion),
                theme.warn(),
            )],
            2,
            false,
        ));
    }
    if app.scene.fast() {
        v.push(part(
            vec![Span::styled(text::words().fast(), theme.warn())],
            vec![Span::styled(text::words().fast_short(), theme.warn())],
            2,
            false,
        ));
    }
    let lag = app.scene.telemetry.lag_ms;
    let dropped = app.scene.telemetry.dropped;
    // A class is not told "lag 4 ms, dropped 0": only trouble.
    let quiet = app.controls.classroom;
    if !(quiet && lag <= LAG_WARN_MS) {
        v.push(lag_part(theme, lag));
    }
    if !(quiet && dropped == 0) {
        v.push(dropped_part(theme, dropped));
    }
    if app.scene.telemetry.late > 0 {
        v.push(same(
            vec![Span::styled(
                text::words().late(app.scene.telemetry.late),
                theme.warn(),
            )],
            ALWAYS,
            true,
        ));
    }
    v
}

/// The view's lag behind the processes, a warning beyond
/// [`LAG_WARN_MS`].
fn lag_part(theme: &Theme, lag: u64) -> Part {
    same(
        if lag > LAG_WARN_MS {
            flag(theme, Glyph::Blocked, text::words().lag(lag), theme.warn())
        } else {
            vec![Span::raw(text::words().lag(lag))]
        },
        ALWAYS,
        true,
    )
}

/// Events the telemetry dropped, a warning when any.
fn dropped_part(theme: &Theme, dropped: u64) -> Part {
    same(
        if dropped > 0 {
            flag(
                theme,
                Glyph::Blocked,
                text::words().dropped(dropped),
                theme.warn(),
            )
        } else {
            vec![Span::raw(text::words().dropped(0))]
        },
        ALWAYS,
        true,
    )
}

/// How a finished run ended: the receiver saw EOF, every process exited
/// on its own, or which ended last and how.
fn finished_words(app: &View) -> String {
    let w = &app.scene.world;
    let clean = w
        .procs
        .iter()
        .all(|p| p.said_exiting && p.ended == Some(Ended::Code(0)));
    let last = w
        .procs
        .iter()
        .max_by_key(|p| p.last_ns)
        .map(|p| (p.name.as_str(), text::ended_text(p.ended, p.said_exiting)));
    text::finished(w.pipe.eof, clean, last)
}

fn sep(theme: &Theme) -> &'static str {
    if theme.ascii { " | " } else { " │ " }
}

/// The header as left and right spans, fitted to `width`: long forms if
/// they fit, else short ones, else the least important parts dropped.
fn fitted(app: &View, theme: &Theme, width: u16) -> (Line<'static>, Line<'static>) {
    let mut parts = parts(app, theme);
    let build = |parts: &[Part], short: bool| {
        let join = |right: bool| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for p in parts.iter().filter(|p| p.right == right) {
                let form = if short { &p.short } else { &p.long };
                if form.is_empty() {
                    continue;
                }
                if !spans.is_empty() {
                    spans.push(Span::styled(sep(theme), theme.dim()));
                }
                spans.extend(form.iter().cloned());
            }
            Line::from(spans)
        };
        (join(false), join(true))
    };
    // One space at each edge and at least two between the halves.
    let fits = |(l, r): &(Line, Line)| l.width() + r.width() + 4 <= width as usize;
    for short in [false, true] {
        let lines = build(&parts, short);
        if fits(&lines) {
            return lines;
        }
    }
    loop {
        let Some(worst) = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.rank != ALWAYS)
            .max_by_key(|(i, p)| (p.rank, *i))
            .map(|(i, _)| i)
        else {
            return build(&parts, true);
        };
        parts.remove(worst);
        let lines = build(&parts, true);
        if fits(&lines) {
            return lines;
        }
    }
}

/// Draws the header on the first row of `area`.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let row = Rect { height: 1, ..area };
    let (left, right) = fitted(app, theme, row.width);
    let inner = Rect {
        x: row.x.saturating_add(1).min(row.right()),
        width: row.width.saturating_sub(2),
        ..row
    };
    // The right half first: where they meet on a tiny screen, the left wins.
    right.right_aligned().render(inner, buf);
    left.render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, QueueConfig, Scenario};
    use crate::stream::{Kind, Note, Role, SUPERVISOR, Stuck};
    use crate::ui::layout;
    use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

    fn area_at(w: u16, h: u16) -> Rect {
        layout::areas(Rect::new(0, 0, w, h)).unwrap().header
    }

    fn draw(app: &Fixture, w: u16, h: u16) -> String {
        let a = area_at(w, h);
        render_text(app, a.width, a.height, render)
    }

    #[test]
    fn header_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&queue_app(), 80, 24));
    }

    #[test]
    fn header_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&queue_app(), 160, 48));
    }

    #[test]
    fn header_names_scenario_time_and_running() {
        let t = draw(&pipe_app(), 80, 24);
        assert!(t.contains("ipcscope") && t.contains("pipe") && t.contains("00:01"));
        assert!(t.contains("RUNNING"), "{t}");
        assert!(draw(&counter_app(), 80, 24).contains("counter"));
    }

    #[test]
    fn header_shows_frozen_when_the_world_is_frozen() {
        let mut app = queue_app();
        app.scene.frozen = true;
        let t = draw(&app, 80, 24);
        assert!(t.contains("FROZEN (SIGSTOP)"), "{t}");
        assert!(!t.contains("RUNNING"));
        app.controls.view_frozen = true;
        let t = draw(&app, 80, 24);
        assert!(t.contains("FROZEN") && t.contains("VIEW FROZEN"), "{t}");
    }

    #[test]
    fn header_shows_dropped_events_even_when_crowded() {
        let mut app = queue_app();
        app.scene.telemetry.dropped = 17;
        app.scene.telemetry.late = 3;
        app.scene.telemetry.lag_ms = 120;
        app.scene.frozen = true;
        app.controls.view_frozen = true;
        app.scene.slow_motion = 2.25;
        let t = draw(&app, 80, 24);
        assert!(t.contains("dropped 17"), "{t}");
        assert!(t.contains("lag 120 ms") && t.contains("late 3"), "{t}");
        assert!(t.contains("FROZEN") && t.contains("VIEW FROZEN"), "{t}");
        assert!(t.contains("slow x2.2") || t.contains("slow x2.3"), "{t}");
        // Even on a terminal far too narrow, dropped events stay.
        let tiny = render_text(&app, 30, 1, render);
        assert!(tiny.contains("dropped 17"), "{tiny}");
        let quiet = draw(&queue_app(), 80, 24);
        assert!(
            quiet.contains("dropped 0") && quiet.contains("lag 4 ms"),
            "{quiet}"
        );
    }

    #[test]
    fn the_classroom_header_says_nothing_of_telemetry_until_there_is_trouble() {
        let mut app = queue_app();
        app.controls.set_classroom(true);
        for lang in crate::config::Lang::ALL {
            let t = crate::text::with_lang(lang, || draw(&app, 100, 30));
            let w = crate::text::table(lang);
            for jargon in [w.lag(4), w.dropped(0), w.late(0)] {
                let jargon = jargon.split(' ').next().unwrap().to_string();
                assert!(!t.contains(&jargon), "{lang:?} {jargon}: {t}");
            }
            assert!(t.contains(w.running()), "{t}");
        }
        // Trouble: each shows, alone, even on a narrow screen.
        let mut dropped = app.clone();
        dropped.scene.telemetry.dropped = 17;
        let t = draw(&dropped, 100, 30);
        assert!(t.contains("■ dropped 17") && !t.contains("lag"), "{t}");
        let mut lagging = app.clone();
        lagging.scene.telemetry.lag_ms = 120;
        let t = draw(&lagging, 100, 30);
        assert!(t.contains("■ lag 120 ms") && !t.contains("dropped"), "{t}");
        let mut late = app.clone();
        late.scene.telemetry.late = 3;
        assert!(draw(&late, 100, 30).contains("late 3"));
        let mut all = app.clone();
        all.scene.telemetry = crate::stream::TelemetryView {
            dropped: 17,
            late: 3,
            lag_ms: 120,
        };
        all.scene.frozen = true;
        let tiny = render_text(&all, 40, 1, render);
        assert!(tiny.contains("dropped 17"), "{tiny}");
        let t = draw(&all, 80, 24);
        assert!(t.contains("dropped 17") && t.contains("lag 120 ms"), "{t}");
    }

    /// Every process of `app` ends: each writer or sender says it exits and
    /// exits with 0, then the others end with `last`.
    fn all_end(app: &mut Fixture, last: Ended) {
        let procs: Vec<_> = app
            .scene
            .world
            .procs
            .iter()
            .map(|p| (p.id, p.pid, p.role))
            .collect();
        let mut t = 3_000;
        for (id, pid, role) in procs {
            let ended = if matches!(role, Role::Writer | Role::Sender) {
                app.ev(t, id, pid, Kind::Exiting);
                Ended::Code(0)
            } else {
                last
            };
            app.ev(t + 1, id, pid, Kind::Exit { ended });
            t += 10;
        }
    }

    #[test]
    fn header_says_a_finished_run_finished_and_how() {
        let mut app = queue_app();
        all_end(&mut app, Ended::Signal(15));
        assert!(app.scene.finished());
        let t = draw(&app, 160, 48);
        assert!(
            t.contains("■ FINISHED: all ended, reader-1 last (terminated by SIGTERM)"),
            "{t}"
        );
        assert!(!t.contains("RUNNING"), "{t}");
        let t = draw(&app, 80, 24);
        assert!(t.contains("■ FINISHED") && !t.contains("RUNNING"), "{t}");

        // Every process exited on its own.
        let mut app = queue_app();
        app.ev(2_900, 2, 4103, Kind::Exiting);
        all_end(&mut app, Ended::Code(0));
        let t = draw(&app, 160, 48);
        assert!(t.contains("■ FINISHED: all processes exited"), "{t}");

        // The receiver saw EOF.
        let mut app = pipe_app();
        app.ev(2_000, 1, 953, Kind::RecvEof);
        app.ev(2_001, 1, 953, Kind::Exiting);
        all_end(&mut app, Ended::Code(0));
        let t = draw(&app, 160, 48);
        assert!(t.contains("■ FINISHED: recv saw EOF, all exited"), "{t}");
    }

    #[test]
    fn header_says_why_nobody_can_finish_while_it_holds() {
        let note = |note: Note| Kind::Note { note };
        let mut app = queue_app();
        let why = Note::NoProgress {
            why: Stuck::FullNoReader,
        };
        app.ev(2_800, SUPERVISOR, 1, note(why));
        let t = draw(&app, 160, 48);
        assert!(t.contains("■ STUCK: writers wait, no reader"), "{t}");
        assert!(!t.contains("RUNNING"), "{t}");
        assert!(draw(&app, 80, 24).contains("STUCK"));
        // An item moves: it no longer holds.
        app.item(2_900, 2, 4103, Kind::Get, "url_2", 4);
        let t = draw(&app, 160, 48);
        assert!(t.contains("RUNNING") && !t.contains("STUCK"), "{t}");

        let mut app = queue_app();
        let why = Note::NoProgress {
            why: Stuck::EmptyNoWriter,
        };
        app.ev(2_800, SUPERVISOR, 1, note(why));
        assert!(draw(&app, 160, 48).contains("STUCK: readers wait, no writer"));

        let mut app = pipe_app();
        let why = Note::ForgottenSendEnd {
            receiver: 953,
            waited_ms: 2_000,
        };
        app.ev(2_800, SUPERVISOR, 1, note(why));
        let t = draw(&app, 160, 48);
        assert!(
            t.contains("STUCK: recv waits, parent holds send end"),
            "{t}"
        );
    }

    #[test]
    fn a_replay_says_so_before_the_recorded_state() {
        let app = queue_app();
        let tl = crate::model::Timeline {
            at_ns: 0,
            start_ns: 0,
            end_ns: 1,
            position: 0,
            total: 1,
            playing: true,
            speed: 1.0,
            marks: Default::default(),
        };
        let view = View {
            timeline: Some(&tl),
            ..app.view()
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 1));
        render(&view, &Theme::plain(), buf.area, &mut buf);
        let line: String = buf.content.iter().map(|c| c.symbol()).collect();
        let (replay, running) = (line.find("REPLAY"), line.find("RUNNING"));
        assert!(replay.is_some() && replay < running, "{line}");
    }

    #[test]
    fn header_in_ascii_is_pure_ascii() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        let mut app = queue_app();
        app.scene.frozen = true;
        app.scene.telemetry.dropped = 2;
        for w in [80, 160] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, 1));
            render(&app.view(), &ascii, buf.area, &mut buf);
            assert!(buf.content.iter().all(|c| c.symbol().is_ascii()));
        }
    }

    #[test]
    fn header_survives_tiny_areas_and_empty_models() {
        let empty = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        for app in [&empty, &queue_app()] {
            for (w, h) in [(1, 1), (2, 1), (5, 3), (12, 1)] {
                let _ = render_text(app, w, h, render);
            }
        }
    }
}
