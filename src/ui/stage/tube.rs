//! A tube drawn between the two sides: its rows, walls, end marks and labels
//! (shared by the queue and the pipe).

use super::*;

// ----------------------------------------------------------------- tube --

/// The rows a tube uses, from most to least needed: its middle (slots or
/// messages), its walls, a row of figures under it, a row naming its ends.
#[derive(Debug, Clone, Copy)]
pub(super) struct TubeRows {
    pub(super) label: Option<u16>,
    pub(super) walls: Option<(u16, u16)>,
    pub(super) mid: u16,
    pub(super) info: Option<u16>,
}

/// Places a tube's rows in `area`, centred top to bottom; `None` when
/// there is no row at all.
pub(super) fn tube_rows(area: Rect) -> Option<TubeRows> {
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
pub(super) struct WallSet {
    pub(super) top_left: &'static str,
    pub(super) top_right: &'static str,
    pub(super) bottom_left: &'static str,
    pub(super) bottom_right: &'static str,
    pub(super) horizontal: &'static str,
    pub(super) vertical: &'static str,
    pub(super) top_divider: &'static str,
    pub(super) bottom_divider: &'static str,
    /// A wall that goes on past what is drawn, or that holds what is over
    /// a limit.
    pub(super) dashed_horizontal: &'static str,
    pub(super) dashed_vertical: &'static str,
}

pub(super) fn walls(theme: &Theme) -> WallSet {
    let b = theme.border();
    let (top_divider, bottom_divider) = if theme.ascii {
        ("+", "+")
    } else {
        ("┬", "┴")
    };
    let (dashed_horizontal, dashed_vertical) = if theme.ascii {
        (".", ":")
    } else {
        ("┄", "┆")
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
        dashed_horizontal,
        dashed_vertical,
    }
}

/// Draws a tube's walls from column `x`, `w` wide, with dividers at the
/// columns in `dividers`, and optional direction marks along the top and
/// bottom walls (a duplex pipe's two ways).
pub(super) fn render_tube(
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
pub(super) fn end_mark(theme: &Theme, blocked: bool) -> (String, Style) {
    let arrow = theme.glyph(Glyph::ArrowRight);
    if blocked {
        let w = width(arrow) as usize;
        let glyph = theme.glyph(Glyph::Blocked);
        (format!("{glyph:<w$}"), theme.blocked())
    } else {
        (arrow.to_string(), theme.dim())
    }
}

/// Names the tube's two ends over its walls, when it is wide enough;
/// returns whether it was.
pub(super) fn render_end_labels(
    area: Rect,
    y: u16,
    (x, w): (u16, u16),
    (left, right): (&str, &str),
    style: Style,
    buf: &mut Buffer,
) -> bool {
    let (lw, rw) = (width(left), width(right));
    if w > lw + rw {
        put(buf, area, x, y, left, style);
        put(buf, area, x + w - rw, y, right, style);
        true
    } else {
        false
    }
}
