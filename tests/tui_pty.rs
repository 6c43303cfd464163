//! The visualizer end to end in a real pseudo-terminal: start `ipcscope`,
//! read the screen through a terminal emulator (vt100), press keys, and check
//! the real processes behind what is drawn. Also the lesson menu: what it
//! opens, and that leaving it starts nothing.

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

/// Down arrow, as a terminal sends it.
const DOWN: &str = "\x1b[B";

/// `ipcscope lesson` opens the menu; Down and Enter open the second
/// lesson, running as `ipcscope lesson maxsize` would (its caption bar,
/// its processes); q in the lesson quits with the terminal restored and
/// no child left.
#[test]
fn lesson_menu_down_enter_opens_the_second_lesson_and_q_quits_cleanly() {
    let mut tui = Tui::start(exe(), &["lesson", "--seed", "4"]);
    wait_until("the menu lists the lessons", || {
        let text = tui.text();
        text.contains("Lessons") && text.contains("▸  1 queue") && text.contains("terminate")
    });
    assert!(tui.alternate(), "the menu uses the alternate screen");
    assert!(tui.children().is_empty(), "the menu starts no process");
    tui.press(DOWN);
    wait_until("the second lesson is highlighted and previewed", || {
        let text = tui.text();
        text.contains("▸  2 maxsize") && text.contains("Runs: Queue(maxsize=2)")
    });
    tui.press("\r");
    wait_until("the lesson's first scene is on screen", || {
        let text = tui.text();
        text.contains("Scene 1/") && text.contains("Blocking and maxsize")
    });
    wait_until("its three processes run", || tui.children().len() == 3);
    let kids = tui.children();
    tui.press("q");
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
    wait_until("the alternate screen is left", || !tui.alternate());
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
}

/// q (or Ctrl-C, in Chinese) in the menu leaves at once: exit 0, the
/// terminal restored, nothing started.
#[test]
fn q_or_ctrl_c_in_the_lesson_menu_exits_0_without_starting_anything() {
    for (args, shown, key) in [
        (&["lesson"][..], "up/down choose", "q"),
        (&["lesson", "--lang", "zh"][..], "↑/↓ 选择", "\x03"),
    ] {
        let mut tui = Tui::start(exe(), args);
        wait_until("the menu is on screen", || tui.text().contains(shown));
        tui.press(key);
        assert_eq!(tui.wait_exit(DEADLINE), Some(0), "{args:?}");
        wait_until("the alternate screen is left", || !tui.alternate());
        assert!(tui.children().is_empty(), "{args:?}: nothing started");
    }
}

/// SIGTERM while the menu waits for a key: the terminal is restored and
/// nothing runs.
#[test]
fn sigterm_in_the_lesson_menu_restores_the_terminal_and_runs_nothing() {
    let mut tui = Tui::start(exe(), &["lesson"]);
    wait_until("the menu is on screen", || {
        tui.text().contains("▸  1 queue")
    });
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(tui.pid, libc::SIGTERM) };
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
    wait_until("the terminal is restored", || !tui.alternate());
    assert!(tui.children().is_empty());
}

/// A teacher's folder with a broken lesson: the menu shows it broken with
/// `file:line:col: message`, Enter on it opens nothing, the good one
/// beside it still opens.
#[test]
fn a_broken_lesson_in_the_menu_cannot_be_opened_and_the_good_one_still_can() {
    /// The folder, removed when the test ends (passed or not).
    struct Folder(std::path::PathBuf);
    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let dir = std::env::temp_dir().join(format!("ipcscope-pty-menu-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let _folder = Folder(dir.clone());
    let queue = &ipcscope::lesson::BUILTIN[0];
    std::fs::write(dir.join(queue.program.0), queue.program.1).unwrap();
    std::fs::write(dir.join("good.toml"), queue.toml).unwrap();
    let broken = queue
        .toml
        .replace("[lines]", "[lines]\nwritr = { put = 1 }");
    std::fs::write(dir.join("a_broken.toml"), broken).unwrap();
    let mut tui = Tui::start(exe(), &["lesson", "--lessons", dir.to_str().unwrap()]);
    wait_until("the broken lesson is listed as broken", || {
        let text = tui.text();
        text.contains("▸ 1 a_broken") && text.contains("■ broken · ")
    });
    let file = dir.join("a_broken.toml");
    wait_until("its error is previewed as file:line:col: message", || {
        let flat: String = tui.text().split_whitespace().collect();
        flat.contains(&format!("{}:", file.display())) && flat.contains("nopart`writr`")
    });
    tui.press("\r");
    wait_until("the menu says it cannot be opened", || {
        tui.text()
            .contains("a_broken is broken: it cannot be opened")
    });
    assert!(tui.children().is_empty(), "nothing started");
    assert!(tui.alternate(), "still in the menu");
    tui.press(DOWN);
    tui.press("\r");
    wait_until("the good lesson runs", || {
        tui.text().contains("Scene 1/") && tui.children().len() == 3
    });
    let kids = tui.children();
    tui.press("q");
    assert_eq!(tui.wait_exit(DEADLINE), Some(0));
    wait_until("no child is alive", || kids.iter().all(|&p| !is_alive(p)));
}
