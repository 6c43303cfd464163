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

#[cfg(test)]
pub(crate) mod testkit;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::model::app::App;
use theme::Theme;

/// Smallest terminal the screen is laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    render(app, theme, area, frame.buffer_mut());
}

/// Renders the whole screen into `buf` (also used by snapshot tests).
pub fn render(app: &App, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(a) = layout::areas(area) else {
        too_small(area, buf);
        return;
    };
    header::render(app, theme, a.header, buf);
    stage::render(app, theme, a.stage, buf);
    processes::render(app, theme, a.processes, buf);
    panel::render(app, theme, a.panel, buf);
    log::render(app, theme, a.log, buf);
    footer::render(app, theme, a.footer, buf);
    if app.help {
        help::render(app, theme, area, buf);
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let msg = crate::text::too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
    Paragraph::new(vec![Line::from(msg)])
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
