//! The one place that watches for the signals asking ipcscope to stop
//! (SIGINT, SIGTERM, SIGHUP): each raises a flag the running mode checks.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// A flag raised by SIGINT, SIGTERM or SIGHUP.
pub fn stop_flag() -> std::io::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
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
