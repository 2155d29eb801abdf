use crate::facts::view::FlinkView;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// An `ingress` has a template that makes a valid URL.
    ///
    /// ## What it checks
    /// When a FlinkDeployment sets `spec.ingress`, and when a FlinkBlueGreenDeployment sets its
    /// own `spec.ingress` (beside `template`: the Ingress that follows the active child) or
    /// its template's:
    /// * `ingress.template` is set (the operator rejects an ingress without one);
    /// * the template makes a usable URL once the operator has replaced `{{name}}` and
    ///   `{{namespace}}` (in any case) and put `http://` in front of a template without
    ///   `http://` or `https://`: no whitespace, no other `{{…}}` placeholder, a numeric port
    ///   if there is one, and a host (if any: path-only templates such as
    ///   `/{{namespace}}/{{name}}(/|$)(.*)` are fine) that is a lower-case DNS name, optionally
    ///   `*.`-prefixed, as Kubernetes requires of an Ingress host.
    ///
    /// What is not checked: whether the host resolves, and anything about the path beyond
    /// whitespace (its meaning depends on the Ingress controller).
    ///
    /// ## Why
    /// The operator builds the Ingress's host and path from this URL. A template it cannot
    /// parse is rejected at admission ("Unable to process the Ingress template(…)"); a host
    /// that is not a DNS name makes the API server reject the Ingress at every reconcile.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   ingress:
    ///     template: "flink.example.com:port/{{namespace}}/{{name}}"
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   ingress:
    ///     template: "{{name}}.{{namespace}}.flink.example.com"
    ///     className: nginx
    /// ```
    ///
    /// A service spec cannot make this rule fire: flinkform renders no ingress.
    pub struct IngressTemplateValid {
        name: "ingress-template-valid", severity: Error, category: Policy, kinds: [Deployment],
        spec: false,
    }
}

/// The template as a message shows it: its first line, at most 60 characters.
pub fn shorten(template: &str) -> String {
    let first = template.lines().next().unwrap_or_default();
    let mut out: String = first.chars().take(60).collect();
    if out.len() < template.trim_end().len() {
        out.push('…');
    }
    out
}

/// Replaces `pattern` in any case, like Java's `Pattern.CASE_INSENSITIVE` on an ASCII pattern.
fn replace_ignore_case(text: &str, pattern: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        match rest.get(..pattern.len()) {
            Some(head) if head.eq_ignore_ascii_case(pattern) => {
                out.push_str(with);
                rest = rest.get(pattern.len()..).unwrap_or_default();
            }
            _ => {
                let mut chars = rest.chars();
                if let Some(c) = chars.next() {
                    out.push(c);
                }
                rest = chars.as_str();
            }
        }
    }
    out
}

/// The URL the operator makes of a template: `{{name}}`/`{{namespace}}` replaced, `http://`
/// in front when it starts with neither `http://` nor `https://`.
pub fn expand(template: &str, name: &str, namespace: &str) -> String {
    let lower = template.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        template.to_string()
    } else {
        format!("http://{template}")
    };
    let url = replace_ignore_case(&url, "{{name}}", name);
    replace_ignore_case(&url, "{{namespace}}", namespace)
}

/// Why the template does not make a usable URL, or `None`.
pub fn problem(template: &str, name: &str, namespace: &str) -> Option<String> {
    if template.chars().any(char::is_whitespace) {
        return Some("it contains whitespace".into());
    }
    let url = expand(template, name, namespace);
    if let Some(i) = url.find("{{") {
        let rest = url.get(i..).unwrap_or_default();
        let shown = rest
            .find("}}")
            .and_then(|j| rest.get(..j + 2))
            .unwrap_or(rest);
        return Some(format!(
            "`{shown}` is not a placeholder the operator replaces (only `{{{{name}}}}` and `{{{{namespace}}}}` are)"
        ));
    }
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let Some((addr, rest)) = bracketed.split_once(']') else {
            return Some(format!("the host `{host_port}` has no closing `]`"));
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Some(format!("`[{addr}]` is not an IPv6 address"));
        }
        let port = match rest.strip_prefix(':') {
            Some(p) => Some(p),
            None if rest.is_empty() => None,
            None => return Some(format!("unexpected `{rest}` after the host")),
        };
        return port_problem(port).or_else(|| {
            Some(format!(
                "the host `[{addr}]` is an IP address; an Ingress host must be a DNS name"
            ))
        });
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if let Some(p) = port_problem(port) {
        return Some(p);
    }
    if host.is_empty() {
        return None; // a path-only template: the Ingress matches any host
    }
    host_problem(host)
}

fn port_problem(port: Option<&str>) -> Option<String> {
    let p = port?;
    if p.is_empty() {
        return None;
    }
    match p.parse::<u32>() {
        Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) && n <= 65535 => None,
        _ => Some(format!("the port `{p}` is not a port number")),
    }
}

/// Whether `host` is what Kubernetes accepts as an Ingress host: a lower-case DNS subdomain,
/// optionally with a leading `*.`, and not an IP address.
fn host_problem(host: &str) -> Option<String> {
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some(format!(
            "the host `{host}` is an IP address; an Ingress host must be a DNS name"
        ));
    }
    let name = host.strip_prefix("*.").unwrap_or(host);
    if host.len() > 253 {
        return Some(format!("the host `{host}` is longer than 253 characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.')))
    {
        return Some(if c.is_ascii_uppercase() {
            format!(
                "the host `{host}` has upper-case letters; Ingress hosts are lower-case DNS names"
            )
        } else {
            format!("the host `{host}` contains `{c}`, which a DNS name cannot")
        });
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Some(format!("the host `{host}` has an empty label"));
        }
        if label.len() > 63 {
            return Some(format!(
                "the host `{host}` has a label longer than 63 characters"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "the host `{host}` has a label starting or ending with `-`"
            ));
        }
    }
    None
}

impl Rule for IngressTemplateValid {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        // A FlinkBlueGreenDeployment's own `spec.ingress` (the one that follows the active
        // child, `render::blue_green`) goes through the same URL template as a
        // FlinkDeployment's, with the same name and namespace.
        let parent = v
            .blue_green()
            .and_then(|bg| bg.get("spec")?.as_map()?.entry("ingress"))
            .filter(|e| !e.value.is_null());
        if let Some(own) = v.spec(&["ingress"]).filter(|n| !n.is_null()) {
            check_ingress(t, v, own, t.anchor(&["ingress"]), out);
        }
        if let Some(e) = parent {
            let at = e.key_origin.or(e.value.origin).or(t.blame);
            check_ingress(t, v, &e.value, at, out);
        }
    }
}

/// One `ingress`; `at_ingress`: where a finding about the whole of it points.
fn check_ingress(
    t: &Target<'_>,
    v: &FlinkView<'_>,
    ingress: &Node,
    at_ingress: crate::tree::Origin,
    out: &mut Vec<Finding>,
) {
    let Some(template) = ingress.get("template").filter(|n| !n.is_null()) else {
        out.push(
            Finding::new(at_ingress, "ingress has no template: the operator rejects the deployment (\"Ingress template must be defined\")")
                .label("no template")
                .help("set ingress.template, e.g. \"{{name}}.{{namespace}}.flink.example.com\" or \"/{{namespace}}/{{name}}(/|$)(.*)\""),
        );
        return;
    };
    // A non-string template is the CRD schema's business.
    let Some(text) = template.as_str() else {
        return;
    };
    let at = template.origin.or(at_ingress);
    if super::admission::placeholder_stops(t, at, "ingress.template", text, out) {
        return;
    }
    let name = v.name();
    let namespace = v
        .namespace()
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default");
    if let Some(p) = problem(text, name, namespace) {
        out.push(
            Finding::new(at, format!("ingress template `{}` does not make a valid URL: {p}", shorten(text)))
                .label("invalid template")
                .help("write a host and/or a path, e.g. \"{{name}}.{{namespace}}.flink.example.com\" or \"/{{namespace}}/{{name}}(/|$)(.*)\"; the operator puts http:// in front"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_the_operator() {
        assert_eq!(
            expand("{{NAME}}.{{Namespace}}.example.com", "a", "b"),
            "http://a.b.example.com"
        );
        assert_eq!(expand("HTTPS://x/{{name}}", "a", "b"), "HTTPS://x/a");
        assert_eq!(expand("/{{namespace}}/{{name}}", "a", "b"), "http:///b/a");
        assert_eq!(expand("é{{name}}", "a", "b"), "http://éa");
    }

    #[test]
    fn shortens_long_templates() {
        assert_eq!(shorten("a.example.com"), "a.example.com");
        assert_eq!(
            shorten("apiVersion: v1\nkind: Ingress\n"),
            "apiVersion: v1…"
        );
        assert_eq!(shorten(&"x".repeat(70)).chars().count(), 61);
    }

    #[test]
    fn valid_templates() {
        for t in [
            "{{name}}.{{namespace}}.flink.k8s.io",
            "/{{namespace}}/{{name}}(/|$)(.*)",
            "flink.example.com/{{namespace}}/{{name}}",
            "https://flink.example.com:8443/{{name}}",
            "*.flink.example.com",
            "",
            "flink.example.com:",
        ] {
            assert_eq!(problem(t, "orders", "prod"), None, "{t}");
        }
    }

    #[test]
    fn invalid_templates() {
        for t in [
            "example.com:port",
            "flink.example.com/{{ name }}",
            "{{cluster}}.example.com",
            "Flink.example.com",
            "flink_jobs.example.com",
            "10.0.0.1/{{name}}",
            "[::1]/x",
            "[::1/x",
            "[zz]/x",
            "a..b",
            "-a.example.com",
            "example.com:99999",
        ] {
            assert!(problem(t, "orders", "prod").is_some(), "{t}");
        }
    }
}
