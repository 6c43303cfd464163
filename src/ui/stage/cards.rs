//! Process cards on the stage: who each process is, its state in a glyph
//! and words, and one line of what it has done; stacked in the side columns.

use super::*;

// ---------------------------------------------------------------- cards --

/// How much of a process card fits, from a framed box down to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CardSize {
    Boxed,
    Three,
    Two,
    One,
}

impl CardSize {
    pub(super) fn height(self) -> u16 {
        match self {
            CardSize::Boxed => 4,
            CardSize::Three => 3,
            CardSize::Two => 2,
            CardSize::One => 1,
        }
    }

    /// The largest size at which every column's cards fit in `rows` (both
    /// sides alike, so the stage looks even). Boxes only on a `wide` stage.
    pub(super) fn fitting(rows: u16, wide: bool, counts: &[usize]) -> CardSize {
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
pub(super) struct Card {
    pub(super) id: ProcId,
    pub(super) who: Line<'static>,
    pub(super) state: Line<'static>,
    pub(super) detail: Line<'static>,
    pub(super) selected: bool,
    pub(super) dead: bool,
}

impl Card {
    /// Columns the card needs at `size`.
    pub(super) fn width(&self, size: CardSize) -> u16 {
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
pub(super) fn proc_card(app: &View, theme: &Theme, p: &Proc, detail: String) -> Card {
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
pub(super) fn state_line(app: &View, theme: &Theme, p: &Proc) -> Line<'static> {
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
pub(super) fn done_detail(p: &Proc) -> String {
    text::stage_done(text::role_done(p.role), p.done, p.item.as_deref())
}

/// What a queue writer or pipe sender says: the item it presses with while
/// blocked, else what it has done.
pub(super) fn pusher_detail(p: &Proc, theme: &Theme) -> String {
    match &p.activity {
        Activity::WaitingToPut { item, .. } | Activity::WaitingToSend { item, .. } if p.alive() => {
            let arrow = theme.glyph(Glyph::ArrowRight);
            format!("{} {arrow}", text::stage_pressing(item))
        }
        _ => done_detail(p),
    }
}

/// Draws one card in `area` at `size`.
pub(super) fn render_card(
    card: &Card,
    size: CardSize,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
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
pub(super) fn own_spans(line: &Line<'static>) -> Vec<Span<'static>> {
    line.spans
        .iter()
        .map(|s| Span::styled(s.content.clone(), line.style.patch(s.style)))
        .collect()
}

/// Draws `lines` one per row from the top of `area`, each clipped to it.
pub(super) fn render_lines(lines: &[&Line], area: Rect, buf: &mut Buffer) {
    for (line, row) in lines.iter().zip(area.rows()) {
        (*line).render(row, buf);
    }
}

/// Stacks `cards` in `area`, centred top to bottom, with "+N more" when
/// they do not all fit. Returns where flights leave or reach each process:
/// the cell beside its card facing the middle (`facing_right` for the
/// left column); a process not shown is reached at its "+N more".
pub(super) fn render_column(
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
pub(super) fn column_width(cards: &[Card], size: CardSize) -> u16 {
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
pub(super) fn columns(area: Rect, left: u16, right: u16) -> [Rect; 3] {
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
pub(super) fn render_sides(
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
pub(super) fn cards_of(
    app: &View,
    theme: &Theme,
    role: Role,
    detail: impl Fn(&Proc) -> String,
) -> Vec<Card> {
    app.scene
        .world
        .by_role(role)
        .map(|p| proc_card(app, theme, p, detail(p)))
        .collect()
}
