//! The scenario panel: the queue's depth against maxsize with its recent
//! history, the pipe's buffered bytes against capacity, or the counter's
//! value against what it should be; then the figures that explain them
//! (totals and rates, waiters, exceptions raised, items lost). In the
//! classroom, totals without rates, and an unbounded queue's depth without
//! its ring (unless the ring is full).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, LineGauge, Padding, Sparkline, Widget};

use super::theme::{Glyph, Theme};
use crate::model::{ScenarioKind, View};
use crate::stream::{Holder, Role};
use crate::text;

/// Sparkline bars in plain ASCII, lowest to highest.
const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: "_",
    one_eighth: "_",
    empty: " ",
};

/// One depth sample per this many ms (the model's history rate).
const SAMPLE_MS: f64 = 100.0;

/// Draws the panel of the scenario being run.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    match app.scenario() {
        ScenarioKind::Queue => queue(app, theme, area, buf),
        ScenarioKind::Pipe => pipe(app, theme, area, buf),
        ScenarioKind::Counter => counter(app, theme, area, buf),
        ScenarioKind::Program => super::program::render_panel(app, theme, area, buf),
    }
}

/// Draws the frame with its title and returns the room inside.
fn frame(theme: &Theme, title: String, area: Rect, buf: &mut Buffer) -> Rect {
    let block = Block::bordered()
        .border_set(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// A one-row gauge: label, bar, and a word when full or empty, so the
/// level is never told by the bar's colour or length alone.
fn gauge(theme: &Theme, label: String, ratio: f64, word: &str, style: Style) -> impl Widget {
    struct G<'a> {
        gauge: LineGauge<'a>,
        word: Line<'a>,
    }
    impl Widget for G<'_> {
        fn render(self, area: Rect, buf: &mut Buffer) {
            let ww = self.word.width() as u16;
            let room = if ww > 0 { ww + 1 } else { 0 };
            let bar = Rect {
                width: area.width.saturating_sub(room),
                ..area
            };
            self.gauge.render(bar, buf);
            if ww > 0 && area.width > room {
                let at = Rect {
                    x: bar.right() + 1,
                    width: ww,
                    ..area
                };
                self.word.render(at, buf);
            }
        }
    }
    G {
        gauge: LineGauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .filled_symbol(theme.glyph(Glyph::Full))
            .unfilled_symbol(theme.glyph(Glyph::Light))
            .filled_style(style)
            .unfilled_style(theme.dim()),
        word: Line::styled(word.to_string(), style),
    }
}

/// Lays out a gauge row and `lines` under it. With `chart` (its least
/// rows), the rows left over go to a chart between the gauge and the
/// lines, and that area is returned. Lines that do not fit are left out
/// from the end (least important last).
fn stack(
    area: Rect,
    buf: &mut Buffer,
    top: impl Widget,
    lines: Vec<Line>,
    chart: Option<u16>,
) -> Rect {
    if area.is_empty() {
        return Rect::default();
    }
    top.render(Rect { height: 1, ..area }, buf);
    let below = area.height - 1;
    let chart_h = match chart {
        None => 0,
        Some(least) => below
            .saturating_sub(lines.len() as u16)
            .max(least.min(below)),
    };
    let chart_area = Rect {
        y: area.y + 1,
        height: chart_h,
        ..area
    };
    let n = (below - chart_h) as usize;
    for (i, line) in lines.into_iter().take(n).enumerate() {
        let row = Rect {
            y: chart_area.bottom() + i as u16,
            height: 1,
            ..area
        };
        line.render(row, buf);
    }
    chart_area
}

/// Totals and rates in and out (`None`: totals only): one line when it
/// fits, else one line each (numbers grow long in a fast run).
fn flow(
    words: (&str, &str),
    totals: (u64, u64),
    rates: Option<(usize, usize)>,
    width: u16,
) -> Vec<Line<'static>> {
    let Some(rates) = rates else {
        return vec![Line::raw(text::flow_totals(words, totals))];
    };
    let both = text::flow(words, totals, rates);
    if super::width::width(&both) <= width as usize {
        vec![Line::raw(both)]
    } else {
        vec![
            Line::raw(text::flow_one(words.0, totals.0, rates.0)),
            Line::raw(text::flow_one(words.1, totals.1, rates.1)),
        ]
    }
}

/// The rates to show: none in the classroom.
fn rates(app: &View) -> Option<(usize, usize)> {
    (!app.controls.classroom).then(|| app.scene.rates())
}

/// The queue: depth gauge against maxsize (or the ring when unbounded),
/// depth over time, then totals and rates, waiters, Full/Empty raised,
/// recoveries and the items lost with killed processes.
fn queue(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let title = match &app.scene.cfg.scenario {
        crate::config::Scenario::Queue(q) if q.feeder => {
            text::words().feeder_panel_title(app.scene.maxsize)
        }
        _ => text::words().queue_title(app.scene.maxsize),
    };
    let inner = frame(theme, title, area, buf);
    let snap = app.scene.queue.as_ref();
    let depth = app.scene.depth();
    let capacity = snap.map_or(crate::ipc::queue::DEFAULT_CAPACITY, |s| s.capacity as usize);
    let limit = if app.scene.maxsize == 0 {
        capacity as u64
    } else {
        app.scene.maxsize as u64
    };
    let word = if app.scene.maxsize == 0 {
        ""
    } else {
        text::gauge_state(depth, limit)
    };
    let style = match word {
        "" => theme.ok(),
        _ if depth == 0 => theme.dim(),
        _ => theme.blocked(),
    };
    // The ring is the implementation's limit: a class hears of it only
    // when it is full.
    let label = if app.controls.classroom && app.scene.maxsize == 0 && depth < capacity as u64 {
        text::words().stage_depth_unbounded(depth as usize)
    } else {
        text::words().depth_label(depth, app.scene.maxsize, capacity)
    };
    let top = gauge(
        theme,
        label,
        depth as f64 / limit.max(1) as f64,
        word,
        style,
    );

    let w = &app.scene.world;
    let totals = (
        w.queue.puts + w.queue.missed_puts,
        w.queue.gets + w.queue.missed_gets,
    );
    let (put_waiters, get_waiters) = snap.map_or((0, 0), |s| (s.put_waiters, s.get_waiters));
    let lost: Vec<String> = w.losses.iter().map(|l| l.item.clone()).collect();
    let waiting_style = if put_waiters.saturating_add(get_waiters) > 0 {
        theme.blocked()
    } else {
        Style::new()
    };
    let raised = w.queue.full_raised + w.queue.empty_raised;
    let mut lines = flow(
        text::words().flow_words(false),
        totals,
        rates(app),
        inner.width,
    );
    lines.extend([
        Line::styled(
            text::words().queue_waiters(put_waiters, get_waiters),
            waiting_style,
        ),
        Line::styled(
            text::words().recovered_lost(w.recoveries, &lost, w.lost_count()),
            if w.lost_count() == 0 {
                Style::new()
            } else {
                theme.warn()
            },
        ),
        Line::styled(
            text::words().raised(w.queue.full_raised, w.queue.empty_raised),
            if raised > 0 {
                theme.warn()
            } else {
                Style::new()
            },
        ),
    ]);
    let spark = stack(inner, buf, top, lines, Some(1));
    depth_sparkline(app, theme, spark, buf);
}

/// Depth over the last seconds, newest at the right, scaled to maxsize
/// (so a full queue is a full bar); a caption when there is room for it.
fn depth_sparkline(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let (caption, bars) = if area.height >= 3 {
        let [c, b] = area.layout(&ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Fill(1),
        ]));
        (Some(c), b)
    } else {
        (None, area)
    };
    let n = (bars.width as usize).min(app.scene.depth_history.len());
    let data: Vec<u64> = app
        .scene
        .depth_history
        .iter()
        .skip(app.scene.depth_history.len() - n)
        .map(|&d| d as u64)
        .collect();
    let max = if app.scene.maxsize > 0 {
        app.scene.maxsize as u64
    } else {
        data.iter().copied().max().unwrap_or(1).max(1)
    };
    if let Some(c) = caption {
        Line::styled(
            text::words().depth_history(n as f64 * SAMPLE_MS / 1000.0),
            theme.dim(),
        )
        .render(c, buf);
    }
    Sparkline::default()
        .data(&data)
        .max(max)
        .bar_set(if theme.ascii {
            ASCII_BARS
        } else {
            bar::NINE_LEVELS
        })
        .style(theme.ok())
        .render(bars, buf);
}

/// The pipe: bytes buffered against capacity, then sent/received with
/// rates, the messages in the pipe, EOF, and who holds each end.
fn pipe(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = frame(theme, text::words().pipe_title().to_string(), area, buf);
    let stats = app.scene.pipe.as_ref();
    let bytes = stats.and_then(|s| s.bytes);
    let capacity = stats.and_then(|s| s.capacity);
    let (ratio, word, full) = match (bytes, capacity) {
        (Some(b), Some(c)) if c > 0 => (b as f64 / c as f64, text::gauge_state(b, c), b >= c),
        _ => (0.0, "", false),
    };
    let style = if full { theme.blocked() } else { theme.ok() };
    let top = gauge(theme, text::pipe_label(bytes, capacity), ratio, word, style);
    let p = &app.scene.world.pipe;
    let in_pipe: Vec<String> = p.inside.items.iter().map(|t| t.label.clone()).collect();
    // The labels only when they all fit: a cut list would mislead.
    let mut in_pipe_line = text::in_flight(&in_pipe, true);
    if super::width::width(&in_pipe_line) > inner.width as usize {
        in_pipe_line = text::in_flight(&in_pipe, false);
    }
    let names = |v: Option<&Vec<Holder>>| -> Vec<String> {
        v.map(|v| v.iter().map(|h| holder_name(app, h)).collect())
            .unwrap_or_default()
    };
    let mut lines = flow(
        text::words().flow_words(true),
        (p.sent, p.received),
        rates(app),
        inner.width,
    );
    lines.extend([
        Line::styled(
            text::words().eof(p.eof),
            if p.eof { theme.ok() } else { Style::new() },
        ),
        Line::raw(in_pipe_line),
        Line::raw(text::words().holders(true, &names(stats.map(|s| &s.send_holders)))),
        Line::raw(text::words().holders(false, &names(stats.map(|s| &s.recv_holders)))),
    ]);
    stack(inner, buf, top, lines, None);
}

/// The increments made and the value, from one consistent reading (or,
/// before the first, from the counters' own reports). A paced run tells
/// every write with what it stored: as long as none went unreported, the
/// writes are the figures, in step with what the cards say.
pub fn counter_figures(app: &View) -> (u64, i64) {
    if let Some(told) = crate::model::race::told_figures(app.scene) {
        return told;
    }
    match app.scene.value {
        Some(v) => (v.expected, v.value),
        None => (
            app.scene.world.by_role(Role::Counter).map(|p| p.done).sum(),
            app.scene.world.counter.value,
        ),
    }
}

/// Who holds a pipe end, by name ("parent (ipcscope)" for ipcscope itself).
pub fn holder_name(app: &View, h: &Holder) -> String {
    match h.proc.and_then(|id| app.scene.world.proc(id)) {
        Some(p) => p.name.clone(),
        None if h.proc.is_none() => text::words().parent_holder().to_string(),
        None => h.pid.to_string(),
    }
}

/// The shared counter: the value against the increments done, the
/// updates lost, and whether the lock was used.
fn counter(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lock = crate::model::race::lock_on(app.scene);
    let title = match crate::model::race::array(app.scene) {
        0 => text::words().counter_title(lock),
        _ => text::words().array_title(lock),
    };
    let inner = frame(theme, title.to_string(), area, buf);
    let (expected, actual) = counter_figures(app);
    let lost = expected.saturating_sub(actual.max(0) as u64);
    let lost_style = if lost > 0 { theme.warn() } else { theme.ok() };
    let top = gauge(
        theme,
        text::words().counter_label(actual, expected),
        actual.max(0) as f64 / expected.max(1) as f64,
        "",
        theme.ok(),
    );
    let lines = vec![
        Line::raw(text::words().expected(expected)),
        Line::raw(text::words().actual(actual)),
        Line::styled(text::lost_updates(lost, expected), lost_style),
        Line::styled(
            // Switched live, the lock stops the losses from now on.
            match app.scene.world.race.lock_set {
                Some(_) => text::words().lock_now(lock),
                None => text::words().counter_lock(lock),
            },
            if lock { theme.ok() } else { theme.warn() },
        ),
    ];
    stack(inner, buf, top, lines, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, PipeConfig, QueueConfig, Scenario};
    use crate::ui::layout;
    use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

    fn draw(app: &Fixture, w: u16, h: u16) -> String {
        let a = layout::areas(Rect::new(0, 0, w, h)).unwrap().panel.unwrap();
        render_text(app, a.width, a.height, render)
    }

    fn empty(scenario: Scenario) -> Fixture {
        Fixture::new(scenario)
    }

    #[test]
    fn panel_queue_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&queue_app(), 80, 24));
    }

    #[test]
    fn panel_queue_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&queue_app(), 160, 48));
    }

    #[test]
    fn panel_pipe_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&pipe_app(), 80, 24));
    }

    #[test]
    fn panel_pipe_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&pipe_app(), 160, 48));
    }

    #[test]
    fn panel_counter_snapshot_at_80x24() {
        insta::assert_snapshot!(draw(&counter_app(), 80, 24));
    }

    #[test]
    fn panel_counter_snapshot_at_160x48() {
        insta::assert_snapshot!(draw(&counter_app(), 160, 48));
    }

    #[test]
    fn panel_queue_says_full_in_words() {
        let t = draw(&queue_app(), 80, 24);
        assert!(t.contains("depth 3/3") && t.contains("FULL"), "{t}");
        assert!(t.contains("waiting: 1 put, 0 get"), "{t}");
    }

    #[test]
    fn panel_unbounded_queue_names_the_ring() {
        let mut app = queue_app();
        app.scene.maxsize = 0;
        if let Some(s) = app.scene.queue.as_mut() {
            s.maxsize = 0;
        }
        let t = draw(&app, 160, 48);
        assert!(t.contains("unbounded") && t.contains("ring 65536"), "{t}");
        assert!(!t.contains("FULL"));
    }

    #[test]
    fn panel_queue_names_items_lost_with_killed_processes() {
        let mut app = queue_app();
        app.scene.world.recoveries = 1;
        app.scene.world.losses.push(crate::model::world::Loss {
            item: "url_4".into(),
            pid: 4103,
            name: "reader-1".into(),
        });
        let t = draw(&app, 80, 24);
        assert!(t.contains("lost 1: url_4"), "{t}");
    }

    #[test]
    fn panel_counter_shows_lost_updates() {
        let t = draw(&counter_app(), 80, 24);
        assert!(t.contains("expected     400000"), "{t}");
        assert!(t.contains("actual       231415"), "{t}");
        assert!(t.contains("lost updates 168585 (42%)"), "{t}");
    }

    #[test]
    fn the_classroom_panel_has_totals_without_rates_and_no_ring_until_it_is_full() {
        let mut q = queue_app();
        q.controls.set_classroom(true);
        let t = draw(&q, 100, 30);
        assert!(t.contains("put 5  got 2") && !t.contains("/s"), "{t}");
        let mut p = pipe_app();
        p.controls.set_classroom(true);
        let t = draw(&p, 100, 30);
        assert!(t.contains("sent 4  received 2") && !t.contains("/s"), "{t}");
        let zh = crate::text::with_lang(crate::config::Lang::Zh, || draw(&q, 100, 30));
        assert!(zh.contains("放入 5  取出 2") && !zh.contains("/s"), "{zh}");

        let mut unbounded = q.clone();
        unbounded.scene.maxsize = 0;
        let t = draw(&unbounded, 100, 30);
        assert!(
            t.contains("depth 3 (unbounded)") && !t.contains("ring"),
            "{t}"
        );
        // A full ring is trouble: said.
        if let Some(v) = unbounded.scene.queue.as_mut() {
            v.capacity = 3;
        }
        let t = draw(&unbounded, 100, 30);
        assert!(t.contains("ring 3"), "{t}");
        // Outside the classroom, rates and the ring as before.
        unbounded.controls.classroom = false;
        let t = draw(&unbounded, 100, 30);
        assert!(t.contains("(1/s)") && t.contains("ring 3"), "{t}");
    }

    #[test]
    fn panel_in_ascii_is_pure_ascii() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        for app in [queue_app(), pipe_app(), counter_app()] {
            for (w, h) in [(80, 24), (160, 48)] {
                let a = layout::areas(Rect::new(0, 0, w, h)).unwrap().panel.unwrap();
                let mut buf = Buffer::empty(a);
                render(&app.view(), &ascii, a, &mut buf);
                let bad: Vec<&str> = buf
                    .content
                    .iter()
                    .map(|c| c.symbol())
                    .filter(|s| !s.is_ascii())
                    .collect();
                assert!(bad.is_empty(), "{bad:?}");
            }
        }
    }

    #[test]
    fn panel_survives_tiny_areas_and_empty_models() {
        let apps = [
            empty(Scenario::Queue(QueueConfig::defaults(Mode::Tui))),
            empty(Scenario::Pipe(PipeConfig::defaults(Mode::Tui))),
            empty(Scenario::Counter(crate::config::CounterConfig::defaults(
                Mode::Tui,
            ))),
            queue_app(),
            pipe_app(),
            counter_app(),
        ];
        for app in &apps {
            for (w, h) in [(1, 1), (2, 2), (3, 3), (4, 4), (10, 3), (30, 4), (200, 60)] {
                let _ = render_text(app, w, h, render);
            }
        }
    }
}
