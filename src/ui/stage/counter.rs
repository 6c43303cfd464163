//! The counter lesson on the stage: the shared value, big, with what it
//! should be and the updates lost.

use super::*;
use crate::model::race;
use crate::model::scene::NOTICE_NS;

// -------------------------------------------------------------- counter --

/// The counter lesson: the shared value big in the middle (or an Array's
/// cells) with what it should be and the updates lost, the counting
/// processes around it. Paced, each card shows the counter's register and
/// the step it does next; at full speed, its progress.
pub(super) fn render_counter(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let increments = match &app.scene.cfg.scenario {
        Scenario::Counter(c) => c.increments,
        _ => 0,
    };
    let stepped = race::stepped(app.scene);
    let mut cards = cards_of(app, theme, Role::Counter, |p| {
        if stepped && p.alive() {
            race_detail(app, p)
        } else {
            cards::detail(progress_bar(theme, p.done, increments))
        }
    });
    let right = cards.split_off(cards.len().div_ceil(2));
    // Counters' cards are small: the value gets the room (a paced card
    // says its register and next step, and needs more).
    let side = if stepped && race::array(app.scene) > 0 {
        // An Array's cells want the room of four side by side.
        side_width(area.width).min(ARRAY_SIDE)
    } else if stepped {
        side_width(area.width)
    } else {
        side_width(area.width).min(SIDE_MIN)
    };
    let (mid, spots) = render_sides(theme, (area, side), &cards, &right, buf);
    if race::array(app.scene) > 0 {
        render_cells(app, theme, mid, buf);
    } else {
        render_value(app, theme, mid, buf);
    }
    spots
}

/// A paced counter's card line: its register and the code of its next
/// step ("tmp=5, next: tmp += 1"), or who holds the lock it waits for.
fn race_detail(app: &View, p: &Proc) -> cards::Detail {
    let w = &app.scene.world;
    if let Activity::WaitingForLock { holder, .. } = p.activity {
        let name = race::lock_holder(w, holder);
        return cards::detail(text::words().lock_held_by(name.as_deref()));
    }
    let tmp = w.race.regs.get(&p.id).and_then(|r| r.tmp);
    match race::next_step(p, app.scene) {
        Some((step, _)) => {
            let code = text::step_code(step, race::cell_of(p, app.scene), race::array(app.scene));
            [
                text::words().race_next(tmp, &code),
                text::words().race_next_short(tmp, step),
            ]
        }
        None => done_detail(p),
    }
}

/// A counter's increments done as a small bar and the number.
pub(super) fn progress_bar(theme: &Theme, done: u64, of: u64) -> String {
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

/// The facts under the value (or the cells), in display order: expected
/// vs actual, the updates lost, and one line on why: the latest write
/// that overwrote others' updates (for a few seconds), that at full speed
/// they are counted but not told, or what the lock does.
fn facts(app: &View, theme: &Theme) -> [Line<'static>; 3] {
    let lock = race::lock_on(app.scene);
    let (expected, actual) = crate::ui::panel::counter_figures(app);
    let lost = (expected as i128 - actual as i128).clamp(0, u64::MAX as i128) as u64;
    let lost_style = if lost > 0 {
        theme.blocked()
    } else {
        theme.ok()
    };
    let t = text::words();
    let w = &app.scene.world;
    let recent = w
        .race
        .last()
        .filter(|o| o.t_ns + NOTICE_NS > app.scene.now_ns);
    let why = if let Some(o) = recent {
        let by = w.proc(o.by).map_or(String::new(), |p| p.name.clone());
        let said = if o.lost > 0 {
            let victims: Vec<String> = o
                .victims
                .iter()
                .filter_map(|v| w.proc(*v).map(|p| p.name.clone()))
                .collect();
            t.stage_overwrote(&by, &victims)
        } else {
            t.notice_caught_up(&by, o.value, o.old)
        };
        Line::styled(said, theme.blocked())
    } else if !race::stepped(app.scene) && lost > 0 && !lock {
        Line::styled(t.race_full_speed(), theme.dim())
    } else if race::stepped(app.scene) && app.scene.telemetry.dropped > 0 {
        Line::styled(t.race_partial(w.race.lost, lost), theme.warn())
    } else if w.race.lock_set.is_some() {
        Line::styled(t.lock_now(lock), theme.dim())
    } else {
        Line::styled(t.stage_lock(lock, lost > 0), theme.dim())
    };
    [
        Line::raw(t.stage_expected_actual(expected, actual)),
        Line::styled(text::stage_lost(lost, expected), lost_style),
        why,
    ]
}

/// Lines centred in `area` from its middle, those too wide kept from their
/// start (which says what they are).
fn centred(lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer) {
    let rows = area.height as usize;
    let top = area.y + (rows.saturating_sub(lines.len()) / 2) as u16;
    let body = Rect::new(area.x, top, area.width, area.bottom() - top);
    for (line, row) in lines.into_iter().zip(body.rows()) {
        if line.width() <= row.width as usize {
            line.centered().render(row, buf);
        } else {
            line.render(row, buf);
        }
    }
}

/// Fact `i` as it fits in `width` columns: its runs of spaces squeezed if
/// it is too wide, and a line of figures left out if even that is too wide
/// (a number cut short would be false; the why, words, may be cut).
fn fitted(facts: &[Line<'static>; 3], i: usize, width: u16) -> Option<Line<'static>> {
    let line = facts[i].clone();
    if line.width() <= width as usize {
        return Some(line);
    }
    let squeezed = Line::from(
        line.spans
            .iter()
            .map(|s| {
                let mut t = String::new();
                for c in s.content.chars() {
                    if !(c == ' ' && t.ends_with(' ')) {
                        t.push(c);
                    }
                }
                Span::styled(t, s.style)
            })
            .collect::<Vec<_>>(),
    )
    .style(line.style);
    if squeezed.width() <= width as usize || i == 2 {
        Some(squeezed)
    } else {
        None
    }
}

/// Which facts fit under `taken` rows of picture in `rows`: the lost line
/// first, then expected vs actual, then the why.
fn kept(rows: usize, taken: usize) -> &'static [usize] {
    match rows.saturating_sub(taken).min(3) {
        0 => &[],
        1 => &[1],
        2 => &[0, 1],
        _ => &[0, 1, 2],
    }
}

/// The shared value, big when there is room, then expected vs actual, the
/// updates lost so far, and why (the lock or its absence, the latest
/// overwrite). Lines that do not fit go, least important first.
pub(super) fn render_value(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let (_, actual) = crate::ui::panel::counter_figures(app);
    let facts = facts(app, theme);
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
    let keep = kept(rows, number.len());
    let caption = rows >= number.len() + keep.len() + 2;
    let mut lines: Vec<Line> = Vec::new();
    if caption {
        lines.push(Line::styled(text::stage_value_caption(), theme.dim()));
    }
    lines.extend(number);
    if caption {
        lines.push(Line::raw(""));
    }
    lines.extend(keep.iter().filter_map(|&i| fitted(&facts, i, area.width)));
    centred(lines, area, buf);
}

/// An Array's cells side by side (as many rows of them as it takes): each
/// cell's name, its value, the counters on it and the updates it lost;
/// then the facts of the whole.
fn render_cells(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let n = race::array(app.scene) as usize;
    let w = &app.scene.world;
    let cell = |i: usize| race::cell_figures(app.scene, i as u32);
    let on = |i: usize| -> String {
        w.by_role(Role::Counter)
            .filter(|p| p.alive() && race::cell_of(p, app.scene) as usize == i)
            .map(crate::model::code::short_name)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let col = CELL_W.min(area.width.max(1));
    let per_row = ((area.width + 1) / (col + 1)).max(1) as usize;
    let bands = n.div_ceil(per_row);
    let facts = facts(app, theme);
    let rows = area.height as usize;
    // As many bands as leave a row for the lost line (and one for "+N
    // more" when some cells are left out).
    let fits = (1..=bands)
        .rev()
        .find(|&b| b * CELL_ROWS + 1 + usize::from(b < bands) <= rows)
        .unwrap_or(1);
    let shown = (fits * per_row).min(n);
    let keep = kept(rows, fits * CELL_ROWS + usize::from(shown < n));
    let mut lines: Vec<Line<'static>> = Vec::new();
    for band in (0..shown).collect::<Vec<_>>().chunks(per_row) {
        let mut parts: [Vec<Span<'static>>; CELL_ROWS] = Default::default();
        for (k, &i) in band.iter().enumerate() {
            let (value, expected) = cell(i);
            let lost = (expected as i128 - value as i128).max(0) as u64;
            let gap = if k > 0 { " " } else { "" };
            let cut = |s: String| pad_center(&s, col as usize);
            let lost_style = if lost > 0 {
                theme.blocked()
            } else {
                theme.ok()
            };
            for (row, (s, style)) in parts.iter_mut().zip([
                (format!("arr[{i}]"), theme.dim()),
                (group_thousands(value), theme.title()),
                (on(i), Style::new()),
                (text::words().cell_lost(lost), lost_style),
            ]) {
                row.push(Span::raw(gap));
                row.push(Span::styled(cut(s), style));
            }
        }
        lines.extend(parts.into_iter().map(Line::from));
    }
    if shown < n {
        lines.push(Line::styled(
            text::words().stage_more(n - shown),
            theme.dim(),
        ));
    }
    lines.extend(keep.iter().filter_map(|&i| fitted(&facts, i, area.width)));
    centred(lines, area, buf);
}

/// `s` cut to `w` columns and centred in them.
fn pad_center(s: &str, w: usize) -> String {
    let s = crate::ui::width::clip(s, w);
    let used = crate::ui::width::width(s);
    let left = (w - used) / 2;
    format!("{}{s}{}", " ".repeat(left), " ".repeat(w - used - left))
}

/// Columns of a paced Array run's side: its longest card line
/// ("tmp=13, next: arr[3] = tmp").
const ARRAY_SIDE: u16 = 26;

/// Columns of one Array cell on the stage.
const CELL_W: u16 = 9;
/// Rows of one band of cells: name, value, counters, lost.
const CELL_ROWS: usize = 4;

/// A number three rows high: half blocks, or a seven-segment ASCII font;
/// a wider gap between groups of three digits.
pub(super) fn big_digits(n: i64, ascii: bool) -> [String; 3] {
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
pub(super) fn group_thousands(n: i64) -> String {
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
pub(super) fn pixels(c: char) -> [&'static str; 5] {
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
pub(super) fn half_blocks(c: char) -> [String; 3] {
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
pub(super) fn seven_segment(c: char) -> [String; 3] {
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
