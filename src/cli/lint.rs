//! `flinkform lint FILE...`: the policy over hand-written FlinkDeployment and FlinkSessionJob
//! manifests. Folders are searched for `*.yaml`/`*.yml`. The platform config is the nearest
//! `flinkform.yaml` above the current directory, or flinkform's built-in defaults.
//!
//! Files are keyed by their absolute path, so that every format can show them its way
//! ([`SourceMap::shown`]): human output relative to the current directory, machine formats
//! relative to the git repository, and a file outside it by its absolute path (a `file://`
//! URI in SARIF).

use super::{EXIT_CLEAN, EXIT_FINDINGS, ReportArgs, reporting};
use flinkform::error::Error;
use flinkform::source::{PathContext, SourceMap, lexical};
use flinkform::spec::platform::Platform;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Manifest files or folders.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Environment whose requirements apply (HA, stateful upgrades): one that flinkform.yaml
    /// declares [default: prod].
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,

    /// Also validate against the CRDs in DIR (repeatable).
    #[arg(long = "crd", value_name = "DIR")]
    pub crd: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(start: &Path, args: LintArgs) -> Result<u8, Error> {
    let mut sources = SourceMap::new();
    let mut platform_findings = Vec::new();
    let mut platform_root = None;
    let cwd = super::canonical(start)?;
    let root = match flinkform::workspace::find_root(start) {
        Ok(root) => Some(root),
        Err(Error::NoPlatform { .. }) => None,
        Err(e) => return Err(e),
    };
    let base = root.clone().unwrap_or_else(|| cwd.clone());
    sources.set_context(PathContext {
        repo_root: flinkform::workspace::find_repo_root(&base),
        base,
        cwd: cwd.clone(),
    });
    let platform = match &root {
        Some(root) => {
            let (_, p, d) = flinkform::compile::load_platform(root, &mut sources)?;
            platform_findings = d;
            platform_root = Some(root.clone());
            p.unwrap_or_else(Platform::builtin)
        }
        None => Platform::builtin(),
    };
    let env = match &args.env {
        Some(env) => checked_env(env, &platform, root.is_some())?,
        None => DEFAULT_ENV.to_string(),
    };
    let files = expand_absolute(start, &cwd, &args.files)?;
    let options = flinkform::lint::Options {
        env,
        crd_dirs: args
            .crd
            .iter()
            .map(|d| {
                if d.is_absolute() {
                    d.clone()
                } else {
                    start.join(d)
                }
            })
            .collect(),
        platform_root,
    };
    let mut report = flinkform::lint::lint(&files, &platform, &options, &mut sources)?;
    report.diagnostics.extend(platform_findings);
    report.finish(&sources);
    reporting::report(&report, &sources, &args.report)?;
    Ok(if args.report.fail_on.fails(report.worst()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// The environment `lint` judges for when `--env` is not given.
const DEFAULT_ENV: &str = "prod";

/// The names the built-in defaults (no flinkform.yaml) treat as production: they require high
/// availability and stateful upgrades; any other name does not.
const BUILTIN_PRODUCTION: [&str; 2] = ["prod", "production"];

/// `--env NAME`, checked: with a flinkform.yaml, one of the environments it declares; with the
/// built-in defaults, any name but a near miss of `prod`/`production` (`prdo`), which would
/// silently drop the production requirements. Otherwise a usage error that lists the names
/// and suggests the nearest.
fn checked_env(env: &str, platform: &Platform, has_config: bool) -> Result<String, Error> {
    use flinkform::suggest::did_you_mean;
    if !has_config {
        return match did_you_mean(env, BUILTIN_PRODUCTION) {
            Some(near) if !BUILTIN_PRODUCTION.contains(&env) => Err(Error::Usage(format!(
                "environment `{env}` is not one the built-in defaults know (there is no \
                 flinkform.yaml): did you mean `{near}`? `prod` and `production` require high \
                 availability and stateful upgrades, any other name does not"
            ))),
            _ => Ok(env.to_string()),
        };
    }
    let declared: Vec<&str> = platform
        .environments
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    if declared.contains(&env) {
        return Ok(env.to_string());
    }
    let listed = if declared.is_empty() {
        "it declares none".to_string()
    } else {
        format!("it declares {}", declared.join(", "))
    };
    let hint = did_you_mean(env, declared.iter().copied())
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "environment `{env}` is not defined in flinkform.yaml ({listed}){hint}"
    )))
}

/// Files to lint: each argument, or the YAML files under it when it is a folder (sorted; links
/// inside the folder are not followed). Paths are shown as given, with `/` separators
/// (`import` shows them so).
pub fn expand(start: &Path, args: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, Error> {
    use flinkform::io;
    let mut out = Vec::new();
    for a in args {
        let full = if a.is_absolute() {
            a.clone()
        } else {
            start.join(a)
        };
        if matches!(io::kind_following(&full), Ok(Some(io::Kind::Dir))) {
            for e in io::walk(&full, io::Links::Follow, |_| true) {
                let e = e.map_err(|e| Error::Other(format!("cannot read {}: {e}", a.display())))?;
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                    let rel = e.path().strip_prefix(&full).unwrap_or(e.path());
                    let shown = a.join(rel).to_string_lossy().replace('\\', "/");
                    out.push((shown, e.path().to_path_buf()));
                }
            }
        } else {
            out.push((a.to_string_lossy().replace('\\', "/"), full));
        }
    }
    Ok(out)
}

/// [`expand`], each file keyed by its absolute path (`/`-separated, `.` and `..` resolved by
/// name): relative arguments are relative to `start`, whose canonical form is `cwd`.
fn expand_absolute(
    start: &Path,
    cwd: &Path,
    args: &[PathBuf],
) -> Result<Vec<(String, PathBuf)>, Error> {
    Ok(expand(start, args)?
        .into_iter()
        .map(|(shown, full)| {
            let abs = lexical(&cwd.join(shown.as_str()));
            (abs.to_string_lossy().replace('\\', "/"), full)
        })
        .collect())
}
