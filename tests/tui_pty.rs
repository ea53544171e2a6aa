//! End to end: the real binary in a pseudo-terminal, its screen parsed with vt100. It starts,
//! draws its panes, trains, pauses, steps, survives a resize, quits cleanly on `q` and on
//! SIGHUP, and always gives the terminal back. Waits use generous timeouts: they bound a hang,
//! they do not measure speed.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a non-zero size")
}

const TIMEOUT: Duration = Duration::from_secs(20);

struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl Term {
    fn spawn(args: &[&str], cols: u16, rows: u16) -> Term {
        Term::spawn_in(args, cols, rows, None)
    }

    /// The explorer started in the directory `cwd` (the current one when `None`).
    fn spawn_in(args: &[&str], cols: u16, rows: u16, cwd: Option<&std::path::Path>) -> Term {
        Term::spawn_env(args, cols, rows, cwd, &[])
    }

    /// The explorer started in `cwd` with `envs` set as well.
    fn spawn_env(
        args: &[&str],
        cols: u16,
        rows: u16,
        cwd: Option<&std::path::Path>,
        envs: &[(&str, &str)],
    ) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_reluscope"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("LC_ALL");
        if let Some(dir) = cwd {
            cmd.cwd(dir);
        }
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let p = parser.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Term {
            parser,
            writer,
            child,
            master: pair.master,
        }
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let t = self.text();
            if pred(&t) {
                return t;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; screen:\n{t}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the explorer did not exit:\n{}",
                self.text()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// After exit, the last bytes may still be on their way through the reader thread: wait
    /// until the screen is back on the main buffer.
    fn wait_main_screen(&self, what: &str) {
        let start = Instant::now();
        while self.alternate_screen() {
            assert!(
                start.elapsed() < TIMEOUT,
                "{what}: still on the alternate screen"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The number after the first `epoch ` on screen.
fn epoch(text: &str) -> Option<u64> {
    let i = text.find("epoch ")?;
    text[i + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

fn panes_shown(t: &str) -> bool {
    [
        "Activation",
        "Derivative",
        "Network",
        "Output",
        "Metrics",
        "Parameters",
    ]
    .iter()
    .all(|p| t.contains(p))
        && epoch(t).is_some()
}

#[test]
fn starts_trains_pauses_and_quits_cleanly() {
    let mut term = Term::spawn(&["--seed", "1"], 160, 48);
    let t = term.wait_for("all panes", panes_shown);
    assert!(term.alternate_screen(), "runs on the alternate screen");
    let first = epoch(&t).unwrap();
    term.wait_for("the epoch to advance", |t| {
        epoch(t).is_some_and(|e| e > first)
    });

    term.send(" ");
    let t = term.wait_for("the paused state", |t| t.contains("paused"));
    let paused_at = epoch(&t).unwrap();
    // Paused, training stops: the epoch on screen stays put.
    thread::sleep(Duration::from_millis(500));
    let t = term.text();
    assert_eq!(epoch(&t), Some(paused_at), "epoch moved while paused:\n{t}");

    term.send("q");
    let status = term.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    term.wait_main_screen("q");
}

#[test]
fn paused_start_steps_on_s_and_changes_settings_from_keys() {
    let mut term = Term::spawn(&["--paused", "--seed", "2"], 160, 48);
    term.wait_for("the first frame", |t| {
        panes_shown(t) && t.contains("step 0")
    });
    term.send("s");
    term.wait_for("one step", |t| t.contains("step 1 "));
    term.send("+");
    term.wait_for("the learning rate to rise", |t| t.contains("lr 0.1"));
    term.send("a");
    term.wait_for("the next activation", |t| {
        t.contains("Activation: Leaky ReLU")
    });
    term.send("\x03"); // Ctrl-C is a key in raw mode: quit.
    assert!(term.wait_exit().success());
    term.wait_main_screen("ctrl-c");
}

/// Sends `signal` (`-TERM`, ...) to the explorer.
fn kill(term: &Term, signal: &str) {
    let pid = term.child.process_id().expect("pid");
    let sent = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill {signal}");
}

#[test]
fn signals_end_it_with_the_terminal_restored_and_say_which_in_the_exit_code() {
    // 128 + the signal's number, as a shell reports a program a signal ended.
    for (signal, code) in [("-HUP", 129), ("-TERM", 143), ("-INT", 130), ("-QUIT", 131)] {
        let mut term = Term::spawn(&["--seed", "3"], 100, 30);
        term.wait_for("the first frame", |t| t.contains("Network"));
        kill(&term, signal);
        let status = term.wait_exit();
        assert_eq!(status.exit_code(), code, "{signal}: exit status {status:?}");
        term.wait_main_screen(signal);
        let t = term.text();
        assert!(!t.contains("panicked"), "{signal}:\n{t}");
    }
}

/// The terminal's line settings as `stty -a` prints them.
fn stty(term: &Term, args: &[&str]) -> String {
    let tty = term.master.tty_name().expect("the pty's device");
    let file = std::fs::File::open(&tty).expect("open the pty");
    let out = std::process::Command::new("stty")
        .args(args)
        .stdin(file)
        .output()
        .expect("stty");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_stop_and_continue_from_outside_takes_the_terminal_back() {
    let mut term = Term::spawn(&["--paused"], 100, 30);
    term.wait_for("the first frame", |t| t.contains("Network"));
    assert!(
        stty(&term, &["-a"]).contains("-icanon"),
        "raw mode at start"
    );
    // `kill -STOP`, then what the shell does when it takes the terminal back: cooked mode and
    // the main screen.
    kill(&term, "-STOP");
    stty(&term, &["sane"]);
    term.parser.lock().unwrap().process(b"\x1b[?1049l");
    assert!(stty(&term, &["-a"]).contains(" icanon"));
    kill(&term, "-CONT");
    let start = Instant::now();
    while !(term.alternate_screen() && stty(&term, &["-a"]).contains("-icanon")) {
        assert!(
            start.elapsed() < TIMEOUT,
            "raw mode and the alternate screen are back"
        );
        thread::sleep(Duration::from_millis(20));
    }
    // Keys are keys again, not echoed text: `?` opens the help, `q` quits.
    term.send("?");
    term.wait_for("the help", |t| t.contains("Keys (? or esc"));
    term.send("q");
    assert!(term.wait_exit().success());
    term.wait_main_screen("quit after a continue");
}

#[test]
fn quit_is_not_stuck_behind_queued_resets_of_a_large_dataset() {
    // 60,000 rows: every reset rebuilds the session and its health over all of them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("x1,x2,label\n");
    for i in 0..60_000u32 {
        let (a, b) = (
            (i % 1000) as f64 / 100.0 - 5.0,
            (i / 1000) as f64 / 30.0 - 5.0,
        );
        text.push_str(&format!("{a},{b},{}\n", u8::from(a * b > 0.0)));
    }
    std::fs::write(&path, text).unwrap();
    let mut term = Term::spawn(&["--data", path.to_str().unwrap()], 100, 30);
    term.wait_for("the first frame", |t| t.contains("Network"));
    term.send(&"r".repeat(100));
    term.send("q");
    // A bound on a hang, not a speed test: before the queue coalesced resets and quit could
    // stop a pass in progress, this took tens of seconds at full CPU.
    let start = Instant::now();
    let status = term.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "quit took {:?}",
        start.elapsed()
    );
    term.wait_main_screen("quit with a full queue");
}

#[test]
fn redraw_and_resume_never_wait_for_the_terminal() {
    // The pseudo-terminal here, like a slow SSH link, never answers a cursor-position query:
    // a redraw that asked for one stalled and then ended the explorer with an error.
    let mut term = Term::spawn(&["--paused"], 100, 30);
    term.wait_for("the first frame", |t| t.contains("Network"));
    term.send("\x0c"); // Ctrl-L: redraw the screen.
    term.send("?");
    term.wait_for("the help after a redraw", |t| t.contains("Keys (? or esc"));
    // Resuming after Ctrl-Z clears the same way: SIGCONT asks for a full redraw.
    let pid = term.child.process_id().expect("a pid");
    let sent = std::process::Command::new("kill")
        .args(["-CONT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "SIGCONT");
    term.send("?");
    term.wait_for("the help closed", |t| !t.contains("Keys (? or esc"));
    term.send("q");
    assert!(term.wait_exit().success());
}

#[test]
fn resizes_down_to_the_size_notice_and_back() {
    let mut term = Term::spawn(&["--paused"], 100, 30);
    term.wait_for("the first frame", |t| t.contains("Network"));
    let small = PtySize {
        rows: 10,
        cols: 30,
        pixel_width: 0,
        pixel_height: 0,
    };
    term.master.resize(small).unwrap();
    term.parser
        .lock()
        .unwrap()
        .screen_mut()
        .set_size(nz(10), nz(30));
    term.wait_for("the size notice", |t| t.contains("terminal too small"));
    let big = PtySize {
        rows: 48,
        cols: 160,
        ..small
    };
    term.master.resize(big).unwrap();
    term.parser
        .lock()
        .unwrap()
        .screen_mut()
        .set_size(nz(48), nz(160));
    term.wait_for("every pane", panes_shown);
    term.send("q");
    assert!(term.wait_exit().success());
}

#[test]
fn a_saved_model_sets_the_shape_shown() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let saved = std::process::Command::new(env!("CARGO_BIN_EXE_reluscope"))
        .args(["train", "--layers", "3", "--epochs", "1", "--save"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(saved.status.success(), "{saved:?}");
    let model = model.to_str().unwrap();
    let mut term = Term::spawn(&["--paused", "--model", model], 160, 48);
    let t = term.wait_for("the model's shape", |t| t.contains("neurons        3"));
    assert!(t.contains("hidden layers  1"), "{t}");
    term.send("q");
    assert!(term.wait_exit().success());
}

#[test]
fn a_config_file_rebinds_keys_and_the_help_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[keys]\nquit = [\"Q\"]\n\n[display]\nx_range = [-2.0, 2.0]\n",
    )
    .unwrap();
    let mut term = Term::spawn(&["--paused", "--config", file.to_str().unwrap()], 160, 48);
    let t = term.wait_for("the first frame", panes_shown);
    assert!(
        t.contains("-2") && t.contains(" 2│"),
        "the configured x range:\n{t}"
    );
    term.send("?");
    term.wait_for("the rebound key in the help", |t| {
        t.lines().any(|l| l.contains(" Q  quit"))
    });
    term.send("\x1b");
    term.send("q"); // no longer bound: nothing happens
    thread::sleep(Duration::from_millis(300));
    assert!(term.child.try_wait().unwrap().is_none(), "q still quit");
    term.send("Q");
    assert!(term.wait_exit().success());
}

#[test]
fn a_scenario_starts_with_its_settings_and_caption() {
    let mut term = Term::spawn(&["--paused", "--scenario", "dying-high-lr"], 160, 48);
    let t = term.wait_for("the scenario", |t| t.contains("scenario: Dying ReLU"));
    assert!(t.contains("learning rate  2.5"), "{t}");
    term.send("?");
    term.wait_for("the caption in the help", |t| {
        t.contains("Dying ReLU: a learning rate too large")
    });
    term.send("q");
    assert!(term.wait_exit().success());
}

/// The percentage after "born-dead comparison " in the status line, while the job runs.
fn job_percent(text: &str) -> Option<u32> {
    let i = text.find("born-dead comparison ")?;
    let rest = &text[i + "born-dead comparison ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    rest[digits.len()..]
        .starts_with('%')
        .then(|| digits.parse().ok())
        .flatten()
}

#[test]
fn the_experiments_view_shows_a_background_job_and_cancels_it() {
    let mut term = Term::spawn(&["--paused", "--seed", "3"], 160, 48);
    term.wait_for("the first frame", panes_shown);
    term.send("x");
    term.wait_for("the Experiments view", |t| t.contains("No experiment yet"));
    term.send("1");
    // Training is paused, so only the loop's polling of the job can move the progress on.
    let first = term.wait_for("progress", |t| job_percent(t).is_some_and(|p| p >= 1));
    let p = job_percent(&first).unwrap();
    term.wait_for("more progress", |t| job_percent(t).is_some_and(|q| q > p));
    assert!(term.text().contains("born dead · running"));
    term.send("\x1b");
    term.wait_for("the job to stop", |t| {
        t.contains("born-dead comparison cancelled") && t.contains("born dead · cancelled")
    });
    term.send("\x1b");
    term.wait_for("the panes again", panes_shown);
    term.send("q");
    assert!(term.wait_exit().success());
    term.wait_main_screen("q");
}

#[test]
fn keys_save_the_model_the_settings_a_screenshot_and_the_metrics_here() {
    let dir = tempfile::tempdir().unwrap();
    let mut term = Term::spawn_in(&["--paused", "--seed", "4"], 160, 48, Some(dir.path()));
    term.wait_for("the first frame", |t| {
        panes_shown(t) && t.contains("step 0")
    });
    term.send("s");
    term.wait_for("one step", |t| t.contains("step 1 "));
    term.send("w");
    term.wait_for("the model prompt", |t| {
        t.contains("save the model to: reluscope-model-0.json")
    });
    term.send("\r");
    term.wait_for("the model saved", |t| t.contains("model saved: "));
    term.send("W");
    term.wait_for("the settings prompt", |t| {
        t.contains("save the settings to: reluscope-config.toml")
    });
    term.send("\r");
    term.wait_for("the settings saved", |t| t.contains("settings saved: "));
    term.send("i");
    term.wait_for("the screenshot", |t| t.contains("screenshot saved: "));
    term.send("m");
    term.wait_for("the metrics", |t| t.contains("metrics saved: "));
    term.send("S");
    term.wait_for("the state string", |t| {
        t.contains("reluscope --state 'seed=4'")
    });
    term.send("q");
    assert!(term.wait_exit().success());

    let file = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let model = reluscope::engine::ModelFile::parse("m", &file("reluscope-model-0.json"));
    assert!(model.is_ok(), "{model:?}");
    let config = reluscope::settings::Settings::from_toml("c", &file("reluscope-config.toml"));
    assert_eq!(config.unwrap().train.seed, 4);
    // The screenshot is the frame on screen when `i` was pressed.
    let text = file("reluscope-screen-0.txt");
    assert!(text.contains("settings saved: "), "{text}");
    assert_eq!(text.lines().count(), 48);
    let svg = file("reluscope-screen-0.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("text")).count(),
        160 * 48
    );
    assert!(file("reluscope-metrics-0.csv").starts_with("epoch,train_loss,test_loss"));
}

/// A burst of input (a held key through a slow link, a paste without bracketed paste) loses
/// nothing: 3,000 keys at once, then `?`, and the help opens. The terminal's input used to be
/// read only on a fresh readiness edge, so the keys after the first kilobyte waited for more.
#[test]
fn a_burst_of_keys_is_read_to_the_last_one() {
    let mut term = Term::spawn(&["--paused"], 160, 48);
    term.wait_for("the first frame", panes_shown);
    let burst = format!("{}?", "t".repeat(3000));
    term.send(&burst);
    term.wait_for("the help after the burst", |t| t.contains("Keys ("));
    term.send("q");
    term.send("q");
}

/// A bracketed paste is text: pasted into the save prompt it is the path, and a pasted line
/// break never acts as Enter.
#[test]
fn a_paste_goes_into_the_prompt_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut term = Term::spawn_in(&["--paused"], 160, 48, Some(dir.path()));
    term.wait_for("the first frame", panes_shown);
    term.send("w");
    term.wait_for("the prompt", |t| t.contains("save the model to:"));
    term.send("\x1b[200~pasted-model.json\x1b[201~");
    term.wait_for("the pasted path", |t| t.contains("pasted-model.json_"));
    term.send("\r");
    term.wait_for("the save", |t| t.contains("model saved:"));
    assert!(dir.path().join("pasted-model.json").exists());
    term.send("w");
    term.wait_for("the prompt", |t| t.contains("save the model to:"));
    term.send("\x1b[200~x.json\rq\x1b[201~");
    term.wait_for("the refusal", |t| t.contains("paste ignored"));
    assert!(!dir.path().join("x.json").exists());
    term.send("\x1b");
    term.wait_for("the prompt to close", |t| !t.contains("save the model to:"));
    term.send("q");
    assert!(term.wait_exit().success());
}

/// A panic on a thread other than the main one (the trainer's) ends the explorer at once with
/// the terminal restored (main screen, line mode back) and exit code 101; it used to leave the
/// UI frozen, typed keys echoing, and exit 0 after Enter.
#[test]
fn a_trainer_panic_ends_the_explorer_with_the_terminal_restored() {
    let envs = [(reluscope::trainer::PANIC_DRILL, "1")];
    let mut term = Term::spawn_env(&["--seed", "4"], 100, 30, None, &envs);
    let status = term.wait_exit();
    assert_eq!(status.exit_code(), 101, "exit status {status:?}");
    term.wait_main_screen("the panic");
    let t = term.text();
    assert!(
        t.contains("panics on purpose"),
        "the panic is reported:\n{t}"
    );
}
