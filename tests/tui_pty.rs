//! The visualizer end to end in a real pseudo-terminal: start `ipcscope`,
//! read the screen through a terminal emulator (vt100), press keys, and check
//! the real processes behind what is drawn.

mod common;

use common::pty::Tui;
use common::*;
use ipcscope::proc::spawn::is_alive;

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
    let mut tui = Tui::start(exe(), &["--reader-delay", "0.5..0.5", "--seed", "1"]);
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
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
    wait_until("the alternate screen is left", || !tui.alternate());
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
}

#[test]
fn sigterm_to_the_visualizer_leaves_no_child_alive_and_the_trace_is_complete() {
    let trace = std::env::temp_dir().join(format!("ipcscope-tui-{}.jsonl", std::process::id()));
    let mut tui = Tui::start(exe(), &["--seed", "2", "--trace", trace.to_str().unwrap()]);
    wait_until("three children run", || tui.children().len() == 3);
    let kids = tui.children();
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(tui.pid, libc::SIGTERM) };
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
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
        .env("LC_ALL", "C") // English, whatever the locale
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--headless"), "{err}");
}

#[test]
fn the_visualizer_speaks_chinese_in_a_real_terminal_and_keeps_every_glyph_whole() {
    let mut tui = Tui::start(exe(), &["--lang", "zh", "--seed", "3"]);
    wait_until("three child PIDs are on screen", || {
        let kids = tui.children();
        let text = tui.text();
        kids.len() == 3 && kids.iter().all(|p| text.contains(&p.to_string()))
    });
    wait_until("the screen speaks Chinese", || {
        let text = tui.text();
        text.contains("事件日志") && text.contains("进程（3）") && text.contains("运行中")
    });
    let kids = tui.children();
    tui.press(" ");
    wait_until("the header says frozen", || tui.text().contains("已冻结"));
    tui.press("?");
    wait_until("the help is open", || {
        tui.text().contains("按键（按 ? 或 Esc 关闭）")
    });
    // What the terminal shows: no row wider than the screen, and the help's
    // frame whole beside Chinese text.
    for row in tui.text().lines() {
        let cols: usize = row
            .chars()
            .map(|c| if c > '\u{2E80}' { 2 } else { 1 })
            .sum();
        assert!(cols <= 120, "{cols} columns: {row}");
    }
    tui.press("q");
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
}
