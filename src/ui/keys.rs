//! Keys and clicks to intents: the one place that maps input. A replay
//! keeps the live keys' meanings where they carry over: space pauses and
//! plays (it freezes and resumes the live world), `.` steps one event
//! forward (one operation, live) and `,` one back, `<` / `>` play slower
//! or faster (slow motion, live).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::model::{Intent, ScenarioKind, TimelineCmd};

/// Seconds the arrow keys seek in a replay.
pub const SEEK_SECS: f64 = 5.0;

/// The intent a key press means (`None`: not a key we use). `replay`:
/// the keys steer a recording's timeline.
pub fn intent_for(key: KeyEvent, replay: bool) -> Option<Intent> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(Intent::Quit),
            _ => None,
        };
    }
    if replay && let Some(t) = timeline_key(key.code) {
        return Some(Intent::Timeline(t));
    }
    Some(match key.code {
        KeyCode::Esc => Intent::Back,
        KeyCode::Char('q') => Intent::Quit,
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

/// A replay's timeline keys.
fn timeline_key(code: KeyCode) -> Option<TimelineCmd> {
    Some(match code {
        KeyCode::Char(' ') => TimelineCmd::PlayPause,
        KeyCode::Char('.') => TimelineCmd::StepForward,
        KeyCode::Char(',') => TimelineCmd::StepBack,
        KeyCode::Left => TimelineCmd::SeekBy(-SEEK_SECS),
        KeyCode::Right => TimelineCmd::SeekBy(SEEK_SECS),
        KeyCode::Home => TimelineCmd::SeekStart,
        KeyCode::End => TimelineCmd::SeekEnd,
        KeyCode::Char('<') => TimelineCmd::Slower,
        KeyCode::Char('>') => TimelineCmd::Faster,
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
    fn quit_keys_quit_and_esc_does_not() {
        assert_eq!(
            intent_for(key(KeyCode::Char('q')), false),
            Some(Intent::Quit)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(intent_for(ctrl_c, false), Some(Intent::Quit));
        assert_eq!(intent_for(key(KeyCode::Esc), false), Some(Intent::Back));
        assert_eq!(intent_for(key(KeyCode::Esc), true), Some(Intent::Back));
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
    fn in_a_replay_the_same_keys_steer_the_timeline() {
        let t = |c| intent_for(key(c), true);
        assert_eq!(
            t(KeyCode::Char(' ')),
            Some(Intent::Timeline(TimelineCmd::PlayPause))
        );
        assert_eq!(
            t(KeyCode::Char('.')),
            Some(Intent::Timeline(TimelineCmd::StepForward))
        );
        assert_eq!(
            t(KeyCode::Char(',')),
            Some(Intent::Timeline(TimelineCmd::StepBack))
        );
        assert_eq!(
            t(KeyCode::Left),
            Some(Intent::Timeline(TimelineCmd::SeekBy(-SEEK_SECS)))
        );
        assert_eq!(
            t(KeyCode::End),
            Some(Intent::Timeline(TimelineCmd::SeekEnd))
        );
        assert_eq!(
            t(KeyCode::Char('>')),
            Some(Intent::Timeline(TimelineCmd::Faster))
        );
        assert_eq!(t(KeyCode::Char('q')), Some(Intent::Quit));
        assert_eq!(t(KeyCode::Char('?')), Some(Intent::ToggleHelp));
    }

    #[test]
    fn key_releases_and_unknown_keys_do_nothing() {
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(intent_for(release, false), None);
        assert_eq!(intent_for(key(KeyCode::Char('z')), false), None);
    }
}
