//! The terminal's life: raw mode and the alternate screen in, everything restored on every way
//! out (return, error, panic, signal, suspend), and frames wrapped in synchronized updates.

use std::io::{self, BufWriter, Stdout, Write};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

/// The explorer's terminal. One buffered writer carries both the frames and the
/// synchronized-update markers, so a frame reaches the terminal in one piece.
pub type Tui = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Install a panic hook that restores the terminal before the previous hook prints the panic.
/// Call once, before [`enter`].
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Raw mode, alternate screen, hidden cursor, and optionally mouse capture.
pub fn enter(mouse: bool) -> io::Result<Tui> {
    enable_raw_mode()?;
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout());
    queue!(out, EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        queue!(out, EnableMouseCapture)?;
    }
    out.flush()?;
    Terminal::new(CrosstermBackend::new(out))
}

/// Give the terminal back: mouse off, cursor shown, main screen, cooked mode. Safe to call more
/// than once and from a panic hook; errors are ignored because there is nothing left to do.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Draw one frame between synchronized-update markers, flushed once.
pub fn draw(tui: &mut Tui, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
    queue!(tui.backend_mut(), BeginSynchronizedUpdate)?;
    tui.draw(render)?;
    queue!(tui.backend_mut(), EndSynchronizedUpdate)?;
    tui.backend_mut().flush()
}

/// Suspend to the shell (Ctrl-Z): restore the terminal, stop the process, and on `fg` take the
/// terminal back and clear it so the next frame is drawn in full.
pub fn suspend(tui: &mut Tui, mouse: bool) -> io::Result<()> {
    let _ = tui.backend_mut().flush();
    restore();
    // SIGSTOP cannot be caught, so the process stops here until SIGCONT.
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    enable_raw_mode()?;
    queue!(tui.backend_mut(), EnterAlternateScreen, cursor::Hide)?;
    if mouse {
        queue!(tui.backend_mut(), EnableMouseCapture)?;
    }
    tui.backend_mut().flush()?;
    tui.clear()
}
