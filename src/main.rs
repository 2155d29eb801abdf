//! The `flinkform` binary: parse arguments, run, map the outcome to an exit code.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with 2 on usage errors, which matches our contract.
    let args = cli::Cli::parse();
    cli::run(args)
}
