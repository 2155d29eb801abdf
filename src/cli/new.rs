//! `flinkform new NAME --team TEAM [--env E...]`: writes the first spec of a service. It never
//! overwrites a file (exit 2), and it checks the new spec with the whole pipeline before
//! writing, so what it writes passes `check` on this platform; if the platform's policy still
//! has something to say, the findings are shown (exit 1) and the spec is written anyway, as a
//! starting point.

use super::{EXIT_CLEAN, EXIT_FINDINGS, ReportArgs, reporting};
use flinkform::compile::{Options, compile_workspace};
use flinkform::error::Error;
use flinkform::scaffold::{self, Request};
use flinkform::workspace::Workspace;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The service's name: a DNS label of at most 45 characters (it names the namespace too).
    pub name: String,

    /// The owning team (becomes the `team` label of every object).
    #[arg(long, value_name = "TEAM")]
    pub team: String,

    /// An environment to run in (repeatable; default: every environment of the platform).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,

    /// Write the spec here instead of where the platform's `services.include` pattern puts it.
    #[arg(long, value_name = "FILE")]
    pub path: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(start: &Path, args: NewArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    let workspace = Workspace::load(&root)?;
    let Some(platform) = workspace.platform.clone() else {
        return Err(Error::Usage(
            "flinkform.yaml has errors; `flinkform check` shows them".into(),
        ));
    };
    let refuse = |msg: String| Err(Error::Usage(msg));
    let path = match &args.path {
        Some(p) => {
            let full = if p.is_absolute() {
                p.clone()
            } else {
                start.join(p)
            };
            let rel = lexical_relative(&root, &full);
            match rel {
                Some(rel) => match scaffold::check_discoverable(&platform, &rel) {
                    Ok(()) => rel,
                    Err(e) => return refuse(e.to_string()),
                },
                None => {
                    return refuse(format!(
                        "{} is outside the repository {}",
                        p.display(),
                        root.display()
                    ));
                }
            }
        }
        None => match scaffold::spec_path(&platform, &args.name) {
            Ok(p) => p,
            Err(e) => return refuse(e.to_string()),
        },
    };
    let folder = flinkform::workspace::folders::folder_name(&path);
    if folder != args.name {
        let file = path.rsplit('/').next().unwrap_or(&path);
        return refuse(format!(
            "`{path}` is in folder `{folder}`, but a spec's folder must be named after its service: use a path such as `{}/{file}`",
            args.name
        ));
    }
    if !matches!(flinkform::io::kind(&root.join(&path)), Ok(None)) {
        return refuse(format!(
            "{path} already exists; flinkform new never overwrites a spec (edit it, or choose another name)"
        ));
    }
    if let Some(other) = workspace
        .services
        .iter()
        .find(|s| s.name.value == args.name)
    {
        return refuse(format!(
            "service `{}` already exists in {}; service names are unique in the repository",
            args.name, other.path
        ));
    }
    let request = Request {
        name: args.name.clone(),
        team: args.team.clone(),
        environments: args.env.clone(),
    };
    let has_schema = matches!(
        flinkform::io::kind(&root.join(scaffold::REPO_SCHEMA)),
        Ok(Some(flinkform::io::Kind::File))
    );
    let spec = match scaffold::scaffold(&platform, &request, &path, has_schema) {
        Ok(s) => s,
        Err(e) => return refuse(e.to_string()),
    };

    // Check it as part of the repository before writing.
    let mut workspace = workspace;
    workspace.add_unwritten_spec(&spec.path, &spec.text);
    let mut c = compile_workspace(workspace, &Options::default())?;
    c.keep_findings_about(std::slice::from_ref(&spec.path));

    flinkform::io::create_new_below(&root, &spec.path, spec.text.as_bytes())?;
    let failed = args.report.fail_on.fails(c.report.worst());
    // Machine-readable findings own stdout (and always get their document).
    let human_stdout = args
        .report
        .format
        .iter()
        .all(|f| *f == super::Format::Human)
        || args.report.output.len() == args.report.format.len();
    if !c.report.diagnostics.is_empty() || !human_stdout {
        reporting::report(&c.report, &c.workspace.sources, &args.report)?;
    }
    let done = format!(
        "created {}\nnext: fill in the image and job, then `flinkform check` and `flinkform render`\n",
        spec.path
    );
    if !reporting::quiet() {
        if human_stdout {
            reporting::print(done.as_bytes())?;
        } else {
            let _ = std::io::stderr().lock().write_all(done.as_bytes());
        }
    }
    Ok(if failed { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `root`-relative `/` path of a path that may not exist yet: its longest existing prefix is
/// canonicalised (so symlinked folders compare equal), the rest is resolved lexically.
pub fn lexical_relative(root: &Path, full: &Path) -> Option<String> {
    let components: Vec<_> = full.components().collect();
    let mut split = components.len();
    while split > 0
        && flinkform::io::canonicalize(&components[..split].iter().collect::<PathBuf>()).is_err()
    {
        split -= 1;
    }
    let existing: PathBuf = components[..split].iter().collect();
    let mut result = flinkform::io::canonicalize(if split == 0 {
        Path::new(".")
    } else {
        existing.as_path()
    })
    .ok()?;
    for c in &components[split..] {
        match c {
            std::path::Component::ParentDir => {
                result.pop();
            }
            std::path::Component::CurDir => {}
            other => result.push(other),
        }
    }
    let root = flinkform::io::canonicalize(root).ok()?;
    flinkform::workspace::relative(&root, &result).filter(|r| !r.is_empty())
}
