//! ipcscope in a real pseudo-terminal, its screen read through a terminal
//! emulator (vt100): the driver shared by the end-to-end tests and the
//! `live` benchmark.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ipcscope::proc::spawn::is_alive;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// A running ipcscope in a pty, with its screen.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    pub pid: i32,
}

impl Tui {
    /// Starts `bin args` in a 120x35 pty.
    pub fn start(bin: &Path, args: &[&str]) -> Tui {
        let (rows, cols) = (35, 120);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        // English, whatever the locale of the machine running the tests.
        cmd.env("LC_ALL", "C");
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
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
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

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn alternate(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }

    pub fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The PIDs of ipcscope's live children (from every thread's list).
    pub fn children(&self) -> Vec<i32> {
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

    /// Its exit code, once it exits (`None` after `within`).
    pub fn wait_exit(&mut self, within: Duration) -> Option<u32> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st.exit_code());
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// utime + stime of the ipcscope process (all its threads), in ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap();
        let rest = stat.rsplit_once(')').unwrap().1;
        let f: Vec<&str> = rest.split_whitespace().collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
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
