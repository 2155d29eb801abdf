//! The command line. Each command is one file; this one holds the shared options, the output
//! plumbing and the exit-code contract:
//! * 0 — clean (no finding at or above `--fail-on`);
//! * 1 — findings at or above `--fail-on` (or drift, for `render --check`);
//! * 2 — usage or operational error (no repository, unreadable file, bad flag).
//!
//! Options every command takes (`-C`, `--color`, `--quiet`) are global here; `--format` is each
//! command's own, with the formats that mean something for its output. An option a command
//! does not take is refused with a message that says why ([`refusal`]), not clap's generic one.

mod check;
mod completions;
mod diff;
mod import;
mod init;
mod lint;
mod memory;
mod new;
mod render;
mod reporting;
mod rules;
mod schema;

use clap::{Parser, Subcommand, ValueEnum};
use flinkform::diag::Severity;
use flinkform::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "flinkform",
    version,
    about = "Compile and check Apache Flink on Kubernetes: service specs in, FlinkDeployments and Flux objects out.",
    long_about = None,
    propagate_version = true,
    // An option given twice takes its last value (`--fail-on error … --fail-on warning`), so
    // arguments appended to a command line (the action's `args`) override earlier ones.
    args_override_self = true
)]
pub struct Cli {
    /// Run as if started in DIR (the repository is found by walking up from there).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// When to use colour in human output (also off when NO_COLOR is set or stdout is not a
    /// terminal).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// For scripts: print only what was asked for (findings, diffs, documents) and errors; no
    /// notes, progress or summary lines. The exit code is the same.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a platform repository: write a commented flinkform.yaml that passes `check`.
    #[command(after_help = "Examples:
  flinkform init                          # flinkform.yaml in the current folder
  flinkform init --name acme-streaming    # with the platform's name")]
    Init(init::InitArgs),
    /// Check the platform config and service specs: YAML, schema, resolution (and policy).
    #[command(after_help = "Examples:
  flinkform check                                  # the whole repository
  flinkform check services/orders/service.yaml     # findings about this spec (pre-commit)
  flinkform check platform/services/orders/service.yaml   # from the git root: finds platform/flinkform.yaml
  flinkform check --format sarif --output flinkform.sarif --format github   # SARIF to the file, annotations to stdout")]
    Check(check::CheckArgs),
    /// Render the manifests Flux syncs into the output folder (or check it is up to date).
    #[command(after_help = "Examples:
  flinkform render                 # write rendered/
  flinkform render --check         # exit 1, with a diff, when rendered/ is out of date (CI)
  flinkform render --keep-going    # the pre-commit hook: render what can be, report no findings")]
    Render(render::RenderArgs),
    /// Show what a change does to the clusters, object by object, and which jobs it restarts.
    #[command(after_help = "Examples:
  flinkform diff                                   # the working tree against HEAD
  flinkform diff --base origin/main --format markdown >> \"$GITHUB_STEP_SUMMARY\"")]
    Diff(diff::DiffArgs),
    /// Check hand-written FlinkDeployment and FlinkSessionJob manifests against the policy.
    #[command(after_help = "Examples:
  flinkform lint k8s/flink/                  # every *.yaml / *.yml under the folder
  flinkform lint --env staging job.yaml")]
    Lint(lint::LintArgs),
    /// List every rule with its default severity.
    #[command(after_help = "Examples:
  flinkform rules
  flinkform rules --format json    # name, severity, summary and URL of each rule")]
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
    /// Report format. Repeat `--format F [--output FILE]` to write several reports in one run;
    /// a format without an `--output` goes to stdout, and at most one format may go there.
    #[arg(long, value_enum, default_values_t = [Format::Human])]
    pub format: Vec<Format>,

    /// Write the report of the `--format` right before this option to FILE (an `--output` with
    /// no `--format` before it is an error).
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Files a pull request changed (a file of paths relative to the git repository root, one
    /// per line or NUL-separated, as `git diff --name-only [-z]` prints them): their findings
    /// come first in every report, and first within GitHub's limits.
    #[arg(long, value_name = "FILE")]
    pub changed_files: Option<PathBuf>,

    /// With `--format github`: a file that counts the annotations shown so far, shared by the
    /// commands of one step (all the steps of a composite action are one step for GitHub) and
    /// job, so together they stay within what GitHub shows (10 errors, 10 warnings and 10
    /// notices per step, 50 in all per job). Lines `error N`, `warning N`, `notice N`, `job N`;
    /// created when missing.
    #[arg(long, value_name = "FILE")]
    pub annotation_budget: Option<PathBuf>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// The global `--color`, copied here by [`parse`] for the report writers.
    #[arg(skip)]
    pub color: ColorChoice,

    /// Each report and where it goes, in command-line order: set from the argument positions
    /// by [`pair_outputs`] (clap's derive alone cannot see which `--format` an `--output`
    /// follows).
    #[arg(skip)]
    pub destinations: Vec<(Format, Option<PathBuf>)>,

    /// The command, which names the SARIF analysis (`automationDetails.id`).
    #[arg(skip)]
    pub analysis: String,
}

/// Pairs every `--output` with the `--format` right before it on the command line, from the
/// matches of the command that has [`ReportArgs`]. Usage errors: an `--output` with no
/// `--format` before it, two `--output`s for one `--format`, or more than one format left
/// for stdout.
pub fn pair_outputs(m: &clap::ArgMatches) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
    use clap::parser::ValueSource;
    let given = m.value_source("format") == Some(ValueSource::CommandLine);
    let formats: Vec<(usize, Format)> = if given {
        m.indices_of("format")
            .into_iter()
            .flatten()
            .zip(
                m.get_many::<Format>("format")
                    .into_iter()
                    .flatten()
                    .copied(),
            )
            .collect()
    } else {
        Vec::new()
    };
    let outputs: Vec<(usize, PathBuf)> = m
        .indices_of("output")
        .into_iter()
        .flatten()
        .zip(
            m.get_many::<PathBuf>("output")
                .into_iter()
                .flatten()
                .cloned(),
        )
        .collect();
    let mut pairs: Vec<(Format, Option<PathBuf>)> =
        formats.iter().map(|(_, f)| (*f, None)).collect();
    for (at, file) in outputs {
        let Some(owner) = formats.iter().rposition(|(i, _)| *i < at) else {
            return Err(Error::Usage(format!(
                "--output {} has no --format before it: write `--format FORMAT --output {}` (each --output applies to the --format right before it)",
                file.display(),
                file.display()
            )));
        };
        let (format, slot) = &mut pairs[owner];
        if let Some(first) = slot {
            return Err(Error::Usage(format!(
                "--format {} has two --output files ({} and {}): repeat --format for each file",
                format_name(*format),
                first.display(),
                file.display()
            )));
        }
        // `-` is stdout, as in most tools (it used to create a file named `-`).
        *slot = (file.as_os_str() != "-").then_some(file);
    }
    // Two reports into one file: the second would overwrite the first.
    let mut files: Vec<(&Path, Format)> = Vec::new();
    for (format, file) in &pairs {
        let Some(file) = file else { continue };
        if let Some((_, other)) = files.iter().find(|(f, _)| same_file(f, file)) {
            return Err(Error::Usage(format!(
                "--format {} and --format {} both write to {}: give each its own --output FILE",
                format_name(*other),
                format_name(*format),
                file.display()
            )));
        }
        files.push((file, *format));
    }
    if pairs.is_empty() {
        pairs.push((Format::Human, None));
    }
    let to_stdout: Vec<&str> = pairs
        .iter()
        .filter(|(_, o)| o.is_none())
        .map(|(f, _)| format_name(*f))
        .collect();
    if to_stdout.len() > 1 {
        return Err(Error::Usage(format!(
            "only one --format can go to stdout, but {} have no --output: give the others an --output FILE right after them",
            to_stdout.join(", ")
        )));
    }
    Ok(pairs)
}

/// Whether two `--output` paths name one file: the same path once `.` components are dropped,
/// or, when both exist, the same file on disk.
fn same_file(a: &Path, b: &Path) -> bool {
    let plain = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    plain(a) == plain(b)
        || matches!(
            (flinkform::io::canonicalize(a), flinkform::io::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// A format's name as typed on the command line.
pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Human => "human",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Markdown => "markdown",
        Format::Junit => "junit",
    }
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
    /// The lowest severity that fails a run (`None` for `never`).
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }

    pub fn fails(self, worst: Option<Severity>) -> bool {
        match (self, worst) {
            (FailOn::Never, _) | (_, None) => false,
            (FailOn::Error, Some(s)) => s >= Severity::Error,
            (FailOn::Warning, Some(s)) => s >= Severity::Warning,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// The command line as clap sees it (for `main`, which also needs the argument positions).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Parses the command line: exits 2 (clap's usage errors) or returns the arguments, with the
/// report destinations paired by position.
pub fn parse() -> Result<Cli, Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    parse_from(&args)
}

/// [`parse`] of a given command line (its first item is the program's name).
pub fn parse_from(args: &[std::ffi::OsString]) -> Result<Cli, Error> {
    use clap::FromArgMatches;
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => match refusal(&e, args) {
            Some(message) => return Err(Error::Usage(message)),
            None => e.exit(),
        },
    };
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let color = cli.color;
    if let Some((name, sub)) = matches.subcommand()
        && let Some(report) = cli.command.report_args_mut()
    {
        report.destinations = pair_outputs(sub)?;
        report.analysis = name.to_string();
        report.color = color;
        if matches!(name, "new" | "import")
            && let Some((format, _)) = report
                .destinations
                .iter()
                .find(|(f, _)| !matches!(f, Format::Human | Format::Json))
        {
            return Err(Error::Usage(format!(
                "`flinkform {name}` takes --format human or json, not {}: sarif, github, markdown and junit are reports for CI, which `check`, `lint` and `render` write",
                format_name(*format)
            )));
        }
    }
    Ok(cli)
}

/// Options that some commands take and others do not, and what a command that does not take
/// one says instead of clap's "unexpected argument".
const SHARED_OPTIONS: [&str; 5] = [
    "--format",
    "--output",
    "--fail-on",
    "--changed-files",
    "--annotation-budget",
];

/// The message for a shared option given to a command that does not take it (`None` for any
/// other usage error, which clap reports itself).
fn refusal(e: &clap::Error, args: &[std::ffi::OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let option = given.split('=').next().unwrap_or(given);
    let option = SHARED_OPTIONS.iter().find(|o| **o == option)?;
    let command = subcommand_name(args)?;
    let why = match *option {
        "--format" => match command.as_str() {
            "explain" => "it prints a rule's documentation as text (`flinkform rules --format json` lists the rules as JSON)".to_string(),
            "completions" => "it prints a shell script".to_string(),
            "init" => "it writes flinkform.yaml".to_string(),
            _ => return None,
        },
        "--output" => match command.as_str() {
            "init" => "it writes flinkform.yaml in the folder it runs in (choose it with -C DIR)".to_string(),
            _ => format!("it writes to stdout (redirect it: `flinkform {command} … > FILE`)"),
        },
        "--fail-on" => match command.as_str() {
            "diff" => "it reports changes, not findings (`--exit-code` makes it exit 1 when anything changes)".to_string(),
            _ => "it reports no findings (check, lint, render, new and import do)".to_string(),
        },
        _ => "it writes no findings report (check, lint, render, new and import do)".to_string(),
    };
    Some(format!("`flinkform {command}` takes no {option}: {why}"))
}

/// The subcommand named on a command line: the first argument that is not an option or the
/// value of a global option.
fn subcommand_name(args: &[std::ffi::OsString]) -> Option<String> {
    let names: Vec<String> = command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = rest.next() {
        match arg.as_ref() {
            "-C" | "--color" => {
                rest.next();
            }
            a if a.starts_with('-') => {}
            a => return names.iter().find(|n| *n == a).cloned(),
        }
    }
    None
}

impl Command {
    /// The report options of commands that report findings.
    fn report_args_mut(&mut self) -> Option<&mut ReportArgs> {
        match self {
            Command::Check(a) => Some(&mut a.report),
            Command::Render(a) => Some(&mut a.report),
            Command::Lint(a) => Some(&mut a.report),
            Command::New(a) => Some(&mut a.report),
            Command::Import(a) => Some(&mut a.report),
            _ => None,
        }
    }
}

pub fn run(cli: Cli) -> ExitCode {
    reporting::set_quiet(cli.quiet);
    let start = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let result = match cli.command {
        Command::Init(args) => init::run(&start, args),
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
        Err(e) => fail(&e),
    }
}

/// The one way flinkform exits 2 on its own errors (usage, a missing repository, an unreadable
/// file): the error on stderr, then [`EXIT_ERROR`]. (clap's own usage errors exit 2 from
/// inside clap, which matches the contract.)
pub fn fail(e: &Error) -> ExitCode {
    reporting::error(e);
    ExitCode::from(EXIT_ERROR)
}

/// The canonical form of the directory a command runs in (what human paths are relative to).
pub fn canonical(start: &std::path::Path) -> Result<PathBuf, Error> {
    flinkform::io::canonicalize(start).map_err(|source| Error::Read {
        path: start.display().to_string(),
        source,
    })
}

/// The repository root for `start`, as an operational error if there is none.
pub fn root(start: &std::path::Path) -> Result<PathBuf, Error> {
    flinkform::workspace::find_root(start)
}
