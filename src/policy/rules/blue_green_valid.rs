use crate::diag::Severity;
use crate::excerpt::quote;
use crate::facts::blue_green::{CHILD_SUFFIXES, CONFIG_PREFIX, KIND, MAX_NAME_LEN, SETTINGS};
use crate::flink::operator;
use crate::facts::names::{MAX_LEN, name_problem};
use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::flink::version::SAVEPOINT_DIR_KEYS;
use crate::policy::{Finding, Rule, Target};
use crate::tree::{Node, Origin};

crate::declare_rule! {
    /// A FlinkBlueGreenDeployment is one the platform's operator can run.
    ///
    /// ## What it checks
    /// For a FlinkBlueGreenDeployment (a service with `blueGreen.enabled`, or a manifest of
    /// that kind; every other rule checks its `template.spec` as the FlinkDeployment it
    /// becomes):
    /// * the platform's operator has the kind: it was introduced in operator **1.14**
    ///   (`operator.version` in flinkform.yaml);
    /// * its name leaves room for its children's: the operator names them `<name>-blue` and
    ///   `<name>-green`, FlinkDeployment names may have at most 45 characters, so the name at
    ///   most 39;
    /// * `spec.configuration` holds only the operator's blue/green options
    ///   (`kubernetes.operator.bluegreen.abort.grace-period`,
    ///   `…deployment-deletion.delay`, `…reconciliation.reschedule-interval`; anything else is
    ///   ignored, reported as a warning), and their values are durations the operator reads
    ///   (Flink's grammar: `10 min`, `30s`, `500 ms`);
    /// * a job with `upgradeMode: last-state` has a savepoint directory: a blue/green switch
    ///   starts the new child from a savepoint of the old one whatever the upgrade mode,
    ///   except `stateless` (`savepoint-dir-required` covers `upgradeMode: savepoint`).
    ///
    /// ## Why
    /// The operator's admission webhook does not validate FlinkBlueGreenDeployments at all:
    /// on an operator without the kind the resource is refused when Flux applies it (its CRD
    /// is missing); a name too long for the children, an unreadable duration or a missing
    /// savepoint directory are found only at run time, when the operator fails to create a
    /// child or to take the savepoint of a switch ("Could not trigger Savepoint").
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   blueGreen:
    ///     enabled: true
    ///     abortGracePeriod: 10 mins
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   blueGreen:
    ///     enabled: true
    ///     abortGracePeriod: 10 min
    /// ```
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkBlueGreenDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   configuration:
    ///     kubernetes.operator.bluegreen.deployment-deletion.delay: 1 hr
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkBlueGreenDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   configuration:
    ///     kubernetes.operator.bluegreen.deployment-deletion.delay: 1 h
    /// ```
    pub struct BlueGreenValid {
        name: "blue-green-valid", severity: Error, category: Policy, kinds: [Deployment],
    }
}

impl Rule for BlueGreenValid {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(bg) = t.view.blue_green() else {
            return;
        };
        // The object as a whole: its `kind` (a manifest), or `blueGreen.enabled` (a spec).
        let whole = bg
            .get("kind")
            .map_or(Origin::NONE, |k| k.origin)
            .or(t.anchor(&["blueGreen", "enabled"]));
        operator_has_it(t, whole, out);
        name_fits(t, out);
        configuration(bg, out);
        savepoint_dir(t, out);
    }
}

fn operator_has_it(t: &Target<'_>, at: Origin, out: &mut Vec<Finding>) {
    let version = &t.platform.operator.version;
    if t.platform.operator.release().has_kind(KIND) {
        return;
    }
    let (major, minor) = operator::first_with_kind(KIND).map_or((1, 14), |r| r.version);
    let help = if t.is_render() {
        format!(
            "upgrade the operator to {major}.{minor} or later (and set `operator.version` in flinkform.yaml), or remove `blueGreen.enabled` to deploy a FlinkDeployment"
        )
    } else {
        format!(
            "upgrade the operator to {major}.{minor} or later, or deploy the template as a FlinkDeployment"
        )
    };
    let mut f = Finding::new(
        at,
        format!(
            "FlinkBlueGreenDeployment was introduced in Flink Kubernetes Operator {major}.{minor}; the platform runs {}.{}, which does not have it",
            version.value.0, version.value.1
        ),
    )
    .label(format!("needs operator {major}.{minor}"))
    .help(help);
    if version.origin.span().is_some() {
        f = f.also(version.origin, "the platform's operator version");
    }
    out.push(f);
}

fn name_fits(t: &Target<'_>, out: &mut Vec<Finding>) {
    let Some(node) = t.view.object.path(&["metadata", "name"]) else {
        return;
    };
    let Some(name) = node.as_str() else {
        return;
    };
    let len = name.chars().count();
    // An invalid name is `deployment-name-valid`'s.
    if len <= MAX_NAME_LEN || name_problem(name).is_some() {
        return;
    }
    let longest = format!("{}{}", quote(name), CHILD_SUFFIXES[1]);
    out.push(
        Finding::new(
            node.origin.or(t.blame),
            format!(
                "`{}` has {len} characters: its child `{longest}` would have {}, more than the {MAX_LEN} the operator allows a FlinkDeployment name",
                quote(name),
                len + CHILD_SUFFIXES[1].len()
            ),
        )
        .label("too long for blue/green")
        .help(format!(
            "use a name of at most {MAX_NAME_LEN} characters (the operator creates the children `<name>-blue` and `<name>-green` at run time and fails if they are invalid)"
        )),
    );
}

fn configuration(bg: &Node, out: &mut Vec<Finding>) {
    let Some(conf) = bg.path(&["spec", "configuration"]).and_then(Node::as_map) else {
        return;
    };
    let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
    for e in conf.iter() {
        let at = e.key_origin.or(e.value.origin);
        if !keys.contains(&e.key.as_str()) {
            let mut f = Finding::new(
                at,
                format!(
                    "`{}` is not a blue/green option: the operator reads only `{CONFIG_PREFIX}*` options from `spec.configuration` and ignores it",
                    quote(&e.key)
                ),
            )
            .label("ignored")
            .severity(Severity::Warning);
            f = match crate::suggest::did_you_mean(&e.key, keys.iter().copied()) {
                Some(s) => f.help(format!("did you mean `{s}`?")),
                None => f.help(format!(
                    "blue/green options: {}; Flink options belong in `spec.template.spec.flinkConfiguration`",
                    keys.join(", ")
                )),
            };
            out.push(f);
            continue;
        }
        let Some(text) = e.value.scalar_text() else {
            continue;
        };
        if let Err(err) = parse_duration(&text, DurationGrammar::Flink1) {
            out.push(
                Finding::new(
                    e.value.origin.or(at),
                    format!(
                        "`{}` is not a duration the operator reads: {err}",
                        quote(&text)
                    ),
                )
                .label("not a duration")
                .help("write a whole number and a unit: `10 min`, `30 s`, `500 ms` (units: d, h, min, s, ms)"),
            );
        }
    }
}

fn savepoint_dir(t: &Target<'_>, out: &mut Vec<Finding>) {
    let v = &t.view;
    if !v.has_job() || v.upgrade_mode() != "last-state" {
        return;
    }
    if v
        .get_any(SAVEPOINT_DIR_KEYS)
        .is_some_and(|e| !e.value.trim().is_empty())
    {
        return;
    }
    out.push(
        Finding::new(
            super::admission::upgrade_mode_origin(t),
            "a blue/green switch of this job needs a savepoint and no savepoint directory is set: the operator takes one for every upgrade mode but `stateless`",
        )
        .label("upgradeMode last-state")
        .help(if t.is_render() {
            "set `storage.savepoints` for this environment in flinkform.yaml"
        } else {
            "set `execution.checkpointing.savepoint-dir` (Flink 1.x: `state.savepoints.dir`) in `spec.template.spec.flinkConfiguration`"
        }),
    );
}
