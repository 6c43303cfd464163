//! The stage, the large picture at the top of the screen: the queue as a
//! tube of its real slots between the writers and the readers, the pipe
//! between its two ends, or the shared value with the processes racing on
//! it. Items travel between them as the events tell. Reads the model and
//! never changes it.

use std::collections::HashMap;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Widget};

use super::theme::{Glyph, Theme};
use crate::config::Scenario;
use crate::model::flights::Spot;
use crate::model::world::{Activity, Proc};
use crate::model::{ScenarioKind, View};
use crate::stream::{ProcId, Role};
use crate::text;

use cards::{cards_of, done_detail, pusher_detail, render_sides};
use counter::render_counter;
use pipe::render_pipe;
use queue::render_queue;
use tube::{end_mark, render_end_labels, render_tube, tube_rows};

/// A cell of the screen: (column, row).
type Pos = (u16, u16);

/// From this inner width on, process cards are framed boxes (narrower, the
/// frames would squeeze the tube).
const WIDE: u16 = 100;

/// Columns a side may take even on a narrow stage: the longest state line.
const SIDE_MIN: u16 = 26;

/// Widest label a queue slot makes room for (longer ones are cut).
const MAX_LABEL: u16 = 12;

/// Cells of wall between the arrows drawn on a duplex pipe's walls.
const WALL_MARK_EVERY: u16 = 8;

/// Rows the pipe and its endpoints take on a tall stage (the holders of its
/// ends go right under them).
const PIPE_ROWS: u16 = 6;

/// Fewest columns of pipe worth keeping when flights get runways beside it.
const MIN_PIPE: u16 = 24;

/// Cells of the counter's progress bars.
const BAR: usize = 8;

/// Draws the stage of the scenario being run.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    draw(app, theme, area, buf);
}

/// Draws the stage and returns where each spot ended up, so flights (and
/// tests) start and end where things were drawn.
fn draw(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return Spots::default();
    }
    let inner = render_frame(app, theme, area, buf);
    if inner.is_empty() {
        return Spots::default();
    }
    let spots = match app.scenario() {
        ScenarioKind::Queue => render_queue(app, theme, inner, buf),
        ScenarioKind::Pipe => render_pipe(app, theme, inner, buf),
        ScenarioKind::Counter => render_counter(app, theme, inner, buf),
    };
    render_flights(app, theme, &spots, inner, buf);
    spots
}

/// The frame: the Python object on show as the title, and on the right what
/// the whole room must notice (the world frozen, the view frozen, events too
/// fast to animate). Returns the room inside.
fn render_frame(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Rect {
    let title = match &app.scene.cfg.scenario {
        Scenario::Queue(_) => text::stage_queue_title(app.scene.maxsize),
        Scenario::Pipe(p) => text::stage_pipe_title(p.duplex).to_string(),
        Scenario::Counter(c) => text::stage_counter_title(c.lock).to_string(),
    };
    let mut tags = Vec::new();
    if app.scene.frozen {
        let tag = format!(
            " {} {} ",
            theme.glyph(Glyph::Stopped),
            text::world_state(true)
        );
        tags.push(Span::styled(tag, theme.warn()));
    }
    if app.controls.view_frozen {
        tags.push(Span::styled(
            format!(" {} ", text::view_frozen()),
            theme.warn(),
        ));
    }
    if app.scene.fast() {
        let (rate_in, rate_out) = app.scene.rates();
        tags.push(Span::styled(
            format!(" {} ", text::stage_fast(rate_in, rate_out)),
            theme.warn(),
        ));
    }
    let mut block = Block::bordered()
        .border_set(theme.border())
        .padding(Padding::horizontal(1))
        .title(Line::styled(title, theme.title()));
    if !tags.is_empty() {
        block = block.title(Line::from(tags).right_aligned());
    }
    if app.scene.frozen {
        block = block.border_style(theme.warn());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

// ---------------------------------------------------------------- spots --

/// Where a flight starts or ends: a cell, and the side a label there
/// reaches to, so that it lies beside what is drawn rather than over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    at: Pos,
    reach_right: bool,
}

impl Anchor {
    /// The column a label `w` wide starts at, when at this anchor.
    fn label_x(self, w: u16) -> u16 {
        if self.reach_right {
            self.at.0
        } else {
            self.at.0.saturating_add(1).saturating_sub(w)
        }
    }
}

/// Where the spots a flight travels between were drawn.
#[derive(Debug, Default)]
struct Spots {
    /// The cell beside each process's card, facing the middle.
    procs: HashMap<ProcId, Anchor>,
    /// The queue's tail and head (just outside its walls).
    queue: Option<(Anchor, Anchor)>,
    /// The pipe's send end and receive end.
    pipe: Option<(Anchor, Anchor)>,
}

impl Spots {
    /// Where `spot` is on screen, if it was drawn.
    fn anchor(&self, spot: Spot) -> Option<Anchor> {
        match spot {
            Spot::Proc(id) => self.procs.get(&id).copied(),
            Spot::QueueTail => self.queue.map(|q| q.0),
            Spot::QueueHead => self.queue.map(|q| q.1),
            Spot::PipeIn => self.pipe.map(|p| p.0),
            Spot::PipeOut => self.pipe.map(|p| p.1),
        }
    }
}

/// The two ends of a tube drawn from column `x0`, `w` wide, on row `y`: a
/// label arriving at the left end stays left of it, one leaving the right
/// end stays right of it.
fn tube_ends(x0: u16, w: u16, y: u16) -> (Anchor, Anchor) {
    let left = Anchor {
        at: (x0.saturating_sub(1), y),
        reach_right: false,
    };
    let right = Anchor {
        at: (x0.saturating_add(w), y),
        reach_right: true,
    };
    (left, right)
}

/// Draws every item on its way at the point its progress gives between its
/// two spots. A flight is drawn only over blank cells (it never hides a
/// process's state or the queue's contents): where its label does not fit,
/// its dot alone moves. When events come faster than they can be drawn, the
/// frame's "fast" marker says so and nothing pretends to move.
fn render_flights(app: &View, theme: &Theme, spots: &Spots, area: Rect, buf: &mut Buffer) {
    if app.scene.fast() {
        return;
    }
    let dot = theme.glyph(Glyph::Dot);
    for f in &app.scene.flights.list {
        let (Some(from), Some(to)) = (spots.anchor(f.from), spots.anchor(f.to)) else {
            continue;
        };
        let rightward = to.at.0 >= from.at.0;
        let s = if rightward {
            format!("{}{dot}", f.label)
        } else {
            format!("{dot}{}", f.label)
        };
        let w = width(&s);
        let start = (from.label_x(w), from.at.1);
        let end = (to.label_x(w), to.at.1);
        let t = f.progress(app.now_ns);
        let (x, y) = spot_between(start, end, t);
        let style = theme.proc(f.by).add_modifier(Modifier::BOLD);
        let (dx, dy) = spot_between(from.at, to.at, t);
        if blank(buf, area, x, y, w) {
            put(buf, area, x, y, &s, style);
        } else if blank(buf, area, dx, dy, width(dot)) {
            put(buf, area, dx, dy, dot, style);
        }
    }
}

/// Whether the `w` cells from (x, y) are inside `area` and empty.
fn blank(buf: &Buffer, area: Rect, x: u16, y: u16, w: u16) -> bool {
    let area = area.intersection(buf.area);
    let inside = y >= area.y && y < area.bottom() && x >= area.x;
    inside
        && x.saturating_add(w) <= area.right()
        && (x..x + w).all(|cx| buf[(cx, y)].symbol() == " ")
}

/// Columns a flight needs beside a tube to be seen whole: its label, its
/// dot and a space (the widest label on the stage, or a usual one).
fn runway(app: &View, theme: &Theme, labels: &[&str]) -> u16 {
    let widest = app
        .scene
        .flights
        .list
        .iter()
        .map(|f| width(&f.label))
        .chain(labels.iter().map(|l| width(l)))
        .max()
        .unwrap_or(0)
        .clamp(5, MAX_LABEL);
    widest + width(theme.glyph(Glyph::Dot)) + 1
}

/// The cell a fraction `t` (0..=1) of the way from `a` to `b`.
fn spot_between(a: Pos, b: Pos, t: f64) -> Pos {
    let t = t.clamp(0.0, 1.0);
    let lerp = |p: u16, q: u16| {
        let v = p as f64 + (q as f64 - p as f64) * t;
        v.round().clamp(0.0, u16::MAX as f64) as u16
    };
    (lerp(a.0, b.0), lerp(a.1, b.1))
}

// -------------------------------------------------------------- drawing --

/// Columns `s` takes on screen.
fn width(s: &str) -> u16 {
    Span::raw(s).width().min(u16::MAX as usize) as u16
}

/// `s` cut to at most `w` columns.
fn clip(s: &str, w: u16) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}");
        if width(&next) > w {
            break;
        }
        out = next;
    }
    out
}

/// Writes `s` at (x, y), clipped to `area` (and so never outside the buffer).
fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, s: &str, style: Style) {
    let area = area.intersection(buf.area);
    if y < area.y || y >= area.bottom() || x < area.x || x >= area.right() {
        return;
    }
    buf.set_stringn(x, y, s, (area.right() - x) as usize, style);
}

mod cards;
mod counter;
mod pipe;
mod queue;
mod tube;

#[cfg(test)]
mod tests;
