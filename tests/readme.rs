//! The README a newcomer reads: its two commands and its key table.

#[test]
fn readme_shows_the_two_commands_and_every_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    assert!(readme.contains("cargo run --release"));
    assert!(readme.contains("cargo test"));
    for (keys, _) in ipcscope::text::key_help() {
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
