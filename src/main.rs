//! reluscope's entry point: parse the command line, dispatch, map errors to exit codes.

// A panic outside tests must say why it cannot happen (`expect`), or be handled.
#![deny(clippy::unwrap_used)]

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use reluscope::cli::{Cli, Command, ExperimentCmd};

use reluscope::{commands, error, settings};

/// Looks at descriptor 1 before Rust's runtime replaces a closed one with /dev/null, so that a
/// closed stdout (`>&-`) can be told from a discarded one (see `commands::stdout_closed`). An
/// ELF `.init_array` entry runs before `main` and before the runtime's own start-up.
#[cfg(target_os = "linux")]
mod stdout_at_start {
    extern "C" fn look() {
        // SAFETY: fcntl(F_GETFD) only reads the descriptor table; any fd number is valid to ask.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        reluscope::commands::STDOUT_CLOSED_AT_START
            .store(closed, std::sync::atomic::Ordering::Relaxed);
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static LOOK: extern "C" fn() = look;
}

/// Prints one message on stderr, made safe for the terminal (control bytes escaped, long lines
/// cut), whatever text from files or flags it carries.
fn say(text: &str) {
    eprintln!("reluscope: {}", reluscope::message::for_terminal(text));
}

fn main() -> ExitCode {
    if let Some(code) = help_or_version() {
        return code;
    }
    let cli = match Cli::parse_checked() {
        Ok(cli) => cli,
        Err(message) => {
            say(&message.clone());
            return ExitCode::from(2);
        }
    };
    if cli.print_default_config {
        let text = reluscope::settings::DEFAULT_CONFIG;
        return match commands::write_stdout(|out| out.write_all(text.as_bytes())) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                say(&format!("{err:#}"));
                ExitCode::from(error::exit_code(&err) as u8)
            }
        };
    }
    let load_options = cli.load_options();
    if let Some(name) = settingless_command(&cli.command) {
        for (flag, given) in [
            ("--config", cli.config.is_some()),
            ("--scenario", cli.scenario.is_some()),
            ("--state", cli.state.is_some()),
        ] {
            if given {
                eprintln!(
                    "reluscope: note: {name} takes no settings; {flag} is ignored (it applies to \
                     the explorer, train and experiment sweep)"
                );
            }
        }
    }
    // Settings are loaded, and every config error reported, before the terminal is touched.
    let load = || {
        settings::load_from(&load_options).inspect(|s| {
            for note in &s.notes {
                say(&format!("note: {note}"));
            }
        })
    };
    let result = match &cli.command {
        Some(Command::Eval(args)) => commands::eval::run(args),
        Some(Command::Plot(args)) => commands::plot::run(args),
        Some(Command::Predict(args)) => commands::predict::run(args),
        Some(Command::Train(cmd)) => load().and_then(|s| commands::train::run(cmd, s.train)),
        Some(Command::Experiment(ExperimentCmd::BornDead(args))) => {
            commands::experiment::run_born_dead(args)
        }
        Some(Command::Experiment(ExperimentCmd::Sweep(args))) => {
            load().and_then(|s| commands::experiment::run_sweep(args, s.train))
        }
        Some(Command::Experiment(ExperimentCmd::Merge(args))) => commands::merge::run(args),
        None if cli.open.is_some() => open_history(&cli),
        None if cli.screenshot.screenshot.is_some() => load()
            .and_then(|s| commands::screenshot::run(&cli.screenshot, s, &cli.data, &cli.train)),
        None => load().and_then(|s| reluscope::tui::run(s, &cli.data, &cli.train, None)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Ended by a signal: the exit code says so, as for any program a signal stops.
        Err(err) if err.is::<error::Signalled>() => ExitCode::from(error::exit_code(&err) as u8),
        Err(err) => {
            say(&format!("{err:#}"));
            ExitCode::from(error::exit_code(&err) as u8)
        }
    }
}

/// `reluscope --open FILE`: the explorer on a run read back from a history file, its settings
/// and data from the file's header. Display flags (colour, theme, fps, ...) apply; a flag that
/// would change the run or its data is refused, since the moments are of the run as it was.
fn open_history(cli: &Cli) -> anyhow::Result<()> {
    let path = cli.open.as_deref().unwrap_or(std::path::Path::new(""));
    let setting = cli.train.given.first().map(|v| v.flag.clone());
    for (flag, given) in [
        ("--state".to_string(), cli.state.is_some()),
        ("--scenario".to_string(), cli.scenario.is_some()),
        ("--data".to_string(), cli.data.data.is_some()),
        ("--test-data".to_string(), cli.data.test_data.is_some()),
        ("--target".to_string(), cli.data.target.is_some()),
        ("--delimiter".to_string(), cli.data.delimiter.is_some()),
        ("--task".to_string(), cli.data.task.is_some()),
        ("--model".to_string(), cli.data.model.is_some()),
        (setting.clone().unwrap_or_default(), setting.is_some()),
    ] {
        if given {
            return Err(error::input_error(format!(
                "--open {} holds its run's settings and data; drop {flag} (settings changed in \
                 the explorer apply when you train on from a moment)",
                path.display()
            )));
        }
    }
    if cli.screenshot.screenshot.is_some() {
        return Err(error::input_error(format!(
            "--screenshot draws a fresh run and cannot show an opened history; drop --open {} \
             or --screenshot",
            path.display()
        )));
    }
    let opened = commands::history::open(path)?;
    let mut options = cli.load_options();
    options.state = Some(opened.state.clone());
    let settings = settings::load_from(&options)?;
    for note in &settings.notes {
        say(&format!("note: {note}"));
    }
    reluscope::tui::run(settings, &opened.data, &cli.train, Some(&opened))
}

/// Prints `--help` or `--version` when asked for. clap would print them itself but ignore a
/// failed write (`--help > /dev/full` exited 0 with nothing written); here the failure names
/// stdout and exits 2, as every other command's output does.
fn help_or_version() -> Option<ExitCode> {
    let err = Cli::command().try_get_matches().err()?;
    if !matches!(
        err.kind(),
        clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
    ) {
        return None;
    }
    let result = if commands::stdout_closed() {
        Err(commands::stdout_closed_error())
    } else {
        match err.print().and_then(|()| std::io::stdout().flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(commands::stdout_error(&e)),
            _ => Ok(()),
        }
    };
    Some(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("{e:#}"));
            ExitCode::from(error::exit_code(&e) as u8)
        }
    })
}

/// The commands that read no settings, whose `--config` and `--scenario` (global flags) would
/// otherwise be accepted and silently do nothing.
fn settingless_command(command: &Option<Command>) -> Option<&'static str> {
    match command {
        Some(Command::Eval(_)) => Some("eval"),
        Some(Command::Plot(_)) => Some("plot"),
        Some(Command::Predict(_)) => Some("predict"),
        Some(Command::Experiment(ExperimentCmd::BornDead(_))) => Some("experiment born-dead"),
        Some(Command::Experiment(ExperimentCmd::Merge(_))) => Some("experiment merge"),
        _ => None,
    }
}
