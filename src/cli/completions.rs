//! `flinkform completions SHELL`: a completion script for the shell, generated from the
//! command-line definition itself so it never lists a flag that does not exist.

use super::{Cli, EXIT_CLEAN};
use clap::CommandFactory;
use flinkform::error::Error;

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: CompletionsArgs) -> Result<u8, Error> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "flinkform", &mut buf);
    super::reporting::print(&buf)?;
    Ok(EXIT_CLEAN)
}
