//! The queue lesson on the stage: writers, the queue's real slots, readers.
//! The tube's geometry is a function of the stage's size and maxsize only;
//! each item is one token: on its way in, resting in its slot (its place
//! from the head, as the queue's memory says), on its way out.

use super::*;

/// Narrowest slot: `url_1`.
const MIN_SLOT: u16 = 5;

/// Widest slot: the widest label with a space each side.
const MAX_SLOT: u16 = LABEL_W + 2;

/// Slots an unbounded queue (or one too long to draw whole) shows at
/// least before its slots get narrower.
const FEW_SLOTS: u16 = 3;

/// The queue lesson: writers on the left, the queue's real slots in the
/// middle (tail near the writers, head near the readers), readers on the
/// right; the parent that joins the writers and terminates the readers
/// along the bottom.
pub(super) fn render_queue(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let writers = cards_of(app, theme, Role::Writer, |p| writer_detail(app, p, theme));
    let readers = cards_of(app, theme, Role::Reader, done_detail);
    // The parent along the bottom, when the stage has the rows: across
    // the whole stage if that costs the cards nothing, else under the
    // tube if it has the room.
    let k = parent_rows(area.height);
    let counts = [writers.len(), readers.len()];
    let wide = area.width >= WIDE;
    let costs = CardSize::fitting(area.height, wide, &counts)
        != CardSize::fitting(area.height - k, wide, &counts);
    let bottom = |a: Rect| {
        a.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(k),
        ]))
    };
    if costs && area.height >= k + TUBE_ROWS {
        let (mid, mut spots) = render_sides(
            theme,
            (area, side_width(area.width)),
            &writers,
            &readers,
            buf,
        );
        let [tube, parent] = bottom(mid);
        render_parent(app, theme, parent, buf);
        render_queue_tube(app, theme, tube, &mut spots, buf);
        return spots;
    }
    let [area, parent] = bottom(area);
    render_parent(app, theme, parent, buf);
    let (mid, mut spots) = render_sides(
        theme,
        (area, side_width(area.width)),
        &writers,
        &readers,
        buf,
    );
    render_queue_tube(app, theme, mid, &mut spots, buf);
    spots
}

/// Rows the tube takes at most: the ends' labels, its walls and slots,
/// the depth.
const TUBE_ROWS: u16 = 5;

/// An item in the queue as the tube shows it: its label, its number, and
/// who put it.
struct Queued {
    label: String,
    seq: Option<u64>,
    by: Option<ProcId>,
}

/// The queue's depth and its items head first, each with the process that
/// put it (for its colour): as the queue's op log tells (every put and get
/// is read from the queue's memory at its commit), or, when a flood went by
/// too fast to follow one by one, as the queue's memory was last read. The
/// depth may exceed the items known. Also whether the items are exact.
fn queued_items(app: &View) -> (usize, Vec<Queued>, bool) {
    let q = &app.scene.world.queue;
    match &app.scene.queue {
        Some(s) if !q.exact() => {
            let items = s
                .items
                .iter()
                .map(|i| Queued {
                    label: i.label.clone(),
                    seq: Some(i.put_seq),
                    by: app.scene.world.by_pid(i.put_pid).map(|p| p.id),
                })
                .collect();
            (s.depth as usize, items, false)
        }
        _ => {
            let items = q
                .inside
                .items
                .iter()
                .map(|t| Queued {
                    label: t.label.clone(),
                    seq: t.seq,
                    by: Some(t.by),
                })
                .collect();
            (app.scene.depth() as usize, items, true)
        }
    }
}

/// How the queue's slots fit: their width, how many are drawn, and how
/// many of a bounded queue's slots are not (at the tail end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SlotPlan {
    pub(super) slot_w: u16,
    pub(super) shown: usize,
    pub(super) hidden: usize,
}

impl SlotPlan {
    /// Columns of the slots, walls included.
    pub(super) fn width(&self) -> u16 {
        let w = 1 + self.shown * (self.slot_w as usize + 1);
        w.min(u16::MAX as usize) as u16
    }
}

/// Plans the slots in `room` columns from `maxsize` alone (never from the
/// items): exactly `maxsize` when bounded and they fit, as wide as the room
/// allows up to a label and a space each side; else (unbounded, or too
/// many) slots for `url_99999` or narrower, as many as fit.
pub(super) fn plan_slots(maxsize: u32, room: u16) -> SlotPlan {
    let m = maxsize as usize;
    if m > 0 {
        for s in (MIN_SLOT..=MAX_SLOT).rev() {
            // The walls between and around the slots: one more than slots.
            if m.saturating_mul(s as usize + 1) < room as usize {
                return SlotPlan {
                    slot_w: s,
                    shown: m,
                    hidden: 0,
                };
            }
        }
    }
    let s = (room.saturating_sub(1) / FEW_SLOTS)
        .saturating_sub(1)
        .clamp(MIN_SLOT, LABEL_W);
    let fit = (room.saturating_sub(1) / (s + 1)) as usize;
    let shown = if m > 0 { fit.min(m) } else { fit };
    SlotPlan {
        slot_w: s,
        shown,
        hidden: m.saturating_sub(shown),
    }
}

/// Plans the slots leaving a runway on each side for flights to be seen
/// whole, unless that would cost slots or make them narrower than a
/// usual label (at 80 columns the slots win).
fn plan_with_runway(maxsize: u32, room: u16) -> (SlotPlan, u16) {
    let with = plan_slots(maxsize, room.saturating_sub(2 * RUNWAY));
    let enough = if maxsize > 0 {
        with.hidden == 0 && with.slot_w >= LABEL_W
    } else {
        with.shown >= FEW_SLOTS as usize && with.slot_w == LABEL_W
    };
    if enough {
        (with, RUNWAY)
    } else {
        (plan_slots(maxsize, room), 0)
    }
}

/// Where the queue's tube is: a function of the middle's area and maxsize
/// only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TubeGeometry {
    /// The tube's left wall (its tail end).
    pub(super) x0: u16,
    /// The row of its slots, and of its walls.
    pub(super) mid: u16,
    pub(super) walls: Option<(u16, u16)>,
    pub(super) plan: SlotPlan,
}

impl TubeGeometry {
    /// The tube laid out in `area` (the middle of the stage).
    fn of(area: Rect, rows: TubeRows, maxsize: u32, aw: u16) -> TubeGeometry {
        let room = area.width.saturating_sub(2 * aw);
        let (plan, run) = plan_with_runway(maxsize, room);
        let inner = room.saturating_sub(2 * run);
        let x0 = area.x + aw + run + inner.saturating_sub(plan.width()) / 2;
        TubeGeometry {
            x0,
            mid: rows.mid,
            walls: rows.walls,
            plan,
        }
    }

    /// Columns of the tube, walls included.
    fn width(&self) -> u16 {
        self.plan.width()
    }

    /// The first column of the slot `pos` places from the head.
    pub(super) fn slot_x(&self, pos: usize) -> u16 {
        let k = self.plan.shown - 1 - pos;
        self.x0 + 1 + k as u16 * (self.plan.slot_w + 1)
    }
}

/// A slot holding an item whose label was not read (the queue is deeper
/// than the items read from it).
fn unknown_item(theme: &Theme) -> &'static str {
    if theme.ascii { "?" } else { "…" }
}

/// The queue as a tube of slots holding the items really in it, head on
/// the right; "tail" and "head" over its ends, the depth under it, and a
/// blocked mark at an end where a process waits. Items over maxsize (it
/// was lowered under the depth) lie past the tail wall in dashed slots.
/// Fills in the tube's ends, where each item rests, and its exit.
fn render_queue_tube(app: &View, theme: &Theme, area: Rect, spots: &mut Spots, buf: &mut Buffer) {
    let Some(rows) = tube_rows(area) else {
        return;
    };
    let aw = width(theme.glyph(Glyph::ArrowRight));
    let maxsize = app.scene.maxsize;
    let m = maxsize as usize;
    let geo = TubeGeometry::of(area, rows, maxsize, aw);
    let plan = geo.plan;
    let (s, x0, tube_w) = (plan.slot_w, geo.x0, geo.width());
    let (depth, items, exact) = queued_items(app);
    let landing = landing(app, false);
    spots.tube = Some(geo);
    spots.label_w = s;

    // The slots, from the head (right) to the tail.
    let mut dividers = Vec::new();
    for pos in 0..plan.shown {
        let x = geo.slot_x(pos);
        let anchor = Anchor::slot(x, s, rows.mid);
        if pos == 0 {
            spots.exit = Some(anchor);
        } else {
            dividers.push(x + s);
        }
        if pos >= depth {
            continue;
        }
        let (label, style) = match items.get(pos) {
            Some(q) => {
                if let Some(n) = q.seq {
                    spots.places.insert(n, anchor);
                    if landing.contains(&n) {
                        continue;
                    }
                }
                let style = q.by.map_or(Style::new(), |id| theme.proc(id));
                (
                    clip_label(&q.label, s, theme),
                    style.add_modifier(Modifier::BOLD),
                )
            }
            None => (unknown_item(theme).to_string(), theme.dim()),
        };
        put(
            buf,
            area,
            anchor.label_x(width(&label)),
            rows.mid,
            &label,
            style,
        );
    }
    let open_tail = plan.hidden > 0 || (m == 0 && depth > plan.shown);
    render_tube(theme, area, rows, (x0, tube_w), &dividers, None, buf);
    if open_tail {
        put(
            buf,
            area,
            x0,
            rows.mid,
            walls(theme).dashed_vertical,
            theme.dim(),
        );
    }

    // Past the tail wall: items over maxsize, as many as fit.
    let over = if m > 0 { depth.saturating_sub(m) } else { 0 };
    let mut left = x0;
    if over > 0 && plan.hidden == 0 {
        left = render_over(app, theme, area, &geo, (&items, depth), spots, buf);
    }

    let full = m > 0 && depth >= m;
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
    let tail_x = left.saturating_sub(aw);
    put(buf, area, tail_x, rows.mid, &tail_mark, tail_style);
    put(buf, area, x0 + tube_w, rows.mid, &head_mark, head_style);
    // Outside the arrows, so a blocked mark there stays in sight.
    let ends = tube_ends(tail_x, x0 + tube_w + aw - tail_x, rows.mid);
    spots.ends = Some(ends);
    spots.gone = if exact { spots.exit } else { Some(ends.0) };
    // Items inside but not drawn rest beyond the tail.
    for q in items.iter().skip(plan.shown) {
        if let Some(n) = q.seq {
            spots.places.entry(n).or_insert(ends.0);
        }
    }

    // What is not drawn, counted at the tail end.
    let not_drawn = if plan.hidden > 0 {
        Some(text::words().stage_hidden_slots(plan.hidden))
    } else if m == 0 && depth > plan.shown {
        Some(text::words().stage_hidden_items(depth - plan.shown))
    } else {
        None
    };
    let mut counted = not_drawn.is_none();
    if let Some(y) = rows.label {
        let tail = match &not_drawn {
            Some(n) => format!("{} {n}", text::words().stage_tail()),
            None => text::words().stage_tail().to_string(),
        };
        let extent = (left, x0 + tube_w - left);
        let head = text::words().stage_head();
        counted |= render_end_labels(area, y, extent, (&tail, head), theme.title(), buf);
        if !counted {
            let ends = (text::words().stage_tail(), head);
            render_end_labels(area, y, extent, ends, theme.title(), buf);
        }
    }
    if let Some(y) = rows.info {
        let style = if full {
            theme.blocked()
        } else if depth == 0 {
            theme.dim()
        } else {
            Style::new()
        };
        let mut forms = [
            text::stage_depth(depth, maxsize),
            text::stage_depth_short(depth, maxsize),
        ];
        if let (false, Some(n)) = (counted, &not_drawn) {
            forms = forms.map(|f| text::words().stage_both(&f, n));
        }
        let [long, short] = forms;
        let info = if width(&long) <= area.width {
            long
        } else {
            short
        };
        let line = Line::styled(info, style);
        let line = if line.width() <= area.width as usize {
            line.centered()
        } else {
            line
        };
        line.render(Rect::new(area.x, y, area.width, 1), buf);
    }
}

/// Draws the items over maxsize (positions `maxsize..depth` from the head)
/// left of the tube's tail wall, in dashed slots as wide as the tube's,
/// dimmed, as many as fit before the tail mark, with "+N over maxsize"
/// (or "+N") for the rest.
/// Returns the leftmost column drawn.
fn render_over(
    app: &View,
    theme: &Theme,
    area: Rect,
    geo: &TubeGeometry,
    (items, depth): (&[Queued], usize),
    spots: &mut Spots,
    buf: &mut Buffer,
) -> u16 {
    let m = app.scene.maxsize as usize;
    let over = depth.saturating_sub(m);
    let s = geo.plan.slot_w;
    let aw = width(theme.glyph(Glyph::ArrowRight));
    let x0 = geo.x0;
    let avail = x0.saturating_sub(area.x + aw);
    let step = s + 1;
    let rest = |n: usize| text::stage_hidden(over - n);
    let rest_forms = |n: usize| text::words().stage_over_maxsize(over - n);
    let mut n = (avail / step) as usize;
    n = n.min(over);
    while n > 0 && n < over && n as u16 * step + width(&rest(n)) + 2 > avail {
        n -= 1;
    }
    let g = walls(theme);
    let wall = theme.dim();
    let ext_x = x0 - n as u16 * step;
    for k in 0..n {
        let pos = m + k;
        let div = x0 - (k as u16 + 1) * step;
        let x = div + 1;
        put(buf, area, div, geo.mid, g.dashed_vertical, wall);
        let anchor = Anchor::slot(x, s, geo.mid);
        match items.get(pos) {
            Some(q) => {
                if let Some(seq) = q.seq {
                    spots.places.insert(seq, anchor);
                }
                let label = clip_label(&q.label, s, theme);
                put(
                    buf,
                    area,
                    anchor.label_x(width(&label)),
                    geo.mid,
                    &label,
                    theme.dim(),
                );
            }
            None => {
                let label = unknown_item(theme);
                put(
                    buf,
                    area,
                    anchor.label_x(width(label)),
                    geo.mid,
                    label,
                    theme.dim(),
                );
            }
        }
    }
    if n > 0
        && let Some((top, bottom)) = geo.walls
    {
        for y in [top, bottom] {
            for cx in ext_x..x0 {
                put(buf, area, cx, y, g.dashed_horizontal, wall);
            }
        }
        put(buf, area, x0, top, g.top_divider, wall);
        put(buf, area, x0, bottom, g.bottom_divider, wall);
    }
    let mut left = ext_x;
    if n < over {
        // "+N over maxsize" (or fewer words), a space either side.
        let room = ext_x.saturating_sub(area.x + aw + 2);
        let forms = rest_forms(n);
        let more = forms
            .iter()
            .find(|f| width(f) <= room)
            .cloned()
            .unwrap_or_else(|| rest(n));
        let x = ext_x.saturating_sub(width(&more) + 1);
        if x > area.x + aw {
            put(buf, area, x, geo.mid, &more, theme.dim());
            left = x - 1;
        }
    }
    left
}
