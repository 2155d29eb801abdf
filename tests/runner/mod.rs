//! A GitHub Actions runner for a composite `action.yml`, as far as the action needs one, made
//! to behave like the real one (actions/runner, `src/Runner.Worker`) where it matters:
//!
//! * `run:` steps execute as the runner executes `shell: bash`: `bash --noprofile --norc -eo
//!   pipefail FILE`, in `working-directory` (relative to `GITHUB_WORKSPACE`), with the step's
//!   `env:`; each step gets fresh `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV` and
//!   `GITHUB_PATH` files, read after it as the runner reads them (`FileCommandManager`);
//!   `RUNNER_TEMP`, `GITHUB_WORKSPACE`, `GITHUB_ACTION_PATH` are shared by the job;
//! * `GITHUB_OUTPUT` and `GITHUB_ENV` follow `EnvFileKeyValuePairs` exactly
//!   ([`parse_file_commands`]): a malformed file fails the step with the runner's two errors,
//!   keeping the pairs read before the bad line;
//! * a summary over 1 MiB is dropped whole, with the runner's error (`CreateStepSummaryCommand`);
//! * `${{ }}` expressions are evaluated with the `inputs`, `github`, `runner` and `steps`
//!   contexts and the functions the action may use; `if:` without a status function means
//!   `success() && …`, as on GitHub; anything else the action might write makes the
//!   emulator panic, so a test fails rather than pass by accident;
//! * `uses:` steps are skipped (as a cache miss: no outputs);
//! * every line a step prints is read for workflow commands with the runner's own parser
//!   (`ActionCommand.TryParseV2` and its unescaping, `stop-commands` included); a failing
//!   `run:` step adds the runner's error "Process completed with exit code N."
//!   (`ScriptHandler`);
//! * annotations are capped as the runner caps a composite action: the annotations of all its
//!   steps are collected in order and re-added against the action's own counters, so the
//!   whole action shows at most 10 errors, 10 warnings and 10 notices
//!   (`ExecutionContext.AddIssue`, `_embeddedIssueCollector`, `_maxCountPerIssueType`); and at
//!   most 50 per job, counted across the runs of one [`Runner`].
//!
//! It lives in the test tree: the product does not depend on it.
#![allow(dead_code)]

mod expr;
pub mod workflow_commands;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use workflow_commands::Annotation;

/// GitHub's annotation limits: per kind for one step of a job, which a composite action is,
/// all its steps together; and per job.
pub const PER_STEP: usize = 10;
pub const PER_JOB: usize = 50;
/// A step summary over this is dropped whole.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The error the runner adds for a failing `run:` step.
pub fn exit_code_error(code: i32) -> String {
    format!("Process completed with exit code {code}.")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One step as it ran.
#[derive(Debug, Clone)]
pub struct StepRun {
    pub id: Option<String>,
    pub name: String,
    pub outcome: Outcome,
    pub exit: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// What GitHub shows of the step's `GITHUB_STEP_SUMMARY` (nothing when it was too large).
    pub summary: String,
    /// The size of a summary GitHub dropped for being over 1 MiB.
    pub summary_dropped: Option<usize>,
    pub outputs: BTreeMap<String, String>,
    /// Every annotation the step raised, in order: its workflow commands, then the runner's
    /// own errors (exit code, file commands, summary size).
    pub issues: Vec<Annotation>,
    /// Those GitHub shows.
    pub annotations: Vec<Annotation>,
    /// Those GitHub drops (over its limits).
    pub dropped: Vec<Annotation>,
    /// Lines that held the old `##[command]` form outside `stop-commands`.
    pub legacy_commands: Vec<String>,
}

/// A run of the whole action.
#[derive(Debug)]
pub struct Run {
    pub steps: Vec<StepRun>,
    pub outputs: BTreeMap<String, String>,
    /// Failure when any step failed.
    pub conclusion: Outcome,
}

impl Run {
    pub fn step(&self, id: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no step {id}"))
    }

    pub fn annotations(&self) -> Vec<&Annotation> {
        self.steps.iter().flat_map(|s| &s.annotations).collect()
    }

    pub fn dropped(&self) -> Vec<&Annotation> {
        self.steps.iter().flat_map(|s| &s.dropped).collect()
    }

    /// Annotations GitHub shows, by kind.
    pub fn count(&self, kind: &str) -> usize {
        self.annotations().iter().filter(|a| a.kind == kind).count()
    }

    /// Everything the job summary shows.
    pub fn summary(&self) -> String {
        self.steps.iter().map(|s| s.summary.as_str()).collect()
    }

    /// The log: every step's output.
    pub fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| format!("== {}\n{}{}", s.name, s.stdout, s.stderr))
            .collect()
    }
}

/// Where and with what the action runs.
pub struct Runner {
    /// The action's folder (`github.action_path`).
    pub action_dir: PathBuf,
    /// `GITHUB_WORKSPACE`: the checkout.
    pub workspace: PathBuf,
    /// `RUNNER_TEMP`.
    pub temp: PathBuf,
    /// The `with:` of the workflow step that uses the action.
    pub with: BTreeMap<String, String>,
    /// The `github` context.
    pub github: Value,
    /// Environment of the job (PATH, HOME, …); nothing else of the test's environment leaks.
    pub env: BTreeMap<String, String>,
    /// Annotations GitHub has shown in this job so far (earlier runs of an action).
    pub job_shown: usize,
    /// What `GITHUB_PATH` added for the job, in order.
    pub path_added: Vec<String>,
}

impl Runner {
    pub fn new(
        action_dir: PathBuf,
        workspace: PathBuf,
        temp: PathBuf,
        with: BTreeMap<String, String>,
        github: Value,
        env: BTreeMap<String, String>,
    ) -> Runner {
        Runner {
            action_dir,
            workspace,
            temp,
            with,
            github,
            env,
            job_shown: 0,
            path_added: Vec::new(),
        }
    }

    /// Runs the action as one step of the job (call again for another use in the same job).
    pub fn run(&mut self) -> Run {
        let text = fs::read_to_string(self.action_dir.join("action.yml")).expect("action.yml");
        let action: Value = serde_saphyr::from_str(&text).expect("action.yml parses");
        assert_eq!(
            action["runs"]["using"], "composite",
            "the emulator runs composite actions"
        );
        let inputs = self.inputs(&action);
        // The contexts, apart from the job state the steps change.
        let (github, workspace) = (self.github.clone(), self.workspace.clone());
        let mut steps: Vec<StepRun> = Vec::new();
        let list = action["runs"]["steps"].as_array().expect("steps").clone();
        for (n, step) in list.iter().enumerate() {
            let id = step["id"].as_str().map(str::to_string);
            let name = step["name"]
                .as_str()
                .map_or_else(|| format!("step {n}"), str::to_string);
            let ctx = expr::Context {
                inputs: &inputs,
                github: &github,
                runner: self.runner_context(),
                steps: step_context(&steps),
                failed: steps.iter().any(|s| s.outcome == Outcome::Failure),
                workspace: &workspace,
            };
            let condition = step["if"].as_str().unwrap_or("success()");
            let runs = expr::condition(condition, &ctx);
            let mut run = StepRun {
                id,
                name,
                outcome: Outcome::Skipped,
                exit: None,
                stdout: String::new(),
                stderr: String::new(),
                summary: String::new(),
                summary_dropped: None,
                outputs: BTreeMap::new(),
                issues: Vec::new(),
                annotations: Vec::new(),
                dropped: Vec::new(),
                legacy_commands: Vec::new(),
            };
            if runs && step.get("uses").is_some() {
                // Another action (the cache): as a cache miss, it does nothing. Its inputs
                // are still evaluated, so an expression the emulator cannot evaluate (such
                // as hashFiles() outside the workspace) fails the test.
                for v in step["with"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(_, v)| v)
                {
                    if let Some(v) = v.as_str() {
                        expr::interpolate(v, &ctx);
                    }
                }
                run.outcome = Outcome::Success;
            } else if runs {
                self.run_script(n, step, &ctx, &mut run);
            }
            steps.push(run);
        }
        self.cap_annotations(&mut steps);
        let ctx = expr::Context {
            inputs: &inputs,
            github: &self.github,
            runner: self.runner_context(),
            steps: step_context(&steps),
            failed: steps.iter().any(|s| s.outcome == Outcome::Failure),
            workspace: &self.workspace,
        };
        let outputs = action["outputs"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let value = v["value"].as_str().expect("output value");
                (k.clone(), expr::interpolate(value, &ctx))
            })
            .collect();
        let conclusion = if steps.iter().any(|s| s.outcome == Outcome::Failure) {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        Run {
            steps,
            outputs,
            conclusion,
        }
    }

    /// A `run:` step, as `ScriptHandler` and `FileCommandManager` run it.
    fn run_script(&mut self, n: usize, step: &Value, ctx: &expr::Context<'_>, run: &mut StepRun) {
        assert_eq!(step["shell"], "bash", "{}: shell must be bash", run.name);
        let script = step["run"].as_str().expect("run");
        assert!(
            !script.contains("${{"),
            "{}: expression inside run:",
            run.name
        );
        let mut env = self.env.clone();
        for (k, v) in step["env"].as_object().into_iter().flatten() {
            let v = match v {
                Value::String(s) => expr::interpolate(s, ctx),
                other => other.to_string(),
            };
            env.insert(k.clone(), v);
        }
        let wd = step["working-directory"]
            .as_str()
            .map_or_else(String::new, |w| expr::interpolate(w, ctx));
        let cwd = self.workspace.join(wd);
        let files = |what: &str| self.temp.join(format!("_{what}_{n}"));
        let (output, summary, github_env, github_path, file) = (
            files("output"),
            files("summary"),
            files("env"),
            files("path"),
            files("step.sh"),
        );
        for f in [&output, &summary, &github_env, &github_path] {
            fs::write(f, "").expect("file command file");
        }
        fs::write(&file, script).expect("script");
        let mut path: Vec<String> = self.path_added.iter().rev().cloned().collect();
        path.push(env.get("PATH").cloned().unwrap_or_default());
        env.insert("PATH".into(), path.join(":"));
        let paths = |p: &Path| p.display().to_string();
        env.insert("GITHUB_OUTPUT".into(), paths(&output));
        env.insert("GITHUB_STEP_SUMMARY".into(), paths(&summary));
        env.insert("GITHUB_PATH".into(), paths(&github_path));
        env.insert("GITHUB_ENV".into(), paths(&github_env));
        env.insert("GITHUB_WORKSPACE".into(), paths(&self.workspace));
        env.insert("GITHUB_ACTION_PATH".into(), paths(&self.action_dir));
        env.insert("RUNNER_TEMP".into(), paths(&self.temp));
        env.insert("RUNNER_OS".into(), "Linux".into());
        env.insert("RUNNER_ARCH".into(), "X64".into());
        env.insert("GITHUB_ACTIONS".into(), "true".into());
        env.insert("CI".into(), "true".into());
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(&cwd)
            .env_clear()
            .envs(&env)
            .output()
            .unwrap_or_else(|e| panic!("{}: cannot run bash in {}: {e}", run.name, cwd.display()));
        run.exit = out.status.code();
        run.outcome = if out.status.success() {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        run.stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        run.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        for stream in [&run.stdout, &run.stderr] {
            let log = workflow_commands::read_log(stream);
            run.legacy_commands.extend(log.legacy);
            run.issues.extend(log.annotations);
        }
        if !out.status.success() {
            run.issues.push(runner_error(exit_code_error(
                out.status.code().unwrap_or(-1),
            )));
        }
        // File commands, in the runner's order of extensions: path, env, summary, state,
        // output.
        let added = fs::read_to_string(&github_path).unwrap_or_default();
        for line in added.lines().filter(|l| !l.is_empty()) {
            self.path_added.retain(|p| p != line);
            self.path_added.push(line.to_string());
        }
        let (pairs, error) =
            parse_file_commands(&fs::read_to_string(&github_env).unwrap_or_default());
        self.env.extend(pairs);
        if let Some(e) = error {
            file_command_failed(run, "env", e);
        }
        let text = fs::read(&summary).unwrap_or_default();
        if text.len() > SUMMARY_LIMIT {
            run.issues.push(runner_error(format!(
                "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of {}k, got {}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary",
                SUMMARY_LIMIT / 1024,
                text.len() / 1024
            )));
            run.summary_dropped = Some(text.len());
        } else {
            run.summary = String::from_utf8_lossy(&text).into_owned();
        }
        let (pairs, error) = parse_file_commands(&fs::read_to_string(&output).unwrap_or_default());
        run.outputs = pairs.into_iter().collect();
        if let Some(e) = error {
            file_command_failed(run, "output", e);
        }
    }

    /// What GitHub shows of the annotations of this run of the action: the first 10 of each
    /// kind, across all its steps in order, and within the job's 50.
    fn cap_annotations(&mut self, steps: &mut [StepRun]) {
        let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
        for s in steps.iter_mut() {
            for a in &s.issues {
                let k = per_kind.entry(a.kind.clone()).or_default();
                if *k < PER_STEP && self.job_shown < PER_JOB {
                    *k += 1;
                    self.job_shown += 1;
                    s.annotations.push(a.clone());
                } else {
                    s.dropped.push(a.clone());
                }
            }
        }
    }

    /// The action's inputs: what `with:` gives, else their defaults; `with:` keys the action
    /// does not declare are an error, as on GitHub.
    fn inputs(&self, action: &Value) -> BTreeMap<String, String> {
        let declared = action["inputs"].as_object().expect("inputs");
        for k in self.with.keys() {
            assert!(declared.contains_key(k), "unexpected input {k}");
        }
        declared
            .iter()
            .map(|(k, v)| {
                let value = self
                    .with
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| match &v["default"] {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    });
                (k.clone(), value)
            })
            .collect()
    }

    fn runner_context(&self) -> Value {
        serde_json::json!({
            "os": "Linux",
            "arch": "X64",
            "temp": self.temp.display().to_string(),
        })
    }
}

fn step_context(steps: &[StepRun]) -> Value {
    let mut m = serde_json::Map::new();
    for s in steps {
        if let Some(id) = &s.id {
            m.insert(
                id.clone(),
                serde_json::json!({
                    "outputs": s.outputs,
                    "outcome": s.outcome.as_str(),
                    "conclusion": s.outcome.as_str(),
                }),
            );
        }
    }
    Value::Object(m)
}

/// An error the runner itself adds to a step.
fn runner_error(message: String) -> Annotation {
    Annotation {
        kind: "error".into(),
        file: None,
        line: None,
        title: None,
        message,
    }
}

/// A file command the runner could not read: two errors, and the step fails
/// (`FileCommandManager.ProcessFiles`).
fn file_command_failed(run: &mut StepRun, name: &str, error: String) {
    run.issues.push(runner_error(format!(
        "Unable to process file command '{name}' successfully."
    )));
    run.issues.push(runner_error(error));
    run.outcome = Outcome::Failure;
}

/// `GITHUB_OUTPUT`/`GITHUB_ENV` as the runner reads them (`EnvFileKeyValuePairs`, on Linux):
/// lines end at `\n` only; empty lines are skipped; a line is `NAME=VALUE` when its first `=`
/// comes before its first `<<` (or it has no `<<`), and `NAME<<DELIMITER` when `<<` comes
/// first, the value then being every line up to one that is exactly the delimiter (newlines
/// between them kept, the last one dropped); any other line is an error, as are an empty name
/// or delimiter in a heredoc, a missing delimiter, and a heredoc line at the end of the file
/// without its newline. Returns the pairs read before the first error, and the error.
pub fn parse_file_commands(text: &str) -> (Vec<(String, String)>, Option<String>) {
    let mut pairs = Vec::new();
    let mut index = 0;
    // ReadLine: (line, whether it ended with a newline).
    let read_line = |index: &mut usize| -> Option<(&str, bool)> {
        if *index >= text.len() {
            return None;
        }
        let start = *index;
        match text[start..].find('\n') {
            Some(lf) => {
                *index = start + lf + 1;
                Some((&text[start..start + lf], true))
            }
            None => {
                *index = text.len();
                Some((&text[start..], false))
            }
        }
    };
    while let Some((line, _)) = read_line(&mut index) {
        if line.is_empty() {
            continue;
        }
        let equals = line.find('=');
        let heredoc = line.find("<<");
        match (equals, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                pairs.push((line[..e].to_string(), line[e + 1..].to_string()));
            }
            (_, Some(h)) => {
                let (name, delimiter) = (&line[..h], &line[h + 2..]);
                if name.is_empty() || delimiter.is_empty() {
                    return (
                        pairs,
                        Some(format!(
                            "Invalid format '{line}'. Name must not be empty and delimiter must not be empty"
                        )),
                    );
                }
                let start = index;
                let mut end = index;
                loop {
                    match read_line(&mut index) {
                        None => {
                            return (
                                pairs,
                                Some(format!(
                                    "Invalid value. Matching delimiter not found '{delimiter}'"
                                )),
                            );
                        }
                        Some((l, _)) if l == delimiter => break,
                        Some((_, false)) => {
                            return (
                                pairs,
                                Some("Invalid value. EOF marker missing new line.".to_string()),
                            );
                        }
                        Some((_, true)) => end = index - 1,
                    }
                }
                let value = if end > start { &text[start..end] } else { "" };
                pairs.push((name.to_string(), value.to_string()));
            }
            _ => return (pairs, Some(format!("Invalid format '{line}'"))),
        }
    }
    (pairs, None)
}

#[cfg(test)]
mod tests {
    use super::parse_file_commands;

    fn ok(text: &str) -> Vec<(String, String)> {
        let (pairs, error) = parse_file_commands(text);
        assert_eq!(error, None, "{text:?}");
        pairs
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn file_commands_read_as_the_runner_reads_them() {
        assert_eq!(ok("a=b\n\nc=\n"), vec![pair("a", "b"), pair("c", "")]);
        assert_eq!(ok("a<<EOF\nx\ny\nEOF\n"), vec![pair("a", "x\ny")]);
        assert_eq!(ok("a<<EOF\nEOF"), vec![pair("a", "")]);
        // Whichever of `=` and `<<` comes first decides.
        assert_eq!(ok("a=b<<c\n"), vec![pair("a", "b<<c")]);
        assert_eq!(ok("a<<E=F\nv\nE=F\n"), vec![pair("a", "v")]);
        // Only `\n` ends a line: a `\r` stays in the value, and a delimiter followed by one
        // is not the delimiter.
        assert_eq!(ok("a=b\r\n"), vec![pair("a", "b\r")]);
        let (pairs, error) = parse_file_commands("a<<EOF\nv\r\nEOF\r\n");
        assert_eq!(
            (pairs, error.as_deref()),
            (
                vec![],
                Some("Invalid value. Matching delimiter not found 'EOF'")
            )
        );
        // Errors: the pairs before the bad line are kept.
        let (pairs, error) = parse_file_commands("a=1\nplain line\nb=2\n");
        assert_eq!(
            (pairs, error.as_deref()),
            (vec![pair("a", "1")], Some("Invalid format 'plain line'"))
        );
        let (_, error) = parse_file_commands("<<EOF\nx\nEOF\n");
        assert!(error.is_some_and(|e| e.contains("Name must not be empty")));
        let (_, error) = parse_file_commands("a<<\n");
        assert!(error.is_some_and(|e| e.contains("delimiter must not be empty")));
        let (_, error) = parse_file_commands("a<<EOF\nx");
        assert_eq!(
            error.as_deref(),
            Some("Invalid value. EOF marker missing new line.")
        );
    }
}
