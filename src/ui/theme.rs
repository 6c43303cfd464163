//! Colours and glyphs in one place: a colour per process, a word and a glyph
//! for every state (never colour alone), `NO_COLOR` and `--ascii`, and the
//! classroom's high contrast (a projector washes colours out).

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::stream::ProcId;

/// How the screen may draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    /// High contrast, for a projector (`--classroom`): nothing is drawn
    /// dark grey, states are bold, and the state colours are Okabe-Ito's
    /// (vermillion, bluish green, orange), which colour-blind eyes tell
    /// apart; words and glyphs still carry every meaning.
    pub contrast: bool,
}

/// Distinct, colour-blind-friendly hues (Okabe-Ito order), then a few more.
const PALETTE: [Color; 8] = [
    Color::Rgb(230, 159, 0),
    Color::Rgb(86, 180, 233),
    Color::Rgb(0, 158, 115),
    Color::Rgb(240, 228, 66),
    Color::Rgb(0, 114, 178),
    Color::Rgb(213, 94, 0),
    Color::Rgb(204, 121, 167),
    Color::Rgb(180, 180, 180),
];

/// The classroom's state colours (Okabe-Ito): blocked, running, warning.
const VERMILLION: Color = Color::Rgb(213, 94, 0);
const BLUISH_GREEN: Color = Color::Rgb(0, 158, 115);
const ORANGE: Color = Color::Rgb(230, 159, 0);

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Glyphs with an ASCII fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    ArrowRight,
    ArrowLeft,
    /// A filled cell (gauges, tube walls).
    Full,
    /// A light cell (empty part of a gauge).
    Light,
    /// Blocked.
    Blocked,
    /// Running / active.
    Running,
    /// Sleeping.
    Sleeping,
    /// Stopped (frozen).
    Stopped,
    /// Dead.
    Dead,
    /// Selected row marker.
    Selected,
    /// A travelling item's head.
    Dot,
    /// An exception just raised (`queue.Full`, `queue.Empty`).
    Raised,
    /// A step done.
    Done,
}

impl Theme {
    pub fn new(ascii: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color,
            ascii,
            contrast: false,
        }
    }

    /// This theme with the classroom's high contrast on or off.
    pub fn with_contrast(self, contrast: bool) -> Theme {
        Theme { contrast, ..self }
    }

    /// The plain theme used by snapshot tests and under NO_COLOR.
    pub fn plain() -> Theme {
        Theme {
            color: false,
            ascii: false,
            contrast: false,
        }
    }

    pub fn glyph(&self, g: Glyph) -> &'static str {
        match (g, self.ascii) {
            (Glyph::ArrowRight, false) => "→",
            (Glyph::ArrowRight, true) => "->",
            (Glyph::ArrowLeft, false) => "←",
            (Glyph::ArrowLeft, true) => "<-",
            (Glyph::Full, false) => "█",
            (Glyph::Full, true) => "#",
            (Glyph::Light, false) => "░",
            (Glyph::Light, true) => ".",
            (Glyph::Blocked, false) => "■",
            (Glyph::Blocked, true) => "!",
            (Glyph::Running, false) => "▶",
            (Glyph::Running, true) => ">",
            (Glyph::Sleeping, false) => "z",
            (Glyph::Sleeping, true) => "z",
            (Glyph::Stopped, false) => "‖",
            (Glyph::Stopped, true) => "=",
            (Glyph::Dead, false) => "✝",
            (Glyph::Dead, true) => "x",
            (Glyph::Selected, false) => "▸",
            (Glyph::Selected, true) => ">",
            (Glyph::Dot, false) => "●",
            (Glyph::Dot, true) => "o",
            (Glyph::Raised, false) => "✗",
            (Glyph::Raised, true) => "X",
            (Glyph::Done, false) => "✓",
            (Glyph::Done, true) => "v",
        }
    }

    pub fn border(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::ROUNDED
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// The colour of one process (its events, its items, its row).
    /// The timeline's playhead, and its track before and after it.
    pub fn timeline_head(&self) -> &'static str {
        if self.ascii { "|" } else { "█" }
    }

    pub fn timeline_past(&self) -> &'static str {
        if self.ascii { "=" } else { "━" }
    }

    pub fn timeline_future(&self) -> &'static str {
        if self.ascii { "-" } else { "─" }
    }

    pub fn proc(&self, id: ProcId) -> Style {
        self.fg(PALETTE[id as usize % PALETTE.len()])
    }

    /// Blocked: the word says it; colour only adds.
    pub fn blocked(&self) -> Style {
        let c = if self.contrast {
            VERMILLION
        } else {
            Color::Red
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        if self.contrast {
            self.fg(BLUISH_GREEN).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Green)
        }
    }

    pub fn warn(&self) -> Style {
        let c = if self.contrast { ORANGE } else { Color::Yellow };
        self.fg(c).add_modifier(Modifier::BOLD)
    }

    /// What matters less; in high contrast, the terminal's own colour
    /// (dark grey is lost on a projector).
    pub fn dim(&self) -> Style {
        if self.color && !self.contrast {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row: reversed, visible without colour.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_glyphs_are_ascii() {
        let t = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        for g in [
            Glyph::ArrowRight,
            Glyph::ArrowLeft,
            Glyph::Full,
            Glyph::Light,
            Glyph::Blocked,
            Glyph::Running,
            Glyph::Sleeping,
            Glyph::Stopped,
            Glyph::Dead,
            Glyph::Selected,
            Glyph::Dot,
            Glyph::Raised,
        ] {
            assert!(t.glyph(g).is_ascii(), "{g:?}");
        }
        let b = t.border();
        assert!(b.top_left.is_ascii() && b.horizontal_top.is_ascii());
    }

    #[test]
    fn high_contrast_has_no_dark_grey_bold_states_and_no_red_or_green() {
        let t = Theme {
            color: true,
            ascii: false,
            contrast: false,
        }
        .with_contrast(true);
        assert_eq!(t.dim().fg, None);
        for s in [t.blocked(), t.ok(), t.warn(), t.title()] {
            assert!(s.add_modifier.contains(Modifier::BOLD), "{s:?}");
            assert!(
                !matches!(s.fg, Some(Color::Red | Color::Green | Color::DarkGray)),
                "{s:?}"
            );
        }
        assert_ne!(t.blocked().fg, t.ok().fg);
        let plain = Theme::plain().with_contrast(true);
        assert_eq!(plain.blocked().fg, None, "NO_COLOR stays colourless");
        assert!(!Theme::new(false).contrast);
    }

    #[test]
    fn without_colour_styles_carry_no_colour() {
        let t = Theme::plain();
        assert_eq!(t.proc(3).fg, None);
        assert_eq!(t.blocked().fg, None);
    }
}
