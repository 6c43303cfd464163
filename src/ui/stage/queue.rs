//! The queue lesson on the stage: writers, the queue's real slots, readers.

use super::*;

// ---------------------------------------------------------------- queue --

/// The queue lesson: writers on the left, the queue's real slots in the
/// middle (tail near the writers, head near the readers), readers on the
/// right.
pub(super) fn render_queue(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let writers = cards_of(app, theme, Role::Writer, |p| pusher_detail(p, theme));
    let readers = cards_of(app, theme, Role::Reader, done_detail);
    let (mid, mut spots) = render_sides(theme, area, &writers, &readers, buf);
    spots.queue = render_queue_tube(app, theme, mid, buf);
    spots
}

/// An item in the queue as the tube shows it: its label and who put it.
pub(super) struct Queued {
    pub(super) label: String,
    pub(super) by: Option<ProcId>,
}

/// The queue's depth and its items head first, each with the process that
/// put it (for its colour): as the queue's op log tells (every put and get
/// is read from the queue's memory at its commit), or, when a flood went by
/// too fast to follow one by one, as the queue's memory was last read. The
/// depth may exceed the items known.
pub(super) fn queued_items(app: &View) -> (usize, Vec<Queued>) {
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
pub(super) struct SlotPlan {
    pub(super) slot_w: u16,
    pub(super) shown: usize,
    pub(super) more: Option<String>,
}

impl SlotPlan {
    /// Columns of the whole tube, walls included.
    pub(super) fn width(&self) -> u16 {
        let more = self.more.as_deref().map_or(0, |m| width(m) as usize + 1);
        let w = 1 + self.shown * (self.slot_w as usize + 1) + more;
        w.min(u16::MAX as usize) as u16
    }
}

/// Plans the slots in `room` columns: exactly `maxsize` when bounded and
/// they fit (roomier slots when there is space, for the back of the
/// room), else as many as fit and "+N".
pub(super) fn plan_slots(maxsize: u32, depth: usize, label_w: u16, room: u16) -> SlotPlan {
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
pub(super) fn unknown_item(theme: &Theme) -> &'static str {
    if theme.ascii { "?" } else { "…" }
}

/// Plans the slots leaving a `runway` on each side for flights to be seen
/// whole, unless that would cost slot room (at 80 columns the slots win).
pub(super) fn plan_with_runway(
    maxsize: u32,
    depth: usize,
    label_w: u16,
    room: u16,
    runway: u16,
) -> SlotPlan {
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
pub(super) fn render_queue_tube(
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
