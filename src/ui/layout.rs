//! Where each region goes, for any terminal size from 80x24 up. Rendering
//! and mouse hit-testing both use this.

use ratatui::layout::{Constraint, Layout, Rect};

use super::{MIN_HEIGHT, MIN_WIDTH};

/// The screen's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub stage: Rect,
    pub processes: Rect,
    pub panel: Rect,
    pub log: Rect,
    /// A replay's timeline, above the footer.
    pub timeline: Option<Rect>,
    pub footer: Rect,
}

/// Splits `area`; `None` when it is smaller than 80x24.
pub fn areas(area: Rect) -> Option<Areas> {
    areas_with(area, false)
}

/// Splits `area`, with a row for a replay's timeline when `timeline`.
pub fn areas_with(area: Rect, timeline: bool) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    // A replay's timeline takes one row, right above the footer.
    let full = area;
    let area = if timeline {
        Rect {
            height: area.height - 1,
            ..area
        }
    } else {
        area
    };
    let body = area.height - 2;
    let stage_h = (body * 36 / 100).max(8);
    let middle_h = (body * 34 / 100).max(8);
    let [header, stage, middle, log, mut footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(stage_h),
        Constraint::Length(middle_h),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let panel_w = (area.width * 36 / 100).clamp(30, 64);
    let [processes, panel] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(panel_w)]).areas(middle);
    let bar = timeline.then(|| {
        let bar = footer;
        footer.y = full.bottom() - 1;
        bar
    });
    Some(Areas {
        header,
        stage,
        processes,
        panel,
        log,
        timeline: bar,
        footer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_fits_at_80x24_and_160x48() {
        for (w, h) in [(80, 24), (160, 48), (120, 35)] {
            let a = areas(Rect::new(0, 0, w, h)).unwrap();
            assert!(a.stage.height >= 8 && a.processes.height >= 8 && a.log.height >= 4);
            assert_eq!(a.footer.bottom(), h);
            assert_eq!(a.processes.width + a.panel.width, w);
        }
    }

    #[test]
    fn a_replay_gets_a_timeline_row_just_above_the_footer() {
        let a = areas_with(Rect::new(0, 0, 80, 24), true).unwrap();
        let t = a.timeline.unwrap();
        assert_eq!(t.y + 1, a.footer.y);
        assert_eq!(a.footer.bottom(), 24);
        assert!(a.log.bottom() <= t.y);
    }

    #[test]
    fn below_the_minimum_there_is_no_layout() {
        assert!(areas(Rect::new(0, 0, 79, 24)).is_none());
        assert!(areas(Rect::new(0, 0, 80, 23)).is_none());
    }
}
