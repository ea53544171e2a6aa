//! Command-line definitions (clap derive). Parsing only: each subcommand's work lives in
//! `commands/`, and `main.rs` dispatches.
//!
//! The flags of settings are not written here: [`TrainFlags`] and [`DisplayFlags`] build them
//! from the rows of [`crate::settings::schema`], and hand back what was typed for the settings
//! loader to read, so a flag and its config key can never disagree.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{
    Arg, ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

use crate::settings::schema::{self, Flag, Section};
use crate::settings::{CliValue, LoadOptions};

#[derive(Debug, Parser)]
#[command(
    name = "reluscope",
    version,
    about = "A terminal explorer for ReLU and its relatives",
    long_about = "A terminal explorer for ReLU and its relatives: activation curves, derivatives, \
                  and small networks whose neurons stay alive, saturate or die while you train them.\n\n\
                  Without a subcommand it opens the interactive explorer."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub display: DisplayFlags,

    #[command(flatten)]
    pub train: TrainFlags,

    #[command(flatten)]
    pub data: DataArgs,

    /// Read settings from this TOML file instead of $XDG_CONFIG_HOME/reluscope/config.toml
    /// (`--print-default-config` shows every setting).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Start from a guided scenario: relu-basics, nonlinearity, sparsity, vanishing-sigmoid,
    /// dying-high-lr, leaky-rescue, dying-negative-bias, born-dead-depth, exploding.
    #[arg(long, value_name = "NAME", global = true)]
    pub scenario: Option<String>,

    /// Reproduce a run from its state string (the explorer shows it): every setting of the run
    /// that differs from the default, e.g. 'act=relu,lr=1,bias=-1,seed=3,layers=8.8'. It fixes
    /// them all over the config file, a scenario and RELUSCOPE_* variables; flags still win.
    #[arg(long, value_name = "STATE", global = true, allow_hyphen_values = true)]
    pub state: Option<String>,

    #[command(flatten)]
    pub screenshot: ScreenshotArgs,

    /// Open a history file (from `train --history`) in the explorer: the run paused at its last
    /// moment, its timeline open to scrub through.
    #[arg(long, value_name = "FILE")]
    pub open: Option<PathBuf>,

    /// Print the default configuration file, every setting commented, and exit.
    #[arg(long)]
    pub print_default_config: bool,
}

/// A picture of the explorer without a terminal, for slides and CI.
#[derive(Debug, Args, Clone, Default)]
pub struct ScreenshotArgs {
    /// Train without a terminal, then write the explorer's screen as FILE.svg and FILE.txt
    /// (the .txt beside the .svg) and exit.
    #[arg(long, value_name = "FILE.svg")]
    pub screenshot: Option<PathBuf>,
    /// Epochs to train before the screenshot (default 100).
    #[arg(long, requires = "screenshot", allow_negative_numbers = true)]
    pub epochs: Option<u64>,
    /// The screen's size in cells COLSxROWS (default 160x48).
    #[arg(long, requires = "screenshot", value_name = "COLSxROWS")]
    pub size: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print an activation's value and derivative at chosen points, as CSV.
    Eval(EvalArgs),
    /// Draw an activation (or its derivative) as a braille chart.
    Plot(PlotArgs),
    /// Train a network headless and report progress as a table or JSON lines.
    Train(Box<TrainCmd>),
    /// Apply a saved model to a CSV file: its output for every row, and which hidden neurons
    /// fired.
    Predict(PredictArgs),
    /// Measure the statistics of dying ReLU.
    #[command(subcommand)]
    Experiment(ExperimentCmd),
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Activation spec: NAME or NAME:KEY=VALUE[,KEY=VALUE], e.g. leaky-relu:slope=0.2.
    pub spec: String,
    /// Evenly spaced points START:END:STEP, END included, e.g. -2:2:0.5.
    #[arg(long, conflicts_with = "points", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Explicit points, comma separated, e.g. -1,0,1.
    #[arg(long, allow_hyphen_values = true)]
    pub points: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Activation spec: NAME or NAME:KEY=VALUE[,KEY=VALUE].
    pub spec: String,
    /// Plot the derivative instead of the value.
    #[arg(long)]
    pub derivative: bool,
    /// Another activation to draw on the same axes (repeatable).
    #[arg(long, value_name = "SPEC")]
    pub compare: Vec<String>,
    /// The x range START:END.
    #[arg(long, default_value = "-5:10", allow_hyphen_values = true)]
    pub range: String,
    /// Chart size in terminal cells COLSxROWS, from 16x3 to 1000x500.
    #[arg(long, default_value = "80x20")]
    pub size: String,
}

/// The data to train on and the model to start from, for `train` and the explorer (not
/// settings: a config file cannot name them).
#[derive(Debug, Args, Clone, Default)]
pub struct DataArgs {
    /// Train on a CSV file instead: a header row of names, then rows of 1-64 numeric inputs and
    /// a target (the last column, or --target). Text targets, or 3-20 whole numbers, are
    /// classes; 0/1 or -1/1 binary; anything else regression (--task overrides).
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// A separate test file with the same columns: all of --data trains, this tests.
    #[arg(long, value_name = "FILE.csv")]
    pub test_data: Option<PathBuf>,
    /// The target column of --data, by name (default: the last column).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// The field delimiter of --data: one character, or tab, space, semicolon.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// classification or regression, instead of the guess from the target of --data.
    #[arg(long, value_name = "TASK")]
    pub task: Option<String>,
    /// Start from a saved model file (its shape wins over --layers and --activation).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// The settings given as flags for the sections `S` lists.
macro_rules! setting_flags {
    ($(#[$doc:meta])* $name:ident, $sections:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            /// What was typed, in table order.
            pub given: Vec<CliValue>,
        }

        impl $name {
            const SECTIONS: &'static [Section] = $sections;

            /// The value typed for the setting `key`, if it was given.
            pub fn get(&self, key: &str) -> Option<&str> {
                self.given
                    .iter()
                    .find(|g| g.key == key)
                    .map(|g| g.value.as_str())
            }

            /// Whether the setting `key` was given.
            pub fn has(&self, key: &str) -> bool {
                self.get(key).is_some()
            }
        }

        impl Args for $name {
            fn augment_args(cmd: clap::Command) -> clap::Command {
                add_setting_flags(cmd, Self::SECTIONS)
            }

            fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
                add_setting_flags(cmd, Self::SECTIONS)
            }
        }

        impl FromArgMatches for $name {
            fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
                Ok($name {
                    given: read_setting_flags(m, Self::SECTIONS),
                })
            }

            fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
                self.given = read_setting_flags(m, Self::SECTIONS);
                Ok(())
            }
        }
    };
}

setting_flags!(
    /// Training settings as flags, shared by `train`, `experiment sweep` and the explorer.
    TrainFlags,
    &[Section::Train, Section::Health]
);

setting_flags!(
    /// The explorer's display settings as flags.
    DisplayFlags,
    &[Section::Display]
);

/// Adds a flag for every row of `sections` that has one.
fn add_setting_flags(mut cmd: clap::Command, sections: &[Section]) -> clap::Command {
    for row in schema::ALL.iter().filter(|r| sections.contains(&r.section)) {
        let Some(long) = row.long() else { continue };
        // As clap's derive does with doc comments, help lines end without a period.
        let arg = Arg::new(row.key)
            .long(leak(long))
            .help(row.help.trim_end_matches('.'));
        let arg = match row.flag {
            Flag::Value { value_name, hyphen } => {
                let name = if value_name.is_empty() {
                    row.key.to_ascii_uppercase()
                } else {
                    value_name.to_string()
                };
                arg.value_name(leak(name))
                    .action(ArgAction::Set)
                    .allow_hyphen_values(hyphen)
            }
            Flag::Switch { .. } => arg.action(ArgAction::SetTrue),
            Flag::None => continue,
        };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// A flag's name for clap, which keeps names for the life of the process: built once per
/// parse from the static schema, so the few bytes are never freed on purpose.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The values typed for the rows of `sections`.
fn read_setting_flags(m: &ArgMatches, sections: &[Section]) -> Vec<CliValue> {
    let mut given = Vec::new();
    for row in schema::ALL.iter().filter(|r| sections.contains(&r.section)) {
        let Some(long) = row.long() else { continue };
        if !matches!(m.try_contains_id(row.key), Ok(true))
            || m.value_source(row.key) != Some(ValueSource::CommandLine)
        {
            continue;
        }
        let value = match row.flag {
            Flag::Switch { sets, .. } => sets.to_string(),
            _ => match m.get_one::<String>(row.key) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        given.push(CliValue {
            key: row.key,
            flag: format!("--{long}"),
            value,
        });
    }
    given
}

#[derive(Debug, Args)]
pub struct TrainCmd {
    #[command(flatten)]
    pub train: TrainFlags,
    #[command(flatten)]
    pub data: DataArgs,
    /// Number of optimizer steps (mini-batches).
    #[arg(allow_negative_numbers = true, long, conflicts_with = "epochs")]
    pub steps: Option<u64>,
    /// Number of passes over the training set (default 100 when --steps is not given).
    #[arg(allow_negative_numbers = true, long)]
    pub epochs: Option<u64>,
    /// Save the trained model to this file (written atomically).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Write the run's history (every epoch early on, a thinning set after, within 64 MB) to
    /// this file, atomically: `reluscope --open FILE` scrubs through it in the explorer.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Report every K steps (default: once per epoch).
    #[arg(allow_negative_numbers = true, long, value_name = "K")]
    pub report_every: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// `reluscope predict`.
#[derive(Debug, Args, Clone)]
pub struct PredictArgs {
    /// The model file (from `train --save` or the explorer).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The rows to predict: a CSV file with the model's input columns (by name; a plane model
    /// reads the first two columns as x1, x2), with or without a target column.
    #[arg(long, value_name = "FILE.csv")]
    pub data: PathBuf,
    /// The target column, for accuracy (default: the one column besides the inputs, if any).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// The field delimiter: one character, or tab, space, semicolon.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PredictFormat::Csv)]
    pub format: PredictFormat,
    /// Also write, per hidden neuron, whether it fired on the row (f'(z) ≠ 0: z > 0 for ReLU).
    #[arg(long)]
    pub activations: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PredictFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub enum ExperimentCmd {
    /// Probability that a freshly initialized ReLU network is born dead.
    BornDead(BornDeadArgs),
    /// Train over a grid of learning rates and bias inits; report dead fraction and loss.
    Sweep(Box<SweepArgs>),
    /// Combine the shard files of `born-dead --shard K/N` or `sweep --shard K/N` into the
    /// report the whole run prints.
    Merge(MergeArgs),
}

/// `--shard K/N`, shared by the experiments.
const SHARD_HELP: &str = "Run part K of N (1<=K<=N) and print it as a shard file, for \
                          `reluscope experiment merge`; the N parts together are exactly \
                          the whole run";

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard files, all N of them, in any order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// CSV output, as the experiment's --csv.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct BornDeadArgs {
    /// Hidden layer width(s): a list like 2,4,8 or an inclusive range like 2..8.
    #[arg(long, default_value = "4")]
    pub width: String,
    /// Number(s) of hidden layers: a list like 5,10,20 or an inclusive range like 1..20.
    #[arg(long, default_value = "10")]
    pub depth: String,
    /// Random networks per cell.
    #[arg(allow_negative_numbers = true, long, default_value_t = 1000)]
    pub trials: u64,
    /// Input dimension D.
    #[arg(allow_negative_numbers = true, long, default_value_t = 2)]
    pub inputs: usize,
    /// Weight init: he-normal, he-uniform, xavier-normal, xavier-uniform, lecun-normal,
    /// playground, zero, rai.
    #[arg(long, default_value = "he-normal")]
    pub init: String,
    /// Bias init: a number or "scheme". Zero biases judge the network over directions,
    /// others over a grid on [-6,6]^D.
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub bias_init: String,
    /// Points of the domain (directions or grid); default 720 directions for 2 inputs. More
    /// points can only lower the born-dead estimate (a sparse set misses thin active regions).
    #[arg(allow_negative_numbers = true, long)]
    pub points: Option<usize>,
    /// Random seed: the same seed gives the same numbers on any number of threads.
    #[arg(allow_negative_numbers = true, long, default_value_t = 0)]
    pub seed: u64,
    /// CSV output.
    #[arg(long)]
    pub csv: bool,
    #[arg(long, value_name = "K/N", allow_hyphen_values = true, help = SHARD_HELP)]
    pub shard: Option<String>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Epochs per run.
    #[arg(allow_negative_numbers = true, long, default_value_t = 20)]
    pub epochs: u64,
    /// Runs per combination, each with its own seed.
    #[arg(allow_negative_numbers = true, long, default_value_t = 3)]
    pub repeats: u64,
    /// CSV output (one row per combination).
    #[arg(long)]
    pub csv: bool,
    #[arg(long, value_name = "K/N", allow_hyphen_values = true, help = SHARD_HELP)]
    pub shard: Option<String>,
    /// The training flags of `train`; here --lr and --bias-init take comma-separated lists
    /// (default 0.01,0.1,1 and 0.1,-1,-3), and --seed is the first repeat's seed: repeat r uses
    /// seed + r in every combination, so `train --seed S+r --lr X --bias-init B` reproduces a run.
    #[command(flatten)]
    pub train: TrainFlags,
    #[command(flatten)]
    pub data: DataArgs,
}

impl Cli {
    /// What this command line asks of the settings loader: `--config`, `--scenario` and the
    /// settings given as flags, those of the explorer or of the subcommand that reads settings.
    /// `experiment sweep` keeps its --lr and --bias-init lists to itself.
    pub fn load_options(&self) -> LoadOptions {
        let flags = match &self.command {
            Some(Command::Train(cmd)) => cmd.train.given.clone(),
            Some(Command::Experiment(ExperimentCmd::Sweep(args))) => args
                .train
                .given
                .iter()
                .filter(|g| g.key != schema::LR.key && g.key != schema::BIAS_INIT.key)
                .cloned()
                .collect(),
            Some(_) => Vec::new(),
            None => [&self.display.given, &self.train.given]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        };
        LoadOptions {
            config: self.config.clone(),
            scenario: self.scenario.clone(),
            state: self.state.clone(),
            flags,
        }
    }

    /// Parses the process's arguments as `Cli::parse` does, and refuses explorer or training
    /// flags written before a subcommand (`reluscope --lr 0.5 train`): they belong to the
    /// explorer, so the subcommand would silently run without them.
    pub fn parse_checked() -> Result<Cli, String> {
        let matches = Cli::command().get_matches();
        let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        let Some(flag) = misplaced_flags(&matches).into_iter().next() else {
            return Ok(cli);
        };
        // The subcommand as typed (`experiment sweep`) and whether it has the flag itself.
        let mut path = Vec::new();
        let mut command = Cli::command();
        let mut m = &matches;
        while let Some((name, sub)) = m.subcommand() {
            path.push(name.to_string());
            command = command.find_subcommand(name).cloned().unwrap_or(command);
            m = sub;
        }
        let name = path.join(" ");
        let takes_it = command
            .get_arguments()
            .any(|a| a.get_long().is_some_and(|l| flag == format!("--{l}")));
        Err(if takes_it {
            format!(
                "{flag} before `{name}` is an option of the explorer; write it after the \
                 subcommand: `reluscope {name} {flag} ...`"
            )
        } else {
            format!("{flag} is an option of the explorer; `{name}` does not take it")
        })
    }
}

/// The explorer's and training flags given on the command line before any subcommand, as
/// `--name` (none when there is no subcommand: then they are the explorer's own).
fn misplaced_flags(matches: &ArgMatches) -> Vec<String> {
    if matches.subcommand().is_none() {
        return Vec::new();
    }
    let own = DataArgs::augment_args(TrainFlags::augment_args(DisplayFlags::augment_args(
        clap::Command::new("flags"),
    )));
    own.get_arguments()
        .filter(|a| matches.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}
