//! `ipcscope lesson` through the real binary: `--list` (both languages,
//! the locale's default), `--check` (exit 0 with the scene count, exit 2
//! with file:line:column, in the language asked for), an unknown name (exit 2 listing the names), a
//! teacher's folder (`--lessons DIR`), and a headless lesson run printing
//! each scene where it starts in the transcript (more in `handout.rs`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ipcscope::lesson::BUILTIN;

/// Longest any case may take (a headless lesson starts real processes).
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs the real binary with `args` and a clean locale plus `env`; kills
/// it and fails if it is still running after [`DEADLINE`].
fn ipcscope(args: &[&str], env: &[(&str, &str)]) -> Output {
    ipcscope_in(None, args, env)
}

/// [`ipcscope`], run in `dir` when given.
fn ipcscope_in(dir: Option<&Path>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipcscope"));
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run ipcscope");
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for ipcscope") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ipcscope {args:?} still running after {DEADLINE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("ipcscope-lessons-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const PROGRAM: &str = "from multiprocessing import Pipe\n\ndef send(c):\n    c.send('url_0')\n";

const LESSON: &str = r#"title = { en = "My pipe", zh = "我的管道" }
program = "mine.py"

[scenario.pipe]
messages = 1

[lines]
sender = { send = 4 }

[[scenes]]
caption = { en = "One message.", zh = "一条消息。" }

[[scenes]]
caption = { en = "Then EOF.", zh = "然后是 EOF。" }
question = { prompt = { en = "Next?", zh = "然后？" }, choices = [{ en = "EOF", zh = "EOF" }, { en = "hang", zh = "卡住" }], answer = 1, reveal = "EOFError raised" }
"#;

#[test]
fn list_prints_every_built_in_lesson_in_the_language_asked() {
    let out = ipcscope(&["lesson", "--list"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let en = text(&out.stdout);
    assert_eq!(en.lines().count(), BUILTIN.len(), "{en}");
    for (line, b) in en.lines().zip(BUILTIN) {
        assert!(line.starts_with(b.name), "{line}");
    }
    assert!(
        en.lines()
            .next()
            .unwrap()
            .ends_with("5 scenes  Queue: two writers, one reader"),
        "{en}"
    );

    // --lang zh, then the locale's default (LANG, overridden by LC_ALL).
    let zh = text(&ipcscope(&["lesson", "--list", "--lang", "zh"], &[]).stdout);
    assert!(
        zh.contains("5 个场景  队列：两个写进程，一个读进程"),
        "{zh}"
    );
    let by_locale = ipcscope(&["lesson", "--list"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(text(&by_locale.stdout), zh);
    let by_lc_all = ipcscope(
        &["lesson", "--list"],
        &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")],
    );
    assert_eq!(text(&by_lc_all.stdout), en);
    let flag_wins = ipcscope(
        &["lesson", "--list", "--lang", "en"],
        &[("LC_ALL", "zh_TW")],
    );
    assert_eq!(text(&flag_wins.stdout), en);
}

/// `ipcscope lesson` without a terminal (a pipe, a script) prints the
/// listing, as `--list` does, and exits at once: no menu waits for keys.
#[test]
fn lesson_without_a_terminal_prints_the_list_and_exits_0() {
    for lang in ["en", "zh"] {
        let out = ipcscope(&["lesson", "--lang", lang], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let list = ipcscope(&["lesson", "--list", "--lang", lang], &[]);
        assert_eq!(text(&out.stdout), text(&list.stdout));
        assert_eq!(text(&out.stdout).lines().count(), BUILTIN.len());
        assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    }
}

#[test]
fn check_says_ok_with_the_scene_count_or_exits_2_with_file_line_column() {
    let dir = Scratch::new("check");
    dir.write("mine.py", PROGRAM);
    let good = dir.write("mine.toml", LESSON);
    let out = ipcscope(&["lesson", "--check", good.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok: 2 scenes\n");
    assert_eq!(text(&out.stderr), "");
    let zh = ipcscope(
        &["lesson", "--check", good.to_str().unwrap(), "--lang", "zh"],
        &[],
    );
    assert_eq!(text(&zh.stdout), "ok：2 个场景\n");

    let bad = dir.write("bad.toml", &LESSON.replace("answer = 1", "answer = 3"));
    let out = ipcscope(&["lesson", "--check", bad.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:15:130: answer = 3 is out of range: choose 1 to 2",
            bad.display()
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // A mapped line without its call: ok, with a warning naming the place.
    let warned = dir.write("warned.toml", &LESSON.replace("send = 4", "send = 1"));
    let out = ipcscope(&["lesson", "--check", warned.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "ok: 2 scenes\n");
    assert!(
        text(&out.stderr).starts_with(&format!(
            "warning: {}:8:19: lines.sender.send = 1: line 1 of mine.py is `from multiprocessing import Pipe`, not a line with `send(`\n",
            warned.display()
        )),
        "{}",
        text(&out.stderr)
    );

    let out = ipcscope(&["lesson", "--check", "/nonexistent/none.toml"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("/nonexistent/none.toml: cannot read the lesson file"),
        "{}",
        text(&out.stderr)
    );
}

/// `--check` says what is wrong, and warns, in the language asked for, at
/// the same file:line:column.
#[test]
fn check_speaks_chinese_when_asked() {
    let dir = Scratch::new("check-zh");
    dir.write("mine.py", PROGRAM);
    let zh = |file: &Path| {
        ipcscope(
            &["lesson", "--check", file.to_str().unwrap(), "--lang", "zh"],
            &[],
        )
    };
    let bad = dir.write("bad.toml", &LESSON.replace("answer = 1", "answer = 3"));
    let out = zh(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "ipcscope: {}:15:130: answer = 3 超出范围：请选 1 到 2（选项从 1 开始数）\n",
            bad.display()
        )
    );
    let typed = dir.write(
        "typed.toml",
        &LESSON.replace("answer = 1", "answer = \"1\""),
    );
    let out = zh(&typed);
    assert_eq!(
        text(&out.stderr),
        format!(
            "ipcscope: {}:15:130: `scenes.question.answer` 应该是整数，而这里是字符串 \"1\"\n",
            typed.display()
        )
    );
    let warned = dir.write("warned.toml", &LESSON.replace("send = 4", "send = 1"));
    let out = zh(&warned);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "ok：2 个场景\n");
    assert_eq!(
        text(&out.stderr),
        format!(
            "警告: {}:8:19: lines.sender.send = 1：mine.py 的第 1 行是 \
             `from multiprocessing import Pipe`，不是含有 `send(` 的行\n",
            warned.display()
        )
    );
    let out = zh(Path::new("/nonexistent/none.toml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("ipcscope: /nonexistent/none.toml: 无法读取课程文件："),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn every_built_in_lesson_file_checks_ok() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/lessons");
    for b in BUILTIN {
        let file = format!("{dir}/{}.toml", b.name);
        let out = ipcscope(&["lesson", "--check", &file], &[]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        assert!(text(&out.stdout).starts_with("ok: "), "{file}");
        assert_eq!(text(&out.stderr), "", "{file}");
    }
}

#[test]
fn an_unknown_lesson_exits_2_listing_the_names() {
    let out = ipcscope(&["lesson", "queu"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let names: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
    assert!(
        err.contains(&format!(
            "no lesson named 'queu' in the built-in lessons; the lessons are {}",
            names.join(", ")
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_teachers_folder_replaces_the_built_in_lessons() {
    let dir = Scratch::new("folder");
    dir.write("mine.py", PROGRAM);
    dir.write("mine.toml", LESSON);
    let d = dir.0.to_str().unwrap();
    let out = ipcscope(&["lesson", "--list", "--lessons", d], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "mine  2 scenes  My pipe\n");

    let out = ipcscope(&["lesson", "queue", "--lessons", d], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "no lesson named 'queue' in the lessons in {d}; the lessons are mine"
        )),
        "{}",
        text(&out.stderr)
    );

    // A broken lesson in the folder: the listing fails, naming it.
    dir.write(
        "broken.toml",
        &LESSON.replace("[lines]", "[lines]\nwritr = { put = 1 }"),
    );
    let out = ipcscope(&["lesson", "--list", "--lessons", d], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "{d}/broken.toml:8:1: [lines] has no part `writr`: a program's parts are writer, "
        )),
        "{}",
        text(&out.stderr)
    );
    // In the locale's language when no --lang is given.
    let out = ipcscope(
        &["lesson", "--list", "--lessons", d],
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "{d}/broken.toml:8:1: [lines] 里不能写 `writr`：程序的部分只有 writer、"
        )),
        "{}",
        text(&out.stderr)
    );
}

/// `lesson NAME --headless` is a handout in the language asked: the title,
/// then each scene's caption and question (not the answer) where the scene
/// starts in the run's transcript, then the summary.
#[test]
fn a_headless_lesson_prints_each_scene_where_it_starts_in_the_language_asked() {
    let out = ipcscope(
        &[
            "lesson",
            "queue",
            "--headless",
            "--seed",
            "3",
            "--lang",
            "zh",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[0],
        "== 队列：两个写进程，一个读进程（程序：queue_demo.py）=="
    );
    let scene = |n: usize| {
        lines
            .iter()
            .position(|l| l.starts_with(&format!("场景 {n}：")))
            .unwrap_or_else(|| panic!("no scene {n}:\n{s}"))
    };
    assert_eq!(scene(1), 2, "{s}");
    assert!(scene(1) < scene(2) && scene(2) < scene(3) && scene(3) < scene(4));
    assert!(scene(4) < scene(5));
    assert_eq!(
        lines[scene(2) + 1],
        "   问题：读进程会按什么顺序取到这六个 url？"
    );
    assert_eq!(
        lines[scene(2) + 3],
        "     2) 每个写进程的 url 保持它放入的顺序，两个写进程的交错在一起"
    );
    assert!(
        !s.contains("why") && !s.contains("Queue 是先进先出的"),
        "{s}"
    );
    // Scene 2 restarts the run: urls got before it, all six after.
    assert!(
        lines[scene(1)..scene(2)]
            .iter()
            .any(|l| l.starts_with("Get url_")),
        "{s}"
    );
    for n in 1..=6 {
        let get = format!("Get url_{n} from queue.");
        assert!(
            lines[scene(2)..scene(3)].contains(&get.as_str()),
            "{get}:\n{s}"
        );
    }
    let answered = lines
        .iter()
        .position(|l| *l == "（运行在这里回答了场景 2 的问题。）")
        .expect("the run answers scene 2");
    assert!(scene(2) < answered && answered < scene(3), "{s}");
    let summary = ipcscope::text::with_lang(ipcscope::config::Lang::Zh, || {
        ipcscope::text::words().summary_header()
    });
    let at = lines.iter().position(|l| *l == summary).expect("a summary");
    assert!(at > scene(5), "{s}");
}

/// The README's example lesson (its `python` and `toml` blocks under
/// "Lesson files") checks ok, and with `answer = 3` fails as the README
/// shows, in English and in Chinese.
#[test]
fn the_readme_example_lesson_checks_as_the_readme_says() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("### Lesson files")
        .nth(1)
        .expect("a Lesson files section");
    let block = |lang: &str| {
        let start = section
            .find(&format!("```{lang}\n"))
            .unwrap_or_else(|| panic!("a {lang} block"));
        let body = &section[start + lang.len() + 4..];
        body[..body.find("```").unwrap()].to_string()
    };
    let dir = Scratch::new("readme");
    dir.write("mypipe.py", &block("python"));
    let toml = block("toml");
    let file = dir.write("mypipe.toml", &toml);
    let out = ipcscope(&["lesson", "--check", file.to_str().unwrap()], &[]);
    assert_eq!(text(&out.stdout), "ok: 2 scenes\n", "{}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(0));

    assert_eq!(toml.matches("answer = 1 ").count(), 1);
    dir.write("mypipe.toml", &toml.replace("answer = 1 ", "answer = 3 "));
    // Run in the folder, so the file is named as the README names it.
    let shown: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("ipcscope: mypipe.toml:"))
        .collect();
    assert_eq!(
        shown.len(),
        2,
        "the README shows the error in English and Chinese"
    );
    for (lang, shown) in ["en", "zh"].into_iter().zip(shown) {
        let out = ipcscope_in(
            Some(&dir.0),
            &["lesson", "--check", "mypipe.toml", "--lang", lang],
            &[],
        );
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(text(&out.stderr).trim_end(), shown);
    }
}

/// The README's `ipcscope lesson --list` sample is the real output.
#[test]
fn the_readme_shows_the_real_listing() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("$ ipcscope lesson --list\n")
        .expect("the README shows the listing");
    let body = &readme[start + "$ ipcscope lesson --list\n".len()..];
    let shown = &body[..body.find("```").unwrap()];
    let out = ipcscope(&["lesson", "--list"], &[]);
    assert_eq!(text(&out.stdout), shown);
}

/// The timeouts lesson's later scenes switch the writers and the reader
/// live (`put_policy nowait`, `on_full give_up`, `get_policy timeout 0`)
/// and the real run answers each question: queue.Full at once, urls given
/// up and the writer ending early, queue.Empty at once from timeout=0.
#[test]
fn the_timeouts_lesson_switches_put_and_get_live_and_the_run_answers_each_question() {
    let out = ipcscope(&["lesson", "timeouts", "--headless", "--seed", "3"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?}:\n{s}"))
    };
    let (s5, s6, s7) = (at("Scene 5."), at("Scene 6."), at("Scene 7."));
    let summary = at("--- summary ---");
    let within =
        |from: usize, to: usize, what: &str| lines[from..to].iter().any(|l| l.contains(what));
    for (n, from, to) in [(5, s5, s6), (6, s6, s7), (7, s7, summary)] {
        let answered = format!("(Here the run answers the question of scene {n}.)");
        assert!(within(from, to, &answered), "scene {n}:\n{s}");
    }
    assert!(
        within(
            s5,
            s6,
            "block=False): queue.Full raised at once; it tries url_"
        ),
        "{s}"
    );
    assert!(
        within(s6, s7, "queue.Full raised at once; it gives url_"),
        "{s}"
    );
    assert!(within(s6, s7, "(writer-1) exited."), "{s}");
    assert!(
        within(
            s7,
            summary,
            "get(timeout=0): queue.Empty raised at once; it stops reading."
        ),
        "{s}"
    );
    // A restart starts with the policies: no waiting in put_nowait's scene.
    assert!(!within(s5, s6, "waits to put"), "{s}");
}
