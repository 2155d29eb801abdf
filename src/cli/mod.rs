//! The command line. Each command is one file; this one holds the shared options, the output
//! plumbing and the exit-code contract:
//! * 0 — clean (no finding at or above `--fail-on`);
//! * 1 — findings at or above `--fail-on` (or drift, for `render --check`);
//! * 2 — usage or operational error (no repository, unreadable file, bad flag).

mod check;
mod completions;
mod diff;
mod import;
mod lint;
mod memory;
mod new;
mod output;
mod render;
mod rules;
mod schema;

use clap::{Parser, Subcommand, ValueEnum};
use flinkform::diag::Severity;
use flinkform::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "flinkform",
    version,
    about = "Compile and check Apache Flink on Kubernetes: service specs in, FlinkDeployments and Flux objects out.",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// Run as if started in DIR (the repository is found by walking up from there).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the platform config and service specs: YAML, schema, resolution (and policy).
    #[command(after_help = "Examples:
  flinkform check                                  # the whole repository
  flinkform check services/orders/service.yaml     # findings about this spec (pre-commit)
  flinkform check --format sarif --output flinkform.sarif --format github")]
    Check(check::CheckArgs),
    /// Render the manifests Flux syncs into the output folder (or check it is up to date).
    #[command(after_help = "Examples:
  flinkform render            # write rendered/
  flinkform render --check    # exit 1, with a diff, when rendered/ is out of date (CI)")]
    Render(render::RenderArgs),
    /// Show what a change does to the clusters, object by object, and which jobs it restarts.
    Diff(diff::DiffArgs),
    /// Check hand-written FlinkDeployment and FlinkSessionJob manifests against the policy.
    #[command(after_help = "Examples:
  flinkform lint k8s/flink/                  # every *.yaml / *.yml under the folder
  flinkform lint --env staging job.yaml")]
    Lint(lint::LintArgs),
    /// List every rule with its default severity.
    Rules(rules::RulesArgs),
    /// Explain a rule: what it checks, why, an example, and the fix.
    #[command(after_help = "Example:\n  flinkform explain dns-cache-disabled")]
    Explain(rules::ExplainArgs),
    /// Start a service: write services/NAME/service.yaml, ready for `check`.
    #[command(after_help = "Examples:
  flinkform new orders --team checkout                 # runs in every environment
  flinkform new orders --team checkout --env staging   # staging only, for now")]
    New(new::NewArgs),
    /// Turn existing FlinkDeployment manifests into service specs, reporting what cannot be kept.
    #[command(after_help = "Examples:
  flinkform import --dry-run k8s/flink/                 # print the specs and the report
  flinkform import --team payments k8s/flink/*.yaml     # write services/<name>/service.yaml
  flinkform import --env staging --out-dir imported/ old/job.yaml")]
    Import(import::ImportArgs),
    /// Show the JobManager and TaskManager memory Flink computes for a service, with JVM flags.
    #[command(after_help = "Examples:
  flinkform memory fraud-detector
  flinkform memory fraud-detector --env staging --format json")]
    Memory(memory::MemoryArgs),
    /// Print the JSON Schema of service specs or of the platform config (for editors and CI).
    #[command(after_help = "Example:
  flinkform schema service > schemas/service.schema.json   # then see docs/editors.md")]
    Schema(schema::SchemaArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  flinkform completions bash > ~/.local/share/bash-completion/completions/flinkform
  flinkform completions zsh > \"${fpath[1]}/_flinkform\"
  flinkform completions fish > ~/.config/fish/completions/flinkform.fish")]
    Completions(completions::CompletionsArgs),
}

/// Options shared by commands that report findings.
#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format. Repeat it, each followed by `--output FILE`, to write several reports in
    /// one run; at most one format goes to stdout.
    #[arg(long, value_enum, default_values_t = [Format::Human])]
    pub format: Vec<Format>,

    /// Write the report of the preceding `--format` to FILE (pairs in order).
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// When to use colour in human output (also off when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Annotated source snippets for people.
    Human,
    /// Versioned JSON (see docs/output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// A Markdown summary, for $GITHUB_STEP_SUMMARY or a pull request comment.
    Markdown,
    /// JUnit XML, for CI test reports.
    Junit,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    pub fn fails(self, worst: Option<Severity>) -> bool {
        match (self, worst) {
            (FailOn::Never, _) | (_, None) => false,
            (FailOn::Error, Some(s)) => s >= Severity::Error,
            (FailOn::Warning, Some(s)) => s >= Severity::Warning,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let start = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let result = match cli.command {
        Command::Check(args) => check::run(&start, args),
        Command::Render(args) => render::run(&start, args),
        Command::Lint(args) => lint::run(&start, args),
        Command::Diff(args) => diff::run(&start, args),
        Command::Rules(args) => rules::list(args),
        Command::Explain(args) => rules::explain(args),
        Command::New(args) => new::run(&start, args),
        Command::Import(args) => import::run(&start, args),
        Command::Memory(args) => memory::run(&start, args),
        Command::Schema(args) => schema::run(args),
        Command::Completions(args) => completions::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::error(&e);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The repository root for `start`, as an operational error if there is none.
pub fn root(start: &std::path::Path) -> Result<PathBuf, Error> {
    flinkform::workspace::find_root(start)
}
