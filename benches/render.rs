//! `cargo bench`: how long one full frame takes to render at 200x50 with 32
//! processes, 500 items queued and a full set of items travelling. Target:
//! <= 2 ms per frame. Prints mean, median and 99th percentile.

use std::time::Instant;

use ipcscope::config::{Mode, QueueConfig, RunConfig, Scenario};
use ipcscope::ipc::queue::{Item, QueuedItem, Snapshot};
use ipcscope::model::app::{App, Observation};
use ipcscope::proc::probe::KernelWait;
use ipcscope::supervisor::KernelRow;
use ipcscope::telemetry::event::{Event, Kind, Role};
use ipcscope::ui::{self, theme::Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn busy_app() -> App {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 0;
    let mut app = App::new(RunConfig {
        scenario: Scenario::Queue(q),
        seed: 1,
        mode: Mode::Tui,
        trace: None,
        record: None,
        ascii: false,
    });
    for id in 0..32u16 {
        let role = if id < 24 { Role::Writer } else { Role::Reader };
        let name = format!("{}-{}", role.as_str(), id + 1);
        app.apply_event(
            &Event::new(0, id, 10_000 + id as i32, Kind::Spawn { name, role }),
            0,
        );
    }
    app.tick(1000);
    for n in 0..600u64 {
        let id = (n % 24) as u16;
        let ev = Event::new(n, id, 10_000 + id as i32, Kind::Put)
            .with_item(format!("url_{n}"))
            .with_depth(n as u32);
        app.apply_event(&ev, 1000);
    }
    for n in 0..100u64 {
        let id = 24 + (n % 8) as u16;
        let ev = Event::new(n, id, 10_000 + id as i32, Kind::Get).with_item(format!("url_{n}"));
        app.apply_event(&ev, 1000);
    }
    let items = (100..600u64)
        .map(|n| QueuedItem {
            item: Item::new(format!("url_{n}"), (n % 24) as u32 + 1, n),
            put_seq: n,
            put_pid: 10_000,
            put_ts_ns: 0,
        })
        .collect();
    app.observe(Observation {
        queue: Some(Snapshot {
            depth: 500,
            maxsize: 0,
            capacity: 65_536,
            items,
            puts: 600,
            gets: 100,
            ..Snapshot::default()
        }),
        kernel: Some(
            (0..32u16)
                .map(|id| KernelRow {
                    id,
                    pid: 10_000 + id as i32,
                    state: 'S',
                    wait: KernelWait::WaitingForSpace,
                    wchan: None,
                })
                .collect(),
        ),
        ..Observation::default()
    });
    app.tick(1100);
    app
}

fn main() {
    let app = busy_app();
    let theme = Theme {
        color: true,
        ascii: false,
    };
    let area = Rect::new(0, 0, 200, 50);
    let mut buf = Buffer::empty(area);
    for _ in 0..50 {
        ui::render(&app, &theme, area, &mut buf);
    }
    let mut times = Vec::with_capacity(2000);
    for _ in 0..2000 {
        buf.reset();
        let t = Instant::now();
        ui::render(&app, &theme, area, &mut buf);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "render 200x50, 32 processes, 500 queued, {} travelling: mean {mean:.3} ms, median {:.3} ms, p99 {:.3} ms (target <= 2 ms)",
        app.flights.len(),
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
}
