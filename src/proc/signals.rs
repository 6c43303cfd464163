//! The one place that watches for the signals asking ipcscope to stop
//! (SIGINT, SIGTERM, SIGHUP): each raises a flag the running mode checks.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// The process's stop flag, once watched.
static STOP: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);

/// A flag raised by SIGINT, SIGTERM or SIGHUP. Watched once per process:
/// every caller shares it, so a signal between two screens (the lesson
/// menu, then the lesson it opens) is not lost but stops the second.
pub fn stop_flag() -> std::io::Result<Arc<AtomicBool>> {
    let mut shared = STOP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(stop) = &*shared {
        return Ok(stop.clone());
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    *shared = Some(stop.clone());
    Ok(stop)
}

/// Makes a write past the file size limit fail with `EFBIG` instead of
/// killing ipcscope (SIGXFSZ's default): a recording that cannot grow is
/// reported and the run goes on without it.
pub fn ignore_file_size_limit_signal() {
    // SAFETY: setting a signal's disposition to ignore; no handler runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
