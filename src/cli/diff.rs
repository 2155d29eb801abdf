//! `flinkform diff [--base REF | --base-dir DIR]`: render the base revision and the working
//! tree in memory (no cluster) and report what changes, object by object, and what happens to
//! every job. The base defaults to `HEAD`; its platform config and spec folders are extracted
//! with `git archive` into a temporary folder.

use super::{EXIT_CLEAN, EXIT_FINDINGS, output};
use clap::ValueEnum;
use flinkform::compile::{Options, compile};
use flinkform::diff::{self, report};
use flinkform::error::Error;
use flinkform::render::Rendered;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// Git revision to compare with.
    #[arg(
        long,
        value_name = "REF",
        default_value = "HEAD",
        conflicts_with = "base_dir"
    )]
    pub base: String,

    /// A checkout of the base revision (its platform repository folder), instead of --base.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Exit 1 when anything changes.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, Error> {
        let mut dir = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        dir.push(format!("flinkform-diff-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.display().to_string(),
            source,
        })?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, Error> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| Error::Other(format!("cannot run git: {e}")))
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, Error> {
    let out = git(dir, args)?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Extracts what flinkform reads at `rev` into a temporary folder; returns it and the base's
/// platform folder inside it.
fn extract(
    root: &Path,
    rev: &str,
    head: &flinkform::compile::Compilation,
) -> Result<(TempDir, PathBuf), Error> {
    let top = PathBuf::from(git_text(root, &["rev-parse", "--show-toplevel"])?);
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let prefix = flinkform::workspace::relative(&top, root).unwrap_or_default();
    let join = |p: &str| {
        if prefix.is_empty() {
            p.to_string()
        } else {
            format!("{prefix}/{p}")
        }
    };
    // The revision comes from the user (or a workflow input): it is resolved once, as a
    // revision and never as an option, and only the commit id is used from here on.
    if rev.starts_with('-') {
        return Err(Error::Usage(format!(
            "--base `{rev}` is not a revision (it starts with `-`)"
        )));
    }
    let sha = git_text(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        Error::Usage(format!(
            "`{rev}` is not a revision of the repository at {}",
            top.display()
        ))
    })?;
    let rev = sha.as_str();
    let mut wanted = vec![join(flinkform::spec::platform::FILE_NAME)];
    if let Some(p) = &head.workspace.platform {
        for pattern in &p.services_include {
            let literal: Vec<&str> = pattern
                .split('/')
                .take_while(|c| !c.contains(['*', '?', '[', '{']))
                .collect();
            wanted.push(join(&literal.join("/")));
        }
        wanted.extend(p.crds.iter().map(|c| join(&c.value)));
    }
    // Only paths that exist at the base revision (git archive fails on others).
    let present: Vec<String> = wanted
        .into_iter()
        .filter(|p| {
            !p.is_empty()
                && git(&top, &["cat-file", "-e", &format!("{rev}:{p}")])
                    .is_ok_and(|o| o.status.success())
        })
        .collect();
    let tmp = TempDir::new()?;
    if !present.is_empty() {
        let mut archive = Command::new("git")
            .arg("-C")
            .arg(&top)
            .args(["archive", "--format=tar", rev, "--"])
            .args(&present)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Other(format!("cannot run git archive: {e}")))?;
        let stdout = archive
            .stdout
            .take()
            .ok_or_else(|| Error::Other("git archive produced no output".into()))?;
        let tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&tmp.0)
            .stdin(stdout)
            .status()
            .map_err(|e| Error::Other(format!("cannot run tar: {e}")))?;
        let archived = archive
            .wait()
            .map_err(|e| Error::Other(format!("git archive: {e}")))?;
        if !archived.success() || !tar.success() {
            return Err(Error::Other(format!(
                "could not extract {rev} with git archive | tar"
            )));
        }
    }
    let base_root = if prefix.is_empty() {
        tmp.0.clone()
    } else {
        tmp.0.join(&prefix)
    };
    Ok((tmp, base_root))
}

/// Renders the base, or nothing when it has no platform config. `path_in_git` is the platform
/// folder's path in its git repository when the base is a copy outside it.
fn render_base(
    base_root: &Path,
    label: &str,
    path_in_git: Option<String>,
) -> Result<Rendered, Error> {
    if !base_root
        .join(flinkform::spec::platform::FILE_NAME)
        .is_file()
    {
        output::note(&format!(
            "{label} has no flinkform.yaml: everything counts as new"
        ));
        return Ok(Rendered::default());
    }
    let c = compile(
        base_root,
        &Options {
            keep_objects: true,
            path_in_git,
            ..Options::default()
        },
    )?;
    if c.has_blocking_errors() {
        output::note(&format!(
            "{label} has errors (YAML, schema or CRD); its services that rendered are compared"
        ));
    }
    Ok(c.rendered)
}

pub fn run(start: &Path, args: DiffArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    let head = compile(
        &root,
        &Options {
            keep_objects: true,
            ..Options::default()
        },
    )?;
    if head.has_blocking_errors() {
        output::note(
            "the working tree has errors (run `flinkform check`); its services that rendered are compared",
        );
    }
    let (label, base) = match &args.base_dir {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                start.join(dir)
            };
            (
                dir.display().to_string(),
                render_base(&dir, &dir.display().to_string(), None)?,
            )
        }
        None => {
            let (_tmp, base_root) = extract(&root, &args.base, &head)?;
            // The copy is outside the git repository: its Flux paths must still start where
            // the working tree's do.
            let in_git =
                flinkform::workspace::relative(&head.workspace.repo_root, &head.workspace.root);
            (
                args.base.clone(),
                render_base(&base_root, &args.base, in_git)?,
            )
        }
    };
    let diffs = diff::diff(&base, &head.rendered);
    let text = match args.format {
        DiffFormat::Human => report::human(&diffs, &label),
        DiffFormat::Markdown => report::markdown(&diffs, &label),
        DiffFormat::Json => report::json(&diffs, &label),
    };
    output::print(text.as_bytes())?;
    Ok(if args.exit_code && !diffs.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
