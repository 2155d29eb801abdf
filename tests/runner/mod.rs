//! A GitHub Actions runner for a composite `action.yml`, as far as the action needs one, made
//! to behave like the real one where it matters:
//!
//! * `run:` steps execute as the runner executes `shell: bash`: `bash --noprofile --norc -eo
//!   pipefail FILE`, in `working-directory` (relative to `GITHUB_WORKSPACE`), with the step's
//!   `env:`, a fresh `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` per step, and `GITHUB_PATH`,
//!   `GITHUB_ENV`, `RUNNER_TEMP`, `GITHUB_WORKSPACE`, `GITHUB_ACTION_PATH` shared by the job;
//! * `${{ }}` expressions are evaluated with the `inputs`, `github`, `runner` and `steps`
//!   contexts and the functions the action may use; `if:` without a status function means
//!   `success() && …`, as on GitHub; anything else the action might write makes the
//!   emulator panic, so a test fails rather than pass by accident;
//! * `uses:` steps are skipped (as a cache miss: no outputs);
//! * every line a step prints is read for workflow commands with the runner's own parser
//!   (`ActionCommand.TryParseV2` and its unescaping, `stop-commands` included), and
//!   annotations are kept only within GitHub's limits (10 errors, 10 warnings and 10 notices
//!   per step, 50 per job), counting what GitHub would drop.
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

/// GitHub's annotation limits.
pub const PER_STEP: usize = 10;
pub const PER_JOB: usize = 50;

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
    /// What the step wrote to `GITHUB_STEP_SUMMARY`.
    pub summary: String,
    pub outputs: BTreeMap<String, String>,
    /// Annotations GitHub shows for this step.
    pub annotations: Vec<Annotation>,
    /// Annotations the step wrote that GitHub would drop (over its limits).
    pub dropped: usize,
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

    pub fn dropped(&self) -> usize {
        self.steps.iter().map(|s| s.dropped).sum()
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
}

impl Runner {
    pub fn run(&self) -> Run {
        let text = fs::read_to_string(self.action_dir.join("action.yml")).expect("action.yml");
        let action: Value = serde_saphyr::from_str(&text).expect("action.yml parses");
        assert_eq!(
            action["runs"]["using"], "composite",
            "the emulator runs composite actions"
        );
        let inputs = self.inputs(&action);
        let github_path = self.temp.join("_github_path");
        let github_env = self.temp.join("_github_env");
        fs::write(&github_path, "").expect("GITHUB_PATH");
        fs::write(&github_env, "").expect("GITHUB_ENV");
        let mut steps: Vec<StepRun> = Vec::new();
        let mut job_annotations = 0;
        let list = action["runs"]["steps"].as_array().expect("steps").clone();
        for (n, step) in list.iter().enumerate() {
            let id = step["id"].as_str().map(str::to_string);
            let name = step["name"]
                .as_str()
                .map_or_else(|| format!("step {n}"), str::to_string);
            let ctx = expr::Context {
                inputs: &inputs,
                github: &self.github,
                runner: self.runner_context(),
                steps: step_context(&steps),
                failed: steps.iter().any(|s| s.outcome == Outcome::Failure),
                workspace: &self.workspace,
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
                outputs: BTreeMap::new(),
                annotations: Vec::new(),
                dropped: 0,
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
                assert_eq!(step["shell"], "bash", "{}: shell must be bash", run.name);
                let script = step["run"].as_str().expect("run");
                assert!(
                    !script.contains("${{"),
                    "{}: expression inside run:",
                    run.name
                );
                let mut env = self.env.clone();
                for line in fs::read_to_string(&github_env).unwrap_or_default().lines() {
                    if let Some((k, v)) = line.split_once('=') {
                        env.insert(k.to_string(), v.to_string());
                    }
                }
                for (k, v) in step["env"].as_object().into_iter().flatten() {
                    let v = match v {
                        Value::String(s) => expr::interpolate(s, &ctx),
                        other => other.to_string(),
                    };
                    env.insert(k.clone(), v);
                }
                let wd = step["working-directory"]
                    .as_str()
                    .map_or_else(String::new, |w| expr::interpolate(w, &ctx));
                let cwd = self.workspace.join(wd);
                let output = self.temp.join(format!("_output_{n}"));
                let summary = self.temp.join(format!("_summary_{n}"));
                let file = self.temp.join(format!("_step_{n}.sh"));
                fs::write(&output, "").expect("output file");
                fs::write(&summary, "").expect("summary file");
                fs::write(&file, script).expect("script");
                let added: Vec<String> = fs::read_to_string(&github_path)
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                let mut path: Vec<String> = added.into_iter().rev().collect();
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
                    .unwrap_or_else(|e| {
                        panic!("{}: cannot run bash in {}: {e}", run.name, cwd.display())
                    });
                run.exit = out.status.code();
                run.outcome = if out.status.success() {
                    Outcome::Success
                } else {
                    Outcome::Failure
                };
                run.stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                run.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                run.summary = fs::read_to_string(&summary).unwrap_or_default();
                run.outputs = parse_file_commands(&fs::read_to_string(&output).unwrap_or_default());
                let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
                for stream in [&run.stdout, &run.stderr] {
                    let log = workflow_commands::read_log(stream);
                    run.legacy_commands.extend(log.legacy);
                    for a in log.annotations {
                        let k = per_kind.entry(a.kind.clone()).or_default();
                        if *k < PER_STEP && job_annotations < PER_JOB {
                            *k += 1;
                            job_annotations += 1;
                            run.annotations.push(a);
                        } else {
                            run.dropped += 1;
                        }
                    }
                }
            }
            steps.push(run);
        }
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

/// `GITHUB_OUTPUT`/`GITHUB_ENV` contents: `name=value` lines and `name<<DELIMITER` blocks.
pub fn parse_file_commands(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}
