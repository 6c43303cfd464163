//! A replay's timeline: play state and speed, the playhead's time against
//! the recording's length, a track with marks where something happened
//! (blocks, Full/Empty, EOF, kills, recoveries, stuck), and the records
//! applied. A click on the track seeks there.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::model::View;
use crate::model::timeline::{Mark, Timeline};
use crate::text;

/// Columns before the track (state, time) and after it (records).
const LEFT: u16 = 24;
const RIGHT: u16 = 18;

/// Where the track is drawn in the timeline's row.
fn track(bar: Rect) -> Rect {
    let w = bar.width.saturating_sub(LEFT + RIGHT);
    Rect::new(bar.x + LEFT, bar.y, w, 1)
}

/// The fraction of the recording a click at column `x` means, if on the track.
pub fn fraction_at(bar: Rect, x: u16) -> Option<f64> {
    let t = track(bar);
    if t.width < 2 || x < t.x || x >= t.right() {
        return None;
    }
    Some((x - t.x) as f64 / (t.width - 1) as f64)
}

/// The mark that wins a column: the rarest and gravest.
fn rank(m: Mark) -> u8 {
    match m {
        Mark::Stuck => 6,
        Mark::Kill => 5,
        Mark::Recovery => 4,
        Mark::Eof => 3,
        Mark::Raised => 2,
        Mark::Block => 1,
    }
}

pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(tl) = app.timeline else { return };
    if area.is_empty() {
        return;
    }
    let secs = |ns: u64| ns.saturating_sub(tl.start_ns) as f64 / 1e9;
    let left = text::words().timeline_state(tl.playing, tl.speed, secs(tl.at_ns), secs(tl.end_ns));
    Line::styled(left, theme.title()).render(
        Rect {
            width: LEFT.min(area.width),
            ..area
        },
        buf,
    );
    let t = track(area);
    if t.width >= 2 {
        Line::from(track_spans(tl, theme, t.width)).render(t, buf);
    }
    if area.width >= RIGHT {
        let r = Rect::new(area.right() - RIGHT, area.y, RIGHT, 1);
        Line::styled(
            text::words().timeline_records(tl.position, tl.total),
            theme.dim(),
        )
        .right_aligned()
        .render(r, buf);
    }
}

fn track_spans(tl: &Timeline, theme: &Theme, w: u16) -> Vec<Span<'static>> {
    let w = w as usize;
    let span = tl.end_ns.saturating_sub(tl.start_ns).max(1);
    let col = |t: u64| {
        (((t.saturating_sub(tl.start_ns)) as f64 / span as f64) * (w - 1) as f64)
            .round()
            .clamp(0.0, (w - 1) as f64) as usize
    };
    let mut marks: Vec<Option<Mark>> = vec![None; w];
    for &(t, m) in tl.marks.iter() {
        let c = col(t);
        if marks[c].is_none_or(|old| rank(m) > rank(old)) {
            marks[c] = Some(m);
        }
    }
    let head = col(tl.at_ns);
    (0..w)
        .map(|c| {
            if c == head {
                return Span::styled(theme.timeline_head().to_string(), theme.title());
            }
            match marks[c] {
                Some(m) => Span::styled(text::timeline_mark(m).to_string(), theme.warn()),
                None if c < head => Span::styled(theme.timeline_past().to_string(), theme.ok()),
                None => Span::styled(theme.timeline_future().to_string(), theme.dim()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_maps_to_the_fraction_of_the_track_it_hits() {
        let bar = Rect::new(0, 22, 100, 1);
        let t = track(bar);
        assert_eq!(fraction_at(bar, t.x), Some(0.0));
        assert_eq!(fraction_at(bar, t.right() - 1), Some(1.0));
        assert_eq!(fraction_at(bar, 0), None);
        assert_eq!(fraction_at(bar, 99), None);
    }
}
