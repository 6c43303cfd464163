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

// ---------------------------------------------------------------- cards --

/// How much of a process card fits, from a framed box down to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardSize {
    Boxed,
    Three,
    Two,
    One,
}

impl CardSize {
    fn height(self) -> u16 {
        match self {
            CardSize::Boxed => 4,
            CardSize::Three => 3,
            CardSize::Two => 2,
            CardSize::One => 1,
        }
    }

    /// The largest size at which every column's cards fit in `rows` (both
    /// sides alike, so the stage looks even). Boxes only on a `wide` stage.
    fn fitting(rows: u16, wide: bool, counts: &[usize]) -> CardSize {
        [CardSize::Boxed, CardSize::Three, CardSize::Two]
            .into_iter()
            .filter(|s| wide || *s != CardSize::Boxed)
            .find(|s| {
                counts
                    .iter()
                    .all(|&n| n.saturating_mul(s.height() as usize) <= rows as usize)
            })
            .unwrap_or(CardSize::One)
    }
}

/// A process as the stage shows it: who it is, its state as a glyph and
/// words (never colour alone), and one line the scenario has to say.
struct Card {
    id: ProcId,
    who: Line<'static>,
    state: Line<'static>,
    detail: Line<'static>,
    selected: bool,
    dead: bool,
}

impl Card {
    /// Columns the card needs at `size`.
    fn width(&self, size: CardSize) -> u16 {
        let who = self.who.width();
        let w = who.max(self.state.width()).max(self.detail.width());
        let w = match size {
            CardSize::Boxed => w.max(who + 4) + 2,
            CardSize::One => who + 1 + self.state.width(),
            _ => w,
        };
        w.min(u16::MAX as usize) as u16
    }
}

/// The card of `p`, with the scenario's `detail` line.
fn proc_card(app: &View, theme: &Theme, p: &Proc, detail: String) -> Card {
    let selected = app.controls.selected == Some(p.id);
    let dead = !p.alive();
    let mut style = if dead {
        theme.dim()
    } else {
        theme.proc(p.id).add_modifier(Modifier::BOLD)
    };
    if selected {
        style = style.patch(theme.selected());
    }
    let marker = if selected {
        format!("{} ", theme.glyph(Glyph::Selected))
    } else {
        String::new()
    };
    let lost = app.scene.world.losses.iter().find(|l| l.pid == p.pid);
    let detail = match lost {
        Some(l) => Line::styled(text::stage_lost_with(&l.item), theme.blocked()),
        None if dead => Line::styled(detail, theme.dim()),
        None => Line::raw(detail),
    };
    Card {
        id: p.id,
        who: Line::styled(format!("{marker}{} {}", p.name, p.pid), style),
        state: state_line(app, theme, p),
        detail,
        selected,
        dead,
    }
}

/// A process's state as a glyph and words: how it ended, why it is blocked,
/// that it is stopped while the world is frozen, or that it runs.
fn state_line(app: &View, theme: &Theme, p: &Proc) -> Line<'static> {
    let (glyph, word, style) = if !p.alive() || p.activity == Activity::Exited {
        let word = text::ended_text(p.ended, p.said_exiting);
        (Glyph::Dead, word, theme.dim())
    } else if p.activity.blocked_since().is_some() {
        let word = text::activity(&p.activity, app.scene.maxsize);
        (Glyph::Blocked, word, theme.blocked())
    } else if app.scene.frozen {
        (Glyph::Stopped, text::stage_stopped().into(), theme.warn())
    } else {
        let word = text::activity(&p.activity, app.scene.maxsize);
        (Glyph::Running, word, theme.ok())
    };
    Line::styled(format!("{} {word}", theme.glyph(glyph)), style)
}

/// What a process has done: "put 3, last url_3".
fn done_detail(p: &Proc) -> String {
    text::stage_done(text::role_done(p.role), p.done, p.item.as_deref())
}

/// What a queue writer or pipe sender says: the item it presses with while
/// blocked, else what it has done.
fn pusher_detail(p: &Proc, theme: &Theme) -> String {
    match &p.activity {
        Activity::WaitingToPut { item, .. } | Activity::WaitingToSend { item, .. } if p.alive() => {
            let arrow = theme.glyph(Glyph::ArrowRight);
            format!("{} {arrow}", text::stage_pressing(item))
        }
        _ => done_detail(p),
    }
}

/// Draws one card in `area` at `size`.
fn render_card(card: &Card, size: CardSize, theme: &Theme, area: Rect, buf: &mut Buffer) {
    match size {
        CardSize::Boxed => {
            let mut title = vec![Span::raw(" ")];
            title.extend(own_spans(&card.who));
            title.push(Span::raw(" "));
            let mut block = Block::bordered()
                .border_set(theme.border())
                .title(Line::from(title));
            if card.dead {
                block = block.border_style(theme.dim());
            } else if card.selected {
                block = block.border_style(theme.selected());
            }
            let inner = block.inner(area);
            block.render(area, buf);
            render_lines(&[&card.state, &card.detail], inner, buf);
        }
        CardSize::Three => render_lines(&[&card.who, &card.state, &card.detail], area, buf),
        CardSize::Two => render_lines(&[&card.who, &card.state], area, buf),
        CardSize::One => {
            let mut spans = own_spans(&card.who);
            spans.push(Span::raw(" "));
            spans.extend(own_spans(&card.state));
            render_lines(&[&Line::from(spans)], area, buf);
        }
    }
}

/// A line's spans, each carrying the line's style (so lines can be joined).
fn own_spans(line: &Line<'static>) -> Vec<Span<'static>> {
    line.spans
        .iter()
        .map(|s| Span::styled(s.content.clone(), line.style.patch(s.style)))
        .collect()
}

/// Draws `lines` one per row from the top of `area`, each clipped to it.
fn render_lines(lines: &[&Line], area: Rect, buf: &mut Buffer) {
    for (line, row) in lines.iter().zip(area.rows()) {
        (*line).render(row, buf);
    }
}

/// Stacks `cards` in `area`, centred top to bottom, with "+N more" when
/// they do not all fit. Returns where flights leave or reach each process:
/// the cell beside its card facing the middle (`facing_right` for the
/// left column); a process not shown is reached at its "+N more".
fn render_column(
    cards: &[Card],
    size: CardSize,
    theme: &Theme,
    area: Rect,
    facing_right: bool,
    buf: &mut Buffer,
) -> HashMap<ProcId, Anchor> {
    let mut at = HashMap::new();
    if area.is_empty() {
        return at;
    }
    if cards.is_empty() {
        let y = area.y + area.height.saturating_sub(1) / 2;
        let row = Rect::new(area.x, y, area.width, 1);
        Line::styled(text::stage_nobody(), theme.dim()).render(row, buf);
        return at;
    }
    let h = size.height() as usize;
    let rows = area.height as usize;
    let n = cards.len();
    let shown = if n * h <= rows {
        n
    } else {
        rows.saturating_sub(1) / h
    };
    let more = usize::from(shown < n);
    let gap = usize::from(shown > 1 && shown * h + (shown - 1) + more <= rows);
    let total = shown * h + shown.saturating_sub(1) * gap + more;
    let mut y = area.y + (rows.saturating_sub(total) / 2) as u16;
    let anchor = |y: u16| Anchor {
        at: if facing_right {
            (area.right(), y)
        } else {
            (area.x.saturating_sub(1), y)
        },
        reach_right: facing_right,
    };
    for card in &cards[..shown] {
        let r = Rect::new(area.x, y, area.width, h as u16).intersection(area);
        render_card(card, size, theme, r, buf);
        at.insert(card.id, anchor(y + (h as u16 - 1) / 2));
        y += (h + gap) as u16;
    }
    if more > 0 {
        let row = Rect::new(area.x, y, area.width, 1).intersection(area);
        Line::styled(text::stage_more(n - shown), theme.dim()).render(row, buf);
        for card in &cards[shown..] {
            at.insert(card.id, anchor(y));
        }
    }
    at
}

/// Columns a column of `cards` needs at `size`.
fn column_width(cards: &[Card], size: CardSize) -> u16 {
    cards
        .iter()
        .map(|c| c.width(size))
        .max()
        .unwrap_or(width(text::stage_nobody()))
}

/// Splits the stage into the left cards, the middle and the right cards,
/// each side as wide as its widest card: at most a third of the stage, or
/// enough for the longest state ("■ BLOCKED get: queue empty") when that
/// still leaves the middle most of the room.
fn columns(area: Rect, left: u16, right: u16) -> [Rect; 3] {
    let cap = (area.width / 3).max(SIDE_MIN.min(area.width * 2 / 5));
    area.layout(
        &Layout::horizontal([
            Constraint::Length(left.min(cap)),
            Constraint::Fill(1),
            Constraint::Length(right.min(cap)),
        ])
        .spacing(1),
    )
}

/// Both sides' cards drawn in their columns; returns the middle and where
/// each process is.
fn render_sides(
    theme: &Theme,
    area: Rect,
    left: &[Card],
    right: &[Card],
    buf: &mut Buffer,
) -> (Rect, Spots) {
    let size = CardSize::fitting(area.height, area.width >= WIDE, &[left.len(), right.len()]);
    let [l, mid, r] = columns(area, column_width(left, size), column_width(right, size));
    let mut spots = Spots::default();
    spots
        .procs
        .extend(render_column(left, size, theme, l, true, buf));
    spots
        .procs
        .extend(render_column(right, size, theme, r, false, buf));
    (mid, spots)
}

/// Cards of every process with `role`, in the order they were spawned.
fn cards_of(app: &View, theme: &Theme, role: Role, detail: impl Fn(&Proc) -> String) -> Vec<Card> {
    app.scene
        .world
        .by_role(role)
        .map(|p| proc_card(app, theme, p, detail(p)))
        .collect()
}

// ----------------------------------------------------------------- tube --

/// The rows a tube uses, from most to least needed: its middle (slots or
/// messages), its walls, a row of figures under it, a row naming its ends.
#[derive(Debug, Clone, Copy)]
struct TubeRows {
    label: Option<u16>,
    walls: Option<(u16, u16)>,
    mid: u16,
    info: Option<u16>,
}

/// Places a tube's rows in `area`, centred top to bottom; `None` when
/// there is no row at all.
fn tube_rows(area: Rect) -> Option<TubeRows> {
    let h = area.height;
    if h == 0 {
        return None;
    }
    let walls = h >= 3;
    let info = h >= 4 || h == 2;
    let label = h >= 5;
    let used = 1 + 2 * u16::from(walls) + u16::from(info) + u16::from(label);
    let mut y = area.y + (h - used) / 2;
    let mut next = || {
        y += 1;
        y - 1
    };
    let label = label.then(&mut next);
    let top = walls.then(&mut next);
    let mid = next();
    let bottom = walls.then(&mut next);
    let info = info.then(&mut next);
    Some(TubeRows {
        label,
        walls: top.zip(bottom),
        mid,
        info,
    })
}

/// The glyphs of a tube's walls: rounded like the frames, or ASCII.
struct WallSet {
    top_left: &'static str,
    top_right: &'static str,
    bottom_left: &'static str,
    bottom_right: &'static str,
    horizontal: &'static str,
    vertical: &'static str,
    top_divider: &'static str,
    bottom_divider: &'static str,
}

fn walls(theme: &Theme) -> WallSet {
    let b = theme.border();
    let (top_divider, bottom_divider) = if theme.ascii {
        ("+", "+")
    } else {
        ("┬", "┴")
    };
    WallSet {
        top_left: b.top_left,
        top_right: b.top_right,
        bottom_left: b.bottom_left,
        bottom_right: b.bottom_right,
        horizontal: b.horizontal_top,
        vertical: b.vertical_left,
        top_divider,
        bottom_divider,
    }
}

/// Draws a tube's walls from column `x`, `w` wide, with dividers at the
/// columns in `dividers`, and optional direction marks along the top and
/// bottom walls (a duplex pipe's two ways).
fn render_tube(
    theme: &Theme,
    area: Rect,
    rows: TubeRows,
    (x, w): (u16, u16),
    dividers: &[u16],
    marks: Option<(&str, &str)>,
    buf: &mut Buffer,
) {
    if w < 2 {
        return;
    }
    let g = walls(theme);
    let wall = theme.dim();
    let right = x + w - 1;
    if let Some((top, bottom)) = rows.walls {
        for (y, l, r, d) in [
            (top, g.top_left, g.top_right, g.top_divider),
            (bottom, g.bottom_left, g.bottom_right, g.bottom_divider),
        ] {
            put(buf, area, x, y, l, wall);
            for cx in x + 1..right {
                put(buf, area, cx, y, g.horizontal, wall);
            }
            put(buf, area, right, y, r, wall);
            for &dx in dividers {
                put(buf, area, dx, y, d, wall);
            }
        }
        if let Some((top_mark, bottom_mark)) = marks {
            let mw = width(top_mark).max(width(bottom_mark));
            let mut cx = x + 1 + WALL_MARK_EVERY / 2;
            while cx + mw < right {
                put(buf, area, cx, top, top_mark, wall);
                put(buf, area, cx, bottom, bottom_mark, wall);
                cx += WALL_MARK_EVERY;
            }
        }
    }
    for cx in [x, right].iter().chain(dividers) {
        put(buf, area, *cx, rows.mid, g.vertical, wall);
    }
}

/// The arrow into or out of a tube, or the blocked glyph when a process
/// waits at that end (the word is on its card).
fn end_mark(theme: &Theme, blocked: bool) -> (String, Style) {
    let arrow = theme.glyph(Glyph::ArrowRight);
    if blocked {
        let w = width(arrow) as usize;
        let glyph = theme.glyph(Glyph::Blocked);
        (format!("{glyph:<w$}"), theme.blocked())
    } else {
        (arrow.to_string(), theme.dim())
    }
}

/// Names the tube's two ends over its walls, when it is wide enough.
fn render_end_labels(
    area: Rect,
    y: u16,
    (x, w): (u16, u16),
    (left, right): (&str, &str),
    style: Style,
    buf: &mut Buffer,
) {
    let (lw, rw) = (width(left), width(right));
    if w > lw + rw {
        put(buf, area, x, y, left, style);
        put(buf, area, x + w - rw, y, right, style);
    }
}

// ---------------------------------------------------------------- queue --

/// The queue lesson: writers on the left, the queue's real slots in the
/// middle (tail near the writers, head near the readers), readers on the
/// right.
fn render_queue(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let writers = cards_of(app, theme, Role::Writer, |p| pusher_detail(p, theme));
    let readers = cards_of(app, theme, Role::Reader, done_detail);
    let (mid, mut spots) = render_sides(theme, area, &writers, &readers, buf);
    spots.queue = render_queue_tube(app, theme, mid, buf);
    spots
}

/// An item in the queue as the tube shows it: its label and who put it.
struct Queued {
    label: String,
    by: Option<ProcId>,
}

/// The queue's depth and its items head first, each with the process that
/// put it (for its colour): as the queue's op log tells (every put and get
/// is read from the queue's memory at its commit), or, when a flood went by
/// too fast to follow one by one, as the queue's memory was last read. The
/// depth may exceed the items known.
fn queued_items(app: &View) -> (usize, Vec<Queued>) {
    let q = &app.scene.world.queue;
    match &app.scene.queue {
        Some(s) if !q.exact() => {
            let items = s
                .items
                .iter()
                .map(|i| Queued {
                    label: i.label.clone(),
                    by: app.scene.world.by_pid(i.put_pid).map(|p| p.id),
                })
                .collect();
            (s.depth as usize, items)
        }
        _ => {
            let items = q
                .inside
                .items
                .iter()
                .map(|t| Queued {
                    label: t.label.clone(),
                    by: Some(t.by),
                })
                .collect();
            (app.scene.depth() as usize, items)
        }
    }
}

/// How the queue's slots fit: their width, how many are drawn, and a
/// "+N" at the tail end for the rest (slots when bounded, items when not).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SlotPlan {
    slot_w: u16,
    shown: usize,
    more: Option<String>,
}

impl SlotPlan {
    /// Columns of the whole tube, walls included.
    fn width(&self) -> u16 {
        let more = self.more.as_deref().map_or(0, |m| width(m) as usize + 1);
        let w = 1 + self.shown * (self.slot_w as usize + 1) + more;
        w.min(u16::MAX as usize) as u16
    }
}

/// Plans the slots in `room` columns: exactly `maxsize` when bounded and
/// they fit (roomier slots when there is space, for the back of the
/// room), else as many as fit and "+N".
fn plan_slots(maxsize: u32, depth: usize, label_w: u16, room: u16) -> SlotPlan {
    let lw = label_w.clamp(3, MAX_LABEL);
    if maxsize > 0 {
        let total = maxsize as usize;
        for pad in [3, 2, 1, 0] {
            let plan = SlotPlan {
                slot_w: lw + 2 * pad,
                shown: total,
                more: None,
            };
            if plan.width() <= room && (pad < 3 || plan.width() <= room / 2) {
                return plan;
            }
        }
    }
    let slot_w = if maxsize > 0 { lw } else { lw + 2 };
    let fit = (room.saturating_sub(1) / (slot_w + 1)) as usize;
    let total = if maxsize > 0 {
        maxsize as usize
    } else {
        fit.max(depth)
    };
    let hidden = |shown: usize| {
        let n = if maxsize > 0 {
            total - shown
        } else {
            depth.saturating_sub(shown)
        };
        (n > 0).then(|| text::stage_hidden(n))
    };
    let mut shown = fit.min(total);
    loop {
        let plan = SlotPlan {
            slot_w,
            shown,
            more: hidden(shown),
        };
        if plan.width() <= room || shown == 0 {
            return plan;
        }
        shown -= 1;
    }
}

/// A slot holding an item whose label was not read (the queue is deeper
/// than the items read from it).
fn unknown_item(theme: &Theme) -> &'static str {
    if theme.ascii { "?" } else { "…" }
}

/// Plans the slots leaving a `runway` on each side for flights to be seen
/// whole, unless that would cost slot room (at 80 columns the slots win).
fn plan_with_runway(maxsize: u32, depth: usize, label_w: u16, room: u16, runway: u16) -> SlotPlan {
    let narrow = room.saturating_sub(2 * runway);
    let with = plan_slots(maxsize, depth, label_w, narrow);
    let roomy = with.more.is_none() && with.slot_w > label_w.clamp(3, MAX_LABEL);
    if roomy || (maxsize == 0 && with.shown >= 3) {
        with
    } else {
        plan_slots(maxsize, depth, label_w, room)
    }
}

/// The queue as a tube of slots holding the items really in it, head on
/// the right; "tail" and "head" over its ends, the depth under it, and a
/// blocked mark at an end where a process waits. Returns the tail and head.
fn render_queue_tube(
    app: &View,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<(Anchor, Anchor)> {
    let rows = tube_rows(area)?;
    let (depth, items) = queued_items(app);
    let aw = width(theme.glyph(Glyph::ArrowRight));
    let room = area.width.saturating_sub(2 * aw);
    let label_w = items.iter().map(|q| width(&q.label)).max().unwrap_or(5);
    let labels: Vec<&str> = items.iter().map(|q| q.label.as_str()).collect();
    let plan = plan_with_runway(
        app.scene.maxsize,
        depth,
        label_w.max(5),
        room,
        runway(app, theme, &labels),
    );
    let tube_w = plan.width().min(room);
    let x0 = area.x + aw + (room - tube_w) / 2;

    // Cells left to right: the "+N", then slots from the tail to the head.
    let mut cells: Vec<(u16, String, Style)> = Vec::new();
    if let Some(m) = &plan.more {
        cells.push((width(m), m.clone(), theme.dim()));
    }
    for i in (0..plan.shown).rev() {
        let (label, style) = match items.get(i) {
            Some(q) if i < depth => {
                let style = q.by.map_or(Style::new(), |id| theme.proc(id));
                (q.label.clone(), style.add_modifier(Modifier::BOLD))
            }
            None if i < depth => (unknown_item(theme).into(), theme.dim()),
            _ => (String::new(), Style::new()),
        };
        cells.push((plan.slot_w, label, style));
    }
    let mut dividers = Vec::new();
    let mut cx = x0 + 1;
    for (k, (w, label, style)) in cells.iter().enumerate() {
        let label = clip(label, *w);
        let lx = cx + (w - width(&label)) / 2;
        put(buf, area, lx, rows.mid, &label, *style);
        cx += w + 1;
        if k + 1 < cells.len() {
            dividers.push(cx - 1);
        }
    }
    render_tube(theme, area, rows, (x0, tube_w), &dividers, None, buf);

    let full = app.scene.maxsize > 0 && depth >= app.scene.maxsize as usize;
    let waiting = |role: Role, put: bool| {
        app.scene.world.by_role(role).any(|p| {
            p.alive()
                && match p.activity {
                    Activity::WaitingToPut { .. } => put,
                    Activity::WaitingToGet { .. } => !put,
                    _ => false,
                }
        })
    };
    let (tail_mark, tail_style) = end_mark(theme, full && waiting(Role::Writer, true));
    let (head_mark, head_style) = end_mark(theme, depth == 0 && waiting(Role::Reader, false));
    put(buf, area, x0 - aw, rows.mid, &tail_mark, tail_style);
    put(buf, area, x0 + tube_w, rows.mid, &head_mark, head_style);

    if let Some(y) = rows.label {
        let ends = (text::stage_tail(), text::stage_head());
        render_end_labels(area, y, (x0, tube_w), ends, theme.title(), buf);
    }
    if let Some(y) = rows.info {
        let style = if full {
            theme.blocked()
        } else if depth == 0 {
            theme.dim()
        } else {
            Style::new()
        };
        let line = Line::styled(text::stage_depth(depth, app.scene.maxsize), style).centered();
        line.render(Rect::new(area.x, y, area.width, 1), buf);
    }
    // Outside the arrows, so a blocked mark there stays in sight.
    Some(tube_ends(x0 - aw, tube_w + 2 * aw, rows.mid))
}

// ----------------------------------------------------------------- pipe --

/// The pipe lesson: the sender on the left, the receiver on the right, the
/// pipe between them with the messages in it, and under them who holds
/// each end of the pipe.
fn render_pipe(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let duplex = match &app.scene.cfg.scenario {
        Scenario::Pipe(p) => p.duplex,
        _ => false,
    };
    let holders_h = area.height.saturating_sub(4).min(2);
    let gap = u16::from(area.height >= 9);
    let content_h = (area.height - holders_h - gap).min(PIPE_ROWS);
    let [top, _, holders] = area.layout(
        &Layout::vertical([
            Constraint::Length(content_h),
            Constraint::Length(gap),
            Constraint::Length(holders_h),
        ])
        .flex(Flex::Center),
    );
    let senders = cards_of(app, theme, Role::Sender, |p| pusher_detail(p, theme));
    let eof = app.scene.world.pipe.eof;
    let receivers = cards_of(app, theme, Role::Receiver, |p| {
        if eof {
            text::stage_eof().into()
        } else {
            done_detail(p)
        }
    });
    let (mid, mut spots) = render_sides(theme, top, &senders, &receivers, buf);
    spots.pipe = render_pipe_tube(app, theme, mid, duplex, buf);
    render_holders(app, theme, holders, buf);
    spots
}

/// The pipe as a tube with the messages sent and not yet received, the
/// oldest nearest the receiver; arrows both ways along its walls when
/// duplex; bytes buffered against capacity under it. Returns its ends.
fn render_pipe_tube(
    app: &View,
    theme: &Theme,
    area: Rect,
    duplex: bool,
    buf: &mut Buffer,
) -> Option<(Anchor, Anchor)> {
    let rows = tube_rows(area)?;
    let aw = width(theme.glyph(Glyph::ArrowRight));
    let in_flight: Vec<&str> = app
        .scene
        .world
        .pipe
        .inside
        .items
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    let labels = &in_flight;
    let run = runway(app, theme, labels);
    let full = area.width.saturating_sub(2 * aw);
    let run = if full >= 2 * run + MIN_PIPE { run } else { 0 };
    let tube_w = full - 2 * run;
    let x0 = area.x + run + aw;
    let marks = duplex.then(|| {
        (
            theme.glyph(Glyph::ArrowRight),
            theme.glyph(Glyph::ArrowLeft),
        )
    });
    render_tube(theme, area, rows, (x0, tube_w), &[], marks, buf);

    // Messages from the receiver's end leftwards, oldest first.
    let style = app
        .scene
        .world
        .by_role(Role::Sender)
        .next()
        .map_or(Style::new(), |p| theme.proc(p.id))
        .add_modifier(Modifier::BOLD);
    let lo = x0 + 2;
    let hi = (x0 + tube_w).saturating_sub(2);
    let (placed, hidden) = place_from_right(in_flight.iter().copied(), lo, hi);
    for (x, label) in placed {
        put(buf, area, x, rows.mid, label, style);
    }
    if hidden > 0 {
        put(
            buf,
            area,
            lo,
            rows.mid,
            &text::stage_hidden(hidden),
            theme.dim(),
        );
    }

    let sender_blocked = app
        .scene
        .world
        .by_role(Role::Sender)
        .any(|p| p.alive() && matches!(p.activity, Activity::WaitingToSend { .. }));
    let receiver_blocked = in_flight.is_empty()
        && app
            .scene
            .world
            .by_role(Role::Receiver)
            .any(|p| p.alive() && matches!(p.activity, Activity::WaitingToRecv { .. }));
    let (in_mark, in_style) = end_mark(theme, sender_blocked);
    let (out_mark, out_style) = end_mark(theme, receiver_blocked);
    put(buf, area, x0 - aw, rows.mid, &in_mark, in_style);
    put(buf, area, x0 + tube_w, rows.mid, &out_mark, out_style);

    if let Some(y) = rows.label {
        let ends = text::stage_pipe_ends();
        render_end_labels(area, y, (x0, tube_w), ends, theme.title(), buf);
    }
    if let Some(y) = rows.info {
        let stats = app.scene.pipe.as_ref();
        let bytes =
            text::stage_pipe_bytes(stats.and_then(|s| s.bytes), stats.and_then(|s| s.capacity));
        let both = format!("{bytes}, {}", text::stage_pipe_way(duplex));
        let info = if width(&both) <= area.width {
            both
        } else {
            bytes
        };
        Line::raw(info)
            .centered()
            .render(Rect::new(area.x, y, area.width, 1), buf);
    }
    // Outside the arrows, so a blocked mark there stays in sight.
    Some(tube_ends(x0 - aw, tube_w + 2 * aw, rows.mid))
}

/// Places labels right to left in columns `lo..hi`, two apart, keeping
/// room for a "+N" at `lo` for those that do not fit; returns where each
/// placed label starts and how many did not fit.
fn place_from_right<'a>(
    labels: impl ExactSizeIterator<Item = &'a str>,
    lo: u16,
    hi: u16,
) -> (Vec<(u16, &'a str)>, usize) {
    let total = labels.len();
    let mut placed = Vec::new();
    let mut cursor = hi;
    for (n, label) in labels.enumerate() {
        let rest = total - n - 1;
        let reserve = if rest > 0 {
            width(&text::stage_hidden(rest)) + 2
        } else {
            0
        };
        let Some(start) = cursor.checked_sub(width(label)) else {
            break;
        };
        if start < lo.saturating_add(reserve) {
            break;
        }
        placed.push((start, label));
        cursor = start.saturating_sub(2);
    }
    let hidden = total - placed.len();
    (placed, hidden)
}

/// Who holds each end of the pipe, one row each (the send end first). The
/// parent holding the send end is the lesson's forgotten copy: it is named
/// with what it causes.
fn render_holders(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    for (send, row) in [true, false].into_iter().zip(area.rows()) {
        let line = (0..3)
            .map(|tier| holders_line(app, theme, send, tier))
            .find(|l| l.width() <= row.width as usize)
            .unwrap_or_else(|| holders_line(app, theme, send, 2));
        line.render(row, buf);
    }
}

/// One end's holders: `tier` 0 says it all, 1 shortens the warning, 2 also
/// drops the PIDs (for a narrow stage).
fn holders_line(app: &View, theme: &Theme, send: bool, tier: u8) -> Line<'static> {
    let mut spans = vec![Span::raw(text::stage_held_by(send))];
    let Some(stats) = &app.scene.pipe else {
        spans.push(Span::styled(text::stage_not_sampled(), theme.dim()));
        return Line::from(spans);
    };
    let list = if send {
        &stats.send_holders
    } else {
        &stats.recv_holders
    };
    if list.is_empty() {
        spans.push(Span::styled(text::stage_nobody(), theme.dim()));
    }
    let mut parent = false;
    for (i, h) in list.iter().enumerate() {
        let (pid, name) = (h.pid, super::panel::holder_name(app, h));
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        let style = match app.scene.world.by_pid(pid) {
            Some(p) => theme.proc(p.id).add_modifier(Modifier::BOLD),
            None => {
                parent = true;
                theme.warn()
            }
        };
        let who = if tier < 2 {
            format!("{name} {pid}")
        } else {
            name.clone()
        };
        spans.push(Span::styled(who, style));
    }
    if parent && send {
        let why = text::stage_parent_holds_send(tier >= 1);
        let arrow = theme.glyph(Glyph::ArrowLeft);
        spans.push(Span::styled(format!("  {arrow} {why}"), theme.warn()));
    }
    Line::from(spans)
}

// -------------------------------------------------------------- counter --

/// The counter lesson: the shared value big in the middle with what it
/// should be and the updates lost, the counting processes around it.
fn render_counter(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let increments = match &app.scene.cfg.scenario {
        Scenario::Counter(c) => c.increments,
        _ => 0,
    };
    let mut cards = cards_of(app, theme, Role::Counter, |p| {
        progress_bar(theme, p.done, increments)
    });
    let right = cards.split_off(cards.len().div_ceil(2));
    let (mid, spots) = render_sides(theme, area, &cards, &right, buf);
    render_value(app, theme, mid, buf);
    spots
}

/// A counter's increments done as a small bar and the number.
fn progress_bar(theme: &Theme, done: u64, of: u64) -> String {
    let filled = if of == 0 {
        0
    } else {
        ((done.min(of) as f64 / of as f64) * BAR as f64).round() as usize
    };
    format!(
        "{}{} {done}",
        theme.glyph(Glyph::Full).repeat(filled),
        theme.glyph(Glyph::Light).repeat(BAR - filled)
    )
}

/// The shared value, big when there is room, then expected vs actual, the
/// updates lost so far, and why (the lock or its absence). Lines that do
/// not fit go, least important first.
fn render_value(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let lock = matches!(&app.scene.cfg.scenario, Scenario::Counter(c) if c.lock);
    let (expected, actual) = super::panel::counter_figures(app);
    let lost = (expected as i128 - actual as i128).clamp(0, u64::MAX as i128) as u64;
    let lost_style = if lost > 0 {
        theme.blocked()
    } else {
        theme.ok()
    };
    let facts = [
        Line::raw(text::stage_expected_actual(expected, actual)),
        Line::styled(text::stage_lost(lost, expected), lost_style),
        Line::styled(text::stage_lock(lock), theme.dim()),
    ];
    let big = big_digits(actual, theme.ascii);
    let rows = area.height as usize;
    let big_fits = rows >= 5 && big.iter().all(|l| width(l) <= area.width);
    let number: Vec<Line> = if big_fits {
        big.into_iter()
            .map(|l| Line::styled(l, theme.title()))
            .collect()
    } else {
        vec![Line::styled(actual.to_string(), theme.title())]
    };
    // Keep the lost line first, then expected vs actual, then the lock.
    let n_facts = rows.saturating_sub(number.len()).min(facts.len());
    let keep: &[usize] = match n_facts {
        0 => &[],
        1 => &[1],
        2 => &[0, 1],
        _ => &[0, 1, 2],
    };
    let caption = rows >= number.len() + keep.len() + 2;
    let mut lines: Vec<Line> = Vec::new();
    if caption {
        lines.push(Line::styled(text::stage_value_caption(), theme.dim()));
    }
    lines.extend(number);
    if caption {
        lines.push(Line::raw(""));
    }
    lines.extend(keep.iter().map(|&i| facts[i].clone()));
    let top = area.y + (rows.saturating_sub(lines.len()) / 2) as u16;
    let body = Rect::new(area.x, top, area.width, area.bottom() - top);
    for (line, row) in lines.into_iter().zip(body.rows()) {
        // Too wide to centre: keep its start, which says what it is.
        if line.width() <= row.width as usize {
            line.centered().render(row, buf);
        } else {
            line.render(row, buf);
        }
    }
}

/// A number three rows high: half blocks, or a seven-segment ASCII font;
/// a wider gap between groups of three digits.
fn big_digits(n: i64, ascii: bool) -> [String; 3] {
    let mut rows: [String; 3] = Default::default();
    for (k, c) in group_thousands(n).chars().enumerate() {
        if c == ' ' {
            rows.iter_mut().for_each(|r| r.push(' '));
            continue;
        }
        let shape = if ascii {
            seven_segment(c)
        } else {
            half_blocks(c)
        };
        for (row, part) in rows.iter_mut().zip(shape) {
            if k > 0 {
                row.push(' ');
            }
            row.push_str(&part);
        }
    }
    rows
}

/// `n` with a space between groups of three digits: "-231 415".
fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A digit (or '-') as 3x5 pixels, one string of '#' and '.' per pixel row.
fn pixels(c: char) -> [&'static str; 5] {
    match c {
        '0' => ["###", "#.#", "#.#", "#.#", "###"],
        '1' => ["##.", ".#.", ".#.", ".#.", "###"],
        '2' => ["###", "..#", "###", "#..", "###"],
        '3' => ["###", "..#", "###", "..#", "###"],
        '4' => ["#.#", "#.#", "###", "..#", "..#"],
        '5' => ["###", "#..", "###", "..#", "###"],
        '6' => ["###", "#..", "###", "#.#", "###"],
        '7' => ["###", "..#", "..#", "..#", "..#"],
        '8' => ["###", "#.#", "###", "#.#", "###"],
        '9' => ["###", "#.#", "###", "..#", "###"],
        _ => ["...", "...", "###", "...", "..."],
    }
}

/// A digit three rows high in half blocks (two pixel rows per text row).
fn half_blocks(c: char) -> [String; 3] {
    let px = pixels(c);
    let row = |top: &str, bottom: &str| -> String {
        top.chars()
            .zip(bottom.chars())
            .map(|pair| match pair {
                ('#', '#') => '█',
                ('#', _) => '▀',
                (_, '#') => '▄',
                _ => ' ',
            })
            .collect()
    };
    [row(px[0], px[1]), row(px[2], px[3]), row(px[4], "...")]
}

/// A digit three rows high in the seven-segment ASCII font.
fn seven_segment(c: char) -> [String; 3] {
    let rows = match c {
        '0' => [" _ ", "| |", "|_|"],
        '1' => ["   ", "  |", "  |"],
        '2' => [" _ ", " _|", "|_ "],
        '3' => [" _ ", " _|", " _|"],
        '4' => ["   ", "|_|", "  |"],
        '5' => [" _ ", "|_ ", " _|"],
        '6' => [" _ ", "|_ ", "|_|"],
        '7' => [" _ ", "  |", "  |"],
        '8' => [" _ ", "|_|", "|_|"],
        '9' => [" _ ", "|_|", " _|"],
        _ => ["   ", " _ ", "   "],
    };
    rows.map(String::from)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, PipeConfig, QueueConfig};
    use crate::model::flights::Flight;
    use crate::stream::{Ended, Event, Holder, Kind, QueueView, QueuedView};
    use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

    fn text_of(app: &Fixture, w: u16, h: u16) -> String {
        render_text(app, w, h, render)
    }

    fn empty(scenario: Scenario) -> Fixture {
        Fixture::new(scenario)
    }

    fn apply(app: &mut Fixture, child: ProcId, pid: i32, kind: Kind) {
        let t = app.now_ns;
        app.apply(Event::new(t, child, pid, kind));
    }

    fn spawn(app: &mut Fixture, id: ProcId, pid: i32, name: &str, role: Role) {
        let kind = Kind::Spawn {
            name: name.into(),
            role,
        };
        apply(app, id, pid, kind);
    }

    /// Draws into a plain buffer with `theme`, returning the buffer and the spots.
    fn draw_with(app: &Fixture, theme: &Theme, w: u16, h: u16) -> (Buffer, Spots) {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        let spots = draw(&app.view(), theme, buf.area, &mut buf);
        (buf, spots)
    }

    fn row_of(t: &str, needle: &str) -> usize {
        t.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not on the stage:\n{t}"))
    }

    #[test]
    fn stage_queue_snapshot_at_80x8() {
        insta::assert_snapshot!(text_of(&queue_app(), 80, 8));
    }

    #[test]
    fn stage_queue_snapshot_at_160x16() {
        insta::assert_snapshot!(text_of(&queue_app(), 160, 16));
    }

    #[test]
    fn stage_pipe_snapshot_at_80x8() {
        insta::assert_snapshot!(text_of(&pipe_app(), 80, 8));
    }

    #[test]
    fn stage_pipe_snapshot_at_160x16() {
        insta::assert_snapshot!(text_of(&pipe_app(), 160, 16));
    }

    #[test]
    fn stage_counter_snapshot_at_80x8() {
        insta::assert_snapshot!(text_of(&counter_app(), 80, 8));
    }

    #[test]
    fn stage_counter_snapshot_at_160x16() {
        insta::assert_snapshot!(text_of(&counter_app(), 160, 16));
    }

    #[test]
    fn stage_queue_tube_holds_the_queued_items_from_tail_to_head() {
        for (w, h) in [(80, 8), (160, 16)] {
            let t = text_of(&queue_app(), w, h);
            let row = t.lines().find(|l| l.contains("url_5")).unwrap();
            let p5 = row.find("url_5").unwrap();
            let p2 = row.find("url_2").expect("head item on the tube row");
            let p3 = row[..p5].rfind("url_3").expect("tail item left of url_5");
            assert!(p3 < p5 && p5 < p2, "tail url_3, url_5, head url_2:\n{t}");
            let tail = t.find(text::stage_tail()).unwrap();
            let head = t.find(text::stage_head()).unwrap();
            assert!(tail < head, "tail on the left, head on the right:\n{t}");
            assert!(t.contains("depth 3/3 FULL"), "{t}");
        }
    }

    #[test]
    fn stage_queue_shows_writer_2_blocked_with_its_item() {
        let t = text_of(&queue_app(), 80, 8);
        let name = row_of(&t, "writer-2");
        let blocked = row_of(&t, "■ BLOCKED put: queue full");
        assert_eq!(blocked, name + 1, "the state under its name:\n{t}");
        assert!(t.contains("pressing url_6"), "{t}");
    }

    #[test]
    fn stage_selected_process_is_marked_not_only_by_style() {
        let t = text_of(&queue_app(), 80, 8);
        assert!(t.contains("▸ writer-2"), "{t}");
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 8));
        render(&queue_app().view(), &Theme::plain(), buf.area, &mut buf);
        let y = row_of(&t, "▸ writer-2") as u16;
        let x = t.lines().nth(y as usize).unwrap().find('▸').unwrap();
        let x = t.lines().nth(y as usize).unwrap()[..x].chars().count() as u16;
        let style = buf[(x, y)].style();
        assert!(style.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn stage_flight_halfway_is_drawn_between_its_spots() {
        let mut app = queue_app();
        app.scene.flights.list.push(Flight {
            label: "url_7".into(),
            seq: Some(9),
            from: Spot::Proc(0),
            to: Spot::QueueTail,
            start_ns: app.now_ns - 200_000_000,
            dur_ns: 400_000_000,
            by: 0,
        });
        let theme = Theme::plain();
        let (buf, spots) = draw_with(&app, &theme, 160, 16);
        let from = spots.anchor(Spot::Proc(0)).unwrap().at;
        let to = spots.anchor(Spot::QueueTail).unwrap().at;
        let dot = (0..16u16)
            .flat_map(|y| (0..160u16).map(move |x| (x, y)))
            .find(|&p| buf[p].symbol() == "●")
            .expect("the flight's dot");
        assert!(from.0 < dot.0 && dot.0 < to.0, "{from:?} {dot:?} {to:?}");
        assert!(from.1.min(to.1) <= dot.1 && dot.1 <= from.1.max(to.1));
        let label: String = (dot.0 - 5..dot.0)
            .map(|x| buf[(x, dot.1)].symbol())
            .collect();
        assert_eq!(label, "url_7", "the label trails its dot");
        let t = text_of(&app, 160, 16);
        let writer = t.lines().nth(from.1 as usize).unwrap();
        assert!(writer.contains("│▶ active"), "the card is left whole:\n{t}");
        assert!(t.contains("■│   url_3"), "the tube is left whole:\n{t}");
    }

    #[test]
    fn stage_flight_goes_from_the_head_to_the_reader() {
        let mut app = queue_app();
        app.scene.flights.list.push(Flight {
            label: "url_2".into(),
            seq: Some(4),
            from: Spot::QueueHead,
            to: Spot::Proc(2),
            start_ns: app.now_ns,
            dur_ns: 400_000_000,
            by: 2,
        });
        let (_, spots) = draw_with(&app, &Theme::plain(), 160, 16);
        let head = spots.anchor(Spot::QueueHead).unwrap();
        let reader = spots.anchor(Spot::Proc(2)).unwrap();
        assert!(head.at.0 < reader.at.0, "readers sit right of the head");
        assert!(
            head.reach_right && !reader.reach_right,
            "labels stay between"
        );
        assert_eq!(spot_between(head.at, reader.at, 0.0), head.at);
        assert_eq!(spot_between(head.at, reader.at, 1.0), reader.at);
    }

    #[test]
    fn stage_fast_events_show_rates_instead_of_flights() {
        let mut app = queue_app();
        for n in 0..200 {
            let ev = Event::new(app.now_ns, 0, 4101, Kind::Put).with_item(format!("url_{n}"));
            app.apply(ev);
        }
        assert!(app.scene.fast());
        let t = text_of(&app, 80, 8);
        assert!(t.contains("fast: "), "{t}");
        assert!(!t.contains('●'), "no pretend animation:\n{t}");
    }

    #[test]
    fn stage_frozen_world_is_tagged_in_the_title() {
        let mut app = queue_app();
        app.scene.frozen = true;
        let t = text_of(&app, 80, 8);
        let first = t.lines().next().unwrap();
        assert!(first.contains("FROZEN (SIGSTOP)"), "{first}");
        assert!(
            t.contains("stopped (SIGSTOP)"),
            "running ones are stopped:\n{t}"
        );
        assert!(t.contains("BLOCKED put"), "blocked ones stay blocked:\n{t}");
    }

    #[test]
    fn stage_dead_process_shows_how_it_ended_and_what_was_lost() {
        let mut app = queue_app();
        let exit = Kind::Exit {
            ended: Ended::Signal(9),
        };
        apply(&mut app, 1, 4102, exit);
        let lost = Kind::Recovered {
            dead: 4102,
            by: 4103,
            held_lock: false,
            lost: Some("url_9".into()),
        };
        apply(&mut app, 1, 4102, lost);
        let t = text_of(&app, 80, 8);
        assert!(t.contains("✝ killed by SIGKILL"), "{t}");
        assert!(t.contains("url_9 lost with it"), "{t}");
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 8));
        render(&app.view(), &Theme::new(false), buf.area, &mut buf);
        let ascii = text_of(&app, 80, 8);
        assert!(ascii.contains("killed"));
    }

    #[test]
    fn stage_more_writers_than_fit_show_plus_n_more() {
        let mut app = queue_app();
        for k in 3..=9 {
            spawn(
                &mut app,
                k as ProcId + 10,
                4200 + k,
                &format!("writer-{k}"),
                Role::Writer,
            );
        }
        let t = text_of(&app, 80, 8);
        assert!(t.contains("more"), "{t}");
        let shown = t.matches("writer-").count();
        let more: usize = t
            .split('+')
            .filter_map(|s| s.strip_suffix("").and_then(|s| s.split(' ').next()))
            .filter_map(|n| n.parse().ok())
            .next()
            .unwrap();
        assert_eq!(shown + more, 9, "{t}");
    }

    #[test]
    fn stage_bounded_queue_too_long_shows_the_slots_that_fit_and_plus_n() {
        let mut app = queue_app();
        app.scene.maxsize = 32;
        let t = text_of(&app, 80, 8);
        assert!(t.contains("depth 3/32"), "{t}");
        let plan = plan_slots(32, 3, 5, 30);
        let more: usize = plan.more.as_deref().unwrap()[1..].parse().unwrap();
        assert_eq!(plan.shown + more, 32);
        assert!(plan.width() <= 30);
        assert!(t.contains(&format!("+{more}")), "{t}");
    }

    #[test]
    fn stage_bounded_queue_draws_exactly_maxsize_slots() {
        for maxsize in [1, 2, 3, 5, 8] {
            let plan = plan_slots(maxsize, 0, 5, 60);
            assert_eq!((plan.shown, plan.more), (maxsize as usize, None));
        }
    }

    #[test]
    fn stage_unbounded_queue_fills_the_tube_and_counts_what_does_not_fit() {
        let mut q = QueueConfig::defaults(Mode::Tui);
        q.maxsize = 0;
        let mut app = empty(Scenario::Queue(q));
        spawn(&mut app, 0, 4101, "writer-1", Role::Writer);
        spawn(&mut app, 1, 4103, "reader-1", Role::Reader);
        for n in 1..=40 {
            let put = Event::new(n * 1000, 0, 4101, Kind::Put)
                .with_item(format!("url_{n}"))
                .with_seq(n);
            app.apply(put);
        }
        app.scene.queue = Some(QueueView {
            depth: 40,
            maxsize: 0,
            capacity: 65_536,
            items: (1..=40)
                .map(|n| QueuedView {
                    label: format!("url_{n}"),
                    put_seq: n,
                    put_pid: 4101,
                })
                .collect(),
            ..QueueView::default()
        });
        let t = text_of(&app, 80, 8);
        assert!(t.contains("depth 40 (unbounded)"), "{t}");
        let row = t.lines().find(|l| l.contains("url_1")).unwrap();
        assert!(row.contains('+'), "hidden items counted:\n{t}");
        assert!(row.rfind("url_1").unwrap() > row.find("url_2").unwrap());
    }

    #[test]
    fn stage_pipe_names_the_parent_as_a_holder_of_the_send_end() {
        let mut app = pipe_app();
        if let Some(p) = app.scene.pipe.as_mut() {
            p.send_holders.push(Holder {
                pid: 4000,
                proc: None,
            });
        }
        for w in [80, 160] {
            let t = text_of(&app, w, 16);
            let row = t.lines().find(|l| l.contains("send end held by")).unwrap();
            assert!(row.contains("sender"), "{t}");
            assert!(row.contains("parent (ipcscope)"), "{t}");
            assert!(row.contains("recv never sees EOF"), "{t}");
        }
        let t = text_of(&app, 160, 16);
        assert!(t.contains("parent (ipcscope) 4000"), "{t}");
        assert!(t.contains("while this is open"), "{t}");
    }

    #[test]
    fn stage_pipe_shows_messages_oldest_nearest_the_receiver_and_the_bytes() {
        for (w, h) in [(80, 8), (160, 16)] {
            let t = text_of(&pipe_app(), w, h);
            let row = t.lines().find(|l| l.contains("url_2")).unwrap();
            let (p3, p2) = (row.find("url_3").unwrap(), row.find("url_2").unwrap());
            assert!(p3 < p2, "url_2 (oldest) nearer the receiver:\n{t}");
            assert!(t.contains("18 B / 212992 B buffered"), "{t}");
            assert!(t.contains("recv end held by: receiver"), "{t}");
        }
    }

    #[test]
    fn stage_pipe_says_duplex_or_one_way() {
        let t = text_of(&pipe_app(), 160, 16);
        assert!(t.contains("duplex: both ways") && t.contains('←'), "{t}");
        let mut app = pipe_app();
        if let Scenario::Pipe(p) = &mut app.scene.cfg.scenario {
            p.duplex = false;
        }
        let t = text_of(&app, 160, 16);
        assert!(t.contains("one-way") && !t.contains('←'), "{t}");
    }

    #[test]
    fn stage_counter_shows_the_updates_lost() {
        for (w, h) in [(80, 8), (160, 16)] {
            let t = text_of(&counter_app(), w, h);
            assert!(t.contains("expected 400000   actual 231415"), "{t}");
            assert!(t.contains("lost 168585 updates (42.1%)"), "{t}");
            assert_eq!(t.matches("counter-").count(), 4, "{t}");
        }
    }

    #[test]
    fn stage_counter_value_is_plain_when_there_is_no_room_for_big_digits() {
        let t = text_of(&counter_app(), 80, 5);
        assert!(t.contains("231415"), "{t}");
    }

    #[test]
    fn stage_big_digits_are_three_rows_and_grouped() {
        assert_eq!(group_thousands(231_415), "231 415");
        assert_eq!(group_thousands(-1_000), "-1 000");
        assert_eq!(group_thousands(7), "7");
        let big = big_digits(80, true);
        assert_eq!(big, [" _   _ ", "|_| | |", "|_| |_|"].map(String::from));
        let big = big_digits(231_415, false);
        assert!(big.iter().all(|r| width(r) == width(&big[0])));
    }

    #[test]
    fn stage_ascii_theme_draws_only_ascii() {
        let theme = Theme {
            color: false,
            ascii: true,
        };
        let mut frozen = queue_app();
        frozen.scene.frozen = true;
        frozen.scene.flights.list.push(Flight {
            label: "url_7".into(),
            seq: Some(9),
            from: Spot::Proc(0),
            to: Spot::QueueTail,
            start_ns: frozen.now_ns,
            dur_ns: 400_000_000,
            by: 0,
        });
        let mut parent = pipe_app();
        if let Some(p) = parent.scene.pipe.as_mut() {
            p.send_holders.push(Holder {
                pid: 4000,
                proc: None,
            });
        }
        for app in [queue_app(), frozen, pipe_app(), parent, counter_app()] {
            for (w, h) in [(80, 8), (160, 16), (40, 5)] {
                let (buf, _) = draw_with(&app, &theme, w, h);
                for cell in buf.content() {
                    assert!(cell.symbol().is_ascii(), "{:?} at {w}x{h}", cell.symbol());
                }
            }
        }
    }

    #[test]
    fn stage_never_panics_at_any_size_or_with_no_processes() {
        let apps = [
            queue_app(),
            pipe_app(),
            counter_app(),
            empty(Scenario::Queue(QueueConfig::defaults(Mode::Tui))),
            empty(Scenario::Pipe(PipeConfig::defaults(Mode::Tui))),
            empty(Scenario::Counter(crate::config::CounterConfig::defaults(
                Mode::Tui,
            ))),
        ];
        for app in &apps {
            for (w, h) in [(80, 8), (160, 16), (40, 5), (1, 1), (2, 2), (3, 3)] {
                text_of(app, w, h);
            }
            for w in (1..=90).step_by(7) {
                for h in 1..=12 {
                    text_of(app, w, h);
                }
            }
            // Drawn away from the buffer's origin, and partly outside it.
            let mut buf = Buffer::empty(Rect::new(0, 0, 50, 10));
            render(
                &app.view(),
                &Theme::plain(),
                Rect::new(20, 4, 60, 12),
                &mut buf,
            );
        }
        let t = text_of(&apps[3], 80, 8);
        assert!(t.contains(text::stage_nobody()), "{t}");
    }
}
