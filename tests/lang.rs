//! Chinese and English end to end: `--lang`, its default from the locale,
//! the headless transcript and summary, a replay told in either language,
//! and ipcscope's own errors. The programs' own prints stay as they print
//! them in both.

mod common;

use std::process::{Command, Output, Stdio};

use common::exe;

/// Runs ipcscope with `args` and the locale variables in `env` (all
/// others unset), to the end.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(exe());
    cmd.args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ipcscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LESSON: &[&str] = &["--headless", "--seed", "1", "--delay", "0..0.05"];

fn lesson(extra: &[&str], env: &[(&str, &str)]) -> String {
    let args: Vec<&str> = LESSON.iter().chain(extra).copied().collect();
    let out = run(&args, env);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// The lesson's own lines are printed as the program prints them, in both
/// languages; the rest follows the language.
#[test]
fn headless_in_chinese_keeps_the_programs_prints_and_says_the_rest_in_chinese() {
    let zh = lesson(&["--lang", "zh"], &[]);
    for n in 1..=6 {
        assert!(zh.contains(&format!("Put url_{n} to queue...\n")), "{zh}");
        assert!(zh.contains(&format!("Get url_{n} from queue.\n")), "{zh}");
    }
    assert!(zh.contains(") is writing...\n") && zh.contains(") is reading...\n"));
    assert!(zh.contains("--- 总结 ---"), "{zh}");
    assert!(
        zh.contains("队列（无界）：放入 6，取出 6，队列中剩 0"),
        "{zh}"
    );
    assert!(zh.contains("被 SIGTERM 终止"), "{zh}");
    assert!(
        !zh.contains("summary") && !zh.contains("terminated"),
        "{zh}"
    );

    let out = run(
        &[
            "pipe",
            "--headless",
            "--messages",
            "3",
            "--delay",
            "0..0.02",
            "--lang",
            "zh",
        ],
        &[],
    );
    let pipe = stdout(&out);
    for n in 0..3 {
        assert!(pipe.contains(&format!(" send: url_{n}\n")), "{pipe}");
        assert!(pipe.contains(&format!(" recv: url_{n}\n")), "{pipe}");
    }
    assert!(pipe.contains("recv：EOFError"), "{pipe}");
    assert!(pipe.contains("管道：发送 3，接收 3"), "{pipe}");
}

#[test]
fn the_language_defaults_to_the_locale_and_lang_overrides_it() {
    let en = lesson(&[], &[]);
    assert!(en.contains("--- summary ---"), "no locale: English\n{en}");
    let zh = lesson(&[], &[("LANG", "zh_CN.UTF-8")]);
    assert!(zh.contains("--- 总结 ---"), "LANG=zh_CN: Chinese\n{zh}");
    let zh = lesson(&[], &[("LC_MESSAGES", "zh_TW"), ("LANG", "en_US.UTF-8")]);
    assert!(zh.contains("--- 总结 ---"), "LC_MESSAGES before LANG\n{zh}");
    let en = lesson(&[], &[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]);
    assert!(en.contains("--- summary ---"), "LC_ALL wins\n{en}");
    let en = lesson(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(en.contains("--- summary ---"), "--lang wins\n{en}");
}

#[test]
fn a_replay_is_told_in_the_language_asked_for_not_the_recorded_one() {
    let rec = std::env::temp_dir().join(format!("ipcscope-lang-{}.rec", std::process::id()));
    let rec_s = rec.to_str().unwrap();
    lesson(&["--lang", "zh", "--record", rec_s], &[]);
    let replay = |lang: &str| {
        let out = run(&["replay", rec_s, "--headless", "--lang", lang], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let en = replay("en");
    let zh = replay("zh");
    let _ = std::fs::remove_file(&rec);
    assert!(en.contains("--- summary ---") && en.contains("Put url_1 to queue..."));
    assert!(zh.contains("--- 总结 ---") && zh.contains("Put url_1 to queue..."));
}

#[test]
fn ipcscopes_own_errors_are_told_in_the_language_asked_for() {
    // A recording that is not there.
    let out = run(&["replay", "/nonexistent/run.rec", "--lang", "zh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("无法读取 /nonexistent/run.rec"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &["replay", "/nonexistent/run.rec"],
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert!(stderr(&out).contains("无法读取"), "{}", stderr(&out));
    let out = run(&["replay", "/nonexistent/run.rec"], &[]);
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    // Checked while the command line is parsed: clap's frame stays English,
    // our reason is told in the language given (even after the file).
    let out = run(&["--trace", "/", "--lang", "zh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("无法把跟踪文件写到 /：它是目录，不是普通文件"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--delay", "1..0", "--lang", "zh"], &[]);
    assert!(stderr(&out).contains("'1..0' 是空范围"), "{}", stderr(&out));
    let out = run(&["--put-timeout", "-1"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(stderr(&out).contains("'-1' 是负数"), "{}", stderr(&out));
    let out = run(&["--writers", "200", "--readers", "100", "--lang=zh"], &[]);
    assert!(stderr(&out).contains("共 300 个进程"), "{}", stderr(&out));
    // The visualizer without a terminal.
    let out = run(&["--lang", "zh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("可视化界面需要终端"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_export_stays_english_whatever_the_language() {
    let dir = std::env::temp_dir();
    let id = std::process::id();
    let rec = dir.join(format!("ipcscope-lang-export-{id}.rec"));
    let csv = dir.join(format!("ipcscope-lang-export-{id}.csv"));
    let args = ["pipe", "--headless", "--delay", "0..0.01", "--forget-close"];
    let mut with_rec: Vec<&str> = args.to_vec();
    with_rec.extend(["--record", rec.to_str().unwrap()]);
    assert!(run(&with_rec, &[("LANG", "zh_CN.UTF-8")]).status.success());
    let out = run(
        &[
            "export",
            rec.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
        &[("LANG", "zh_CN.UTF-8")],
    );
    let text = std::fs::read_to_string(&csv).unwrap_or_default();
    let _ = std::fs::remove_file(&rec);
    let _ = std::fs::remove_file(&csv);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("the parent still holds"), "{text}");
    assert!(!text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)));
}

/// A note that a command failed says what was tried in the language asked
/// for, the OS's error by its errno name; a note from a recording made
/// before (the OS's English words) still replays.
#[test]
fn a_failed_command_is_told_in_chinese_and_an_older_recordings_note_still_replays() {
    let rec = std::env::temp_dir().join(format!("ipcscope-lang-failed-{}.rec", std::process::id()));
    let rec_s = rec.to_str().unwrap();
    let out = run(
        &[
            "pipe",
            "--headless",
            "--messages",
            "2",
            "--delay",
            "0..0",
            "--record",
            rec_s,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // The notes as the supervisor writes them, after the run's last record:
    // one as this version writes it, one as older versions did.
    let text = std::fs::read_to_string(&rec).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let n = last["n"].as_u64().unwrap();
    let t = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["event"]["t_ns"].as_u64())
        .max()
        .unwrap();
    let note = |n: u64, note: &str| {
        format!(
            "{{\"n\":{n},\"event\":{{\"t_ns\":{t},\"proc\":65535,\"pid\":1,\"ev\":\"note\",\"note\":{note}}}}}\n"
        )
    };
    let mut text = text;
    text.push_str(&note(
        n + 1,
        r#"{"failed":{"tried":{"start":{"role":"writer"}},"error":"EAGAIN"}}"#,
    ));
    text.push_str(&note(
        n + 2,
        r#"{"could_not_do":{"what":"Resource temporarily unavailable (os error 11)"}}"#,
    ));
    std::fs::write(&rec, text).unwrap();
    let replay = |lang: &str| {
        let out = run(&["replay", rec_s, "--headless", "--lang", lang], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let (en, zh) = (replay("en"), replay("zh"));
    let _ = std::fs::remove_file(&rec);
    assert!(
        en.contains("Could not start another writer: EAGAIN."),
        "{en}"
    );
    assert!(zh.contains("无法再启动一个写进程：EAGAIN。"), "{zh}");
    assert!(!zh.contains("Could not"), "{zh}");
    assert!(
        zh.contains("无法执行：Resource temporarily unavailable (os error 11)"),
        "{zh}"
    );
}

/// `ipcscope run --help` has two usage lines; the second's command stands
/// under the first's in both languages (`用法：` is 6 columns wide, one
/// fewer than `Usage: `).
#[test]
fn run_help_s_second_usage_line_stands_under_the_first_in_both_languages() {
    for lang in ["en", "zh"] {
        let out = run(&["run", "--help", "--lang", lang], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let help = stdout(&out);
        let lines: Vec<&str> = help.lines().collect();
        let first = lines
            .iter()
            .position(|l| l.contains("ipcscope run [OPTIONS] PROG.py"))
            .unwrap_or_else(|| panic!("{lang}: no usage in\n{help}"));
        let column = |l: &str| {
            let before = &l[..l.find("ipcscope").unwrap()];
            unicode_width::UnicodeWidthStr::width(before)
        };
        let second = lines[first + 1];
        assert!(
            second.contains("ipcscope run [OPTIONS] -- PYTHON"),
            "{lang}:\n{help}"
        );
        assert_eq!(column(lines[first]), column(second), "{lang}:\n{help}");
    }
}
