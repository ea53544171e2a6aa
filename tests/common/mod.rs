#![allow(dead_code)] // each test file uses the helpers it needs

//! Helpers shared by the integration tests that need a real terminal.

use std::io::Read;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Runs the reluscope binary with `args` in a 120×40 pseudo-terminal, with NO_COLOR, LC_ALL and
/// LC_CTYPE removed and then `envs` set, and returns all it printed (stdout and stderr share the
/// terminal). Fails the test if the process fails.
pub fn run_in_pty(args: &[&str], envs: &[(&str, &str)]) -> String {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_reluscope"));
    cmd.args(args);
    for var in ["NO_COLOR", "LC_ALL", "LC_CTYPE"] {
        cmd.env_remove(var);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    // Read while the child runs so a full pty buffer cannot block it; the read ends with EOF
    // or EIO once the child has exited and its side of the pty is closed.
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        out
    });
    assert!(child.wait().unwrap().success(), "reluscope {args:?} failed");
    drop(pair.master);
    String::from_utf8_lossy(&reading.join().unwrap()).into_owned()
}

/// The reluscope binary as a command, in a UTF-8 locale (braille and `·` need one, whatever
/// the machine running the tests has) and with colour allowed.
pub fn reluscope() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_reluscope"));
    cmd.env_remove("NO_COLOR").env("LC_ALL", "C.UTF-8");
    cmd
}

/// Runs reluscope with `args` and checks that it fails as bad input does: exit code 2,
/// nothing on stdout, and `want` in what it says on stderr.
pub fn fails_with(args: &[&str], want: &str) {
    reluscope()
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(want));
}

/// A paused explorer on a seeded run, drawn with a fixed theme: the App + Worker setup the
/// explorer's tests share. Messages go through `update` as the run loop sends them; the
/// trainer commands they produce are not carried out (the snapshot stays the one taken here),
/// so every frame is deterministic.
pub struct Harness {
    pub app: reluscope::app::App,
    pub theme: reluscope::ui::theme::Theme,
    /// The experiment the last start effect launched, as the run loop keeps it.
    pub job: Option<reluscope::experiment::ExperimentJob>,
}

impl Harness {
    /// A paused app of `size` whose trainer ran `steps` steps of `config`, with the keymap the
    /// binary uses (the default config file's).
    pub fn new(
        config: reluscope::engine::TrainConfig,
        theme: reluscope::ui::theme::Theme,
        size: (u16, u16),
        steps: usize,
    ) -> Harness {
        let keymap = reluscope::settings::builtin_keymap();
        let mut app = reluscope::app::App::new(config.clone(), keymap, theme.ascii, true, size);
        let view = app.requested_view.unwrap();
        let mut worker = reluscope::trainer::Worker::new(config, false, None, view).unwrap();
        for _ in 0..steps {
            worker.step();
        }
        let snapshot = std::sync::Arc::new(worker.capture());
        reluscope::app::update(&mut app, reluscope::app::Msg::Snapshot(snapshot));
        Harness {
            app,
            theme,
            job: None,
        }
    }

    /// A paused app of `size` after 250 steps of the default run, in truecolor.
    pub fn at(w: u16, h: u16) -> Harness {
        Harness::new(
            reluscope::engine::TrainConfig::default(),
            reluscope::ui::theme::Theme::new(reluscope::ui::theme::ColorTier::TrueColor, false),
            (w, h),
            250,
        )
    }

    /// Sends one message (an `Action`, or any `Msg`) through `update`, and carries out its
    /// experiment effects as the run loop does (trainer commands are left to the caller).
    pub fn act(&mut self, msg: impl Into<reluscope::app::Msg>) -> reluscope::app::Effects {
        use reluscope::app::ExperimentEffect;
        let effects = reluscope::app::update(&mut self.app, msg);
        match &effects.experiment {
            Some(ExperimentEffect::Start {
                params,
                threads,
                leave_a_core,
            }) => {
                let threads = threads
                    .unwrap_or_else(|| reluscope::experiment::default_threads(*leave_a_core));
                self.job = Some(reluscope::experiment::ExperimentJob::spawn_with_threads(
                    params.clone(),
                    threads,
                ));
            }
            Some(ExperimentEffect::Cancel) => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
            }
            None => {}
        }
        effects
    }

    /// Hands the running job's newest results to the app, as its channel would; whether the
    /// screen changed.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let results = std::sync::Arc::new(job.snapshot());
        self.act(reluscope::app::Msg::Experiment(results)).redraw
    }

    /// Polls until the job has ended (a generous bound, not a timing test: a hang fails
    /// instead of blocking the suite).
    pub fn finish(&mut self) {
        let start = std::time::Instant::now();
        while self.app.experiments.running() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(120),
                "the job did not end"
            );
            self.poll();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// The whole screen at the app's size.
    pub fn render(&self) -> ratatui::buffer::Buffer {
        let area = ratatui::layout::Rect::new(0, 0, self.app.size.0, self.app.size.1);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        reluscope::ui::render(area, &mut buf, &self.app, &self.theme);
        buf
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        reluscope::ui::buffer_text(&self.render())
    }
}

impl std::ops::Deref for Harness {
    type Target = reluscope::app::App;

    fn deref(&self) -> &reluscope::app::App {
        &self.app
    }
}

impl std::ops::DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut reluscope::app::App {
        &mut self.app
    }
}
