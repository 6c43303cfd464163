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

/// A line in its full form and a shorter one for a narrow side.
pub(super) type Forms = [Line<'static>; 2];

/// What a card says under its state, long and short: "put 3, last url_3",
/// "put 3".
pub(super) type Detail = [String; 2];

/// A detail with one form only.
pub(super) fn detail(s: String) -> Detail {
    [s.clone(), s]
}

/// A process as the stage shows it: who it is, its state as a glyph and
/// words (never colour alone), and one line the scenario has to say; each
/// in a long and a short form, the longest that fits the side is drawn.
pub(super) struct Card {
    pub(super) id: ProcId,
    /// With the delay scale in words, in short, and without.
    pub(super) who: [Line<'static>; 3],
    pub(super) state: Forms,
    pub(super) detail: Forms,
    /// A `queue.Full` or `queue.Empty` just raised and what the process
    /// does next: over the detail line (over the state line on a card
    /// that has none) while it lasts.
    pub(super) flash: Option<[Line<'static>; 3]>,
    pub(super) selected: bool,
    pub(super) dead: bool,
}

/// The first of `forms` that fits `w` columns (else the shortest).
fn fit<'a>(forms: &'a [Line<'static>], w: u16) -> &'a Line<'static> {
    forms
        .iter()
        .find(|l| l.width() <= w as usize)
        .unwrap_or(&forms[forms.len() - 1])
}

/// The card of `p`, with the scenario's `detail` line.
pub(super) fn proc_card(
    app: &View,
    theme: &Theme,
    p: &Proc,
    detail: Detail,
    waits: &[crate::model::waits::WaitFor],
) -> Card {
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
    use crate::model::waits::Need;
    let wait = waits
        .iter()
        .find(|w| w.who == p.id)
        .filter(|w| match w.need {
            // A counter's own line already names the lock's holder.
            Need::Lock => false,
            // A writer's line names the item in its hand: kept while a
            // reader may yet make room.
            Need::Space | Need::Flush => w.forever,
            _ => true,
        });
    let detail = match (lost, wait) {
        (Some(l), _) => {
            let line = Line::styled(text::words().stage_lost_with(&l.item), theme.blocked());
            [line.clone(), line]
        }
        (None, _) if dead => detail.map(|d| Line::styled(d, theme.dim())),
        (None, Some(w)) => waits_line(app, theme, w),
        (None, None) => detail.map(Line::raw),
    };
    let who = format!("{marker}{} {}", p.name, p.pid);
    let scaled = |x: Option<String>| match x {
        Some(x) => format!("{who} {x}"),
        None => who.clone(),
    };
    let who = [
        scaled(text::delay_scale(p.scale)),
        scaled(text::delay_scale_short(p.scale)),
        who.clone(),
    ]
    .map(|w| Line::styled(w, style));
    Card {
        id: p.id,
        who,
        state: [
            state_line(app, theme, p, false),
            state_line(app, theme, p, true),
        ],
        detail,
        // Shown on a dead card too: a reader that gave up has just ended.
        flash: raise_flash(app, theme, p),
        selected,
        dead,
    }
}

/// What a blocked process waits for and from whom (the wait-for view), or
/// that nobody can give it: then it waits forever, said as trouble.
pub(crate) fn waits_line(
    app: &View,
    theme: &Theme,
    w: &crate::model::waits::WaitFor,
) -> [Line<'static>; 2] {
    let style = if w.forever {
        theme.blocked()
    } else {
        theme.dim()
    };
    [false, true].map(|short| Line::styled(text::waits_said(&app.scene.world, w, short), style))
}

/// The exception `p` just raised, in Python's words, and what it does
/// next (its role's choice): "✗ queue.Full → gives up url_3", without
/// the item, then without the mark, for narrower sides. Reversed for its
/// first moments, so the eye is drawn to it.
fn raise_flash(app: &View, theme: &Theme, p: &Proc) -> Option<[Line<'static>; 3]> {
    let r = crate::model::policy::flash(app.scene, p)?;
    let name = if r.full { "queue.Full" } else { "queue.Empty" };
    let (mark, arrow) = (theme.glyph(Glyph::Raised), theme.glyph(Glyph::ArrowRight));
    let t = text::words();
    let mut style = theme.warn().add_modifier(Modifier::BOLD);
    if app.scene.now_ns.saturating_sub(r.t_ns) < FRESH_NS {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let then = |item| t.then_flash(r.full, r.then, item);
    let line = |s: String| Line::styled(s, style);
    Some([
        line(format!("{mark} {name} {arrow} {}", then(r.item.as_deref()))),
        line(format!("{mark} {name} {arrow} {}", then(None))),
        line(format!("{name} {arrow} {}", then(None))),
    ])
}

/// How long a raise shows reversed, before it stays as plain warning text.
const FRESH_NS: u64 = 400_000_000;

/// A process's state as a glyph and words: how it ended, why it is blocked,
/// that it is stopped while the world is frozen, or that it runs (`short`:
/// fewer words, for a narrow side).
pub(super) fn state_line(app: &View, theme: &Theme, p: &Proc, short: bool) -> Line<'static> {
    let words = |a: &Activity| {
        if short {
            text::words().activity_short(a).to_string()
        } else {
            text::words().activity(a, app.scene.maxsize).to_string()
        }
    };
    let (glyph, word, style) = if !p.alive() || p.activity == Activity::Exited {
        let word = match p.ended {
            Some(e) if short => text::words().ended_short(e),
            _ => text::ended_text(p.ended, p.said_exiting),
        };
        (Glyph::Dead, word, theme.dim())
    } else if !app.scene.frozen
        && app
            .scene
            .kernel_of(p.id)
            .is_some_and(|k| k.row.state == 'T')
    {
        // Stopped from outside (a SIGSTOP not ours): the kernel's word,
        // whatever it last reported (its report is from before).
        (
            Glyph::Stopped,
            text::words().stage_stopped().into(),
            theme.warn(),
        )
    } else if app.scene.briefly_blocked(p) {
        (Glyph::Running, words(&Activity::Active), theme.ok())
    } else if p.activity.blocked_since().is_some() {
        (Glyph::Blocked, words(&p.activity), theme.blocked())
    } else if app.scene.frozen {
        (
            Glyph::Stopped,
            text::words().stage_stopped().into(),
            theme.warn(),
        )
    } else {
        (Glyph::Running, words(&p.activity), theme.ok())
    };
    Line::styled(format!("{} {word}", theme.glyph(glyph)), style)
}

/// What a process has done: "put 3, last url_3", or "put 3".
pub(super) fn done_detail(p: &Proc) -> Detail {
    let word = text::words().role_done(p.role);
    [
        text::stage_done(word, p.done, p.item.as_deref()),
        text::stage_done(word, p.done, None),
    ]
}

/// What a queue writer or pipe sender says: the item it presses with while
/// blocked, else what it has done.
pub(super) fn pusher_detail(p: &Proc, theme: &Theme) -> Detail {
    match &p.activity {
        Activity::WaitingToPut { item, .. } | Activity::WaitingToSend { item, .. } if p.alive() => {
            let arrow = theme.glyph(Glyph::ArrowRight);
            detail(format!("{} {arrow}", text::words().stage_pressing(item)))
        }
        _ => done_detail(p),
    }
}

/// What a queue writer says: with Python's feeder, while items wait in
/// its buffer, how many it put and how many are still in its buffer (and
/// whether its feeder waits for room in the full pipe); else as any
/// pusher.
pub(super) fn writer_detail(app: &View, p: &Proc, theme: &Theme) -> Detail {
    let n = p.buffer.count();
    if n == 0 || !p.alive() {
        return pusher_detail(p, theme);
    }
    let t = text::words();
    let full = app.scene.maxsize > 0 && app.scene.depth() >= u64::from(app.scene.maxsize);
    let done = text::stage_done(t.role_done(p.role), p.done, None);
    [
        format!("{done} · {}", t.buffer_detail(n, full, false)),
        format!("{done} · {}", t.buffer_detail(n, full, true)),
    ]
}

/// Draws one card in `area` at `size`.
pub(super) fn render_card(
    card: &Card,
    size: CardSize,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let w = area.width;
    let who = fit(&card.who, w.saturating_sub(4));
    match size {
        CardSize::Boxed => {
            let inner_w = w.saturating_sub(2);
            let (state, detail) = (fit(&card.state, inner_w), fit(&card.detail, inner_w));
            let mut title = vec![Span::raw(" ")];
            title.extend(own_spans(who));
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
            let detail = card.flash.as_ref().map_or(detail, |f| fit(&f[..], inner_w));
            render_lines(&[state, detail], inner, buf);
        }
        CardSize::Three => {
            let who = fit(&card.who, w);
            let detail = card.flash.as_ref().map_or(&card.detail[..], |f| &f[..]);
            let lines = [who, fit(&card.state, w), fit(detail, w)];
            render_lines(&lines, area, buf);
        }
        CardSize::Two => {
            let state = card.flash.as_ref().map_or(&card.state[..], |f| &f[..]);
            render_lines(&[fit(&card.who, w), fit(state, w)], area, buf)
        }
        CardSize::One => {
            let who = &card.who[2];
            let room = w.saturating_sub(who.width() as u16 + 1);
            let mut spans = own_spans(who);
            spans.push(Span::raw(" "));
            let state = card.flash.as_ref().map_or(&card.state[..], |f| &f[..]);
            spans.extend(own_spans(fit(state, room)));
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
        Line::styled(text::words().stage_nobody(), theme.dim()).render(row, buf);
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
    let anchor = |y: u16| {
        if facing_right {
            Anchor::starts_at((area.right(), y))
        } else {
            Anchor::ends_at((area.x.saturating_sub(1), y))
        }
    };
    for card in &cards[..shown] {
        let r = Rect::new(area.x, y, area.width, h as u16).intersection(area);
        render_card(card, size, theme, r, buf);
        at.insert(card.id, anchor(y + (h as u16 - 1) / 2));
        y += (h + gap) as u16;
    }
    if more > 0 {
        let row = Rect::new(area.x, y, area.width, 1).intersection(area);
        Line::styled(text::words().stage_more(n - shown), theme.dim()).render(row, buf);
        for card in &cards[shown..] {
            at.insert(card.id, anchor(y));
        }
    }
    at
}

/// Columns each side takes: a share of the stage's width, never of what
/// the cards say, so the middle (the tube) stays put frame after frame.
/// Words that do not fit take their short form.
pub(super) fn side_width(stage_w: u16) -> u16 {
    (stage_w * 3 / 10)
        .clamp(SIDE_MIN, SIDE_MAX)
        .min(stage_w / 3)
}

/// Splits the stage into the left cards, the middle and the right cards,
/// each side `side` columns wide.
pub(super) fn columns(area: Rect, side: u16) -> [Rect; 3] {
    area.layout(
        &Layout::horizontal([
            Constraint::Length(side),
            Constraint::Fill(1),
            Constraint::Length(side),
        ])
        .spacing(1),
    )
}

/// Both sides' cards drawn in columns `side` wide; returns the middle and
/// where each process is.
pub(super) fn render_sides(
    theme: &Theme,
    (area, side): (Rect, u16),
    left: &[Card],
    right: &[Card],
    buf: &mut Buffer,
) -> (Rect, Spots) {
    let size = CardSize::fitting(area.height, area.width >= WIDE, &[left.len(), right.len()]);
    let [l, mid, r] = columns(area, side);
    let mut spots = Spots {
        middle: mid,
        ..Spots::default()
    };
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
    detail: impl Fn(&Proc) -> Detail,
) -> Vec<Card> {
    // Once for every card: it looks at the whole run.
    let waits = crate::model::waits::waits(app.scene);
    app.scene
        .world
        .by_role(role)
        .map(|p| {
            // Its figures as far as they are known (the exact counter too).
            let done = Proc {
                done: app.scene.done(p),
                ..p.clone()
            };
            proc_card(app, theme, p, detail(&done), &waits)
        })
        .collect()
}
