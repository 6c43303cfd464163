//! Rendering: reads the model, never changes it. One file per region; the
//! layout is computed in one place so clicks map to what was drawn.

pub mod footer;
pub mod header;
pub mod help;
pub mod keys;
pub mod layout;
pub mod log;
pub mod panel;
pub mod processes;
pub mod stage;
pub mod theme;
pub mod timeline;
pub mod width;

#[cfg(test)]
pub(crate) mod testkit;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::model::View;
use theme::Theme;

/// Smallest terminal the screen is laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &View, theme: &Theme) {
    let area = frame.area();
    render(app, theme, area, frame.buffer_mut());
}

/// Renders the whole screen into `buf` (also used by snapshot tests).
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(a) = layout::areas_with(area, app.timeline.is_some()) else {
        too_small(area, buf);
        return;
    };
    header::render(app, theme, a.header, buf);
    stage::render(app, theme, a.stage, buf);
    processes::render(app, theme, a.processes, buf);
    panel::render(app, theme, a.panel, buf);
    log::render(app, theme, a.log, buf);
    if let Some(t) = a.timeline {
        timeline::render(app, theme, t, buf);
    }
    footer::render(app, theme, a.footer, buf);
    if app.controls.help {
        help::render(app, theme, area, buf);
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let msg = crate::text::words().too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
    Paragraph::new(vec![Line::from(msg)])
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::testkit::{counter_app, pipe_app, queue_app, screen};

    #[test]
    fn whole_screen_queue_at_80x24() {
        insta::assert_snapshot!(screen(&queue_app(), 80, 24));
    }

    #[test]
    fn whole_screen_queue_at_160x48() {
        insta::assert_snapshot!(screen(&queue_app(), 160, 48));
    }

    #[test]
    fn whole_screen_pipe_and_counter_at_80x24() {
        insta::assert_snapshot!("pipe_80x24", screen(&pipe_app(), 80, 24));
        insta::assert_snapshot!("counter_80x24", screen(&counter_app(), 80, 24));
    }

    #[test]
    fn whole_screen_with_help_open_at_80x24() {
        let mut app = queue_app();
        app.controls.help = true;
        insta::assert_snapshot!(screen(&app, 80, 24));
    }

    #[test]
    fn below_the_minimum_size_a_message_replaces_the_layout() {
        let text = screen(&queue_app(), 60, 20);
        assert!(text.contains("at least 80x24"), "{text}");
        assert!(text.contains("60x20"));
        assert!(!text.contains("Processes"));
    }
}
