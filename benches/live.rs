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

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

struct Tui {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    pid: i32,
}

fn bin() -> String {
    std::env::var("IPCSCOPE_BIN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/ipcscope").to_string()
    })
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 35,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("spawn ipcscope");
        drop(pair.slave);
        let pid = child.process_id().expect("pid") as i32;
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(35).unwrap(),
            std::num::NonZeroU16::new(120).unwrap(),
            0,
        )));
        let s2 = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s2.lock().unwrap().process(&buf[..n]);
            }
        });
        Tui {
            child,
            _master: pair.master,
            writer,
            screen,
            pid,
        }
    }

    fn shows(&self, s: &str) -> bool {
        self.screen.lock().unwrap().screen().contents().contains(s)
    }

    fn press(&mut self, k: &str) {
        self.writer.write_all(k.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until the screen shows (or stops showing) `s`; the time taken.
    fn until(&self, s: &str, shown: bool) -> Duration {
        let t = Instant::now();
        while self.shows(s) != shown {
            assert!(t.elapsed() < Duration::from_secs(30), "{s} never changed");
            std::thread::sleep(Duration::from_micros(500));
        }
        t.elapsed()
    }

    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap();
        let rest = stat.rsplit_once(')').unwrap().1;
        let f: Vec<&str> = rest.split_whitespace().collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    }

    fn quit(mut self) {
        self.press("q");
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn key_latency() {
    let mut tui = Tui::start(&["--delay", "0..0", "--writers", "8"]);
    tui.until("writer-8", true);
    std::thread::sleep(Duration::from_secs(2)); // the flood is on
    let mut ms = Vec::new();
    for _ in 0..50 {
        tui.press("?");
        ms.push(tui.until("Keys (", true).as_secs_f64() * 1e3);
        tui.press("?");
        ms.push(tui.until("Keys (", false).as_secs_f64() * 1e3);
    }
    tui.quit();
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
    let tui = Tui::start(&[]);
    tui.until("reader-1", true);
    std::thread::sleep(Duration::from_secs(3));
    let hz = 100.0; // USER_HZ on Linux
    let (t0, c0) = (Instant::now(), tui.cpu_ticks());
    std::thread::sleep(Duration::from_secs(30));
    let (secs, ticks) = (t0.elapsed().as_secs_f64(), tui.cpu_ticks() - c0);
    tui.quit();
    println!(
        "supervisor CPU, default lesson at 120x35: {:.2} % of one core ({ticks} ticks in {secs:.0} s; target <= 2 %)",
        ticks as f64 / hz / secs * 100.0
    );
}

fn main() {
    if !std::path::Path::new(&bin()).exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(1);
    }
    key_latency();
    idle_cpu();
}
