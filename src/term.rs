//! The terminal: the one place that enters and leaves raw mode and the
//! alternate screen. Whatever happens (quit, Ctrl-C, SIGTERM, SIGHUP, a
//! panic) the terminal is restored and every child is killed.

use std::io::IsTerminal;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

/// Fails with a clear message when there is no terminal to draw on.
pub fn check_tty() -> Result<(), String> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(crate::text::words().not_a_terminal());
    }
    Ok(())
}

/// Enters raw mode and the alternate screen, with mouse reports. A panic
/// kills the children first, then restores the terminal, then reports.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        crate::proc::spawn::registry::kill_all();
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
        prev(info);
    }));
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableMouseCapture)?;
    Ok(terminal)
}

/// Leaves the alternate screen and raw mode.
pub fn leave() {
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
}
