//! The counter lesson on the stage: the shared value, big, with what it
//! should be and the updates lost.

use super::*;

// -------------------------------------------------------------- counter --

/// The counter lesson: the shared value big in the middle with what it
/// should be and the updates lost, the counting processes around it.
pub(super) fn render_counter(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) -> Spots {
    let increments = match &app.scene.cfg.scenario {
        Scenario::Counter(c) => c.increments,
        _ => 0,
    };
    let mut cards = cards_of(app, theme, Role::Counter, |p| {
        cards::detail(progress_bar(theme, p.done, increments))
    });
    let right = cards.split_off(cards.len().div_ceil(2));
    // Counters' cards are small: the value gets the room.
    let side = side_width(area.width).min(SIDE_MIN);
    let (mid, spots) = render_sides(theme, (area, side), &cards, &right, buf);
    render_value(app, theme, mid, buf);
    spots
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

/// The shared value, big when there is room, then expected vs actual, the
/// updates lost so far, and why (the lock or its absence). Lines that do
/// not fit go, least important first.
pub(super) fn render_value(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let lock = matches!(&app.scene.cfg.scenario, Scenario::Counter(c) if c.lock);
    let (expected, actual) = crate::ui::panel::counter_figures(app);
    let lost = (expected as i128 - actual as i128).clamp(0, u64::MAX as i128) as u64;
    let lost_style = if lost > 0 {
        theme.blocked()
    } else {
        theme.ok()
    };
    let facts = [
        Line::raw(text::words().stage_expected_actual(expected, actual)),
        Line::styled(text::stage_lost(lost, expected), lost_style),
        Line::styled(text::words().stage_lock(lock, lost > 0), theme.dim()),
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
