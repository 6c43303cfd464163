//! `cargo bench --bench live`: the visualizer as a user meets it, driven in
//! a real pseudo-terminal with the release binary.
//!
//! 1. A key to its change on screen under a flood (`--delay 0..0
//!    --writers 8`): `?` is pressed and the time until the help overlay is
//!    drawn is measured, then `?` again until it is gone; 100 samples.
//!    Target: p99 <= 50 ms.
//! 2. The supervisor's CPU on the default lesson: utime + stime of the
//!    ipcscope process (all its threads, not the children) over 30 s at
//!    120x35. Target: <= 2 % of one core.
//!
//! Not a test: it prints figures. Build the release binary first
//! (`cargo build --release`); `IPCSCOPE_BIN` overrides its path.

use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../tests/common/pty.rs"]
mod pty;

use pty::Tui;

fn bin() -> PathBuf {
    std::env::var_os("IPCSCOPE_BIN").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/release/ipcscope"
            ))
        },
        PathBuf::from,
    )
}

/// Waits until the screen shows (or stops showing) `s`; the time taken.
fn until(tui: &Tui, s: &str, shown: bool) -> Duration {
    let t = Instant::now();
    while tui.text().contains(s) != shown {
        assert!(t.elapsed() < Duration::from_secs(30), "{s} never changed");
        std::thread::sleep(Duration::from_micros(500));
    }
    t.elapsed()
}

fn quit(mut tui: Tui) {
    tui.press("q");
    tui.wait_exit(Duration::from_secs(30));
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn key_latency() {
    let mut tui = Tui::start(&bin(), &["--delay", "0..0", "--writers", "8"]);
    until(&tui, "writer-8", true);
    std::thread::sleep(Duration::from_secs(2)); // the flood is on
    let mut ms = Vec::new();
    for _ in 0..50 {
        tui.press("?");
        ms.push(until(&tui, "Keys (", true).as_secs_f64() * 1e3);
        tui.press("?");
        ms.push(until(&tui, "Keys (", false).as_secs_f64() * 1e3);
    }
    quit(tui);
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "key to screen under a flood (--delay 0..0 --writers 8), {} samples: median {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 <= 50 ms)",
        ms.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.99),
        ms[ms.len() - 1]
    );
}

fn idle_cpu() {
    let tui = Tui::start(&bin(), &[]);
    until(&tui, "reader-1", true);
    std::thread::sleep(Duration::from_secs(3));
    let hz = 100.0; // USER_HZ on Linux
    let (t0, c0) = (Instant::now(), tui.cpu_ticks());
    std::thread::sleep(Duration::from_secs(30));
    let (secs, ticks) = (t0.elapsed().as_secs_f64(), tui.cpu_ticks() - c0);
    quit(tui);
    println!(
        "supervisor CPU, default lesson at 120x35: {:.2} % of one core ({ticks} ticks in {secs:.0} s; target <= 2 %)",
        ticks as f64 / hz / secs * 100.0
    );
}

fn main() {
    if !bin().exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(1);
    }
    key_latency();
    idle_cpu();
}
