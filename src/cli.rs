//! Command-line definitions (clap derive). Parsing only: each subcommand's work lives in
//! `commands/`, and `main.rs` dispatches.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

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
    pub tui: TuiArgs,

    #[command(flatten)]
    pub train: TrainArgs,

    /// Read settings from this TOML file instead of $XDG_CONFIG_HOME/reluscope/config.toml
    /// (`--print-default-config` shows every setting).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Colour theme: default, high-contrast, colorblind-safe.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// Start from a guided scenario: relu-basics, nonlinearity, sparsity, vanishing-sigmoid,
    /// dying-high-lr, leaky-rescue, dying-negative-bias, born-dead-depth, exploding.
    #[arg(long, value_name = "NAME", global = true)]
    pub scenario: Option<String>,

    /// Print the default configuration file, every setting commented, and exit.
    #[arg(long)]
    pub print_default_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print an activation's value and derivative at chosen points, as CSV.
    Eval(EvalArgs),
    /// Draw an activation (or its derivative) as a braille chart.
    Plot(PlotArgs),
    /// Train a network headless and report progress as a table or JSON lines.
    Train(Box<TrainCmd>),
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

/// Options of the interactive explorer.
#[derive(Debug, Args, Clone, Default)]
pub struct TuiArgs {
    /// Frames per second at most (1-60).
    #[arg(allow_negative_numbers = true, long, global = false)]
    pub fps: Option<u32>,
    /// Colour output.
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
    /// ASCII borders, glyphs and chart markers (automatic in a non-UTF-8 locale).
    #[arg(long)]
    pub ascii: bool,
    /// Start with training paused.
    #[arg(long)]
    pub paused: bool,
    /// Enable mouse support (off by default: it steals copy-and-paste).
    #[arg(long)]
    pub mouse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Never,
    #[value(name = "16")]
    Ansi16,
    #[value(name = "256")]
    Ansi256,
    Truecolor,
}

/// Training options, shared by `train` and the explorer. Unset options keep their defaults.
#[derive(Debug, Args, Clone, Default)]
pub struct TrainArgs {
    /// Built-in dataset: circle, xor, gauss, spiral, moons, plane, multi-gauss.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Train on a CSV file instead: a header row, then rows of x1,x2,target (targets all 0/1 or
    /// all -1/1 make a classification task, anything else regression).
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Input features, comma separated: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).
    #[arg(long)]
    pub features: Option<String>,
    /// Hidden layer widths, comma separated, e.g. 8,8 ("" or none for no hidden layer).
    #[arg(long)]
    pub layers: Option<String>,
    /// Activation spec for the hidden layers, e.g. relu or leaky-relu:slope=0.1.
    #[arg(long)]
    pub activation: Option<String>,
    /// Output activation for regression datasets: linear or tanh (classification always uses
    /// sigmoid with binary cross-entropy).
    #[arg(long, value_name = "linear|tanh")]
    pub regression_output: Option<String>,
    /// Weight init: he-normal, he-uniform, xavier-normal, xavier-uniform, lecun-normal,
    /// playground, zero, rai.
    #[arg(long)]
    pub init: Option<String>,
    /// Bias init: a number (e.g. 0.1 or -3) or "scheme" to use the weight init's own.
    #[arg(long, allow_hyphen_values = true)]
    pub bias_init: Option<String>,
    /// Optimizer: sgd, adam, rmsprop.
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Learning rate (`experiment sweep`: a comma-separated list).
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<String>,
    /// SGD momentum (0 = none).
    #[arg(allow_negative_numbers = true, long)]
    pub momentum: Option<f64>,
    /// Nesterov momentum (SGD with momentum > 0).
    #[arg(long)]
    pub nesterov: bool,
    /// L1 regularization rate (weights only).
    #[arg(allow_negative_numbers = true, long)]
    pub l1: Option<f64>,
    /// L2 regularization rate, as PyTorch's weight_decay (weights only).
    #[arg(allow_negative_numbers = true, long)]
    pub l2: Option<f64>,
    /// Clip gradients to this global norm (0 = off).
    #[arg(allow_negative_numbers = true, long)]
    pub clip: Option<f64>,
    /// Mini-batch size (0 = full batch).
    #[arg(allow_negative_numbers = true, long)]
    pub batch_size: Option<usize>,
    /// Keep the training set's order instead of shuffling every epoch.
    #[arg(long)]
    pub no_shuffle: bool,
    /// Noise in percent, 0-50, as Playground's slider (built-in datasets only).
    #[arg(allow_negative_numbers = true, long)]
    pub noise: Option<f64>,
    /// Share of the data used for training, the rest for testing (0.1-0.9).
    #[arg(allow_negative_numbers = true, long)]
    pub train_fraction: Option<f64>,
    /// Random seed: the same seed gives the same run on every machine.
    #[arg(allow_negative_numbers = true, long)]
    pub seed: Option<u64>,
    /// Start from a saved model file (its shape wins over --layers and --activation).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TrainCmd {
    #[command(flatten)]
    pub train: TrainArgs,
    /// Number of optimizer steps (mini-batches).
    #[arg(allow_negative_numbers = true, long, conflicts_with = "epochs")]
    pub steps: Option<u64>,
    /// Number of passes over the training set (default 100 when --steps is not given).
    #[arg(allow_negative_numbers = true, long)]
    pub epochs: Option<u64>,
    /// Save the trained model to this file (written atomically).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Report every K steps (default: once per epoch).
    #[arg(allow_negative_numbers = true, long, value_name = "K")]
    pub report_every: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
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
    /// The training flags of `train`; here --lr and --bias-init take comma-separated lists
    /// (default 0.01,0.1,1 and 0.1,-1,-3), and --seed is the first repeat's seed: repeat r uses
    /// seed + r in every combination, so `train --seed S+r --lr X --bias-init B` reproduces a run.
    #[command(flatten)]
    pub train: TrainArgs,
}

impl Cli {
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
    let own = TrainArgs::augment_args(TuiArgs::augment_args(clap::Command::new("flags")));
    own.get_arguments()
        .filter(|a| matches.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}
