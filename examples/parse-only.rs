//! The parse-only baseline of the benchmark: the cost of reading and parsing a repository's
//! spec files, with nothing else.
//!
//! ```sh
//! cargo run --release --example parse-only -- DIR [--schema]
//! ```
//!
//! Discovers the specs as `check` does (the built-in `services/*/service.yaml` patterns), reads
//! them in parallel with rayon, then parses them in parallel with `flinkform::yaml::load`: the
//! same two parallel passes `Workspace::load` makes. With `--schema`, each parsed document is
//! also validated against the service schema (`flinkform::schema::violations`), to separate that
//! stage's cost. Prints the counts and the time of each pass to stderr.

use flinkform::schema::{self, Format};
use flinkform::source::FileId;
use flinkform::spec::platform::Platform;
use flinkform::workspace;
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut dir = None;
    let mut with_schema = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--schema" => with_schema = true,
            _ if dir.is_none() && !a.starts_with('-') => dir = Some(PathBuf::from(a)),
            _ => {
                eprintln!("usage: parse-only DIR [--schema]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(root) = dir else {
        eprintln!("usage: parse-only DIR [--schema]");
        return ExitCode::from(2);
    };
    let t0 = Instant::now();
    let found = match workspace::discover(&root, &Platform::builtin()) {
        Ok(d) => d.paths,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let t1 = Instant::now();
    let read: Vec<_> = found
        .par_iter()
        .map(|p| workspace::read_source(&root, p))
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok((file, _)) => files.push(file),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let t2 = Instant::now();
    let (parsed, errors, schema_errors) = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let id = FileId(i as u32);
            match flinkform::yaml::load(id, f) {
                Ok(doc) => {
                    let s = if with_schema {
                        schema::violations(Format::Service, &doc, id, &f.text).len()
                    } else {
                        0
                    };
                    (1usize, 0usize, s)
                }
                Err(_) => (0, 1, 0),
            }
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let t3 = Instant::now();
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    eprintln!(
        "{} files, {bytes} bytes: {parsed} parsed, {errors} YAML errors{}; discover {:.3}s, read {:.3}s, parse{} {:.3}s",
        files.len(),
        if with_schema {
            format!(", {schema_errors} schema errors")
        } else {
            String::new()
        },
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        if with_schema { "+schema" } else { "" },
        (t3 - t2).as_secs_f64(),
    );
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
