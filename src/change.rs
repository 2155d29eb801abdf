//! `check --base`: the change itself under policy. The base revision and the working tree are
//! both compiled (with their rendered objects kept); each service's FlinkDeployment on each
//! cluster is paired across the two sides, and every transition rule
//! ([`crate::policy::transition`]) looks at each pair. Findings get the platform's severities
//! per environment and its waivers like any other.
//!
//! Locations: a finding about the head side is at the line that makes the change, by
//! provenance (a spec line, or the platform-config line a value comes from). Many services
//! changed by one platform-config line give one finding at that line, naming them all. A
//! service deleted from the repository is reported at its spec in the base revision: that file
//! is added to the report's sources under its (base) path.

use crate::compile::Compilation;
use crate::diag::Diagnostic;
use crate::diff::{self, Sides, Unrendered};
use crate::facts::view::FlinkView;
use crate::policy::transition::{self, Pair, Side};
use crate::policy::{Engine, date};
use crate::render::RenderedObject;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::tree::{Node, Origin, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The transition findings of the change from `base` to `head`, located in `head`'s sources
/// (base files they point at are added there). `in_git` is the platform folder's path in its
/// git repository (for the files the reports name). Nothing is found without a head platform.
pub fn transitions(base: &Compilation, head: &mut Compilation, in_git: &str) -> Vec<Diagnostic> {
    let found = by_service(base, head, in_git)
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    merge_platform_lines(found, &head.workspace.sources)
}

/// The transition findings with the service each is about (for `diff`'s summary), one per
/// service and cluster: not merged by platform-config line.
pub fn by_service(
    base: &Compilation,
    head: &mut Compilation,
    in_git: &str,
) -> Vec<(String, Diagnostic)> {
    let Some(platform) = head.workspace.platform.clone() else {
        return Vec::new();
    };
    let mut names = diff::service_names(head);
    for (path, name) in diff::service_names(base) {
        names.entry(path).or_insert(name);
    }
    let sides = Sides {
        head: Unrendered::of(head, in_git, &names),
        base: Unrendered::of(base, in_git, &names),
    };
    // Each service's job per cluster: its FlinkDeployment, or the template of its
    // FlinkBlueGreenDeployment (marked), which is what the children run.
    let deployments = |c: &Compilation| -> BTreeMap<(String, String), (RenderedObject, bool)> {
        c.rendered
            .objects
            .iter()
            .filter_map(|o| {
                let job = match crate::facts::blue_green::template_deployment(&o.node) {
                    Some(template) => {
                        let mut t = o.clone();
                        t.node = template;
                        (t, true)
                    }
                    None if o.kind() == "FlinkDeployment" => (o.clone(), false),
                    None => return None,
                };
                Some(((o.cluster.to_string(), o.service.to_string()), job))
            })
            .collect()
    };
    let before = deployments(base);
    let after = deployments(head);
    // Base objects and base spec origins, moved into the head's sources.
    let mut remap = Remap::new(&base.workspace.sources, &head.workspace.sources);
    let before: BTreeMap<(String, String), (RenderedObject, bool)> = before
        .into_iter()
        .map(|(k, (mut o, blue_green))| {
            o.node = remap.node(o.node, &mut head.workspace.sources);
            (k, (o, blue_green))
        })
        .collect();
    let head_blames: BTreeMap<String, Origin> = head
        .workspace
        .services
        .iter()
        .map(|s| (s.name.value.clone(), s.blame()))
        .collect();
    // Where each spec of the head says `blueGreen` (`enabled`, else the block).
    let blue_green_at = |services: &[std::sync::Arc<crate::spec::service::ServiceFile>]| {
        services
            .iter()
            .filter_map(|s| {
                let block = s.spec.as_map()?.entry("blueGreen")?;
                let enabled = block.value.as_map().and_then(|m| m.entry("enabled"));
                let at = enabled.map_or(block.key_origin, |e| e.key_origin);
                Some((s.name.value.clone(), at))
            })
            .collect::<BTreeMap<String, Origin>>()
    };
    let head_blue_green_at = blue_green_at(&head.workspace.services);
    let mut base_blames: BTreeMap<String, Origin> = BTreeMap::new();
    for s in &base.workspace.services {
        let o = remap.origin(s.blame(), &mut head.workspace.sources);
        base_blames.insert(s.name.value.clone(), o);
    }
    // Services new in the repository (not merely new on a cluster), per cluster.
    let base_services: BTreeSet<&str> = before.keys().map(|(_, s)| s.as_str()).collect();
    let mut added: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (cluster, service) in after.keys() {
        if !base_services.contains(service.as_str()) {
            added
                .entry(cluster.clone())
                .or_default()
                .push(service.clone());
        }
    }
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    let engine = Engine::new(&platform, &date::today());
    let mut out = Vec::new();
    let none: Vec<String> = Vec::new();
    for key in keys {
        let (cluster, service) = key;
        if !sides.compared(service) {
            continue;
        }
        let b = before.get(key);
        let h = after.get(key);
        let head_blame = head_blames.get(service.as_str()).copied();
        let pair = Pair {
            base: b.map(|(o, blue_green)| Side {
                view: FlinkView::new(&o.node),
                blue_green: *blue_green,
                // A base line is not the head's: findings go to the head's spec.
                blue_green_at: Origin::NONE,
                // A service still in the repository is reported at its spec there.
                blame: head_blame
                    .or_else(|| base_blames.get(service.as_str()).copied())
                    .unwrap_or(Origin::NONE),
            }),
            head: h.map(|(o, blue_green)| Side {
                view: FlinkView::new(&o.node),
                blue_green: *blue_green,
                blue_green_at: head_blue_green_at
                    .get(service.as_str())
                    .copied()
                    .unwrap_or(Origin::NONE),
                blame: head_blame.unwrap_or(Origin::NONE),
            }),
            cluster,
            env: h.or(b).map(|(o, _)| &*o.env).unwrap_or_default(),
            service,
            added_on_cluster: added.get(cluster).unwrap_or(&none),
        };
        let subject = format!("{service} ({}/{cluster})", pair.env);
        for rule in transition::registry() {
            let mut findings = Vec::new();
            rule.check(&pair, &mut findings);
            for f in findings {
                let origin = pair
                    .head
                    .as_ref()
                    .or(pair.base.as_ref())
                    .map_or(Origin::NONE, |s| s.blame);
                if let Some(d) = engine.judge(rule.meta(), f, pair.env, service, origin, &subject) {
                    out.push((service.clone(), d));
                }
            }
        }
    }
    out
}

/// One finding per platform-config line: the same rule, line, severity and waiver for many
/// services become one finding whose subject names them all (the message of the first).
fn merge_platform_lines(diags: Vec<Diagnostic>, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut subjects: Vec<Vec<String>> = Vec::new();
    let mut index: HashMap<(String, Span, crate::diag::Severity, bool), usize> = HashMap::new();
    for d in diags {
        let key = d
            .primary
            .as_ref()
            .filter(|l| sources.path(l.span.file) == crate::spec::platform::FILE_NAME)
            .map(|l| (d.rule.clone(), l.span, d.severity, d.waived.is_some()));
        if let Some(i) = key.as_ref().and_then(|k| index.get(k)) {
            if let (Some(list), Some(s)) = (subjects.get_mut(*i), d.subject.clone()) {
                list.push(s);
            }
            continue;
        }
        if let Some(k) = key {
            index.insert(k, out.len());
        }
        subjects.push(d.subject.clone().into_iter().collect());
        out.push(d);
    }
    for (d, list) in out.iter_mut().zip(subjects) {
        if list.len() > 1 {
            // Named up to a few: a platform line can change thousands of services.
            const NAMED: usize = 5;
            let mut names = list
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if list.len() > NAMED {
                names.push_str(&format!(" and {} more", list.len() - NAMED));
            }
            d.subject = Some(format!("{} services: {names}", list.len()));
            d.message = crate::excerpt::bound(format!(
                "{} (for {} services: {names})",
                d.message,
                list.len()
            ));
        }
    }
    out
}

/// Moves origins from the base's sources into the head's: a base file identical to a head
/// file (same path, same text) maps to it; any other is added.
struct Remap<'s> {
    from: &'s SourceMap,
    ids: HashMap<FileId, FileId>,
    /// The head's files by path.
    head: HashMap<String, FileId>,
}

impl<'s> Remap<'s> {
    fn new(from: &'s SourceMap, to: &SourceMap) -> Self {
        Remap {
            from,
            ids: HashMap::new(),
            head: to.iter().map(|(id, f)| (f.path.clone(), id)).collect(),
        }
    }

    fn file(&mut self, id: FileId, to: &mut SourceMap) -> FileId {
        if let Some(new) = self.ids.get(&id) {
            return *new;
        }
        let file = self.from.get(id);
        let same = self
            .head
            .get(&file.path)
            .copied()
            .filter(|i| to.get(*i).text == file.text);
        let new = same.unwrap_or_else(|| to.add(SourceFile::new(file.path.clone(), &file.text)));
        self.ids.insert(id, new);
        new
    }

    fn origin(&mut self, o: Origin, to: &mut SourceMap) -> Origin {
        match o.span() {
            Some(s) => Origin::at(Span {
                file: self.file(s.file, to),
                ..s
            }),
            None => Origin::NONE,
        }
    }

    fn node(&mut self, n: Node, to: &mut SourceMap) -> Node {
        let origin = self.origin(n.origin, to);
        let value = match n.value {
            Value::Map(m) => {
                let mut out = crate::tree::Map::new();
                for e in m.into_entries() {
                    let key_origin = self.origin(e.key_origin, to);
                    let value = self.node(e.value, to);
                    out.insert_with_origin(e.key, key_origin, value);
                }
                Value::Map(out)
            }
            Value::Seq(items) => Value::Seq(items.into_iter().map(|i| self.node(i, to)).collect()),
            v => v,
        };
        Node::new(value, origin)
    }
}
