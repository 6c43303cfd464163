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
pub mod menu;
pub mod panel;
pub mod processes;
pub mod program;
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
pub(crate) fn mend_wide_glyphs(area: Rect, buf: &mut Buffer) {
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
        Fixture, assert_wide_glyphs_whole, classroom, counter_app, lesson_app, pipe_app, queue_app,
        screen, screen_in,
    };
    use super::*;
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

    /// The fixtures a class meets, and a few states more: a pipe whose
    /// ends both wait, a queue whose reader was killed and a writer that
    /// finished, a reader waiting on an empty queue.
    fn classroom_states() -> Vec<(&'static str, Fixture)> {
        let mut waiting_pipe = pipe_app();
        let wait =
            crate::stream::Event::new(1_450 * 1_000_000, 0, 952, Kind::SendWait).with_item("url_4");
        waiting_pipe.apply(wait);
        waiting_pipe.ev(1_460, 1, 953, Kind::RecvWait);
        let mut ended = queue_app();
        ended.ev(2_800, 0, 4101, Kind::Exiting);
        let exited = Kind::Exit {
            ended: Ended::Code(0),
        };
        ended.ev(2_810, 0, 4101, exited);
        let killed = Kind::Exit {
            ended: Ended::Signal(SIGKILL),
        };
        ended.ev(2_820, 2, 4103, killed);
        let mut empty = queue_app();
        empty.ev(2_800, 2, 4103, Kind::GetWait);
        vec![
            ("queue", queue_app()),
            ("pipe", pipe_app()),
            ("counter", counter_app()),
            ("lesson scene 1", lesson_app(0)),
            ("lesson scene 2", lesson_app(1)),
            ("pipe, both ends waiting", waiting_pipe),
            ("queue, reader killed", ended),
            ("queue, reader waiting", empty),
        ]
    }

    /// Checks that every process's state on `text` (the screen of `app`
    /// in `lang`, its processes panel on `panel`) is whole: its row says
    /// it in full words (in the classroom, how an ended process ended), or
    /// where `short_ok` in a shorter form the layout chose, never a cut
    /// one; and the screen says every live process's state in full (the
    /// stage does).
    fn assert_states_whole(
        lang: Lang,
        app: &Fixture,
        (text, panel): (&str, Rect),
        short_ok: bool,
        what: &str,
    ) {
        let classroom = app.controls.classroom;
        crate::text::with_lang(lang, || {
            let w = crate::text::words();
            for p in &app.scene.world.procs {
                let full = match p.ended {
                    Some(e) if classroom => crate::text::ended_text(Some(e), p.said_exiting),
                    _ => w.activity(&p.activity, app.scene.maxsize).to_string(),
                };
                let short = match p.ended {
                    Some(e) => w.ended_short(e),
                    None => w.activity_short(&p.activity).to_string(),
                };
                let row = text
                    .lines()
                    .skip(panel.y as usize)
                    .take(panel.height as usize)
                    .find(|l| l.contains(&format!(" {} ", p.name)))
                    .unwrap_or_else(|| panic!("{what}: no row for {}\n{text}", p.name));
                let whole = row.contains(&full);
                if !whole && full.starts_with(&short) && full != short {
                    let cut: String = full.chars().take(short.chars().count() + 1).collect();
                    assert!(!row.contains(&cut), "{what}: {full:?} cut\n{row}\n{text}");
                }
                assert!(
                    whole || short_ok && row.contains(&short),
                    "{what}: {} is not {full:?}\n{row}\n{text}",
                    p.name
                );
                if p.alive() {
                    let said = w.activity(&p.activity, app.scene.maxsize);
                    assert!(text.contains(said), "{what}: {said:?} nowhere\n{text}");
                }
            }
        });
    }

    #[test]
    fn at_100x30_and_120x35_every_state_is_whole_in_the_classroom_and_out_of_it() {
        for (name, app) in classroom_states() {
            for class in [false, true] {
                let app = if class {
                    classroom(app.clone())
                } else {
                    app.clone()
                };
                for (w, h) in [(100, 30), (120, 35)] {
                    for lang in Lang::ALL {
                        let what = format!("{name}, classroom {class}, {lang:?} {w}x{h}");
                        let text = assert_wide_glyphs_whole(lang, &app, w, h);
                        // Beside a lesson's program at 100 columns, the
                        // panel has room for the short words only
                        // (English): whole, never cut.
                        let view = app.view();
                        let a = layout::areas_for(Rect::new(0, 0, w, h), &view).unwrap();
                        let short_ok = !class && a.code.is_some() && w < 120;
                        assert_states_whole(lang, &app, (&text, a.processes), short_ok, &what);
                        if class {
                            for jargon in ["lag", "dropped", "/s)", "ring"] {
                                let found = text.lines().find(|l| l.contains(jargon));
                                assert!(found.is_none(), "{what}: {found:?}\n{text}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_classroom_screen_at_100x30_lesson_and_queue_in_both_languages() {
        for lang in Lang::ALL {
            let code = lang.code();
            let text = assert_wide_glyphs_whole(lang, &classroom(lesson_app(1)), 100, 30);
            insta::assert_snapshot!(format!("classroom_lesson_{code}_100x30"), text);
            let text = assert_wide_glyphs_whole(lang, &classroom(queue_app()), 100, 30);
            insta::assert_snapshot!(format!("classroom_queue_{code}_100x30"), text);
        }
        // The program panel shows whenever the run has one: the default
        // queue run stands for queue_demo.py.
        let mut q = queue_app();
        q.scene.maxsize = 0;
        let text = screen(&classroom(q), 100, 30);
        assert!(text.contains("queue_demo.py"), "{text}");
    }

    #[test]
    fn the_classroom_screen_is_high_contrast_without_red_green_or_dark_grey() {
        use ratatui::style::{Color, Modifier};
        let colour = Theme {
            color: true,
            ascii: false,
            contrast: false,
        };
        for app in [classroom(queue_app()), classroom(lesson_app(1))] {
            let mut buf = Buffer::empty(Rect::new(0, 0, 100, 30));
            render(&app.view(), &colour, buf.area, &mut buf);
            for c in buf.content.iter() {
                assert!(
                    !matches!(c.fg, Color::Red | Color::Green | Color::DarkGray),
                    "{:?} in {:?}",
                    c.symbol(),
                    c.fg
                );
            }
            // A blocked state is bold, and a glyph and words say it.
            let row = |y: u16| -> String { (0..100).map(|x| buf[(x, y)].symbol()).collect() };
            let y = (0..30).find(|&y| row(y).contains("■ BLOCKED put: queue full"));
            let y = y.expect("a blocked process");
            let x = row(y).chars().position(|c| c == '■').unwrap() as u16;
            assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
        }
        // Out of the classroom, the usual colours.
        let mut buf = Buffer::empty(Rect::new(0, 0, 100, 30));
        render(&queue_app().view(), &colour, buf.area, &mut buf);
        assert!(buf.content.iter().any(|c| c.fg == Color::DarkGray));
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

    /// The pipe's pitfalls on screen, in both languages, at every size a
    /// class meets (in the classroom and out of it): every glyph whole,
    /// the reason said (the receiver's own copy, the deadlock's chain), and
    /// the hints of `x` and `w`.
    #[test]
    fn pipe_end_states_keep_every_glyph_whole_and_say_why_in_both_languages() {
        use super::testkit::{deadlock_app, echo_app, inherited_app};
        let mut hinted = inherited_app();
        hinted.controls.hint(
            crate::model::Hint::NothingToClose {
                holders: vec![(Some("receiver".into()), 953), (None, 940)],
            },
            0,
        );
        hinted.controls.hint(
            crate::model::Hint::WrongWayLater {
                name: "receiver".into(),
            },
            0,
        );
        hinted.controls.hint(crate::model::Hint::NoWrongWay, 0);
        let mut wrong = pipe_app();
        wrong.ev(
            1450,
            1,
            953,
            Kind::WrongWay {
                call: crate::stream::PipeCall::Send,
                error: "connection is read-only".into(),
            },
        );
        let states = [
            inherited_app(),
            deadlock_app(),
            echo_app(),
            hinted.clone(),
            wrong.clone(),
        ];
        for app in &states {
            for room in [false, true] {
                let app = if room {
                    classroom(app.clone())
                } else {
                    app.clone()
                };
                for lang in Lang::ALL {
                    for (w, h) in SIZES.into_iter().chain([(160, 48), (60, 20)]) {
                        assert_wide_glyphs_whole(lang, &app, w, h);
                    }
                }
            }
        }
        let at = |app: &Fixture, lang| assert_wide_glyphs_whole(lang, app, 100, 30);
        let t = at(&inherited_app(), Lang::En);
        assert!(
            t.contains("STUCK: recv waits, it holds the send end"),
            "{t}"
        );
        assert!(t.contains("the receiver's own copy"), "{t}");
        let t = at(&inherited_app(), Lang::Zh);
        assert!(t.contains("卡住：recv 在等，它自己持有发送端"), "{t}");
        assert!(t.contains("接收进程自己的副本"), "{t}");
        let t = at(&deadlock_app(), Lang::En);
        assert!(t.contains("DEADLOCK: both wait in recv"), "{t}");
        assert!(t.contains("waits in recv() for receiver"), "{t}");
        let t = at(&deadlock_app(), Lang::Zh);
        assert!(t.contains("死锁：两端都在 recv 中等待"), "{t}");
        let t = at(&wrong, Lang::En);
        assert!(t.contains("OSError: connection is read-only"), "{t}");
        let t = at(&hinted, Lang::Zh);
        assert!(t.contains("父进程没有发送端的副本"), "{t}");
    }

    /// What the class sees at 100x30: the receiver waiting for itself, the
    /// deadlock; in English and in Chinese.
    #[test]
    fn pipe_end_screens_at_100x30_in_both_languages() {
        use super::testkit::{deadlock_app, inherited_app};
        for lang in Lang::ALL {
            let code = lang.code();
            let text = assert_wide_glyphs_whole(lang, &inherited_app(), 100, 30);
            insta::assert_snapshot!(format!("inherited_{code}_100x30"), text);
            let text = assert_wide_glyphs_whole(lang, &deadlock_app(), 100, 30);
            insta::assert_snapshot!(format!("deadlock_{code}_100x30"), text);
        }
    }
}
