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

/// The explorer's one test driver: an `App` and the library's in-thread host
/// (`reluscope::runtime::Local`), the workers stepped only when asked, every effect carried out
/// by the same `runtime::carry_out` the run loop uses (files are recorded, not written).
///
/// A driver is *frozen* by default: the snapshot the app shows is the one taken when it was
/// built or last [`refresh`](Harness::refresh)ed, so a frame is deterministic whatever the keys
/// asked the trainer. A *live* one ([`Harness::live`]) hands the app A's (and B's) newest
/// snapshot after every message, as the trainer threads would.
pub struct Harness {
    pub app: reluscope::app::App,
    pub host: reluscope::runtime::Local,
    pub theme: reluscope::ui::theme::Theme,
    live: bool,
}

impl Harness {
    /// A paused app of `size` whose trainer ran `steps` steps of `config`, with the keymap the
    /// binary uses (the default config file's). Frozen.
    pub fn new(
        config: reluscope::engine::TrainConfig,
        theme: reluscope::ui::theme::Theme,
        size: (u16, u16),
        steps: usize,
    ) -> Harness {
        let keymap = reluscope::settings::builtin_keymap();
        let app = reluscope::app::App::new(config.clone(), keymap, theme.ascii, true, size);
        let mut h = Harness::start(app, config, theme);
        for _ in 0..steps {
            h.host.a_mut().step();
        }
        h.refresh();
        h
    }

    /// A paused app of `size` that has not seen a snapshot yet. Frozen.
    pub fn blank(
        config: reluscope::engine::TrainConfig,
        theme: reluscope::ui::theme::Theme,
        size: (u16, u16),
    ) -> Harness {
        let keymap = reluscope::settings::builtin_keymap();
        let app = reluscope::app::App::new(config.clone(), keymap, theme.ascii, true, size);
        Harness::start(app, config, theme)
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

    /// The explorer as `reluscope --scenario NAME` starts it (paused) in a terminal of `size`.
    /// Live.
    pub fn scenario(name: &str, size: (u16, u16), theme: reluscope::ui::theme::Theme) -> Harness {
        let s = reluscope::settings::preset::find(name)
            .unwrap_or_else(|p| panic!("{name}: {}", p.what));
        let settings = reluscope::settings::Settings::default()
            .with_scenario(&s)
            .unwrap();
        let config = settings.train.clone();
        let mut app =
            reluscope::app::App::from_settings(config.clone(), settings, theme.ascii, size);
        reluscope::app::update(&mut app, reluscope::app::Msg::Paused(true));
        let mut h = Harness::start(app, config, theme).live();
        h.refresh();
        h
    }

    /// The explorer with `config`, paused, no scenario. Live.
    pub fn plain(
        config: reluscope::engine::TrainConfig,
        size: (u16, u16),
        theme: reluscope::ui::theme::Theme,
    ) -> Harness {
        let keymap = reluscope::settings::builtin_keymap();
        let app = reluscope::app::App::new(config.clone(), keymap, theme.ascii, true, size);
        let mut h = Harness::start(app, config, theme).live();
        h.refresh();
        h
    }

    fn start(
        app: reluscope::app::App,
        config: reluscope::engine::TrainConfig,
        theme: reluscope::ui::theme::Theme,
    ) -> Harness {
        let view = reluscope::app::layout::wanted_view(&app);
        let host = reluscope::runtime::Local::new(config, None, view).unwrap();
        Harness {
            app,
            host,
            theme,
            live: false,
        }
    }

    /// Hand the app the trainers' newest snapshots after every message.
    pub fn live(mut self) -> Harness {
        self.live = true;
        self
    }

    /// A's worker.
    pub fn worker(&self) -> &reluscope::trainer::Worker {
        self.host.a()
    }

    /// A's worker, to step or command it directly (tests of the trainer itself).
    pub fn worker_mut(&mut self) -> &mut reluscope::trainer::Worker {
        self.host.a_mut()
    }

    /// B's worker, while comparing.
    pub fn b(&self) -> Option<&reluscope::trainer::Worker> {
        self.host.b()
    }

    /// Sends one message (an `Action`, or any `Msg`) through `update` and carries out its
    /// effects; returns them as `update` gave them.
    pub fn act(&mut self, msg: impl Into<reluscope::app::Msg>) -> reluscope::app::Effects {
        let effects = reluscope::app::update(&mut self.app, msg);
        reluscope::runtime::carry_out(&mut self.app, &mut self.host, effects.clone()).unwrap();
        if self.live {
            self.refresh();
        }
        effects
    }

    /// [`Harness::act`] for chaining.
    pub fn key(&mut self, msg: impl Into<reluscope::app::Msg>) -> &mut Harness {
        self.act(msg);
        self
    }

    /// Train A (and B, when comparing) `n` steps (a diverged run stops by itself) and show
    /// the result.
    pub fn steps(&mut self, n: usize) -> &mut Harness {
        for _ in 0..n {
            self.host.a_mut().step();
            if let Some(b) = self.host.b_mut() {
                b.step();
            }
        }
        self.refresh();
        self
    }

    /// Hand the app A's (and B's) newest snapshot, as the channels would, and carry out what
    /// it asks for.
    pub fn refresh(&mut self) {
        let a = std::sync::Arc::new(self.host.a().capture());
        self.send(reluscope::app::Msg::Snapshot(a));
        if let Some(b) = self.host.b() {
            let b = std::sync::Arc::new(b.capture());
            self.send(reluscope::app::Msg::SnapshotB(b));
        }
    }

    /// One message and its effects, without handing the app a new snapshot (to show one
    /// made by hand).
    pub fn send(&mut self, msg: reluscope::app::Msg) -> reluscope::app::Effects {
        let effects = reluscope::app::update(&mut self.app, msg);
        reluscope::runtime::carry_out(&mut self.app, &mut self.host, effects.clone()).unwrap();
        effects
    }

    /// Hands the running job's newest results to the app, as its channel would; whether the
    /// screen changed.
    pub fn poll(&mut self) -> bool {
        let Some(job) = self.host.job() else {
            return false;
        };
        let results = std::sync::Arc::new(job.snapshot());
        self.send(reluscope::app::Msg::Experiment(results)).redraw()
    }

    /// Polls until the job has ended (a generous bound, not a timing test: a hang fails
    /// instead of blocking the suite).
    pub fn finish(&mut self) {
        let start = std::time::Instant::now();
        while self.app.experiments().running() {
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
        let (w, h) = self.app.size();
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        reluscope::ui::render(area, &mut buf, &self.app, &self.theme);
        buf
    }

    /// [`Harness::render`] (the name the screen tests use).
    pub fn buffer(&self) -> ratatui::buffer::Buffer {
        self.render()
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        reluscope::ui::buffer_text(&self.render())
    }

    /// [`Harness::screen`] (the name the screen tests use).
    pub fn text(&self) -> String {
        self.screen()
    }
}

impl std::ops::Deref for Harness {
    type Target = reluscope::app::App;

    fn deref(&self) -> &reluscope::app::App {
        &self.app
    }
}
