//! (being written)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::model::app::App;

pub fn render(_app: &App, _theme: &Theme, _area: Rect, _buf: &mut Buffer) {}
