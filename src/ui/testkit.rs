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
use crate::ipc::queue::{Item, QueuedItem, Snapshot};
use crate::model::app::{App, Observation};
use crate::proc::probe::KernelWait;
use crate::supervisor::{KernelRow, PipeStats};
use crate::telemetry::event::{ChildId, Event, Kind, Role};

fn run_cfg(scenario: Scenario) -> RunConfig {
    RunConfig {
        scenario,
        seed: 1,
        mode: Mode::Tui,
        trace: None,
        record: None,
        ascii: false,
    }
}

fn ev(app: &mut App, t_ms: u64, child: ChildId, pid: i32, kind: Kind) -> Event {
    let e = Event::new(t_ms * 1_000_000, child, pid, kind);
    app.tick(t_ms);
    app.apply_event(&e, t_ms);
    e
}

fn spawn(app: &mut App, t: u64, id: ChildId, pid: i32, name: &str, role: Role) {
    ev(
        app,
        t,
        id,
        pid,
        Kind::Spawn {
            name: name.into(),
            role,
        },
    );
}

fn item(app: &mut App, t: u64, id: ChildId, pid: i32, kind: Kind, label: &str, depth: u32) {
    let e = Event::new(t * 1_000_000, id, pid, kind)
        .with_item(label)
        .with_depth(depth);
    app.tick(t);
    app.apply_event(&e, t);
}

fn queued(label: &str, writer: u32, seq: u64, pid: i32) -> QueuedItem {
    QueuedItem {
        item: Item::new(label, writer, seq),
        put_seq: seq,
        put_pid: pid,
        put_ts_ns: 0,
    }
}

fn row(id: ChildId, pid: i32, state: char, wait: KernelWait) -> KernelRow {
    KernelRow {
        id,
        pid,
        state,
        wait,
        wchan: None,
    }
}

/// The queue lesson mid-run: maxsize 3, full; writer-2 blocked putting
/// url_6; reader-1 just got url_2 and sleeps; url_5 on its way.
pub fn queue_app() -> App {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 3;
    q.reader_delay = crate::config::DelayRange::fixed(1.0);
    let mut app = App::new(run_cfg(Scenario::Queue(q)));
    spawn(&mut app, 0, 0, 4101, "writer-1", Role::Writer);
    spawn(&mut app, 1, 1, 4102, "writer-2", Role::Writer);
    spawn(&mut app, 2, 2, 4103, "reader-1", Role::Reader);
    item(&mut app, 100, 0, 4101, Kind::Put, "url_1", 1);
    item(&mut app, 300, 1, 4102, Kind::Put, "url_4", 2);
    item(&mut app, 310, 2, 4103, Kind::Get, "url_1", 1);
    item(&mut app, 900, 0, 4101, Kind::Put, "url_2", 2);
    item(&mut app, 1500, 1, 4102, Kind::Put, "url_5", 3);
    item(&mut app, 1700, 2, 4103, Kind::Get, "url_4", 2);
    item(&mut app, 2100, 0, 4101, Kind::Put, "url_3", 3);
    item(&mut app, 2600, 1, 4102, Kind::PutWait, "url_6", 3);
    app.tick(2700);
    app.observe(Observation {
        queue: Some(Snapshot {
            depth: 3,
            maxsize: 3,
            capacity: 65_536,
            items: vec![
                queued("url_2", 1, 4, 4101),
                queued("url_5", 2, 5, 4102),
                queued("url_3", 1, 7, 4101),
            ],
            puts: 5,
            gets: 2,
            put_waiters: 1,
            ..Snapshot::default()
        }),
        kernel: Some(vec![
            row(0, 4101, 'S', KernelWait::Sleeping),
            row(1, 4102, 'S', KernelWait::WaitingForSpace),
            row(2, 4103, 'S', KernelWait::Sleeping),
        ]),
        lag_ms: 4,
        ..Observation::default()
    });
    app.selected = Some(1);
    app
}

/// The pipe lesson mid-run: two messages in the pipe, the receiver busy.
pub fn pipe_app() -> App {
    let mut app = App::new(run_cfg(Scenario::Pipe(PipeConfig::defaults(Mode::Tui))));
    spawn(&mut app, 0, 0, 952, "sender", Role::Sender);
    spawn(&mut app, 1, 1, 953, "receiver", Role::Receiver);
    item(&mut app, 100, 0, 952, Kind::Send, "url_0", 0);
    item(&mut app, 200, 1, 953, Kind::Recv, "url_0", 0);
    item(&mut app, 400, 0, 952, Kind::Send, "url_1", 0);
    item(&mut app, 900, 0, 952, Kind::Send, "url_2", 0);
    item(&mut app, 1000, 1, 953, Kind::Recv, "url_1", 0);
    item(&mut app, 1300, 0, 952, Kind::Send, "url_3", 0);
    app.tick(1400);
    app.observe(Observation {
        pipe: Some(PipeStats {
            bytes_waiting: Some(18),
            capacity: Some(212_992),
            send_holders: vec![(952, "sender".into())],
            recv_holders: vec![(953, "receiver".into())],
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
pub fn counter_app() -> App {
    let mut app = App::new(run_cfg(Scenario::Counter(CounterConfig::defaults(
        Mode::Tui,
    ))));
    for i in 0..4u16 {
        spawn(
            &mut app,
            i as u64,
            i,
            5001 + i as i32,
            &format!("counter-{}", i + 1),
            Role::Counter,
        );
    }
    for i in 0..4u16 {
        ev(
            &mut app,
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
        value: Some(231_415),
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
    app: &App,
    w: u16,
    h: u16,
    f: impl FnOnce(&App, &Theme, Rect, &mut Buffer),
) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let theme = Theme::plain();
    term.draw(|frame| {
        let area = frame.area();
        f(app, &theme, area, frame.buffer_mut());
    })
    .expect("draw");
    let buf = term.backend().buffer().clone();
    let mut lines = Vec::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        lines.push(line.trim_end().to_string());
    }
    let mut text = lines.join("\n");
    for p in &app.world.procs {
        let pid = p.pid.to_string();
        text = text.replace(&pid, &"#".repeat(pid.len()));
    }
    text
}

/// The whole screen as text.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    render_text(app, w, h, super::render)
}
