//! Writes a synthetic platform repository for benchmarks and tests:
//!
//! ```sh
//! cargo run --release --example synth-repo -- N DIR [--violations K] [--seed S]
//! ```
//!
//! N services of realistic variety that `flinkform check` passes with no findings; with
//! `--violations K`, exactly K of them carry one known defect each (listed on stdout, one
//! `injected RULE PATH WHAT` line per defect). The same N, K and seed give the same bytes.
//! The generator itself is `examples/support/synth.rs`.

#[path = "support/synth.rs"]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: synth-repo N DIR [--violations K] [--seed S]";

fn parse() -> Result<(synth::Options, PathBuf), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut violations = 0;
    let mut seed = 1;
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or(format!("{name} needs a value"))?
                .parse::<u64>()
                .map_err(|e| format!("{name}: {e}"))
        };
        match a.as_str() {
            "--violations" => violations = value("--violations")? as usize,
            "--seed" => seed = value("--seed")?,
            "-h" | "--help" => return Err(String::new()),
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ => positional.push(a),
        }
    }
    let [n, dir] = positional.as_slice() else {
        return Err("expected N and DIR".into());
    };
    let services = n.parse::<usize>().map_err(|e| format!("N: {e}"))?;
    if violations > services {
        return Err(format!(
            "--violations {violations} is more than the {services} services"
        ));
    }
    Ok((
        synth::Options {
            services,
            violations,
            seed,
            grouped: false,
        },
        PathBuf::from(dir),
    ))
}

fn main() -> ExitCode {
    let (opts, dir) = match parse() {
        Ok(x) => x,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let summary = match synth::generate(&dir, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    println!(
        "wrote {} services ({} files, {} bytes; {} deployments to {} clusters) into {} (seed {})",
        summary.services,
        summary.files,
        summary.bytes,
        summary.deployments,
        summary.targets,
        dir.display(),
        opts.seed
    );
    for i in &summary.injected {
        println!(
            "injected {} {} {}",
            i.violation.rule(),
            i.path,
            i.violation.describe()
        );
    }
    ExitCode::SUCCESS
}
