//! The pipe lesson on the stage: the sender, the pipe with its messages,
//! the receiver, and who holds each end.

use super::*;
use crate::stream::{Note, WaitLink};

// ----------------------------------------------------------------- pipe --

/// The pipe lesson: the sender on the left, the receiver on the right, the
/// pipe between them with the messages in it, and under them who holds
/// each end of the pipe.
pub(super) fn render_pipe(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let duplex = match &app.scene.cfg.scenario {
        Scenario::Pipe(p) => p.duplex,
        _ => false,
    };
    let h = area.height;
    let holders_h = h.saturating_sub(4).min(2);
    // The parent under the holders of the ends, on a stage tall enough:
    // its state, then its steps.
    let parent_h = match h {
        0..=7 => 0,
        8..=10 => 1,
        _ => 2,
    };
    let gap = u16::from(h > PIPE_ROWS + holders_h + parent_h);
    let content_h = (h - holders_h - gap - parent_h).min(PIPE_ROWS);
    let [top, _, holders, parent] = area.layout(
        &Layout::vertical([
            Constraint::Length(content_h),
            Constraint::Length(gap),
            Constraint::Length(holders_h),
            Constraint::Length(parent_h),
        ])
        .flex(Flex::Center),
    );
    render_parent(app, theme, parent, buf);
    let senders = cards_of(app, theme, Role::Sender, |p| pusher_detail(p, theme));
    let eof = app.scene.world.pipe.eof;
    let receivers = cards_of(app, theme, Role::Receiver, |p| {
        if eof {
            detail(text::words().stage_eof().into())
        } else {
            done_detail(p)
        }
    });
    let (mid, mut spots) = render_sides(
        theme,
        (top, side_width(top.width)),
        &senders,
        &receivers,
        buf,
    );
    render_pipe_tube(app, theme, mid, duplex, &mut spots, buf);
    render_holders(app, theme, holders, buf);
    spots
}

/// The pipe as a tube with the messages sent and not yet received, the
/// oldest nearest the receiver; arrows both ways along its walls when
/// duplex; bytes buffered against capacity under it. Messages the model
/// no longer follows one by one (the oldest, in a flood) are counted at
/// the receiver's end, never labelled. Fills in its ends, where each
/// message rests and where they come out.
pub(super) fn render_pipe_tube(
    app: &View,
    theme: &Theme,
    area: Rect,
    duplex: bool,
    spots: &mut Spots,
    buf: &mut Buffer,
) {
    let Some(rows) = tube_rows(area) else {
        return;
    };
    let aw = width(theme.glyph(Glyph::ArrowRight));
    let inside = &app.scene.world.pipe.inside;
    let full = area.width.saturating_sub(2 * aw);
    let run = if full >= 2 * RUNWAY + MIN_PIPE {
        RUNWAY
    } else {
        0
    };
    let tube_w = full - 2 * run;
    let x0 = area.x + run + aw;
    let marks = duplex.then(|| {
        (
            theme.glyph(Glyph::ArrowRight),
            theme.glyph(Glyph::ArrowLeft),
        )
    });
    render_tube(theme, area, rows, (x0, tube_w), &[], marks, buf);
    spots.label_w = LABEL_W;

    // Messages from the receiver's end leftwards, oldest first: after
    // those not followed one by one, if any.
    let style = app
        .scene
        .world
        .by_role(Role::Sender)
        .next()
        .map_or(Style::new(), |p| theme.proc(p.id))
        .add_modifier(Modifier::BOLD);
    let lo = x0 + 2;
    let mut hi = (x0 + tube_w).saturating_sub(2);
    spots.exit = Some(Anchor::ends_at((hi.saturating_sub(1), rows.mid)));
    if inside.untracked > 0 {
        let more = text::words().stage_untracked(inside.untracked);
        let x = hi.saturating_sub(width(&more)).max(lo);
        put(buf, area, x, rows.mid, &more, theme.dim());
        hi = x.saturating_sub(2);
    }
    let labels: Vec<String> = inside
        .items
        .iter()
        .map(|t| clip_label(&t.label, LABEL_W, theme))
        .collect();
    let landing_in = landing(app, false);
    let (placed, hidden) = place_from_right(labels.iter().map(String::as_str), lo, hi);
    for (t, (x, label)) in inside.items.iter().zip(&placed) {
        if let Some(n) = t.seq {
            spots.places.insert(n, Anchor::starts_at((*x, rows.mid)));
            if landing_in.contains(&n) {
                continue;
            }
        }
        put(buf, area, *x, rows.mid, label, style);
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
    // Replies on their way back (a duplex pipe with --echo): from the
    // sender's end rightwards, oldest first, up to the messages.
    let back_hi = placed
        .last()
        .map_or(hi, |(x, _)| x.saturating_sub(2))
        .min(if hidden > 0 { lo } else { hi });
    render_back(app, theme, area, rows.mid, (lo, back_hi), spots, buf);

    // Each end is marked blocked while its process waits there: to send
    // into a full pipe, or (a duplex end) to receive from an empty way.
    let back_empty = app.scene.world.pipe.back.count() == 0;
    let waits = |role: Role, recv_empty: bool| {
        app.scene.world.by_role(role).any(|p| {
            p.alive()
                && match p.activity {
                    Activity::WaitingToSend { .. } => true,
                    Activity::WaitingToRecv { .. } => recv_empty,
                    _ => false,
                }
        })
    };
    let sender_blocked = waits(Role::Sender, duplex && back_empty);
    let receiver_blocked = waits(Role::Receiver, inside.count() == 0);
    let (in_mark, in_style) = end_mark(theme, sender_blocked);
    let (out_mark, out_style) = end_mark(theme, receiver_blocked);
    put(buf, area, x0 - aw, rows.mid, &in_mark, in_style);
    put(buf, area, x0 + tube_w, rows.mid, &out_mark, out_style);

    if let Some(y) = rows.label {
        let (send, recv) = (
            text::pipe_end_label(duplex, true),
            text::pipe_end_label(duplex, false),
        );
        render_end_labels(area, y, (x0, tube_w), (&send, &recv), theme.title(), buf);
    }
    if let Some(y) = rows.info {
        let stats = app.scene.pipe.as_ref();
        let bytes = text::words()
            .stage_pipe_bytes(stats.and_then(|s| s.bytes), stats.and_then(|s| s.capacity));
        let both = text::words().stage_both(&bytes, text::words().stage_pipe_way(duplex));
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
    let ends = tube_ends(x0 - aw, tube_w + 2 * aw, rows.mid);
    spots.ends = Some(ends);
    spots.gone = spots.exit;
    // Messages inside but not drawn rest at the send end.
    for t in inside.items.iter().skip(placed.len()) {
        if let Some(n) = t.seq {
            spots.places.insert(n, ends.0);
        }
    }
}

/// The replies inside a duplex pipe, from its sender's end rightwards in
/// columns `lo..hi`, the oldest (next out) nearest the sender: where each
/// rests, and where they come out.
fn render_back(
    app: &View,
    theme: &Theme,
    area: Rect,
    y: u16,
    (lo, hi): (u16, u16),
    spots: &mut Spots,
    buf: &mut Buffer,
) {
    spots.back_exit = Some(Anchor::starts_at((lo, y)));
    let back = &app.scene.world.pipe.back;
    if back.count() == 0 || hi <= lo {
        return;
    }
    let style = app
        .scene
        .world
        .by_role(Role::Receiver)
        .next()
        .map_or(Style::new(), |p| theme.proc(p.id))
        .add_modifier(Modifier::BOLD);
    let landing = landing(app, true);
    let mut x = lo;
    for t in &back.items {
        let label = clip_label(&t.label, LABEL_W, theme);
        let w = width(&label);
        if x + w > hi {
            break;
        }
        if let Some(n) = t.seq {
            spots.back_places.insert(n, Anchor::starts_at((x, y)));
            if landing.contains(&n) {
                x += w + 2;
                continue;
            }
        }
        put(buf, area, x, y, &label, style);
        x += w + 2;
    }
}

/// Places labels right to left in columns `lo..hi`, two apart, keeping
/// room for a "+N" at `lo` for those that do not fit; returns where each
/// placed label starts and how many did not fit.
pub(super) fn place_from_right<'a>(
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

/// Who holds each end of the pipe, one row each (the send end first), as
/// the kernel shows it: a copy of the send end the parent kept, or one the
/// receiver itself holds (inherited, never closed), is named with what it
/// causes (not while a lesson's question is open: that is the answer). While the two ends wait for each other, the chain of waits
/// instead.
pub(super) fn render_holders(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if let Some(Note::Deadlock { chain }) = &app.scene.stuck
        && !app.scene.finished()
    {
        render_chain(theme, chain, area, buf);
        return;
    }
    for (send, row) in [true, false].into_iter().zip(area.rows()) {
        let line = (0..3)
            .map(|tier| holders_line(app, theme, send, tier))
            .find(|l| l.width() <= row.width as usize)
            .unwrap_or_else(|| holders_line(app, theme, send, 2));
        line.render(row, buf);
    }
}

/// A deadlock's chain of waits, one link a row: "DEADLOCK: sender 952
/// waits in recv() for receiver 953".
fn render_chain(theme: &Theme, chain: &[WaitLink], area: Rect, buf: &mut Buffer) {
    let mark = format!(
        "{} {}",
        theme.glyph(Glyph::Blocked),
        text::words().stage_deadlock()
    );
    let pad = " ".repeat(width(&mark) as usize);
    for (i, (link, row)) in chain.iter().zip(area.rows()).enumerate() {
        let lead = if i == 0 { mark.clone() } else { pad.clone() };
        let says = text::words().stage_waits_for(&link.name, link.pid, &link.on_name, link.on);
        Line::from(vec![
            Span::styled(lead, theme.blocked()),
            Span::styled(says, theme.blocked()),
        ])
        .render(row, buf);
    }
}

/// One end's holders: `tier` 0 says it all, 1 shortens the warning, 2 also
/// drops the PIDs (for a narrow stage).
pub(super) fn holders_line(app: &View, theme: &Theme, send: bool, tier: u8) -> Line<'static> {
    let duplex = matches!(&app.scene.cfg.scenario, Scenario::Pipe(p) if p.duplex);
    let label = text::pipe_end_label(duplex, send);
    let mut spans = vec![Span::raw(text::words().stage_end_held_by(&label))];
    let Some(stats) = &app.scene.pipe else {
        spans.push(Span::styled(text::words().stage_not_sampled(), theme.dim()));
        return Line::from(spans);
    };
    let list = if send {
        &stats.send_holders
    } else {
        &stats.recv_holders
    };
    if list.is_empty() {
        spans.push(Span::styled(text::words().stage_nobody(), theme.dim()));
    }
    let (mut parent, mut own) = (false, false);
    for (i, h) in list.iter().enumerate() {
        let (pid, name) = (h.pid, crate::ui::panel::holder_name(app, h));
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        let style = match app.scene.world.by_pid(pid) {
            Some(p) => {
                own |= p.role == Role::Receiver;
                theme.proc(p.id).add_modifier(Modifier::BOLD)
            }
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
    // While the class thinks about a question, the stage shows who holds
    // what, not what it causes.
    let asking = app
        .controls
        .guide
        .as_ref()
        .is_some_and(|g| g.asking == crate::model::guide::Asking::Open);
    let why = match (send && !asking, own, parent) {
        (false, _, _) | (true, false, false) => None,
        (true, false, true) => Some(text::words().stage_parent_holds_send(tier >= 1)),
        (true, true, parent_too) => Some(text::words().stage_own_copy(parent_too, tier >= 1)),
    };
    if let Some(why) = why {
        let arrow = theme.glyph(Glyph::ArrowLeft);
        spans.push(Span::styled(format!("  {arrow} {why}"), theme.warn()));
    }
    Line::from(spans)
}
