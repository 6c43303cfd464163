//! `ipcscope bench`: our Queue and Pipe against Python's multiprocessing,
//! side by side in one run, with real processes (1 writer, 1 reader, small
//! items). Not a test: it prints figures (and ratios with `--python`).

use std::io::Read;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::ipc::pipe::pipe;
use crate::ipc::queue::Queue;
use crate::ipc::value::SharedArray;
use crate::proc::spawn::{ChildGuard, Output, Spec, self_exe};

/// The repo's Python baseline, embedded so the binary runs it from anywhere.
const PYTHON_BASELINE: &str = include_str!("../benches/python_baseline.py");

/// One benchmark case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    QueueUnbounded,
    QueueMaxsize2,
    PipeDuplex,
    PipeOneWay,
}

impl Case {
    pub const ALL: [Case; 4] = [
        Case::QueueUnbounded,
        Case::QueueMaxsize2,
        Case::PipeDuplex,
        Case::PipeOneWay,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Case::QueueUnbounded => "queue_unbounded",
            Case::QueueMaxsize2 => "queue_maxsize2",
            Case::PipeDuplex => "pipe_duplex",
            Case::PipeOneWay => "pipe_oneway",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Case::QueueUnbounded => "queue, unbounded",
            Case::QueueMaxsize2 => "queue, maxsize=2",
            Case::PipeDuplex => "pipe, duplex",
            Case::PipeOneWay => "pipe, one-way",
        }
    }

    /// Items per run, sized so Python needs a couple of seconds here.
    fn default_items(self) -> u64 {
        match self {
            Case::QueueUnbounded => 1_000_000,
            Case::QueueMaxsize2 => 50_000,
            Case::PipeDuplex | Case::PipeOneWay => 300_000,
        }
    }

    /// The ratio the issue asks for (ours / Python).
    pub fn target_ratio(self) -> f64 {
        match self {
            Case::QueueUnbounded => 20.0,
            Case::QueueMaxsize2 => 1.5,
            Case::PipeDuplex | Case::PipeOneWay => 3.0,
        }
    }
}

/// Options of `ipcscope bench`.
#[derive(Debug, Clone, Default)]
pub struct BenchOptions {
    pub python: bool,
    pub json: bool,
    /// Items per case instead of each case's default.
    pub items: Option<u64>,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub items: u64,
    pub ours_items_per_s: f64,
    /// Times our reader slept in the kernel (no spinning: they really block).
    pub reader_waits: u64,
    pub python_items_per_s: Option<f64>,
}

impl Outcome {
    pub fn ratio(&self) -> Option<f64> {
        self.python_items_per_s.map(|p| self.ours_items_per_s / p)
    }

    pub fn to_json(&self) -> String {
        serde_json::json!({
            "case": self.case.id(),
            "items": self.items,
            "ours_items_per_s": self.ours_items_per_s.round(),
            "reader_waits": self.reader_waits,
            "python_items_per_s": self.python_items_per_s.map(f64::round),
            "ratio": self.ratio().map(|r| (r * 100.0).round() / 100.0),
            "target_ratio": self.case.target_ratio(),
        })
        .to_string()
    }
}

/// Runs every case, printing each result as soon as it is known.
pub fn run(opts: &BenchOptions) -> Result<Vec<Outcome>, String> {
    let exe = self_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let mut out = Vec::new();
    if !opts.json {
        println!(
            "{:<18} {:>8} {:>16} {:>16} {:>8} {:>8}",
            "case", "items", "ours items/s", "python items/s", "ratio", "target"
        );
    }
    for case in Case::ALL {
        let items = opts.items.unwrap_or(case.default_items());
        let (rate, waits) = run_ours(&exe, case, items)?;
        let python = if opts.python {
            Some(run_python(case, items)?)
        } else {
            None
        };
        let o = Outcome {
            case,
            items,
            ours_items_per_s: rate,
            reader_waits: waits,
            python_items_per_s: python,
        };
        if opts.json {
            println!("{}", o.to_json());
        } else {
            println!(
                "{:<18} {:>8} {:>16} {:>16} {:>8} {:>8}",
                case.title(),
                items,
                thousands(rate),
                python.map_or("-".into(), thousands),
                o.ratio().map_or("-".into(), |r| format!("{r:.1}x")),
                format!(">= {}x", case.target_ratio()),
            );
        }
        out.push(o);
    }
    Ok(out)
}

fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Our side: spawns the two roles and reads the reader's timing.
fn run_ours(exe: &Path, case: Case, items: u64) -> Result<(f64, u64), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", case.id());
    let barrier = SharedArray::new(1, false).map_err(|e| err(&e))?;
    let bfd = barrier.fd().as_raw_fd();
    let count = items.to_string();
    let mut guard = ChildGuard::new();
    let (writer, reader) = match case {
        Case::QueueUnbounded | Case::QueueMaxsize2 => {
            let maxsize = if case == Case::QueueMaxsize2 { 2 } else { 0 };
            let q = Queue::new(maxsize).map_err(|e| err(&e))?;
            let qfd = q.fd().as_raw_fd();
            let args = |role: &str| {
                vec![
                    "__child".to_string(),
                    role.into(),
                    "--queue-fd".into(),
                    qfd.to_string(),
                    "--barrier-fd".into(),
                    bfd.to_string(),
                    "--count".into(),
                    count.clone(),
                ]
            };
            let w = Spec::new(args("bench-queue-put")).keep_fd(qfd).keep_fd(bfd);
            let r = Spec::new(args("bench-queue-get"))
                .keep_fd(qfd)
                .keep_fd(bfd)
                .stdout(Output::Piped)
                .stderr(Output::Inherit);
            let w = guard.spawn(exe, &w).map_err(|e| err(&e))?;
            let r = guard.spawn(exe, &r).map_err(|e| err(&e))?;
            (w, r)
        }
        Case::PipeDuplex | Case::PipeOneWay => {
            let duplex = case == Case::PipeDuplex;
            let (rx, tx) = pipe(duplex).map_err(|e| err(&e))?;
            let (rfd, tfd) = (rx.raw_fd().unwrap_or(-1), tx.raw_fd().unwrap_or(-1));
            let args = |role: &str, fd: i32| {
                let mut v = vec![
                    "__child".to_string(),
                    role.into(),
                    "--fd".into(),
                    fd.to_string(),
                    "--barrier-fd".into(),
                    bfd.to_string(),
                    "--count".into(),
                    count.clone(),
                ];
                if duplex {
                    v.push("--duplex".into());
                }
                v
            };
            let w = Spec::new(args("bench-pipe-send", tfd))
                .keep_fd(tfd)
                .keep_fd(bfd);
            let r = Spec::new(args("bench-pipe-recv", rfd))
                .keep_fd(rfd)
                .keep_fd(bfd)
                .stdout(Output::Piped)
                .stderr(Output::Inherit);
            let w = guard.spawn(exe, &w).map_err(|e| err(&e))?;
            let r = guard.spawn(exe, &r).map_err(|e| err(&e))?;
            drop((rx, tx));
            (w, r)
        }
    };
    let mut text = String::new();
    if let Some(mut so) = guard.get_mut(reader).and_then(|c| c.stdout.take()) {
        so.read_to_string(&mut text).map_err(|e| err(&e))?;
    }
    let limit = Duration::from_secs(300);
    for pid in [writer, reader] {
        match guard.wait(pid, limit) {
            Some(crate::proc::spawn::Exit::Code(0)) => {}
            other => return Err(err(&format!("a benchmark process ended badly: {other:?}"))),
        }
    }
    let mut parts = text.split_whitespace();
    let secs: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| err(&format!("unexpected reader output {text:?}")))?;
    let waits: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((items as f64 / secs.max(1e-9), waits))
}

/// Python's side: the embedded baseline script, run with `python3`.
fn run_python(case: Case, items: u64) -> Result<f64, String> {
    let path = std::env::temp_dir().join(format!("ipcscope-baseline-{}.py", std::process::id()));
    std::fs::write(&path, PYTHON_BASELINE)
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    let out = Command::new("python3")
        .arg(&path)
        .args(["--case", case.id(), "--items", &items.to_string()])
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.map_err(|e| format!("cannot run python3 (needed for --python): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the Python baseline failed for {}: {}",
            case.id(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("unexpected Python baseline output: {e}"))?;
    v["items_per_s"]
        .as_f64()
        .ok_or_else(|| "the Python baseline printed no items_per_s".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }

    #[test]
    fn outcome_json_has_ratio_when_python_ran() {
        let o = Outcome {
            case: Case::PipeDuplex,
            items: 10,
            ours_items_per_s: 300.0,
            reader_waits: 0,
            python_items_per_s: Some(100.0),
        };
        let v: serde_json::Value = serde_json::from_str(&o.to_json()).unwrap();
        assert_eq!(v["case"], "pipe_duplex");
        assert_eq!(v["ratio"], 3.0);
    }
}
