//! `cargo bench --bench attach`: what watching a Python program costs it.
//! The same `multiprocessing.Queue` throughput program
//! (`benches/attach_queue.py`: one writer process puts N small items, the
//! main process gets them) runs, in this one run, alternately as it is
//! (`python3 attach_queue.py N`), under `ipcscope run --headless` with the
//! instrumentation, and under `ipcscope run --headless --no-instrument`;
//! each round prints the program's own items per second, and the end the
//! medians and the ratio instrumented / plain. Target: >= 0.5.
//!
//! Not a test: it prints figures. It runs the `ipcscope` binary cargo
//! builds for the bench (optimized, always the current source);
//! `IPCSCOPE_BIN` overrides its path; `ROUNDS` (5) and `ITEMS` (200000)
//! the size.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn bin() -> PathBuf {
    std::env::var_os("IPCSCOPE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_ipcscope")),
        PathBuf::from,
    )
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The items per second the program printed.
fn rate(cmd: &mut Command) -> f64 {
    let out = cmd
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/benches"))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("run the program");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("items/s: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no items/s in:\n{text}"))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rounds = env_num("ROUNDS", 5);
    let items = env_num("ITEMS", 200_000).to_string();
    let bin = bin();
    assert!(
        bin.exists(),
        "{} missing: cargo build --release",
        bin.display()
    );
    let (mut plain, mut watched, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let p = rate(Command::new("python3").args(["attach_queue.py", &items]));
        let w = rate(Command::new(&bin).args(["run", "--headless", "attach_queue.py", &items]));
        let b = rate(Command::new(&bin).args([
            "run",
            "--headless",
            "--no-instrument",
            "attach_queue.py",
            &items,
        ]));
        println!(
            "round {round}: plain {p:.0} items/s, instrumented {w:.0} ({:.2}x), --no-instrument {b:.0}",
            w / p
        );
        plain.push(p);
        watched.push(w);
        bare.push(b);
    }
    let (p, w, b) = (median(&mut plain), median(&mut watched), median(&mut bare));
    println!(
        "median of {rounds}: plain {p:.0} items/s, instrumented {w:.0} items/s ({:.2}x, target >= 0.5x), --no-instrument {b:.0} items/s ({:.2}x)",
        w / p,
        b / p
    );
}
