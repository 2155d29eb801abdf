//! `flinkform diff [--base REF | --base-dir DIR]`: render the base revision and the working
//! tree in memory (no cluster) and report what changes, object by object, and what happens to
//! every job. The base defaults to `HEAD`; its platform config, spec folders and CRD folders
//! are copied out of git into a private temporary folder that no run leaves behind.

use super::{EXIT_CLEAN, EXIT_FINDINGS, reporting};
use clap::ValueEnum;
use flinkform::compile::{Options, compile};
use flinkform::diff::{self, report};
use flinkform::error::Error;
use flinkform::io::PrivateDir;
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

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, Error> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| Error::Other(format!("cannot run git: {e}")))
}

pub(super) fn git_text(dir: &Path, args: &[&str]) -> Result<String, Error> {
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

/// Extracts what flinkform reads at `rev` into a private temporary folder (mode `0700`,
/// files `0600`, removed when the run ends or is interrupted: see [`flinkform::io`]);
/// returns it and the base's platform folder inside it.
///
/// The files come from `git ls-tree` and `git cat-file --batch`, written through the IO
/// edge: regular blobs only (a committed link is not recreated, so the base is read under
/// the same rules as the working tree), each within the spec size bound.
pub(super) fn extract(
    root: &Path,
    rev: &str,
    head: &flinkform::compile::Compilation,
) -> Result<(PrivateDir, PathBuf), Error> {
    let top = PathBuf::from(git_text(root, &["rev-parse", "--show-toplevel"])?);
    let top = flinkform::io::canonicalize(&top).unwrap_or(top);
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
            wanted.push(join(&flinkform::spec::platform::literal_prefix(
                &pattern.value,
            )));
        }
        wanted.extend(p.crd_dirs().map(|c| join(&c.value)));
    }
    wanted.retain(|p| !p.is_empty());
    let tmp = PrivateDir::new("flinkform-diff-")?;
    let blobs = list_blobs(&top, rev, &wanted)?;
    if !blobs.is_empty() {
        copy_blobs(&top, &blobs, &tmp)?;
    }
    let base_root = if prefix.is_empty() {
        tmp.path().to_path_buf()
    } else {
        tmp.path().join(&prefix)
    };
    Ok((tmp, base_root))
}

/// (object id, path) of the regular files under `paths` at `rev`, within the size bound.
fn list_blobs(top: &Path, rev: &str, paths: &[String]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let out = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["ls-tree", "-r", "-z", "--long", rev, "--"])
        .args(paths)
        .output()
        .map_err(|e| Error::Other(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "git ls-tree {rev} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut blobs = Vec::new();
    for record in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        // `<mode> blob <id> <size>\t<path>`
        let Some(tab) = record.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let meta = String::from_utf8_lossy(meta);
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, "blob", id, size] = fields.as_slice() else {
            continue;
        };
        let small = size
            .parse::<u64>()
            .is_ok_and(|s| s <= flinkform::workspace::MAX_FILE_BYTES as u64);
        if (*mode == "100644" || *mode == "100755") && small {
            blobs.push((id.to_string(), path.to_vec()));
        }
    }
    Ok(blobs)
}

/// Streams the blobs with one `git cat-file --batch` into the private folder.
fn copy_blobs(top: &Path, blobs: &[(String, Vec<u8>)], tmp: &PrivateDir) -> Result<(), Error> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Other(format!("cannot run git cat-file: {e}")))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(Error::Other("git cat-file has no pipes".into()));
    };
    let ids: String = blobs.iter().map(|(id, _)| format!("{id}\n")).collect();
    // Written from another thread: git answers while it reads, and both pipes are bounded.
    let feeder = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
    let mut reader = BufReader::new(stdout);
    let failed = |what: &str| Error::Other(format!("git cat-file --batch: {what}"));
    for (_, path) in blobs {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| failed(&e.to_string()))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .filter(|s| *s <= flinkform::workspace::MAX_FILE_BYTES)
            .ok_or_else(|| failed(&format!("unexpected answer `{}`", header.trim())))?;
        let mut bytes = vec![0; size + 1];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| failed(&e.to_string()))?;
        bytes.pop(); // the newline after each object
        tmp.write(&path_of(path), &bytes)?;
    }
    drop(reader);
    let _ = feeder.join();
    let _ = child.wait();
    Ok(())
}

/// A git path (bytes, `/`-separated) as a relative path.
fn path_of(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Compiles the base, or `None` when it has no platform config (then everything is new).
/// `path_in_git` is the platform folder's path in its git repository when the base is a copy
/// outside it.
pub(super) fn compile_base(
    base_root: &Path,
    label: &str,
    path_in_git: Option<String>,
    progress: bool,
) -> Result<Option<flinkform::compile::Compilation>, Error> {
    if !matches!(
        flinkform::io::kind(&base_root.join(flinkform::spec::platform::FILE_NAME)),
        Ok(Some(flinkform::io::Kind::File))
    ) {
        reporting::note(&format!(
            "{label} has no flinkform.yaml: everything counts as new"
        ));
        return Ok(None);
    }
    let options = Options {
        keep_objects: true,
        path_in_git,
        progress: if progress {
            reporting::progress()
        } else {
            None
        },
        ..Options::default()
    };
    let c = compile(base_root, &options);
    reporting::finish(&options.progress);
    Ok(Some(c?))
}

pub fn run(start: &Path, args: DiffArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    // Progress only beside human output: a report for a program shows nothing else.
    let progress = args.format == DiffFormat::Human;
    let options = Options {
        keep_objects: true,
        progress: if progress {
            reporting::progress()
        } else {
            None
        },
        ..Options::default()
    };
    let head = compile(&root, &options);
    reporting::finish(&options.progress);
    let mut head = head?;
    // The copy of the base is outside the git repository: its Flux paths, and the paths the
    // report shows, must still start where the working tree's do.
    let in_git = flinkform::workspace::relative(&head.workspace.repo_root, &head.workspace.root)
        .unwrap_or_default();
    let _tmp;
    let (label, base) = match &args.base_dir {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                start.join(dir)
            };
            let label = dir.display().to_string();
            let base = compile_base(&dir, &label, None, progress)?;
            (label, base)
        }
        None => {
            let (tmp, base_root) = extract(&root, &args.base, &head)?;
            _tmp = tmp;
            let base = compile_base(&base_root, &args.base, Some(in_git.clone()), progress)?;
            (args.base.clone(), base)
        }
    };
    // A spec with errors on one side is not a deleted (or new) service: name it from either.
    let mut names = flinkform::diff::service_names(&head);
    if let Some(b) = &base {
        for (path, name) in flinkform::diff::service_names(b) {
            names.entry(path).or_insert(name);
        }
    }
    let sides = diff::Sides {
        head: diff::Unrendered::of(&head, &in_git, &names),
        base: base
            .as_ref()
            .map(|b| diff::Unrendered::of(b, &in_git, &names))
            .unwrap_or_default(),
    };
    let empty = Rendered::default();
    let base_rendered = base.as_ref().map_or(&empty, |b| &b.rendered);
    let diffs = diff::without_unrendered(diff::diff(base_rendered, &head.rendered), &sides);
    let risks = state_at_risk(base.as_ref(), &mut head, &in_git);
    let text = match args.format {
        DiffFormat::Human => report::human(&diffs, &label, &sides, &risks),
        DiffFormat::Markdown => report::markdown(
            &diffs,
            &label,
            &sides,
            flinkform::diag::markdown::STEP_SUMMARY_LIMIT,
            &risks,
        ),
        DiffFormat::Json => report::json(&diffs, &label, &sides, &risks),
    };
    reporting::print(text.as_bytes())?;
    // Errors in the working tree that stop rendering: the diff is incomplete, and the change
    // cannot be rendered as it is. (Errors only in the base are not this change's doing.)
    Ok(
        if !sides.head.is_complete() || args.exit_code && !diffs.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        },
    )
}

/// Per service, the state its change puts at risk: the errors and warnings of the transition
/// rules (`check --base`), waived ones marked. Empty without a base.
fn state_at_risk(
    base: Option<&flinkform::compile::Compilation>,
    head: &mut flinkform::compile::Compilation,
    in_git: &str,
) -> report::Risks {
    let mut out = report::Risks::new();
    let Some(base) = base else {
        return out;
    };
    for (service, d) in flinkform::change::by_service(base, head, in_git) {
        if d.severity == flinkform::diag::Severity::Info {
            continue;
        }
        let risk = report::Risk {
            rule: d.rule.to_string(),
            message: d.message.clone(),
            waived: d.waived.is_some(),
        };
        let list = out.entry(service).or_default();
        if !list.contains(&risk) {
            list.push(risk);
        }
    }
    out
}
