//! The stage, the large picture at the top of the screen: the queue as a
//! tube of its real slots between the writers and the readers, the pipe
//! between its two ends, or the shared value with the processes racing on
//! it. Items travel between them as the events tell. Reads the model and
//! never changes it.

use std::collections::{HashMap, HashSet};

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Widget};

use super::theme::{Glyph, Theme};
use crate::config::Scenario;
use crate::model::flights::{Flight, Spot};
use crate::model::world::{Activity, Proc};
use crate::model::{ScenarioKind, View};
use crate::stream::{ProcId, Role};
use crate::text;

pub(crate) use cards::waits_line;
use cards::{
    CardSize, cards_of, detail, done_detail, pusher_detail, render_sides, side_width, writer_detail,
};
use counter::render_counter;
use parent::{parent_rows, render_parent};
use pipe::render_pipe;
use queue::render_queue;
use tube::{TubeRows, end_mark, render_end_labels, render_tube, tube_rows, walls};

/// A cell of the screen: (column, row).
type Pos = (u16, u16);

/// From this inner width on, process cards are framed boxes (narrower, the
/// frames would squeeze the tube).
const WIDE: u16 = 100;

/// Columns of a side on a narrow stage: a name and PID, a short state.
const SIDE_MIN: u16 = 18;

/// Columns of a side on a wide stage: the longest state line ("■ BLOCKED
/// get: queue empty") in a framed card.
const SIDE_MAX: u16 = 28;

/// The label width the stage makes room for: `url_99999` (longer labels
/// are cut, so no label moves anything).
const LABEL_W: u16 = 9;

/// The largest share of a flight spent changing rows, at its end away
/// from the tube (less when the tube is nearer).
const TURN: f64 = 0.3;

/// Columns beside a tube where a flight is seen whole: a label, its dot
/// and a space.
const RUNWAY: u16 = LABEL_W + 2;

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
        ScenarioKind::Program => {
            super::program::render_stage(app, theme, inner, buf);
            Spots::default()
        }
    };
    render_flights(app, theme, &spots, inner, buf);
    spots
}

/// The frame: the Python object on show as the title, and on the right what
/// the whole room must notice (the world frozen, the view frozen, events too
/// fast to animate). Returns the room inside.
fn render_frame(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Rect {
    let title = match &app.scene.cfg.scenario {
        Scenario::Queue(q) if q.feeder => {
            format!(" {} ", text::words().feeder_title(app.scene.maxsize))
        }
        Scenario::Queue(_) => text::stage_queue_title(app.scene.maxsize),
        Scenario::Pipe(p) => text::words().stage_pipe_title(p.duplex).to_string(),
        Scenario::Counter(c) => {
            let lock = crate::model::race::lock_on(app.scene);
            match c.array {
                0 => text::words().stage_counter_title(lock).to_string(),
                n => text::words().stage_array_title(n, lock),
            }
        }
        Scenario::Program(p) => {
            text::words().prog_stage_title(p.file_name(), app.scene.world.program.objects.len())
        }
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
            format!(" {} ", text::words().view_frozen()),
            theme.warn(),
        ));
    }
    if app.scene.fast() {
        let (rate_in, rate_out) = app.scene.rates();
        tags.push(Span::styled(
            format!(" {} ", text::words().stage_fast(rate_in, rate_out)),
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
    for line in policy_lines(app, theme, area.width) {
        block = block.title_bottom(line);
    }
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Under the writers and under the readers, on the frame's bottom edge:
/// how the role calls (`put(url, timeout=0.5)`, `get(block=False)`) and
/// its `except` clause (retry or give up; left out for a call that
/// cannot raise), in the longest form that lets both fit in `w` columns.
/// Nothing while both are the plain blocking `put(url)` and `get()`.
fn policy_lines(app: &View, theme: &Theme, w: u16) -> Vec<Line<'static>> {
    use crate::model::policy::policy;
    let plain = |role| policy(app.scene, role).is_none_or(|p| p.wait == crate::config::Wait::Block);
    if plain(Role::Writer) && plain(Role::Reader) {
        return Vec::new();
    }
    let forms = |role: Role| -> Option<[String; 2]> {
        let p = policy(app.scene, role)?;
        let call = text::policy::call(role, p.wait, None);
        if p.wait == crate::config::Wait::Block {
            return Some([format!(" {call} "), format!(" {call} ")]);
        }
        let tag = text::words().then_tag(role == Role::Writer, p.then);
        Some([format!(" {call} · {tag} "), format!(" {call} ")])
    };
    let (Some(put), Some(get)) = (forms(Role::Writer), forms(Role::Reader)) else {
        return Vec::new();
    };
    // Both sides, the corners and a cell between them.
    let room = w.saturating_sub(3);
    let fits = |a: &str, b: &str| width(a) + width(b) <= room;
    let Some(i) = (0..2).find(|&i| fits(&put[i], &get[i])) else {
        return Vec::new();
    };
    let (put, get) = (put[i].clone(), get[i].clone());
    vec![
        Line::styled(put, theme.dim()).left_aligned(),
        Line::styled(get, theme.dim()).right_aligned(),
    ]
}

// ---------------------------------------------------------------- spots --

/// How a label lies at an anchor, so that it sits beside what is drawn
/// there (or exactly where the thing it names is drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    /// The label ends at the anchor's cell (it stays left of it).
    EndsAt,
    /// The label starts at the anchor's cell (it stays right of it).
    StartsAt,
    /// The label is centred in the `w` cells from column `x`: a queue slot,
    /// where a resting item's label is drawn.
    In { x: u16, w: u16 },
}

/// Where a flight starts or ends: a cell, and how a label lies there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    at: Pos,
    align: Align,
}

impl Anchor {
    fn ends_at(at: Pos) -> Anchor {
        Anchor {
            at,
            align: Align::EndsAt,
        }
    }

    fn starts_at(at: Pos) -> Anchor {
        Anchor {
            at,
            align: Align::StartsAt,
        }
    }

    /// The slot `w` wide from column `x` on row `y`.
    fn slot(x: u16, w: u16, y: u16) -> Anchor {
        Anchor {
            at: (x + w / 2, y),
            align: Align::In { x, w },
        }
    }

    /// The column a label `w` wide starts at, when at this anchor.
    fn label_x(self, w: u16) -> u16 {
        match self.align {
            Align::StartsAt => self.at.0,
            Align::EndsAt => self.at.0.saturating_add(1).saturating_sub(w),
            Align::In { x, w: room } => x + room.saturating_sub(w) / 2,
        }
    }
}

/// Where the spots a flight travels between were drawn.
#[derive(Debug, Default)]
struct Spots {
    /// The cell beside each process's card, facing the middle.
    procs: HashMap<ProcId, Anchor>,
    /// The object's two ends, just outside its walls: where items go in
    /// (the queue's tail, the pipe's send end) and come out.
    ends: Option<(Anchor, Anchor)>,
    /// Where each item inside rests, by its number: its slot, or its place
    /// in the pipe (an item inside but not drawn rests at the way in).
    places: HashMap<u64, Anchor>,
    /// Where an item comes out from: the head slot, or the pipe's end
    /// nearest the receiver.
    exit: Option<Anchor>,
    /// Where an item on its way in goes when it is no longer inside (it
    /// was taken out before its flight arrived: it then leaves from the
    /// exit).
    gone: Option<Anchor>,
    /// The way back through a duplex pipe (replies): where each reply
    /// rests, by its number, and where replies come out (the sender's end).
    back_places: HashMap<u64, Anchor>,
    back_exit: Option<Anchor>,
    /// Widest label a token shows (longer ones are cut).
    label_w: u16,
    /// The middle of the stage, between the two sides (read by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    middle: Rect,
    /// The queue's tube as drawn (for tests: it depends on the area and
    /// maxsize only).
    tube: Option<queue::TubeGeometry>,
}

impl Spots {
    /// Where `spot` is on screen, if it was drawn.
    fn anchor(&self, spot: Spot) -> Option<Anchor> {
        match spot {
            Spot::Proc(id) => self.procs.get(&id).copied(),
            Spot::QueueTail | Spot::PipeIn | Spot::PipeBackOut => self.ends.map(|e| e.0),
            Spot::QueueHead | Spot::PipeOut | Spot::PipeBackIn => self.ends.map(|e| e.1),
        }
    }

    /// Where flight `f` starts and ends: an item goes in to the place it
    /// rests at (or, taken out already, to the exit) and comes out from
    /// the exit, so its token is never in two places.
    fn flight_ends(&self, f: &Flight) -> Option<(Anchor, Anchor)> {
        let from = if f.entering() {
            self.anchor(f.from)
        } else {
            match f.from {
                Spot::QueueHead | Spot::PipeOut => self.exit.or(self.anchor(f.from)),
                Spot::PipeBackOut => self.back_exit.or(self.anchor(f.from)),
                s => self.anchor(s),
            }
        }?;
        let to = if f.entering() {
            let (places, gone) = if f.to == Spot::PipeBackIn {
                (&self.back_places, self.back_exit)
            } else {
                (&self.places, self.gone)
            };
            let rests = f.seq.and_then(|n| places.get(&n).copied());
            let gone = f.seq.and(gone);
            rests.or(gone).or(self.anchor(f.to))
        } else {
            self.anchor(f.to)
        }?;
        Some((from, to))
    }
}

/// The two ends of a tube drawn from column `x0`, `w` wide, on row `y`: a
/// label arriving at the left end stays left of it, one leaving the right
/// end stays right of it.
fn tube_ends(x0: u16, w: u16, y: u16) -> (Anchor, Anchor) {
    (
        Anchor::ends_at((x0.saturating_sub(1), y)),
        Anchor::starts_at((x0.saturating_add(w), y)),
    )
}

/// The items on their way into the object at `now_ns`, by number: their
/// place inside is drawn empty until they arrive (one item, one token).
/// None while events come too fast to animate: then every item rests.
/// `back`: the replies on their way back into a duplex pipe (numbered
/// apart from the messages).
fn landing(app: &View, back: bool) -> HashSet<u64> {
    if app.scene.fast() {
        return HashSet::new();
    }
    app.scene
        .flights
        .list
        .iter()
        .filter(|f| f.entering() && f.flying(app.now_ns))
        .filter(|f| (f.to == Spot::PipeBackIn) == back)
        .filter_map(|f| f.seq)
        .collect()
}

/// Draws every item on its way at the point its progress gives between its
/// two spots; a flight that waits for the same item to arrive first is not
/// drawn yet. A flight is drawn only over blank cells (it never hides a
/// process's state or the queue's contents): where its label does not fit,
/// its dot alone moves, where there is room around it. When events come faster than they can be drawn, the
/// frame's "fast" marker says so and nothing pretends to move.
fn render_flights(app: &View, theme: &Theme, spots: &Spots, area: Rect, buf: &mut Buffer) {
    if app.scene.fast() {
        return;
    }
    let dot = theme.glyph(Glyph::Dot);
    let dw = width(dot);
    let passable = passable(theme);
    for f in &app.scene.flights.list {
        if !f.started(app.now_ns) || !f.flying(app.now_ns) {
            continue;
        }
        let Some((from, to)) = spots.flight_ends(f) else {
            continue;
        };
        let label = clip_label(&f.label, spots.label_w.max(1), theme);
        let lw = width(&label);
        let rightward = to.at.0 >= from.at.0;
        let (token, label_at) = if rightward {
            (format!("{label}{dot}"), 0)
        } else {
            (format!("{dot}{label}"), dw)
        };
        let w = lw + dw;
        // Where the token starts at an anchor: in a slot, its label lies
        // where the item's label is drawn; elsewhere the whole token lies
        // beside the anchor.
        let token_x = |a: Anchor| match a.align {
            Align::In { .. } => a.label_x(lw).saturating_sub(label_at),
            _ => a.label_x(w),
        };
        let t = f.progress(app.now_ns);
        // It changes rows outside the tube: an item goes in and comes out
        // along the tube's row, not along its walls. Going in, it has
        // turned by the time it reaches the tube's end; coming out (from
        // the slot next to that end), it turns in the last part.
        let ty = if f.entering() {
            let span = to.at.0 as f64 - from.at.0 as f64;
            let tail = spots.ends.map_or(from.at.0, |e| {
                if f.to == Spot::PipeBackIn {
                    e.1.at.0
                } else {
                    e.0.at.0
                }
            }) as f64;
            let turn = if span.abs() < 1.0 {
                TURN
            } else {
                ((tail - from.at.0 as f64) / span).clamp(0.0, TURN)
            };
            if turn <= 0.0 {
                1.0
            } else {
                (t / turn).min(1.0)
            }
        } else {
            ((t - (1.0 - TURN)) / TURN).max(0.0)
        };
        let x = spot_between((token_x(from), 0), (token_x(to), 0), t).0;
        let y = spot_between((0, from.at.1), (0, to.at.1), ty).1;
        let style = theme.proc(f.by).add_modifier(Modifier::BOLD);
        let dx = spot_between(from.at, to.at, t).0;
        let dy = y;
        let clear = |x: u16, w: u16| open(buf, area, (spots.middle, &passable), (x, y), w);
        if clear(x, w) {
            put(buf, area, x, y, &token, style);
        } else if blank(buf, area, dx.saturating_sub(1), dy, dw + 2) {
            // The dot alone, with room around it so that it never looks
            // like part of another item's label.
            put(buf, area, dx, dy, dot, style);
        }
    }
}

/// The glyphs a token may pass over in the middle of the stage: a tube's
/// walls and the arrows at its ends (an item goes in and out through
/// them), never a label, a card or a blocked mark.
fn passable(theme: &Theme) -> HashSet<&'static str> {
    let g = walls(theme);
    let arrows = [Glyph::ArrowRight, Glyph::ArrowLeft].map(|a| theme.glyph(a));
    [
        g.top_left,
        g.top_right,
        g.bottom_left,
        g.bottom_right,
        g.horizontal,
        g.vertical,
        g.top_divider,
        g.bottom_divider,
        g.dashed_horizontal,
        g.dashed_vertical,
    ]
    .into_iter()
    .chain(
        arrows
            .into_iter()
            .flat_map(|a| a.char_indices().map(move |(i, c)| &a[i..i + c.len_utf8()])),
    )
    .collect()
}

/// Whether a token `w` wide can be drawn from `at`: every cell inside
/// `area` and blank, or, inside `middle`, one of the `passable` glyphs.
fn open(
    buf: &Buffer,
    area: Rect,
    (middle, passable): (Rect, &HashSet<&str>),
    (x, y): Pos,
    w: u16,
) -> bool {
    let area = area.intersection(buf.area);
    let inside = y >= area.y && y < area.bottom() && x >= area.x;
    inside
        && x.saturating_add(w) <= area.right()
        && (x..x + w).all(|cx| {
            let s = buf[(cx, y)].symbol();
            s == " " || (middle.contains((cx, y).into()) && passable.contains(s))
        })
}

/// Whether the `w` cells from (x, y) are inside `area` and empty.
fn blank(buf: &Buffer, area: Rect, x: u16, y: u16, w: u16) -> bool {
    let area = area.intersection(buf.area);
    let inside = y >= area.y && y < area.bottom() && x >= area.x;
    inside
        && x.saturating_add(w) <= area.right()
        && (x..x + w).all(|cx| buf[(cx, y)].symbol() == " ")
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

/// An item's label in at most `w` columns: whole when it fits, else an
/// ellipsis and its end (where items differ: `…l_12345`).
fn clip_label(s: &str, w: u16, theme: &Theme) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mark = if theme.ascii { "~" } else { "…" };
    let room = w.saturating_sub(width(mark));
    let mut tail: Vec<char> = Vec::new();
    for c in s.chars().rev() {
        let mut next = tail.clone();
        next.push(c);
        let t: String = next.iter().rev().collect();
        if width(&t) > room {
            break;
        }
        tail = next;
    }
    let tail: String = tail.into_iter().rev().collect();
    if w < width(mark) {
        return clip(s, w);
    }
    format!("{mark}{tail}")
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
mod parent;
pub(crate) use parent::look as parent_look;
pub(crate) use parent::words as parent_words;
mod pipe;
mod queue;
mod tube;

#[cfg(test)]
mod tests;
