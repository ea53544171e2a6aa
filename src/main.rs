//! reluscope's entry point: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use reluscope::cli::{Cli, Command, ExperimentCmd};
use reluscope::{commands, error};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Eval(args)) => commands::eval::run(&args),
        Some(Command::Plot(args)) => commands::plot::run(&args),
        Some(Command::Train(cmd)) => commands::train::run(&cmd),
        Some(Command::Experiment(ExperimentCmd::BornDead(args))) => {
            commands::experiment::run_born_dead(&args)
        }
        Some(Command::Experiment(ExperimentCmd::Sweep(args))) => {
            commands::experiment::run_sweep(&args)
        }
        None => {
            use clap::CommandFactory;
            println!("reluscope: this command is not available yet.\n");
            let _ = Cli::command().print_help();
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("reluscope: {err:#}");
            ExitCode::from(error::exit_code(&err) as u8)
        }
    }
}
