//! `import`: existing FlinkDeployment (and FlinkBlueGreenDeployment) manifests → service specs.
//!
//! What the spec says natively goes there (name, image, version, job, cpu and memory,
//! replicas, slots, state backend, checkpointing, periodic savepoints, HA); everything else
//! in `flinkConfiguration`, the pod templates (each role's too), `ingress` and
//! `logConfiguration` is carried through the spec's escape hatches, so the job behaves as
//! before. Credentials become Secret references ([`credentials`]). What flinkform decides
//! itself (namespace, service account, storage locations) or cannot express (session
//! clusters, FlinkSessionJobs, standalone mode, a vendor's own fields) is reported as a
//! [`Note`], and so is every value a platform default sets where the manifest set nothing
//! ([`defaults`]); values equal to the platform's defaults are left to them.
//!
//! Pure: documents in, spec texts and notes out; the CLI reads, writes and prints.

pub mod blue_green;
pub mod config;
pub mod credentials;
pub mod defaults;
pub mod deployment;
pub mod duration;
pub mod quantity;
pub mod references;

use crate::spec::platform::Platform;
use crate::tree::Node;
use deployment::{Context, Mapped};

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Nothing the job does changes (a no-op key dropped, a value moved).
    Info,
    /// The manifest left it unset; a platform default applies now, so the job changes.
    Defaulted,
    /// The platform decides instead (storage locations).
    Replaced,
    /// Behaviour or configuration that the spec does not carry over.
    Lost,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Info => "note",
            Effect::Defaulted => "default",
            Effect::Replaced => "replaced",
            Effect::Lost => "not kept",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub effect: Effect,
    /// Where in the manifest, e.g. `spec.serviceAccount`.
    pub field: String,
    pub message: String,
}

/// One document of the input, with the file it came from.
pub struct Document<'a> {
    pub source: &'a str,
    pub node: &'a Node,
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub source: String,
    /// The manifest's kind: `FlinkDeployment` or `FlinkBlueGreenDeployment`.
    pub kind: &'static str,
    pub name: String,
    /// The spec as a tree, keys in the spec's order.
    pub spec: Node,
    pub notes: Vec<Note>,
    /// The Secret keys the user must create for the spec's Secret references.
    pub secrets: Vec<credentials::SecretKey>,
    /// The vendor whose distribution of the operator the manifest was written for, if any
    /// ([`crate::facts::dialect::Dialect::vendor`]).
    pub dialect: Option<&'static str>,
    /// The spec's values that hold a `${…}` placeholder, kept as written: flinkform does not
    /// substitute them, so the platform deploys them literally ([`crate::facts::placeholder`]).
    pub placeholders: Vec<Literal>,
}

/// A value of the spec holding a `${…}` placeholder, which is deployed as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// Where in the spec, e.g. `spec.image`, `spec.job.args[1]`.
    pub field: String,
    /// The text as written (a key, for a placeholder in a key).
    pub text: String,
}

/// Every value (and key) of `node` that holds a `${…}` placeholder, in document order, with
/// its path below `at`. Recursion is bounded by the tree's depth, which the YAML loader limits.
pub fn placeholders(node: &Node, at: &str, out: &mut Vec<Literal>) {
    use crate::facts::placeholder::has_placeholder;
    let join = |key: &str| {
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    if let Some(m) = node.as_map() {
        for e in m.iter() {
            let field = join(&e.key);
            if has_placeholder(&e.key) {
                out.push(Literal {
                    field: field.clone(),
                    text: e.key.clone(),
                });
            }
            placeholders(&e.value, &field, out);
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            placeholders(item, &format!("{at}[{i}]"), out);
        }
    } else if let Some(text) = node.as_str()
        && has_placeholder(text)
    {
        out.push(Literal {
            field: at.to_string(),
            text: text.to_string(),
        });
    }
}

/// A document that produced no spec.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub source: String,
    /// `FlinkDeployment/name`, `Service/name`, …
    pub object: String,
    pub reason: String,
    /// A Flink resource that flinkform cannot carry over (as opposed to an unrelated object).
    pub lost: bool,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub imported: Vec<Imported>,
    pub skipped: Vec<Skipped>,
}

impl Outcome {
    /// Whether a spec keeps a `${…}` placeholder, which the platform deploys as written.
    pub fn has_placeholders(&self) -> bool {
        self.imported.iter().any(|i| !i.placeholders.is_empty())
    }

    /// Whether anything could not be carried over.
    pub fn lost_anything(&self) -> bool {
        self.skipped.iter().any(|s| s.lost)
            || self
                .imported
                .iter()
                .any(|i| i.notes.iter().any(|n| n.effect == Effect::Lost))
    }
}

pub struct Options<'a> {
    pub team: Option<&'a str>,
    /// The service's name (`--name`): for a manifest whose `metadata.name` is a template's
    /// placeholder, or to rename. The CLI allows it only when one deployment is imported.
    pub name: Option<&'a str>,
    /// Where the service runs; must exist in the platform.
    pub environments: &'a [String],
}

/// How many documents are Flink deployments `import` turns into specs (FlinkDeployment,
/// FlinkBlueGreenDeployment of the Apache operator's API): `--name` names exactly one.
pub fn deployments(docs: &[Document<'_>]) -> usize {
    docs.iter()
        .filter(|d| {
            matches!(
                text_at(d.node, &["kind"]),
                "FlinkDeployment" | "FlinkBlueGreenDeployment"
            ) && text_at(d.node, &["apiVersion"]).starts_with("flink.apache.org/")
        })
        .count()
}

fn text_at<'a>(n: &'a Node, path: &[&str]) -> &'a str {
    n.path(path).and_then(Node::as_str).unwrap_or("?")
}

/// Maps every document. Names already taken by an earlier document of the same run are
/// refused, so one run never writes two specs of one name.
pub fn import(docs: &[Document<'_>], platform: &Platform, options: &Options<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    let read = references::read_by(docs);
    let cx = Context {
        platform,
        team: options.team,
        name: options.name,
        environments: options.environments,
    };
    for d in docs {
        let kind = text_at(d.node, &["kind"]);
        let name = text_at(d.node, &["metadata", "name"]);
        let api = d
            .node
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let object = format!("{kind}/{name}");
        let skip = |reason: String, lost: bool| Skipped {
            source: d.source.to_string(),
            object: object.clone(),
            reason,
            lost,
        };
        let flink = api.starts_with("flink.apache.org/");
        // A FlinkBlueGreenDeployment is imported as the FlinkDeployment its children are made
        // from, with its settings as the spec's `blueGreen`.
        let template = crate::facts::blue_green::template_deployment(d.node);
        match kind {
            "FlinkDeployment" if flink => {}
            "FlinkBlueGreenDeployment" if flink => {}
            "FlinkSessionJob" if flink => {
                outcome.skipped.push(skip(
                    "a FlinkSessionJob runs on a shared session cluster; flinkform gives every job an application-mode cluster of its own: write a spec with this job's jarURI, entryClass and args".into(),
                    true,
                ));
                continue;
            }
            "FlinkDeployment" | "FlinkSessionJob" | "FlinkBlueGreenDeployment" => {
                outcome.skipped.push(skip(
                    format!("`{api}` is not the Apache Flink Kubernetes Operator's API (flink.apache.org)"),
                    true,
                ));
                continue;
            }
            "ConfigMap" | "Secret" if api == "v1" => {
                match references::reason(kind, name, &read) {
                    Some(reason) => outcome.skipped.push(skip(reason, true)),
                    None => outcome.skipped.push(skip(
                        format!("a {kind} no imported FlinkDeployment reads; flinkform renders the namespace, RBAC and monitoring objects a service needs, not this"),
                        false,
                    )),
                }
                continue;
            }
            _ => {
                outcome.skipped.push(skip(
                    "not a Flink resource; flinkform renders the namespace, RBAC and monitoring objects a service needs".into(),
                    false,
                ));
                continue;
            }
        }
        match deployment::map_deployment(template.as_ref().unwrap_or(d.node), &cx) {
            Mapped::Spec { name, .. } if outcome.imported.iter().any(|i| i.name == name) => {
                outcome.skipped.push(skip(
                    format!(
                        "a FlinkDeployment named `{}` was imported from an earlier document",
                        crate::excerpt::quote(&name)
                    ),
                    true,
                ));
            }
            Mapped::Spec {
                name,
                mut spec,
                mut notes,
                secrets,
            } => {
                if template.is_some() {
                    blue_green::add_settings(&mut spec, d.node, &mut notes);
                }
                let mut literals = Vec::new();
                placeholders(&spec, "", &mut literals);
                outcome.imported.push(Imported {
                    source: d.source.to_string(),
                    kind: if template.is_some() {
                        crate::facts::blue_green::KIND
                    } else {
                        "FlinkDeployment"
                    },
                    name,
                    spec,
                    notes,
                    secrets,
                    dialect: crate::facts::dialect::Dialect::of(
                        &crate::facts::view::FlinkView::new(d.node),
                    )
                    .vendor(),
                    placeholders: literals,
                })
            }
            Mapped::Refused(reason) => outcome.skipped.push(skip(reason, true)),
        }
    }
    outcome
}

/// The spec file's text: the modeline, where it came from, what did not come along (so the
/// reviewer of the change sees it), then the spec.
pub fn spec_text(imported: &Imported, modeline: &str) -> String {
    let mut t = String::from(modeline);
    // Every piece of text from the input is one escaped line: a line break (`\n`, `\r`) in a
    // file name or a key would end the comment and write YAML into the spec.
    let line = crate::diag::terminal::inline;
    t.push_str(&format!(
        "#\n# Imported from {} by `flinkform import`.\n",
        line(&imported.source)
    ));
    let worth_saying: Vec<&Note> = imported
        .notes
        .iter()
        .filter(|n| n.effect != Effect::Info)
        .collect();
    if !worth_saying.is_empty() {
        t.push_str("# Not carried over from the manifest:\n");
        for n in worth_saying {
            t.push_str(&format!("#   {}: {}\n", line(&n.field), line(&n.message)));
        }
    }
    if !imported.placeholders.is_empty() {
        t.push_str(&format!("# {PLACEHOLDERS_HEADING}:\n"));
        for p in &imported.placeholders {
            t.push_str(&format!(
                "#   {}: {}\n",
                line(&p.field),
                line(&crate::excerpt::quote(&p.text))
            ));
        }
    }
    t.push_str(&crate::yaml::emit_ordered(&imported.spec));
    t
}

/// What the report and the spec's comment say above the list of [`Imported::placeholders`].
pub const PLACEHOLDERS_HEADING: &str =
    "Placeholders deployed as written (flinkform substitutes no `${…}`: write the values here)";
