//! `cargo bench`: how long one full frame takes to render at 200x50 with 32
//! processes, 500 items queued and a full set of items travelling. Target:
//! <= 2 ms per frame. Prints mean, median and 99th percentile.

use std::time::Instant;

use ipcscope::config::{Mode, QueueConfig, RunConfig, Scenario};
use ipcscope::model::{Controls, Scene, View};
use ipcscope::stream::{
    Body, Event, KernelRow, KernelWait, Kind, Observation, Record, Role, RunInfo,
};
use ipcscope::ui::{self, theme::Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const MS: u64 = 1_000_000;

fn busy_scene() -> Scene {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 0;
    let cfg = RunConfig::new(Scenario::Queue(q), Mode::Tui, 1);
    let mut scene = Scene::new(cfg.clone());
    let mut n = 0;
    let mut apply = |scene: &mut Scene, body| {
        scene.apply(&Record { n, body });
        n += 1;
    };
    apply(
        &mut scene,
        Body::Run(RunInfo {
            start_ns: 0,
            pid: 1,
            config: cfg,
        }),
    );
    for id in 0..32u16 {
        let role = if id < 24 { Role::Writer } else { Role::Reader };
        let name = format!("{}-{}", role.as_str(), id + 1);
        let ev = Event::new(0, id, 10_000 + id as i32, Kind::Spawn { name, role });
        apply(&mut scene, Body::Event(ev));
    }
    for k in 0..600u64 {
        let id = (k % 24) as u16;
        let ev = Event::new(1000 * MS, id, 10_000 + id as i32, Kind::Put)
            .with_item(format!("url_{k}"))
            .with_seq(k + 1);
        apply(&mut scene, Body::Event(ev));
    }
    for k in 0..100u64 {
        let id = 24 + (k % 8) as u16;
        let ev = Event::new(1000 * MS, id, 10_000 + id as i32, Kind::Get)
            .with_item(format!("url_{k}"))
            .with_seq(k + 1);
        apply(&mut scene, Body::Event(ev));
    }
    let kernel = (0..32u16)
        .map(|id| KernelRow {
            proc: id,
            pid: 10_000 + id as i32,
            state: 'S',
            wait: KernelWait::WaitingForSpace,
            wchan: None,
        })
        .collect();
    apply(
        &mut scene,
        Body::Observation(Box::new(Observation {
            t_ns: 1100 * MS,
            kernel: Some(kernel),
            ..Observation::default()
        })),
    );
    scene
}

fn main() {
    let scene = busy_scene();
    let controls = Controls::new(&scene.cfg, false);
    let view = View {
        scene: &scene,
        controls: &controls,
        now_ns: 1100 * MS,
        timeline: None,
    };
    let theme = Theme {
        color: true,
        ascii: false,
        contrast: false,
    };
    let area = Rect::new(0, 0, 200, 50);
    let mut buf = Buffer::empty(area);
    for _ in 0..50 {
        ui::render(&view, &theme, area, &mut buf);
    }
    let mut times = Vec::with_capacity(2000);
    for _ in 0..2000 {
        buf.reset();
        let t = Instant::now();
        ui::render(&view, &theme, area, &mut buf);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "render 200x50, 32 processes, 500 queued, {} travelling: mean {mean:.3} ms, median {:.3} ms, p99 {:.3} ms (target <= 2 ms)",
        scene.flights.list.len(),
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
}
