//! The README a newcomer reads: its two commands and its key table.

#[test]
fn readme_shows_the_two_commands_and_every_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    assert!(readme.contains("cargo run --release"));
    assert!(readme.contains("cargo test"));
    for (keys, _) in ipcscope::text::table(ipcscope::text::Lang::En).key_help() {
        for k in keys.split(['/', ',']) {
            let k = k.trim().split(' ').next().unwrap_or("");
            let k = match k {
                "up" | "down" | "click" | "space" | "Esc" | "Ctrl-C" | "q" => k.to_string(),
                other => format!("`{other}`"),
            };
            assert!(readme.contains(&k), "README's key table lacks {k}");
        }
    }
}

/// The README's headless sample is what `ipcscope --headless --seed 1`
/// prints, PIDs aside, and but for what a seed cannot fix: the order in
/// which real processes' lines interleave and how many times the reader
/// finds the queue empty.
#[test]
fn readme_headless_sample_is_what_the_run_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("$ ipcscope --headless --seed 1\n")
        .expect("the sample")
        + "$ ipcscope --headless --seed 1\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let sample = &readme[start..end];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ipcscope"))
        .env("LC_ALL", "C") // English, whatever the locale
        .args(["--headless", "--seed", "1"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let run = String::from_utf8_lossy(&out.stdout);
    let norm = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .lines()
            .filter(|l| !l.contains("waits to get") && !l.starts_with("telemetry:"))
            .map(|l| {
                let mut o = String::new();
                let mut rest = l;
                while let Some(i) = rest.find("Process(") {
                    o.push_str(&rest[..i + 8]);
                    rest = &rest[i + 8..];
                    let j = rest.find(')').unwrap_or(0);
                    o.push('#');
                    rest = &rest[j..];
                }
                o.push_str(rest);
                o
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(norm(sample), norm(&run), "README sample vs a run:\n{run}");
    // Each writer's items in its order, each got after it was put.
    for text in [sample, &run[..]] {
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing"));
        for (a, b) in [
            ("url_1", "url_2"),
            ("url_2", "url_3"),
            ("url_4", "url_5"),
            ("url_5", "url_6"),
        ] {
            assert!(at(&format!("Put {a} ")) < at(&format!("Put {b} ")));
        }
        for n in 1..=6 {
            assert!(at(&format!("Put url_{n} ")) < at(&format!("Get url_{n} ")));
        }
    }
}
