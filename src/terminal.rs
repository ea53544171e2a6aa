//! The terminal's life: raw mode and the alternate screen in, everything restored on every way
//! out (return, error, panic, signal, suspend), and frames wrapped in synchronized updates.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use ratatui::{Frame, Terminal};

/// Buffered stdout that holds back flushes while a frame is being written, so the
/// synchronized-update markers and the frame between them leave in a single write.
pub struct FrameWriter {
    out: BufWriter<Stdout>,
    holding: Arc<AtomicBool>,
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.holding.load(Ordering::Relaxed) {
            Ok(())
        } else {
            self.out.flush()
        }
    }
}

/// The explorer's terminal: one buffered writer carries both the frames and the
/// synchronized-update markers.
pub struct Tui {
    term: Terminal<CrosstermBackend<FrameWriter>>,
    holding: Arc<AtomicBool>,
    mouse: bool,
}

/// Install a panic hook that restores the terminal before the previous hook prints the panic,
/// then ends the process (exit code 101), whichever thread panicked. Call once, before
/// [`Tui::enter`].
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        // A panic on any thread ends the explorer: a trainer that died would leave a screen
        // that no longer changes and keys that do nothing. 101 is Rust's exit code for a panic.
        std::process::exit(101);
    }));
}

/// Give the terminal back: mouse off, cursor shown, main screen, cooked mode. Safe to call more
/// than once and from a panic hook; errors are ignored because there is nothing left to do.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

impl Tui {
    /// Raw mode, alternate screen, hidden cursor, and optionally mouse capture.
    pub fn enter(mouse: bool) -> io::Result<Tui> {
        let holding = Arc::new(AtomicBool::new(false));
        let mut out = FrameWriter {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            holding: holding.clone(),
        };
        enable_raw_mode()?;
        take_screen(&mut out, mouse)?;
        Ok(Tui {
            term: Terminal::new(CrosstermBackend::new(out))?,
            holding,
            mouse,
        })
    }

    /// Draw one frame between synchronized-update markers, written out once; with `keep`, a
    /// copy of the frame's cells is returned (for a screenshot).
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut Frame),
        keep: bool,
    ) -> io::Result<Option<Buffer>> {
        self.holding.store(true, Ordering::Relaxed);
        let drawn = queue!(self.term.backend_mut(), BeginSynchronizedUpdate)
            .and_then(|()| {
                self.term
                    .draw(render)
                    .map(|frame| keep.then(|| frame.buffer.clone()))
            })
            .and_then(|kept| {
                queue!(self.term.backend_mut(), EndSynchronizedUpdate)?;
                Ok(kept)
            });
        self.holding.store(false, Ordering::Relaxed);
        let kept = drawn?;
        self.term.backend_mut().flush()?;
        Ok(kept)
    }

    /// Forget what is on screen, so the next frame is drawn in full.
    pub fn clear(&mut self) -> io::Result<()> {
        // Not `Terminal::clear`: it asks the terminal for the cursor position and waits for
        // the answer on stdin, which the event stream is reading too. After Ctrl-Z or Ctrl-L
        // that wait timed out and ended the explorer with "the cursor position could not be
        // read". A resize to the current size clears the screen and the last frame without
        // asking anything.
        let size = self.term.size()?;
        self.term
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Follow a change of the terminal's size.
    pub fn autoresize(&mut self) -> io::Result<()> {
        self.term.autoresize()
    }

    pub fn size(&self) -> io::Result<Size> {
        self.term.size()
    }

    /// Suspend to the shell (Ctrl-Z): restore the terminal, stop the process, and on `fg` take
    /// the terminal back and clear it so the next frame is drawn in full.
    pub fn suspend(&mut self) -> io::Result<()> {
        let _ = self.term.backend_mut().flush();
        restore();
        // SIGSTOP cannot be caught, so the process stops here until SIGCONT.
        signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
        self.resume()
    }

    /// Take the terminal back after the process was continued (our own Ctrl-Z, or a
    /// `kill -STOP` and `fg` from outside, after which the shell has put the terminal back in
    /// cooked mode on the main screen): raw mode, alternate screen, mouse capture if on, and a
    /// full redraw.
    pub fn resume(&mut self) -> io::Result<()> {
        // crossterm remembers that it enabled raw mode and would do nothing now; after a stop
        // from outside the terminal may be cooked again, so leave raw mode on paper first.
        let _ = disable_raw_mode();
        enable_raw_mode()?;
        take_screen(self.term.backend_mut(), self.mouse)?;
        self.clear()
    }
}

/// Alternate screen, hidden cursor, bracketed paste (a paste arrives as text, never as keys),
/// mouse capture if asked; flushed.
fn take_screen(out: &mut impl Write, mouse: bool) -> io::Result<()> {
    queue!(
        out,
        EnterAlternateScreen,
        cursor::Hide,
        EnableBracketedPaste
    )?;
    if mouse {
        queue!(out, EnableMouseCapture)?;
    }
    out.flush()
}
