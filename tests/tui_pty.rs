//! The visualizer end to end in a real pseudo-terminal: start `ipcscope`,
//! read the screen through a terminal emulator (vt100), press keys, and check
//! the real processes behind what is drawn.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use ipcscope::proc::spawn::is_alive;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// A running ipcscope in a pty, with its screen.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    pid: i32,
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 35,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(exe());
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn ipcscope in a pty");
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
            let mut buf = [0u8; 8192];
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

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn alternate(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The PIDs of ipcscope's live children (from every thread's list).
    fn children(&self) -> Vec<i32> {
        let mut out = Vec::new();
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid)) {
            for t in tasks.flatten() {
                let text = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                out.extend(
                    text.split_whitespace()
                        .filter_map(|p| p.parse::<i32>().ok()),
                );
            }
        }
        out.retain(|&p| is_alive(p));
        out.sort();
        out
    }

    fn wait_exit(&mut self) -> Option<u32> {
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st.exit_code());
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let kids = self.children();
        let _ = self.child.kill();
        let _ = self.child.wait();
        for k in kids {
            // SAFETY: killing processes this test started (through ipcscope).
            unsafe { libc::kill(k, libc::SIGKILL) };
        }
    }
}

fn state_of(pid: i32) -> char {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, r)| r.trim_start().chars().next())
        })
        .unwrap_or('?')
}

/// The queue depth as the panel draws it ("depth N").
fn depth_on_screen(text: &str) -> Option<u32> {
    let i = text.find("depth ")?;
    text[i + 6..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn visualizer_shows_real_pids_moves_and_obeys_keys_then_quits_cleanly() {
    let mut tui = Tui::start(&["--reader-delay", "0.5..0.5", "--seed", "1"]);
    wait_until("three child PIDs are on screen", || {
        let kids = tui.children();
        let text = tui.text();
        kids.len() == 3 && kids.iter().all(|p| text.contains(&p.to_string()))
    });
    assert!(tui.alternate(), "the visualizer uses the alternate screen");
    let mut depths = std::collections::HashSet::new();
    wait_until("the queue depth changes on screen", || {
        if let Some(d) = depth_on_screen(&tui.text()) {
            depths.insert(d);
        }
        depths.len() >= 2
    });
    // `+` starts a fourth (writer) process, shown on screen.
    let before = tui.children();
    tui.press("+");
    wait_until("a fourth child PID is on screen", || {
        let kids = tui.children();
        let text = tui.text();
        kids.len() == 4 && kids.iter().all(|p| text.contains(&p.to_string()))
    });
    let kids = tui.children();
    assert!(kids.iter().any(|p| !before.contains(p)));
    // Space freezes the world: every child is stopped (T); space resumes.
    tui.press(" ");
    wait_until("every child is stopped", || {
        kids.iter().all(|&p| state_of(p) == 'T')
    });
    wait_until("the screen says frozen", || tui.text().contains("FROZEN"));
    tui.press(" ");
    wait_until("no child is stopped", || {
        kids.iter().all(|&p| state_of(p) != 'T')
    });
    // q quits: exit 0, the alternate screen is left, no child survives.
    tui.press("q");
    assert_eq!(tui.wait_exit(), Some(0));
    wait_until("the alternate screen is left", || !tui.alternate());
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
}

#[test]
fn sigterm_to_the_visualizer_leaves_no_child_alive_and_the_trace_is_complete() {
    let trace = std::env::temp_dir().join(format!("ipcscope-tui-{}.jsonl", std::process::id()));
    let mut tui = Tui::start(&["--seed", "2", "--trace", trace.to_str().unwrap()]);
    wait_until("three children run", || tui.children().len() == 3);
    let kids = tui.children();
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(tui.pid, libc::SIGTERM) };
    assert_eq!(tui.wait_exit(), Some(0));
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
    wait_until("the terminal is restored", || !tui.alternate());
    let text = std::fs::read_to_string(&trace).unwrap();
    let _ = std::fs::remove_file(&trace);
    let evs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |ev: &str| evs.iter().filter(|v| v["event"]["ev"] == ev).count();
    assert_eq!(count("spawn"), 3, "{text}");
    assert_eq!(count("exit"), 3, "every child's end is traced: {text}");
}

#[test]
fn stdout_not_a_terminal_points_to_headless() {
    let out = std::process::Command::new(exe())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--headless"), "{err}");
}
