//! What every object of one (service, environment, cluster) shares: names, labels, template
//! variables.

use crate::diag::Diagnostic;
use crate::spec::Resolved;
use crate::spec::platform::{Environment, Platform};
use crate::tree::{Map, Node, Origin, Sp};

pub struct Ctx<'a> {
    pub resolved: &'a Resolved,
    pub platform: &'a Platform,
    pub env: &'a Environment,
    /// The service name: also its namespace, service account and FlinkDeployment name.
    pub name: &'a str,
    /// [`Ctx::labels`], built once: every object of the bundle carries them.
    labels: Node,
}

impl<'a> Ctx<'a> {
    pub fn new(resolved: &'a Resolved, platform: &'a Platform, env: &'a Environment) -> Ctx<'a> {
        let mut ctx = Ctx {
            resolved,
            platform,
            env,
            name: &resolved.service.name.value,
            labels: Node::null(),
        };
        ctx.labels = ctx.build_labels();
        ctx
    }

    pub fn namespace(&self) -> &str {
        self.name
    }

    pub fn name_node(&self) -> Node {
        Node::str(self.name, self.resolved.service.name.origin)
    }

    /// `app.kubernetes.io/{name,part-of,managed-by}`, `team`, and the service's own labels.
    pub fn labels(&self) -> Node {
        self.labels.clone()
    }

    fn build_labels(&self) -> Node {
        let mut m = Map::new();
        for (k, v) in &self.resolved.service.labels {
            m.insert(k.clone(), Node::str(v.value.clone(), v.origin));
        }
        for e in self.own_labels().into_entries() {
            m.insert(e.key, e.value);
        }
        Node::map(m, Origin::NONE)
    }

    /// flinkform's own labels: `app.kubernetes.io/{name,part-of,managed-by}` and `team`.
    pub fn own_labels(&self) -> Map {
        let s = &self.resolved.service;
        let mut m = Map::new();
        m.insert("app.kubernetes.io/name", self.name_node());
        m.insert(
            "app.kubernetes.io/part-of",
            Node::str(
                self.platform.name.as_deref().unwrap_or("flinkform"),
                Origin::NONE,
            ),
        );
        m.insert(
            "app.kubernetes.io/managed-by",
            Node::str("flinkform", Origin::NONE),
        );
        m.insert("team", Node::str(s.team.value.clone(), s.team.origin));
        m
    }

    /// `metadata` with name, namespace and labels.
    pub fn metadata(&self, name: &str) -> Map {
        let mut m = Map::new();
        m.insert("name", Node::str(name, self.resolved.service.name.origin));
        m.insert(
            "namespace",
            Node::str(self.namespace(), self.resolved.service.name.origin),
        );
        m.insert("labels", self.labels());
        m
    }

    /// Expands `{env}`, `{cluster}`, `{service}` and `{team}` in a platform template. The
    /// result keeps the template's origin: that is the line to change.
    pub fn expand(&self, template: &Sp<String>) -> Result<Sp<String>, Diagnostic> {
        let r = self.resolved;
        let vars = [
            ("env", r.env.value.as_str()),
            ("cluster", r.cluster.value.as_str()),
            ("service", self.name),
            ("team", r.service.team.value.as_str()),
        ];
        expand(template, &vars)
    }
}

/// Replaces `{name}` placeholders; an unknown placeholder or an unclosed brace is a finding at
/// the template.
pub fn expand(template: &Sp<String>, vars: &[(&str, &str)]) -> Result<Sp<String>, Diagnostic> {
    let text = &template.value;
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(template_error(template, "has an unclosed `{`"));
        };
        let name = &after[..close];
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => {
                return Err(template_error(
                    template,
                    &format!("uses the unknown placeholder `{{{name}}}`"),
                ));
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(Sp::new(out, template.origin))
}

fn template_error(template: &Sp<String>, what: &str) -> Diagnostic {
    Diagnostic::error(
        crate::policy::RuleId::TemplateInvalid,
        format!("template `{}` {what}", template.value),
    )
    .at_opt(template.origin.span(), "template")
    .with_help("placeholders are {env}, {cluster}, {service} and {team}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_known_placeholders() {
        let t = Sp::made("s3://flink-{env}/{service}/cp".to_string());
        let got = expand(&t, &[("env", "prod"), ("service", "fraud")]).expect("ok");
        assert_eq!(got.value, "s3://flink-prod/fraud/cp");
        assert!(expand(&Sp::made("s3://{bucket}/x".into()), &[("env", "p")]).is_err());
        assert!(expand(&Sp::made("s3://{env".into()), &[("env", "p")]).is_err());
    }
}
