//! Rendering: reads the model, never changes it. One file per region; the
//! layout is computed in one place so clicks map to what was drawn.

pub mod caption;
pub mod code;
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
use ratatui::widgets::{Paragraph, Widget};

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

/// Renders the whole screen into `buf` (also used by snapshot tests), in
/// high contrast in the classroom.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let theme = &theme.with_contrast(app.controls.classroom);
    let Some(a) = layout::areas_for(area, app) else {
        too_small(area, buf);
        return;
    };
    header::render(app, theme, a.header, buf);
    if let Some(c) = a.caption {
        caption::render(app, theme, c, buf);
    }
    stage::render(app, theme, a.stage, buf);
    processes::render(app, theme, a.processes, buf);
    if let Some(p) = a.panel {
        panel::render(app, theme, p, buf);
    }
    if let Some(c) = a.code {
        code::render(app, theme, c, buf);
    }
    log::render(app, theme, a.log, buf);
    if let Some(t) = a.timeline {
        timeline::render(app, theme, t, buf);
    }
    footer::render(app, theme, a.footer, buf);
    if app.controls.help {
        help::render(app, theme, area, buf);
    }
    mend_wide_glyphs(area, buf);
}

/// A wide glyph (a Chinese character, two cells) whose second cell was
/// drawn over afterwards (the help's frame, a token passing by) or that
/// would stick out of the screen is blanked: what was drawn later is on
/// top, and a terminal never shows half a glyph (ratatui would skip the
/// cell after it, losing what was drawn there).
fn mend_wide_glyphs(area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if width::width(buf[(x, y)].symbol()) < 2 {
                continue;
            }
            let covered = x + 1 >= area.right() || buf[(x + 1, y)].symbol() != " ";
            if covered {
                buf[(x, y)].set_symbol(" ");
            }
        }
    }
}

/// Says the terminal is too small, wrapped by columns (a Chinese
/// sentence breaks between characters, never inside one).
fn too_small(area: Rect, buf: &mut Buffer) {
    let msg = crate::text::words().too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
    let lines: Vec<Line> = width::wrap(&msg, area.width as usize)
        .into_iter()
        .map(Line::from)
        .collect();
    Paragraph::new(lines).render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::testkit::{
        Fixture, assert_wide_glyphs_whole, counter_app, lesson_app, pipe_app, queue_app, screen,
        screen_in,
    };
    use crate::config::Lang;
    use crate::stream::{Ended, Kind, Note, Role, SIGKILL, SUPERVISOR, Stuck};

    /// The sizes a class meets: the smallest, a projector, a laptop.
    const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 35)];

    #[test]
    fn whole_screen_in_chinese_queue_pipe_counter_at_three_sizes() {
        let apps = [
            ("queue", queue_app()),
            ("pipe", pipe_app()),
            ("counter", counter_app()),
        ];
        for (name, app) in &apps {
            for (w, h) in SIZES {
                let text = assert_wide_glyphs_whole(Lang::Zh, app, w, h);
                insta::assert_snapshot!(format!("zh_{name}_{w}x{h}"), text);
            }
        }
    }

    #[test]
    fn whole_screen_in_chinese_with_help_open_and_in_a_replay() {
        let mut app = queue_app();
        app.controls.help = true;
        let text = assert_wide_glyphs_whole(Lang::Zh, &app, 80, 24);
        insta::assert_snapshot!("zh_help_80x24", text);
        app.controls.replay = true;
        let text = assert_wide_glyphs_whole(Lang::Zh, &app, 100, 30);
        insta::assert_snapshot!("zh_replay_help_100x30", text);
    }

    #[test]
    fn chinese_screens_keep_every_glyph_whole_in_every_state() {
        let mut states: Vec<Fixture> = Vec::new();
        for app in [queue_app(), pipe_app(), counter_app()] {
            let mut help = app.clone();
            help.controls.help = true;
            let mut frozen = app.clone();
            frozen.scene.frozen = true;
            frozen.controls.view_frozen = true;
            let mut replay = app.clone();
            replay.controls.replay = true;
            replay.controls.help = true;
            let mut hinted = app.clone();
            hinted.controls.hint(crate::model::Hint::FreezeFirst, 0);
            hinted.controls.hint(crate::model::Hint::SelectToStep, 0);
            states.extend([app, help, frozen, replay, hinted]);
        }
        // Many processes (columns squeezed), a stuck run, a killed reader
        // (a notice), a finished run.
        let mut crowded = queue_app();
        for i in 0..10u16 {
            let name = format!("writer-{}", i + 3);
            crowded.spawn(2650, 3 + i, 5000 + i as i32, &name, Role::Writer);
        }
        let mut stuck = queue_app();
        let no_progress = Note::NoProgress {
            why: Stuck::FullNoReader,
        };
        stuck.ev(2800, SUPERVISOR, 1, Kind::Note { note: no_progress });
        let mut killed = queue_app();
        let sigkill = Ended::Signal(SIGKILL);
        killed.ev(2800, 2, 4103, Kind::Exit { ended: sigkill });
        let mut done = pipe_app();
        done.ev(1500, 1, 953, Kind::RecvEof);
        done.ev(
            1600,
            0,
            952,
            Kind::Exit {
                ended: Ended::Code(0),
            },
        );
        done.ev(
            1700,
            1,
            953,
            Kind::Exit {
                ended: Ended::Code(0),
            },
        );
        states.extend([crowded, stuck, killed, done]);
        for app in &states {
            for (w, h) in
                SIZES
                    .into_iter()
                    .chain([(81, 25), (99, 29), (160, 48), (60, 20), (33, 9)])
            {
                assert_wide_glyphs_whole(Lang::Zh, app, w, h);
            }
        }
    }

    #[test]
    fn chinese_screens_say_it_in_chinese_and_keep_the_programs_prints() {
        let t = screen_in(Lang::Zh, &queue_app(), 100, 30);
        for words in [
            "进程",
            "事件日志",
            "队列",
            "阻塞于 put",
            "退出",
            "Put url_5 to queue...",
        ] {
            assert!(t.contains(words), "{words}:\n{t}");
        }
        let t = screen_in(Lang::Zh, &pipe_app(), 100, 30);
        assert!(t.contains("Process(###) recv: url_1"), "{t}");
        assert!(t.contains("管道"), "{t}");
        // The thread speaks English again.
        assert!(screen(&queue_app(), 80, 24).contains("Event log"));
    }

    #[test]
    fn a_lesson_screen_has_its_caption_its_program_and_every_glyph_whole() {
        for scene in [0, 1] {
            let app = lesson_app(scene);
            for (w, h) in SIZES.into_iter().chain([(160, 48)]) {
                for lang in Lang::ALL {
                    let text = assert_wide_glyphs_whole(lang, &app, w, h);
                    if (w, h) != (160, 48) {
                        insta::assert_snapshot!(
                            format!("lesson_{}_scene{}_{w}x{h}", lang.code(), scene + 1),
                            text
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_lessons_help_fits_at_80x24_with_every_key() {
        let mut app = lesson_app(1);
        app.controls.help = true;
        for lang in Lang::ALL {
            let t = assert_wide_glyphs_whole(lang, &app, 80, 24);
            for key in ["PgDn", "S-Tab", "1-4", "Esc", "q/Ctrl-C", "</>"] {
                assert!(t.contains(key), "{lang:?} {key}:\n{t}");
            }
        }
    }

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
