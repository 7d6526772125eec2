//! `pcrnn`: train, recall and measure from the terminal (docs/design.md §6). Native only.

#[cfg(not(target_arch = "wasm32"))]
mod calibrate;
#[cfg(not(target_arch = "wasm32"))]
mod progress;
#[cfg(not(target_arch = "wasm32"))]
mod retrieve;
#[cfg(not(target_arch = "wasm32"))]
mod simulate;
#[cfg(not(target_arch = "wasm32"))]
mod train;
#[cfg(not(target_arch = "wasm32"))]
mod tune;

#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand};

#[cfg(not(target_arch = "wasm32"))]
#[derive(Parser)]
#[command(
    name = "pcrnn",
    version,
    about = "PC-RNN-HC-A: learn handwritten letters, recall drawn ones"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand)]
enum Command {
    /// Train a network on a data set, by backpropagation through time with Adam.
    Train(train::TrainArgs),
    /// Recall the letters of a data set or of drawn strokes, by predictive-coding inference of the hidden causes.
    Retrieve(retrieve::RetrieveArgs),
    /// Draw the letters of a data set as a visitor would: a strokes file of simulated drawings.
    Simulate(simulate::SimulateArgs),
    /// Search the recall settings that best recall simulated drawings; report on held-out ones.
    Tune(tune::TuneArgs),
    /// Measure how well recall matches drawn copies, other fonts and junk: the recognition threshold.
    Calibrate(calibrate::CalibrateArgs),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use clap::error::ErrorKind;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            e.exit()
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        Err(e) => {
            // One sentence, not clap's usage block: the first paragraph says what was wrong
            // (for missing arguments it lists them on the lines after the first).
            let text = e.render().to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let sentence = match first.join(" ") {
                s if s.is_empty() => "error: invalid arguments".to_string(),
                s => s,
            };
            eprintln!("{sentence} (see pcrnn --help)");
            std::process::exit(2);
        }
    };
    let outcome = match cli.command {
        Command::Train(args) => train::run(&args),
        Command::Retrieve(args) => retrieve::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Tune(args) => tune::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
    };
    if let Err(message) = outcome {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
