//! The `flinkform` binary: parse arguments, run, map the outcome to an exit code.

mod cli;

use std::process::ExitCode;

// The pipeline builds and drops many small trees per service on every thread; glibc's
// allocator spent about a third of `check`'s CPU time in malloc and free (see
// docs/performance.md). mimalloc's per-thread heaps halve that. Allocation never affects
// output bytes.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // First, before any thread starts: an interrupted run removes its temporary files.
    if let Err(e) = flinkform::io::install_interrupt_cleanup() {
        eprintln!("warning: temporary files may outlive an interrupted run ({e})");
    }
    match cli::parse() {
        Ok(args) => cli::run(args),
        Err(e) => cli::fail(&e),
    }
}
