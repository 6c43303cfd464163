//! Keys and clicks to intents: the one place that maps input.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::model::app::{Intent, ScenarioKind};

/// The intent a key press means (`None`: not a key we use).
pub fn intent_for(key: KeyEvent, help_open: bool) -> Option<Intent> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(Intent::Quit),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Esc if help_open => Intent::ToggleHelp,
        KeyCode::Char('q') | KeyCode::Esc => Intent::Quit,
        KeyCode::Char('?') => Intent::ToggleHelp,
        KeyCode::Char('+') | KeyCode::Char('=') => Intent::AddWriter,
        KeyCode::Char('-') => Intent::RemoveWriter,
        KeyCode::Char('r') => Intent::AddReader,
        KeyCode::Char('R') => Intent::RemoveReader,
        KeyCode::Char('[') => Intent::Faster,
        KeyCode::Char(']') => Intent::Slower,
        KeyCode::Char('m') => Intent::MaxsizeDown,
        KeyCode::Char('M') => Intent::MaxsizeUp,
        KeyCode::Char(' ') => Intent::ToggleFreeze,
        KeyCode::Char('f') => Intent::ToggleViewFreeze,
        KeyCode::Char('.') => Intent::Step,
        KeyCode::Up => Intent::SelectPrev,
        KeyCode::Down => Intent::SelectNext,
        KeyCode::Char('k') => Intent::Kill,
        KeyCode::Char('t') => Intent::Terminate,
        KeyCode::Char('n') => Intent::Restart,
        KeyCode::Char('1') => Intent::Switch(ScenarioKind::Queue),
        KeyCode::Char('2') => Intent::Switch(ScenarioKind::Pipe),
        KeyCode::Char('3') => Intent::Switch(ScenarioKind::Counter),
        KeyCode::Char('<') => Intent::SlowMore,
        KeyCode::Char('>') => Intent::SlowLess,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn quit_keys_quit() {
        assert_eq!(
            intent_for(key(KeyCode::Char('q')), false),
            Some(Intent::Quit)
        );
        assert_eq!(intent_for(key(KeyCode::Esc), false), Some(Intent::Quit));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(intent_for(ctrl_c, false), Some(Intent::Quit));
    }

    #[test]
    fn esc_closes_the_help_instead_of_quitting() {
        assert_eq!(
            intent_for(key(KeyCode::Esc), true),
            Some(Intent::ToggleHelp)
        );
    }

    #[test]
    fn live_control_keys_map_to_their_intents() {
        let cases = [
            ('+', Intent::AddWriter),
            ('-', Intent::RemoveWriter),
            ('r', Intent::AddReader),
            ('R', Intent::RemoveReader),
            ('[', Intent::Faster),
            (']', Intent::Slower),
            ('m', Intent::MaxsizeDown),
            ('M', Intent::MaxsizeUp),
            (' ', Intent::ToggleFreeze),
            ('f', Intent::ToggleViewFreeze),
            ('.', Intent::Step),
            ('k', Intent::Kill),
            ('t', Intent::Terminate),
            ('n', Intent::Restart),
            ('2', Intent::Switch(ScenarioKind::Pipe)),
            ('<', Intent::SlowMore),
            ('>', Intent::SlowLess),
        ];
        for (c, want) in cases {
            assert_eq!(
                intent_for(key(KeyCode::Char(c)), false),
                Some(want),
                "{c:?}"
            );
        }
    }

    #[test]
    fn key_releases_and_unknown_keys_do_nothing() {
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(intent_for(release, false), None);
        assert_eq!(intent_for(key(KeyCode::Char('z')), false), None);
    }
}
