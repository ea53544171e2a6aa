//! A progress bar with an ETA on stderr for long headless work (`experiment born-dead`,
//! `experiment sweep`), drawn only when stderr is a terminal: nothing on a pipe or in a log.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::experiment::Progress;

/// How often the bar is redrawn.
const EVERY: Duration = Duration::from_millis(200);

/// Runs `work` with a fresh [`Progress`], drawing its bar (labelled `what`) meanwhile.
pub fn with_bar<T>(what: &str, work: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::new();
    if !std::io::stderr().is_terminal() {
        return work(&progress);
    }
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let drawer = scope.spawn(|| {
            let start = Instant::now();
            let mut shown = false;
            while !finished.load(Ordering::Relaxed) {
                let line = bar(what, progress.fraction(), start.elapsed());
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r{line}");
                let _ = err.flush();
                drop(err);
                shown = true;
                std::thread::sleep(EVERY);
            }
            if shown {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r{}\r", " ".repeat(72));
                let _ = err.flush();
            }
        });
        let out = work(&progress);
        finished.store(true, Ordering::Relaxed);
        let _ = drawer.join();
        out
    })
}

/// `born dead [#######.......]  45%  ETA 12 s`.
fn bar(what: &str, fraction: f64, elapsed: Duration) -> String {
    const WIDTH: usize = 30;
    let f = fraction.clamp(0.0, 1.0);
    let filled = ((f * WIDTH as f64) as usize).min(WIDTH);
    let eta = if f > 0.0 {
        let left = elapsed.as_secs_f64() * (1.0 - f) / f;
        format!("ETA {}", seconds(left))
    } else {
        "ETA ?".to_string()
    };
    format!(
        "{what} [{}{}] {:>3.0}%  {eta}",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        f * 100.0
    )
}

fn seconds(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} min {:.0} s", (s / 60.0).floor(), s % 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_says_how_far_and_how_long() {
        let b = bar("sweep", 0.25, Duration::from_secs(10));
        assert_eq!(b, "sweep [#######.......................]  25%  ETA 30 s");
        assert!(bar("sweep", 0.0, Duration::ZERO).ends_with("ETA ?"));
        assert!(bar("x", 0.5, Duration::from_secs(100)).ends_with("ETA 1 min 40 s"));
    }

    #[test]
    fn off_a_terminal_the_work_just_runs() {
        // The test harness's stderr is captured, not a terminal.
        assert_eq!(
            with_bar("x", crate::experiment::progress::Progress::fraction),
            0.0
        );
    }
}
