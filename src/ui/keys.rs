//! Keys and clicks to intents: the one place that maps input. A replay
//! keeps the live keys' meanings where they carry over: space pauses and
//! plays (it freezes and resumes the live world), `.` steps one event
//! forward (one operation, live) and `,` one back, `<` / `>` play slower
//! or faster (slow motion, live).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::lesson::menu::MenuIntent;
use crate::model::{Intent, ScenarioKind, TimelineCmd};

/// Seconds the arrow keys seek in a replay.
pub const SEEK_SECS: f64 = 5.0;

/// What the keys act on besides the world: a replay's timeline, a lesson's
/// scenes, an open question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keys {
    pub replay: bool,
    pub lesson: bool,
    /// A question waits for the class's answer (digits answer it).
    pub question: bool,
}

impl Keys {
    /// The keys for these controls.
    pub fn of(c: &crate::model::Controls) -> Keys {
        Keys {
            replay: c.replay,
            lesson: c.guide.is_some(),
            question: c
                .guide
                .as_ref()
                .is_some_and(|g| g.asking == crate::model::guide::Asking::Open),
        }
    }
}

/// The intent a key press means (`None`: not a key we use).
pub fn intent_for(key: KeyEvent, keys: impl Into<Keys>) -> Option<Intent> {
    let keys: Keys = keys.into();
    let replay = keys.replay;
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
    if keys.question
        && let KeyCode::Char(c @ '1'..='4') = key.code
    {
        return Some(Intent::Answer(c as usize - '0' as usize));
    }
    if keys.lesson
        && let Some(i) = scene_key(key.code)
    {
        return Some(i);
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
        KeyCode::Char('c') => Intent::ToggleCode,
        KeyCode::Char('x') => Intent::CloseParentEnd,
        KeyCode::Char('w') => Intent::WrongWay,
        KeyCode::Char('l') => Intent::ToggleLock,
        KeyCode::Char('b') => Intent::CycleWait,
        KeyCode::Char('e') => Intent::ToggleThen,
        _ => return None,
    })
}

/// A lesson's scene keys: what a presenter's clicker sends (page down / up,
/// right / left) and Tab / Shift-Tab; `s` skips a question.
fn scene_key(code: KeyCode) -> Option<Intent> {
    Some(match code {
        KeyCode::PageDown | KeyCode::Right | KeyCode::Tab => Intent::NextScene,
        KeyCode::PageUp | KeyCode::Left | KeyCode::BackTab => Intent::PrevScene,
        KeyCode::Char('s') => Intent::SkipQuestion,
        _ => return None,
    })
}

/// What a key means in the lesson menu: ↑/↓ (k/j, and a presenter's
/// page keys) move, Home/End jump to the ends, a digit to that lesson,
/// Enter opens, q, Esc or Ctrl-C leave (in the classroom Esc does
/// nothing: it never quits there).
pub fn menu_intent_for(key: KeyEvent, classroom: bool) -> Option<MenuIntent> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('C') => Some(MenuIntent::Quit),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp | KeyCode::BackTab => MenuIntent::Up,
        KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown | KeyCode::Tab => MenuIntent::Down,
        KeyCode::Home | KeyCode::Char('g') => MenuIntent::First,
        KeyCode::End | KeyCode::Char('G') => MenuIntent::Last,
        KeyCode::Char(c @ '1'..='9') => MenuIntent::Select(c as usize - '1' as usize),
        KeyCode::Enter => MenuIntent::Open,
        KeyCode::Esc if classroom => return None,
        KeyCode::Char('q') | KeyCode::Esc => MenuIntent::Quit,
        _ => return None,
    })
}

impl From<bool> for Keys {
    /// `true`: a replay.
    fn from(replay: bool) -> Keys {
        Keys {
            replay,
            ..Keys::default()
        }
    }
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
            ('x', Intent::CloseParentEnd),
            ('w', Intent::WrongWay),
            ('l', Intent::ToggleLock),
            ('b', Intent::CycleWait),
            ('e', Intent::ToggleThen),
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
    fn in_a_lesson_clicker_keys_step_scenes_and_digits_answer_an_open_question() {
        let lesson = Keys {
            lesson: true,
            ..Keys::default()
        };
        assert_eq!(
            intent_for(key(KeyCode::PageDown), lesson),
            Some(Intent::NextScene)
        );
        assert_eq!(
            intent_for(key(KeyCode::Left), lesson),
            Some(Intent::PrevScene)
        );
        assert_eq!(
            intent_for(key(KeyCode::Char('s')), lesson),
            Some(Intent::SkipQuestion)
        );
        assert_eq!(
            intent_for(key(KeyCode::Char('2')), lesson),
            Some(Intent::Switch(ScenarioKind::Pipe)),
            "no question open: the live meaning"
        );
        let asking = Keys {
            question: true,
            ..lesson
        };
        assert_eq!(
            intent_for(key(KeyCode::Char('2')), asking),
            Some(Intent::Answer(2))
        );
        assert_eq!(
            intent_for(key(KeyCode::PageDown), false),
            None,
            "not a lesson"
        );
        assert_eq!(
            intent_for(key(KeyCode::Char('c')), false),
            Some(Intent::ToggleCode)
        );
    }

    #[test]
    fn menu_keys_move_jump_open_and_quit() {
        let m = |c| menu_intent_for(key(c), false);
        for c in [KeyCode::Up, KeyCode::Char('k'), KeyCode::PageUp] {
            assert_eq!(m(c), Some(MenuIntent::Up), "{c:?}");
        }
        for c in [KeyCode::Down, KeyCode::Char('j'), KeyCode::PageDown] {
            assert_eq!(m(c), Some(MenuIntent::Down), "{c:?}");
        }
        assert_eq!(m(KeyCode::Home), Some(MenuIntent::First));
        assert_eq!(m(KeyCode::End), Some(MenuIntent::Last));
        assert_eq!(m(KeyCode::Char('1')), Some(MenuIntent::Select(0)));
        assert_eq!(m(KeyCode::Char('9')), Some(MenuIntent::Select(8)));
        assert_eq!(m(KeyCode::Char('0')), None);
        assert_eq!(m(KeyCode::Enter), Some(MenuIntent::Open));
        assert_eq!(m(KeyCode::Char('q')), Some(MenuIntent::Quit));
        assert_eq!(m(KeyCode::Esc), Some(MenuIntent::Quit));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(menu_intent_for(ctrl_c, false), Some(MenuIntent::Quit));
        assert_eq!(menu_intent_for(ctrl_c, true), Some(MenuIntent::Quit));
        assert_eq!(
            menu_intent_for(key(KeyCode::Esc), true),
            None,
            "Esc never quits in the classroom"
        );
        let mut release = key(KeyCode::Enter);
        release.kind = KeyEventKind::Release;
        assert_eq!(menu_intent_for(release, false), None);
        assert_eq!(m(KeyCode::Char('z')), None);
    }

    #[test]
    fn esc_is_back_in_the_classroom_in_a_lesson_and_while_asking_never_quit() {
        use crate::ui::testkit::{lesson_app, queue_app};
        let mut apps = vec![queue_app(), lesson_app(0), lesson_app(1)];
        for app in &mut apps {
            app.controls.set_classroom(true);
        }
        assert!(Keys::of(&apps[2].controls).question, "a question is open");
        for app in &apps {
            let keys = Keys::of(&app.controls);
            assert_eq!(intent_for(key(KeyCode::Esc), keys), Some(Intent::Back));
            let mut controls = app.controls.clone();
            for _ in 0..3 {
                let fx = controls.update(&app.scene, Intent::Back, 0);
                assert!(!fx.contains(&crate::model::Effect::Quit), "{fx:?}");
            }
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
