//! Hand-built models and a render-to-text helper for the snapshot tests
//! (no terminal, no processes). PIDs are masked in the text so a snapshot
//! does not depend on them.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::config::{CounterConfig, Mode, PipeConfig, QueueConfig, RunConfig, Scenario};
use crate::model::{Controls, Scene, View};
use crate::stream::{
    Body, Event, Holder, KernelRow, KernelWait, Kind, Observation, PipeView, ProcId, QueueView,
    QueuedView, Record, Role, RunInfo, TelemetryView, ValueView,
};

const MS: u64 = 1_000_000;

fn run_cfg(scenario: Scenario) -> RunConfig {
    RunConfig::new(scenario, Mode::Tui, 1)
}

/// A scene built from records, the controls, and the view's clock: what a
/// frame draws.
#[derive(Clone)]
pub struct Fixture {
    pub scene: Scene,
    pub controls: Controls,
    pub now_ns: u64,
    n: u64,
}

impl Fixture {
    /// A run of `scenario` that started at time 0.
    pub fn new(scenario: Scenario) -> Fixture {
        let cfg = run_cfg(scenario);
        let mut f = Fixture {
            scene: Scene::new(cfg.clone()),
            controls: Controls::new(&cfg, false),
            now_ns: 0,
            n: 0,
        };
        f.record(Body::Run(RunInfo {
            start_ns: 0,
            pid: 1,
            config: cfg,
        }));
        f
    }

    pub fn record(&mut self, body: Body) {
        let r = Record { n: self.n, body };
        self.n += 1;
        self.scene.apply(&r);
    }

    /// An event at `t_ms`.
    pub fn ev(&mut self, t_ms: u64, child: ProcId, pid: i32, kind: Kind) -> Event {
        let e = Event::new(t_ms * MS, child, pid, kind);
        self.apply(e.clone());
        e
    }

    /// Applies an event as it is (its own time).
    pub fn apply(&mut self, e: Event) {
        self.now_ns = self.now_ns.max(e.t_ns);
        self.record(Body::Event(e));
    }

    pub fn spawn(&mut self, t: u64, id: ProcId, pid: i32, name: &str, role: Role) {
        self.ev(
            t,
            id,
            pid,
            Kind::Spawn {
                name: name.into(),
                role,
            },
        );
    }

    /// A move of an item numbered `seq`, with the depth after it.
    pub fn item(&mut self, t: u64, id: ProcId, pid: i32, kind: Kind, label: &str, seq: u64) {
        let e = Event::new(t * MS, id, pid, kind)
            .with_item(label)
            .with_seq(seq);
        self.apply(e);
    }

    /// Time passes to `t_ms` (the stream's clock and the view's).
    pub fn tick(&mut self, t_ms: u64) {
        self.now_ns = t_ms * MS;
        self.record(Body::Tick(t_ms * MS));
    }

    /// An observation, read now.
    pub fn observe(&mut self, obs: Observation) {
        let obs = Observation {
            t_ns: self.now_ns,
            ..obs
        };
        self.record(Body::Observation(Box::new(obs)));
    }

    pub fn view(&self) -> View<'_> {
        View {
            scene: &self.scene,
            controls: &self.controls,
            now_ns: self.now_ns,
            timeline: None,
        }
    }
}

pub fn queued(label: &str, seq: u64, pid: i32) -> QueuedView {
    QueuedView {
        label: label.into(),
        put_seq: seq,
        put_pid: pid,
    }
}

pub fn row(id: ProcId, pid: i32, state: char, wait: KernelWait) -> KernelRow {
    KernelRow {
        proc: id,
        pid,
        state,
        wait,
        wchan: None,
    }
}

/// The queue lesson mid-run: maxsize 3, full; writer-2 blocked putting
/// url_6; reader-1 just got url_2 and sleeps; url_5 on its way.
pub fn queue_app() -> Fixture {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 3;
    q.reader_delay = crate::config::DelayRange::fixed(1.0);
    let mut app = Fixture::new(Scenario::Queue(q));
    app.spawn(0, 0, 4101, "writer-1", Role::Writer);
    app.spawn(1, 1, 4102, "writer-2", Role::Writer);
    app.spawn(2, 2, 4103, "reader-1", Role::Reader);
    // The parent waits in pw1.join().
    app.ev(3, crate::stream::SUPERVISOR, 1, Kind::Join { target: 4101 });
    app.item(100, 0, 4101, Kind::Put, "url_1", 1);
    app.item(300, 1, 4102, Kind::Put, "url_4", 2);
    app.item(310, 2, 4103, Kind::Get, "url_1", 1);
    app.item(900, 0, 4101, Kind::Put, "url_2", 4);
    app.item(1500, 1, 4102, Kind::Put, "url_5", 5);
    app.item(1700, 2, 4103, Kind::Get, "url_4", 2);
    app.item(2100, 0, 4101, Kind::Put, "url_3", 7);
    let wait = Event::new(2600 * MS, 1, 4102, Kind::PutWait)
        .with_item("url_6")
        .with_depth(3);
    app.apply(wait);
    app.tick(2700);
    app.observe(Observation {
        queue: Some(QueueView {
            depth: 3,
            maxsize: 3,
            capacity: 65_536,
            items: vec![
                queued("url_2", 4, 4101),
                queued("url_5", 5, 4102),
                queued("url_3", 7, 4101),
            ],
            puts: 5,
            gets: 2,
            put_waiters: 1,
            ..QueueView::default()
        }),
        kernel: Some(vec![
            row(0, 4101, 'S', KernelWait::Sleeping),
            row(1, 4102, 'S', KernelWait::WaitingForSpace),
            row(2, 4103, 'S', KernelWait::Sleeping),
            row(
                crate::stream::SUPERVISOR,
                1,
                'S',
                KernelWait::WaitingOther("wait4".into()),
            ),
        ]),
        telemetry: Some(TelemetryView {
            lag_ms: 4,
            ..TelemetryView::default()
        }),
        ..Observation::default()
    });
    app.controls.selected = Some(1);
    app
}

/// The pipe lesson mid-run: two messages in the pipe, the receiver busy.
pub fn pipe_app() -> Fixture {
    let mut app = Fixture::new(Scenario::Pipe(PipeConfig::defaults(Mode::Tui)));
    app.spawn(0, 0, 952, "sender", Role::Sender);
    app.spawn(1, 1, 953, "receiver", Role::Receiver);
    // The parent waits in ps.join().
    app.ev(3, crate::stream::SUPERVISOR, 1, Kind::Join { target: 952 });
    app.item(100, 0, 952, Kind::Send, "url_0", 1);
    app.item(200, 1, 953, Kind::Recv, "url_0", 1);
    app.item(400, 0, 952, Kind::Send, "url_1", 2);
    app.item(900, 0, 952, Kind::Send, "url_2", 3);
    app.item(1000, 1, 953, Kind::Recv, "url_1", 2);
    app.item(1300, 0, 952, Kind::Send, "url_3", 4);
    app.tick(1400);
    app.observe(Observation {
        pipe: Some(PipeView {
            bytes: Some(18),
            capacity: Some(212_992),
            send_holders: vec![Holder {
                pid: 952,
                proc: Some(0),
            }],
            recv_holders: vec![Holder {
                pid: 953,
                proc: Some(1),
            }],
        }),
        kernel: Some(vec![
            row(0, 952, 'S', KernelWait::Sleeping),
            row(1, 953, 'R', KernelWait::Running),
        ]),
        ..Observation::default()
    });
    app
}

/// The counter without the lock, all four done: updates were lost.
pub fn counter_app() -> Fixture {
    // 400,000 increments: a run at full speed.
    let mut app = Fixture::new(Scenario::Counter(CounterConfig {
        step_delay: None,
        ..CounterConfig::defaults(Mode::Tui)
    }));
    for i in 0..4u16 {
        app.spawn(
            i as u64,
            i,
            5001 + i as i32,
            &format!("counter-{}", i + 1),
            Role::Counter,
        );
    }
    for i in 0..4u16 {
        app.ev(
            500 + i as u64,
            i,
            5001 + i as i32,
            Kind::Count {
                done: 100_000,
                value: 150_000 + 20_000 * i as i64,
            },
        );
    }
    app.tick(600);
    app.observe(Observation {
        value: Some(ValueView {
            value: 231_415,
            expected: 400_000,
        }),
        kernel: Some(
            (0..4u16)
                .map(|i| row(i, 5001 + i as i32, 'R', KernelWait::Running))
                .collect(),
        ),
        ..Observation::default()
    });
    app
}

/// Renders with `f` into a `w`x`h` buffer and returns its text, one line
/// per row, with every process's PID masked as `#`s of the same width.
pub fn render_text(
    app: &Fixture,
    w: u16,
    h: u16,
    f: impl FnOnce(&View, &Theme, Rect, &mut Buffer),
) -> String {
    let view = app.view();
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let theme = Theme::plain();
    term.draw(|frame| {
        let area = frame.area();
        f(&view, &theme, area, frame.buffer_mut());
    })
    .expect("draw");
    let mut text = buffer_text(term.backend().buffer());
    for p in &app.scene.world.procs {
        let pid = p.pid.to_string();
        text = text.replace(&pid, &"#".repeat(pid.len()));
    }
    text
}

/// A buffer's text, one line per row without trailing spaces, each wide
/// glyph once.
pub fn buffer_text(buf: &Buffer) -> String {
    let mut lines = Vec::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            // A wide glyph covers the next cell too (left blank by ratatui).
            x += super::width::width(symbol).max(1) as u16;
        }
        lines.push(line.trim_end().to_string());
    }
    lines.join("\n")
}

/// The whole screen as text.
pub fn screen(app: &Fixture, w: u16, h: u16) -> String {
    render_text(app, w, h, super::render)
}

/// The whole screen drawn in `lang` (the test thread speaks English
/// again afterwards).
pub fn screen_in(lang: crate::config::Lang, app: &Fixture, w: u16, h: u16) -> String {
    crate::text::with_lang(lang, || screen(app, w, h))
}

/// Draws the whole screen in `lang` and checks that it is laid out right
/// for wide characters: every wide glyph is whole (its second cell is
/// blank and inside the screen) and no row takes more columns than the
/// screen has. Panics naming the row; returns the screen as text.
pub fn assert_wide_glyphs_whole(
    lang: crate::config::Lang,
    app: &Fixture,
    w: u16,
    h: u16,
) -> String {
    let view = app.view();
    let theme = Theme::plain();
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    crate::text::with_lang(lang, || super::render(&view, &theme, buf.area, &mut buf));
    assert_buffer_glyphs_whole(&buf);
    screen_in(lang, app, w, h)
}

/// Checks that what was drawn in `buf` is laid out right for wide
/// characters: every wide glyph whole (its second cell blank and inside
/// the buffer), no row more columns than the buffer has. Panics naming
/// the row; returns the buffer's text ([`buffer_text`]).
pub fn assert_buffer_glyphs_whole(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let text = buffer_text(buf);
    for y in 0..h {
        let row = text.lines().nth(y as usize).unwrap_or("");
        let mut used = 0;
        let mut x = 0;
        while x < w {
            let cols = super::width::width(buf[(x, y)].symbol());
            if cols > 1 {
                assert!(
                    x + 1 < w && buf[(x + 1, y)].symbol() == " ",
                    "{w}x{h}, row {y}, column {x}: {:?} is cut in half\n{row}",
                    buf[(x, y)].symbol()
                );
            }
            used += cols.max(1);
            x += cols.max(1) as u16;
        }
        assert!(
            used <= w as usize,
            "{w}x{h}, row {y} is {used} columns wide\n{row}"
        );
        assert!(
            super::width::width(row) <= w as usize,
            "{w}x{h}, row {y} overflows\n{row}"
        );
    }
    text
}

/// The queue screen teaching a small lesson (the built-in queue lesson's
/// program and line map, three scenes of our own), on scene `scene` (from
/// 0): scene 2 (index 1) asks "Who waits?" and is open.
pub fn lesson_app(scene: usize) -> Fixture {
    use crate::stream::lesson::{Op, Question, Reveal, Scene as LessonScene, Text};
    let t = |en: &str, zh: &str| Text {
        en: en.into(),
        zh: zh.into(),
    };
    let mut lesson = crate::lesson::Library::BuiltIn
        .find("queue")
        .expect("the built-in queue lesson loads")
        .expect("there is a queue lesson")
        .lesson;
    lesson.title = t("Queue lesson", "队列课");
    lesson.scenes = vec![
        LessonScene {
            caption: t(
                "The parent makes one Queue and gives it to three processes.",
                "父进程创建一个 Queue，交给三个进程。",
            ),
            setup: Vec::new(),
            question: None,
        },
        LessonScene {
            caption: t("The queue is empty now.", "队列现在是空的。"),
            setup: Vec::new(),
            question: Some(Question {
                prompt: t("Who waits?", "谁在等？"),
                choices: vec![t("the writer", "写进程"), t("the reader", "读进程")],
                answer: 2,
                reveal: Reveal::Blocks {
                    role: Role::Reader,
                    op: Op::Get,
                },
                why: Some(t("because it is empty", "因为队列是空的")),
                by_hand: false,
            }),
        },
        LessonScene {
            caption: t("That is all.", "就这些。"),
            setup: Vec::new(),
            question: None,
        },
    ];
    let mut app = queue_app();
    let cfg = app.scene.cfg.clone();
    app.controls = Controls::for_lesson(&cfg, lesson);
    let g = app.controls.guide.as_mut().expect("a guide");
    g.start(scene, &app.scene);
    app
}

/// `app` as `--classroom` shows it: the projector's layout, and the
/// programs a plain run may stand for (as `tui::run` gives them), so the
/// program panel shows when the run has one.
pub fn classroom(mut app: Fixture) -> Fixture {
    if app.controls.guide.is_none() {
        app.controls.programs = crate::lesson::programs();
    }
    app.controls.set_classroom(true);
    app
}

/// A pipe run of `p` with its sender (952) and receiver (953) started.
fn pipe_pair(p: PipeConfig) -> Fixture {
    let mut app = Fixture::new(Scenario::Pipe(p));
    app.spawn(0, 0, 952, "sender", Role::Sender);
    app.spawn(1, 1, 953, "receiver", Role::Receiver);
    app
}

fn held(list: &[(i32, Option<ProcId>)]) -> Vec<Holder> {
    list.iter()
        .map(|&(pid, proc)| Holder { pid, proc })
        .collect()
}

/// `--inherit`: each child held both ends; the sender sent url_0 and url_1
/// and exited; the receiver waits in recv holding a copy of the send end
/// itself (the kernel shows it), and the supervisor said so.
pub fn inherited_app() -> Fixture {
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.inherit = true;
    p.messages = 2;
    let mut app = pipe_pair(p);
    let parent = crate::stream::SUPERVISOR;
    app.ev(3, parent, 1, Kind::Join { target: 952 });
    app.item(100, 0, 952, Kind::Send, "url_0", 1);
    app.item(200, 1, 953, Kind::Recv, "url_0", 1);
    app.item(400, 0, 952, Kind::Send, "url_1", 2);
    app.item(500, 1, 953, Kind::Recv, "url_1", 2);
    app.ev(600, 0, 952, Kind::Exiting);
    app.ev(
        610,
        0,
        952,
        Kind::Exit {
            ended: crate::stream::Ended::Code(0),
        },
    );
    // The parent's ps.join() returned; now it waits in pr.join().
    app.ev(611, parent, 1, Kind::Joined { target: 952 });
    app.ev(612, parent, 1, Kind::Join { target: 953 });
    app.ev(900, 1, 953, Kind::RecvWait);
    app.tick(1000);
    app.observe(Observation {
        pipe: Some(PipeView {
            bytes: Some(0),
            capacity: Some(212_992),
            send_holders: held(&[(953, Some(1))]),
            recv_holders: held(&[(953, Some(1))]),
        }),
        kernel: Some(vec![row(1, 953, 'S', KernelWait::WaitingForData)]),
        ..Observation::default()
    });
    let note = crate::stream::Note::OwnSendEnd {
        receiver: 953,
        parent_too: false,
        waited_ms: 2000,
    };
    app.ev(2900, crate::stream::SUPERVISOR, 940, Kind::Note { note });
    app.tick(3000);
    app
}

/// `--both-recv`: the sender and the receiver both wait in recv, nothing
/// in the pipe either way, and the supervisor named the deadlock.
pub fn deadlock_app() -> Fixture {
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.both_recv = true;
    let mut app = pipe_pair(p);
    app.ev(5, crate::stream::SUPERVISOR, 1, Kind::Join { target: 952 });
    app.ev(10, 0, 952, Kind::RecvWait);
    app.ev(12, 1, 953, Kind::RecvWait);
    app.tick(100);
    app.observe(Observation {
        pipe: Some(PipeView {
            bytes: Some(0),
            capacity: Some(212_992),
            send_holders: held(&[(952, Some(0))]),
            recv_holders: held(&[(953, Some(1))]),
        }),
        kernel: Some(vec![
            row(0, 952, 'S', KernelWait::WaitingForData),
            row(1, 953, 'S', KernelWait::WaitingForData),
        ]),
        ..Observation::default()
    });
    let link = |pid, name: &str, on, on_name: &str| crate::stream::WaitLink {
        pid,
        name: name.into(),
        on,
        on_name: on_name.into(),
    };
    let note = crate::stream::Note::Deadlock {
        chain: vec![
            link(952, "sender", 953, "receiver"),
            link(953, "receiver", 952, "sender"),
        ],
    };
    app.ev(420, crate::stream::SUPERVISOR, 940, Kind::Note { note });
    app.tick(500);
    app
}

/// `--echo`: url_0 went and its reply came back; url_1 was received and
/// its reply, ok url_1, is on its way back (the sender waits for it).
pub fn echo_app() -> Fixture {
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.echo = true;
    let mut app = pipe_pair(p);
    app.item(100, 0, 952, Kind::Send, "url_0", 1);
    app.item(200, 1, 953, Kind::Recv, "url_0", 1);
    app.item(700, 1, 953, Kind::Reply, "ok url_0", 1);
    app.item(720, 0, 952, Kind::GotReply, "ok url_0", 1);
    app.item(800, 0, 952, Kind::Send, "url_1", 2);
    app.ev(801, 0, 952, Kind::RecvWait);
    app.item(900, 1, 953, Kind::Recv, "url_1", 2);
    app.item(1500, 1, 953, Kind::Reply, "ok url_1", 2);
    app.tick(2000);
    app.observe(Observation {
        pipe: Some(PipeView {
            bytes: Some(0),
            capacity: Some(212_992),
            send_holders: held(&[(952, Some(0))]),
            recv_holders: held(&[(953, Some(1))]),
        }),
        kernel: Some(vec![
            row(0, 952, 'S', KernelWait::WaitingForData),
            row(1, 953, 'S', KernelWait::WaitingForData),
        ]),
        ..Observation::default()
    });
    app
}

/// `ipcscope run forgotten_close.py`, stuck: `a, b = Pipe()`, the sender
/// (Process-1) has ended, MainProcess joins the receiver (Process-2),
/// which waits in `b.recv()`; the kernel shows `a` held by MainProcess
/// and by the receiver's own inherited copy.
pub fn program_stuck_app() -> Fixture {
    use crate::stream::{ObjKind, ObjectInfo, ObjectView, ProgramConfig, ProgramOp};
    let mut app = Fixture::new(Scenario::Program(ProgramConfig {
        python: "python3".into(),
        argv: vec!["forgotten_close.py".into()],
        cwd: "/tmp".into(),
        instrument: true,
        timeout: None,
    }));
    for (id, pid, name) in [
        (0, 960, "MainProcess"),
        (1, 961, "Process-1"),
        (2, 962, "Process-2"),
    ] {
        app.spawn(1, id, pid, name, Role::Program);
    }
    let mut pipe = Event::new(
        2 * MS,
        0,
        960,
        Kind::Program(ProgramOp::Object {
            info: ObjectInfo {
                kind: ObjKind::Pipe,
                name: "a,b".into(),
                maxsize: 0,
                duplex: true,
                typecode: None,
                size: None,
                lock: false,
            },
        }),
    );
    pipe.obj = 1;
    app.apply(pipe);
    for n in 1..=2 {
        let mut send = Event::new(100 * n * MS, 1, 961, Kind::Send).with_item("'url'");
        send.obj = 1;
        app.apply(send);
        let mut recv = Event::new(100 * n * MS + 5, 2, 962, Kind::Recv).with_item("'url'");
        recv.obj = 2;
        app.apply(recv);
    }
    app.ev(
        400,
        1,
        961,
        Kind::Exit {
            ended: crate::stream::Ended::Code(0),
        },
    );
    app.ev(
        410,
        0,
        960,
        Kind::Program(ProgramOp::JoinWait { child: 962 }),
    );
    let mut wait = Event::new(420 * MS, 2, 962, Kind::RecvWait);
    wait.obj = 2;
    app.apply(wait);
    app.tick(500);
    app.observe(Observation {
        objects: Some(vec![ObjectView {
            obj: 1,
            bytes: Some(0),
            capacity: Some(212_992),
            ends: [
                held(&[(960, Some(0)), (962, Some(2))]),
                held(&[(962, Some(2))]),
            ],
        }]),
        ..Observation::default()
    });
    app
}
