//! Where each region goes, for any terminal size from 80x24 up. Rendering
//! and mouse hit-testing both use this.
//!
//! Plain: the stage across the top, the processes and the detail panel
//! under it, the event log, the footer. A lesson adds its caption bar under
//! the header; the program panel (`c`) takes the detail panel's place and
//! the log's right half, beside the processes and the log (the stage keeps
//! the whole width: it is the picture). The classroom layout gives the
//! stage more rows and the program more columns.

use ratatui::layout::{Constraint, Layout, Rect};

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::model::View;

/// From this width on, the detail panel stays beside the program panel.
const PANEL_WITH_CODE: u16 = 150;

/// The screen's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// A lesson's caption bar.
    pub caption: Option<Rect>,
    pub stage: Rect,
    pub processes: Rect,
    /// The detail panel (hidden beside the program on a narrow screen).
    pub panel: Option<Rect>,
    /// The program panel.
    pub code: Option<Rect>,
    pub log: Rect,
    /// A replay's timeline, above the footer.
    pub timeline: Option<Rect>,
    pub footer: Rect,
}

/// What the screen must make room for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// A replay's timeline row.
    pub timeline: bool,
    /// Rows the caption bar asks for (0: no lesson).
    pub caption: u16,
    /// The program panel.
    pub code: bool,
    /// The projector's layout.
    pub classroom: bool,
}

impl Shape {
    /// What `view` shows, on a screen `width` wide.
    pub fn of(view: &View, width: u16) -> Shape {
        Shape {
            timeline: view.timeline.is_some(),
            caption: super::caption::height(view, width),
            code: view.controls.code && view.controls.program(view.scene).is_some(),
            classroom: view.controls.classroom,
        }
    }
}

/// The regions of `view`'s screen; `None` when `area` is smaller than
/// 80x24.
pub fn areas_for(area: Rect, view: &View) -> Option<Areas> {
    areas_shaped(area, Shape::of(view, area.width))
}

/// Splits `area` for a plain screen.
pub fn areas(area: Rect) -> Option<Areas> {
    areas_shaped(area, Shape::default())
}

/// Splits `area` for `shape`; `None` when it is smaller than 80x24.
pub fn areas_shaped(area: Rect, shape: Shape) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    // A replay's timeline takes one row, right above the footer.
    let full = area;
    let area = if shape.timeline {
        Rect {
            height: area.height - 1,
            ..area
        }
    } else {
        area
    };
    let body = area.height - 2;
    // Under the stage: the processes (8 rows, 6 under a caption) and the
    // log (4), or the program beside them.
    let min_middle = if shape.caption > 0 { 6 } else { 8 };
    let min_bottom = if shape.code { 8 } else { min_middle + 4 };
    // The caption gets what it asks, up to a third of the body, leaving
    // the stage its 8 rows.
    let caption_h = shape
        .caption
        .min(body / 3)
        .min(body.saturating_sub(8 + min_bottom));
    let rest = body - caption_h;
    let (stage_pct, middle_pct) = match (shape.code, shape.classroom) {
        (false, false) => (36, 34),
        (false, true) => (46, 30),
        (true, false) => (40, 0),
        (true, true) => (46, 0),
    };
    let stage_h = (rest * stage_pct / 100).max(8).min(rest - min_bottom);
    let [header, caption, stage, bottom, mut footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(caption_h),
        Constraint::Length(stage_h),
        Constraint::Min(8),
        Constraint::Length(1),
    ])
    .areas(area);
    let bar = shape.timeline.then(|| {
        let bar = footer;
        footer.y = full.bottom() - 1;
        bar
    });
    let caption = (caption_h > 0).then_some(caption);
    let areas = if shape.code {
        // The program beside the processes and the log; wider in the
        // classroom, whose processes panel has three columns.
        let code_pct = if shape.classroom { 50 } else { 46 };
        let code_w = (area.width * code_pct / 100).clamp(38, 80);
        let [left, code] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(code_w)]).areas(bottom);
        let procs_h = (left.height * 55 / 100).max(4);
        let [top, log] =
            Layout::vertical([Constraint::Length(procs_h), Constraint::Min(4)]).areas(left);
        let (processes, panel) = if area.width >= PANEL_WITH_CODE {
            let panel_w = (left.width * 40 / 100).clamp(30, 64);
            let [p, d] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(panel_w)]).areas(top);
            (p, Some(d))
        } else {
            (top, None)
        };
        Areas {
            header,
            caption,
            stage,
            processes,
            panel,
            code: Some(code),
            log,
            timeline: bar,
            footer,
        }
    } else {
        let middle_h = (rest * middle_pct / 100)
            .max(min_middle)
            .min(bottom.height - 4);
        let [middle, log] =
            Layout::vertical([Constraint::Length(middle_h), Constraint::Min(4)]).areas(bottom);
        let panel_w = (area.width * 36 / 100).clamp(30, 64);
        let [processes, panel] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(panel_w)]).areas(middle);
        Areas {
            header,
            caption,
            stage,
            processes,
            panel: Some(panel),
            code: None,
            log,
            timeline: bar,
            footer,
        }
    };
    Some(areas)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (120, 35), (160, 48)];

    fn shapes() -> Vec<Shape> {
        let mut out = Vec::new();
        for timeline in [false, true] {
            for caption in [0, 3, 9, 40] {
                for code in [false, true] {
                    for classroom in [false, true] {
                        out.push(Shape {
                            timeline,
                            caption,
                            code,
                            classroom,
                        });
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_region_fits_at_80x24_and_160x48() {
        for (w, h) in [(80, 24), (160, 48), (120, 35)] {
            let a = areas(Rect::new(0, 0, w, h)).unwrap();
            assert!(a.stage.height >= 8 && a.processes.height >= 8 && a.log.height >= 4);
            assert_eq!(a.footer.bottom(), h);
            assert_eq!(a.processes.width + a.panel.unwrap().width, w);
        }
    }

    #[test]
    fn regions_never_overlap_and_stay_on_screen_in_every_shape() {
        for (w, h) in SIZES {
            let screen = Rect::new(0, 0, w, h);
            for shape in shapes() {
                let a = areas_shaped(screen, shape).unwrap();
                let mut all = vec![a.header, a.stage, a.processes, a.log, a.footer];
                all.extend(a.caption);
                all.extend(a.panel);
                all.extend(a.code);
                all.extend(a.timeline);
                for (i, r) in all.iter().enumerate() {
                    assert_eq!(
                        r.intersection(screen),
                        *r,
                        "{w}x{h} {shape:?}: {r:?} off screen"
                    );
                    for s in &all[i + 1..] {
                        assert!(!r.intersects(*s), "{w}x{h} {shape:?}: {r:?} and {s:?}");
                    }
                }
                assert!(a.stage.height >= 8, "{w}x{h} {shape:?}");
                assert!(
                    a.processes.height >= 4 && a.log.height >= 4,
                    "{w}x{h} {shape:?}"
                );
                assert_eq!(a.stage.width, w, "the stage keeps the whole width");
            }
        }
    }

    #[test]
    fn the_program_takes_the_detail_panels_place_and_the_caption_is_capped() {
        let shape = Shape {
            caption: 40,
            code: true,
            ..Shape::default()
        };
        let a = areas_shaped(Rect::new(0, 0, 100, 30), shape).unwrap();
        let code = a.code.unwrap();
        assert!(a.panel.is_none());
        assert!(code.width >= 38 && code.height >= 10, "{code:?}");
        assert_eq!(a.caption.unwrap().height, 28 / 3);
        let a = areas_shaped(Rect::new(0, 0, 160, 48), shape).unwrap();
        assert!(a.panel.is_some(), "a wide screen keeps the detail panel");
    }

    #[test]
    fn the_classroom_stage_is_bigger() {
        let plain = areas(Rect::new(0, 0, 100, 30)).unwrap();
        let class = areas_shaped(
            Rect::new(0, 0, 100, 30),
            Shape {
                classroom: true,
                ..Shape::default()
            },
        )
        .unwrap();
        assert!(class.stage.height > plain.stage.height);
        let code = |classroom| {
            let shape = Shape {
                code: true,
                classroom,
                ..Shape::default()
            };
            areas_shaped(Rect::new(0, 0, 100, 30), shape).unwrap()
        };
        let (plain, class) = (code(false), code(true));
        assert!(class.code.unwrap().width > plain.code.unwrap().width);
        assert!(class.stage.height > plain.stage.height);
        assert!(class.processes.width >= 44, "room for the state's words");
    }

    #[test]
    fn a_replay_gets_a_timeline_row_just_above_the_footer() {
        let shape = Shape {
            timeline: true,
            ..Shape::default()
        };
        let a = areas_shaped(Rect::new(0, 0, 80, 24), shape).unwrap();
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
