//! The short real demonstration `ipcscope` runs until the lesson and the
//! visualizer land: two writer processes and one reader process through the
//! shared-memory queue, printing the lesson's lines.

use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::ipc::queue::Queue;
use crate::proc::spawn::{ChildGuard, Output, Spec, self_exe};

pub fn run() -> i32 {
    match demo() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ipcscope: {e}");
            1
        }
    }
}

fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let exe = self_exe()?;
    let q = Queue::new(0)?;
    let fd = q.fd().as_raw_fd();
    let mut guard = ChildGuard::new();
    let mut writers = Vec::new();
    for (w, first) in [(1, 1), (2, 4)] {
        let spec = Spec::new([
            "__child".to_string(),
            "demo-writer".into(),
            "--queue-fd".into(),
            fd.to_string(),
            "--writer".into(),
            w.to_string(),
            "--first".into(),
            first.to_string(),
        ])
        .keep_fd(fd)
        .stdout(Output::Inherit)
        .stderr(Output::Inherit);
        writers.push(guard.spawn(&exe, &spec)?);
    }
    let reader = Spec::new([
        "__child".to_string(),
        "demo-reader".into(),
        "--queue-fd".into(),
        fd.to_string(),
    ])
    .keep_fd(fd)
    .stdout(Output::Inherit)
    .stderr(Output::Inherit);
    let reader = guard.spawn(&exe, &reader)?;
    for w in writers {
        guard.wait(w, Duration::from_secs(60));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !q.empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    crate::proc::spawn::stop_all(&[reader], Duration::from_millis(500));
    println!("Both writers joined; the reader was terminated once the queue was empty.");
    Ok(())
}
