use crate::flink::operator_keys::ALLOWED_SCHEMES;
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use std::net::{Ipv4Addr, Ipv6Addr};

crate::declare_rule! {
    /// A FlinkSessionJob has a job whose jar the operator is allowed to fetch.
    ///
    /// ## What it checks
    /// For a FlinkSessionJob:
    /// * `spec.job` is set ("The job spec should not be empty");
    /// * `job.jarURI`, when set, is a valid URI with a scheme, and the scheme is in the
    ///   operator's allowlist, which by default is `https` only;
    /// * for `http`/`https`, the URI has a host, and the host is not literally `localhost` or a
    ///   loopback, link-local, private (site-local), wildcard or multicast IP address.
    ///
    /// The `jarURI` checks apply on operator 1.15 and later (the platform's `operator.version`),
    /// which introduced the allow-list; earlier operators fetch any URI.
    ///
    /// flinkform never makes network calls, so a host name is not resolved: the operator also
    /// rejects names that do not resolve or resolve to such addresses, which this rule cannot
    /// see. A FlinkDeployment's `jarURI` is not restricted this way (it is read inside the
    /// job's own image).
    ///
    /// ## Why
    /// The operator downloads a session job's jar itself, inside the operator pod, so it
    /// refuses schemes and addresses that would let a resource read the operator's own files or
    /// reach services on its network (`kubernetes.operator.user.artifacts.allowed-schemes`,
    /// `kubernetes.operator.user.artifacts.disallow-restricted-hosts`).
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkSessionJob
    /// metadata: { name: orders-adhoc, namespace: previews }
    /// spec:
    ///   deploymentName: previews
    ///   job: { jarURI: "http://127.0.0.1:8080/orders.jar" }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkSessionJob
    /// metadata: { name: orders-adhoc, namespace: previews }
    /// spec:
    ///   deploymentName: previews
    ///   job: { jarURI: "https://artifacts.example.com/flink/orders-1.4.2.jar" }
    /// ```
    /// To allow other schemes (say `s3` or `local`), the operator's administrators add them to
    /// `kubernetes.operator.user.artifacts.allowed-schemes` in the operator's own configuration
    /// (the Helm chart's `defaultConfiguration`), e.g. `https,s3`; the option has no effect in a
    /// resource's `flinkConfiguration`. Then waive or turn off this rule for those schemes.
    ///
    /// A service spec cannot make this rule fire: flinkform renders no FlinkSessionJob.
    pub struct SessionJobJarUri {
        name: "session-job-jar-uri", severity: Error, category: Policy, kinds: [SessionJob],
        spec: false,
    }
}

/// The operator's default allowlist.
pub const DEFAULT_SCHEMES: [&str; 1] = ["https"];

/// A jarURI as `java.net.URI` reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `new URI(…)` throws.
    Invalid(String),
    /// A relative reference.
    NoScheme,
    /// `host` is `None` when the URI has no server-based authority (`getHost()` is null).
    Absolute {
        scheme: String,
        host: Option<String>,
    },
}

/// Characters `java.net.URI` never accepts unescaped (besides whitespace and controls).
const ILLEGAL: &[char] = &['"', '<', '>', '\\', '^', '`', '{', '|', '}'];

pub fn parse(uri: &str) -> Parsed {
    let chars: Vec<char> = uri.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_whitespace() || c.is_control() || ILLEGAL.contains(c) {
            return Parsed::Invalid(format!(
                "illegal character `{}` at index {i}",
                c.escape_debug()
            ));
        }
        if *c == '%' {
            let hex = |j: usize| chars.get(j).is_some_and(char::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Parsed::Invalid(format!("malformed escape at index {i}"));
            }
        }
    }
    if uri.matches('#').count() > 1 {
        return Parsed::Invalid("a second `#` in the fragment".into());
    }
    let end_of_scheme = uri.find([':', '/', '?', '#']);
    let (scheme, rest) = match end_of_scheme {
        Some(i) if uri.get(i..i + 1) == Some(":") => (
            uri.get(..i).unwrap_or_default(),
            uri.get(i + 1..).unwrap_or_default(),
        ),
        _ => {
            return if has_brackets_outside_authority(uri) {
                Parsed::Invalid("`[` or `]` outside an IPv6 host".into())
            } else {
                Parsed::NoScheme
            };
        }
    };
    if scheme.is_empty() {
        return Parsed::Invalid("expected a scheme name before `:`".into());
    }
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Parsed::Invalid(format!("illegal character in the scheme name `{scheme}`"));
    }
    if rest.is_empty() || rest.starts_with('#') {
        return Parsed::Invalid("expected something after the scheme".into());
    }
    if has_brackets_outside_authority(rest) {
        return Parsed::Invalid("`[` or `]` outside an IPv6 host".into());
    }
    let host = rest.strip_prefix("//").and_then(|after| {
        let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
        server_host(authority)
    });
    Parsed::Absolute {
        scheme: scheme.to_string(),
        host,
    }
}

/// Whether `[`/`]` appear anywhere but around the host of an authority.
fn has_brackets_outside_authority(s: &str) -> bool {
    let (authority, tail) = match s.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            (
                after.get(..end).unwrap_or_default(),
                after.get(end..).unwrap_or_default(),
            )
        }
        None => ("", s),
    };
    let host_part = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let userinfo = authority.len() - host_part.len();
    tail.contains(['[', ']'])
        || authority
            .get(..userinfo)
            .is_some_and(|u| u.contains(['[', ']']))
        || (host_part.contains(['[', ']']) && !host_part.starts_with('['))
}

/// The host of a server-based authority (`[userinfo@]host[:port]`), as `URI.getHost()` gives
/// it; `None` when Java would fall back to a registry-based authority (an underscore in the
/// host, a non-numeric port, a last label starting with a digit, …).
pub fn server_host(authority: &str) -> Option<String> {
    let host_port = match authority.split_once('@') {
        Some((user, h)) => {
            if user.contains('@') || h.contains('@') {
                return None;
            }
            h
        }
        None => authority,
    };
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']')?;
        let host = host_port.get(..=close)?;
        let inner = host.get(1..host.len() - 1)?;
        inner.parse::<Ipv6Addr>().ok()?;
        let rest = host_port.get(close + 1..)?;
        let port = match rest.strip_prefix(':') {
            Some(p) => p,
            None if rest.is_empty() => "",
            None => return None,
        };
        (host, port)
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, p),
            None => (host_port, ""),
        }
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) || host.is_empty() {
        return None;
    }
    if host.starts_with('[') || dotted_quad(host).is_some() || is_java_hostname(host) {
        Some(host.to_string())
    } else {
        None
    }
}

/// `java.net.URI`'s hostname: labels of ASCII letters, digits and inner `-`, separated by
/// `.` (one trailing `.` allowed); with several labels, the last starts with a letter.
fn is_java_hostname(host: &str) -> bool {
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = trimmed.split('.').collect();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !labels.iter().all(|l| label_ok(l)) {
        return false;
    }
    labels.len() == 1
        || labels
            .last()
            .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// `a.b.c.d` with each part 0–255 in decimal.
fn dotted_quad(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

/// What kind of restricted address a literal host is, as Java's `InetAddress` classifies it:
/// loopback, link-local, site-local (10/8, 172.16/12, 192.168/16, fec0::/10), wildcard,
/// multicast. `localhost` resolves to loopback everywhere.
pub fn restricted(host: &str) -> Option<&'static str> {
    let h = host.strip_suffix('.').unwrap_or(host);
    if h.eq_ignore_ascii_case("localhost") {
        return Some("loopback");
    }
    if let Some(inner) = h.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let v6: Ipv6Addr = inner.parse().ok()?;
        if let Some(v4) = v6.to_ipv4_mapped() {
            return restricted_v4(v4);
        }
        let first = v6.segments().first().copied().unwrap_or_default();
        return if v6.is_loopback() {
            Some("loopback")
        } else if v6.is_unspecified() {
            Some("wildcard")
        } else if v6.is_multicast() {
            Some("multicast")
        } else if first & 0xffc0 == 0xfe80 {
            Some("link-local")
        } else if first & 0xffc0 == 0xfec0 {
            Some("private (site-local)")
        } else {
            None
        };
    }
    dotted_quad(h).and_then(restricted_v4)
}

fn restricted_v4(a: Ipv4Addr) -> Option<&'static str> {
    if a.is_loopback() {
        Some("loopback")
    } else if a.is_unspecified() {
        Some("wildcard")
    } else if a.is_link_local() {
        Some("link-local")
    } else if a.is_private() {
        Some("private (site-local)")
    } else if a.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

impl Rule for SessionJobJarUri {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        let v = &t.view;
        if v.kind() != Kind::SessionJob {
            return;
        }
        if !v.has_job() {
            out.push(
                Finding::new(t.anchor(&["job"]), "FlinkSessionJob has no `job`: the operator rejects it (\"The job spec should not be empty\")")
                    .label("no job")
                    .help("add spec.job with the jarURI, parallelism and upgradeMode of the job to submit"),
            );
            return;
        }
        let Some((uri, at)) = super::admission::jar_uri(t, out) else {
            return;
        };
        // The allow-list came with operator 1.15 (`validateJarURI`).
        if !t.platform.operator.release().jar_uri_allow_list {
            return;
        }
        let ignored_setting = v.get(ALLOWED_SCHEMES).map(|e| e.origin());
        let allowlist = DEFAULT_SCHEMES.join(", ");
        let extend = format!(
            "or have the operator's administrators add the scheme to `{ALLOWED_SCHEMES}` in the operator's configuration (Helm `defaultConfiguration`)"
        );
        match parse(uri) {
            Parsed::Invalid(why) => out.push(
                Finding::new(at, format!("jarURI `{uri}` is not a valid URI: {why}"))
                    .label("invalid URI")
                    .help("write an absolute URI, e.g. https://artifacts.example.com/flink/job.jar; escape spaces and special characters with %XX"),
            ),
            Parsed::NoScheme => out.push(
                Finding::new(at, format!("jarURI `{uri}` has no scheme: the operator rejects it (\"jarURI must include a scheme\")"))
                    .label("no scheme")
                    .help(format!("serve the jar over https and write the full URI, e.g. https://artifacts.example.com/flink/job.jar (the operator's default allowlist is [{allowlist}])")),
            ),
            Parsed::Absolute { scheme, host } => {
                let lower = scheme.to_ascii_lowercase();
                if !DEFAULT_SCHEMES.contains(&lower.as_str()) {
                    let mut f = Finding::new(at, format!("jarURI scheme `{scheme}` is not in the operator's default allowlist [{allowlist}]"))
                        .label("scheme not allowed")
                        .help(format!("serve the jar over https, {extend}; the option has no effect in a resource"));
                    if let Some(o) = ignored_setting {
                        f = f.also(o, "ignored: the operator reads this from its own configuration");
                    }
                    out.push(f);
                }
                if lower == "http" || lower == "https" {
                    match host {
                        None => out.push(
                            Finding::new(at, format!("jarURI `{uri}` has no host the operator can read (\"jarURI must include a host for http/https schemes\")"))
                                .label("no host")
                                .help("write the host as a DNS name or IP address: letters, digits and `-` (no `_`), and a numeric port"),
                        ),
                        Some(h) => {
                            if let Some(kind) = restricted(&h) {
                                out.push(
                                    Finding::new(at, format!("jarURI host `{h}` is a {kind} address: the operator refuses to download from it"))
                                        .label(format!("{kind} host"))
                                        .help("serve the jar from an artifact repository with a public or cluster DNS name, or build it into the session cluster's image"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abs(scheme: &str, host: Option<&str>) -> Parsed {
        Parsed::Absolute {
            scheme: scheme.into(),
            host: host.map(str::to_string),
        }
    }

    #[test]
    fn parses_like_java_uri() {
        assert_eq!(
            parse("https://repo1.maven.org/maven2/a.jar"),
            abs("https", Some("repo1.maven.org"))
        );
        assert_eq!(
            parse("https://user@Nexus.example.com:8443/a.jar?x=1#f"),
            abs("https", Some("Nexus.example.com"))
        );
        assert_eq!(parse("HTTP://[::1]:80/a.jar"), abs("HTTP", Some("[::1]")));
        assert_eq!(parse("http://10.0.0.1/a"), abs("http", Some("10.0.0.1")));
        assert_eq!(parse("local:///opt/flink/a.jar"), abs("local", None));
        assert_eq!(parse("s3://bucket/a.jar"), abs("s3", Some("bucket")));
        assert_eq!(parse("https://my_host/a.jar"), abs("https", None));
        assert_eq!(parse("https://host:port/a.jar"), abs("https", None));
        assert_eq!(parse("https://127.1/a.jar"), abs("https", None));
        assert_eq!(parse("https:///a.jar"), abs("https", None));
        assert_eq!(parse("/opt/flink/a.jar"), Parsed::NoScheme);
        assert_eq!(parse("a.jar"), Parsed::NoScheme);
        assert_eq!(parse(""), Parsed::NoScheme);
        for bad in [
            "<URI of the job jar>",
            "https://host/my jar.jar",
            "https://host/a%2.jar",
            "1https://host/a.jar",
            ":a.jar",
            "https:",
            "https://host/a[1].jar",
            "https://host/a#b#c",
            "https://{host}/a.jar",
        ] {
            assert!(matches!(parse(bad), Parsed::Invalid(_)), "{bad}");
        }
    }

    #[test]
    fn restricted_hosts() {
        for (h, kind) in [
            ("localhost", "loopback"),
            ("LOCALHOST.", "loopback"),
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("[::1]", "loopback"),
            ("[::ffff:127.0.0.1]", "loopback"),
            ("0.0.0.0", "wildcard"),
            ("[::]", "wildcard"),
            ("169.254.169.254", "link-local"),
            ("[fe80::1]", "link-local"),
            ("10.1.2.3", "private (site-local)"),
            ("172.16.0.1", "private (site-local)"),
            ("192.168.1.1", "private (site-local)"),
            ("[fec0::1]", "private (site-local)"),
            ("224.0.0.1", "multicast"),
            ("[ff02::1]", "multicast"),
        ] {
            assert_eq!(restricted(h), Some(kind), "{h}");
        }
        for h in [
            "repo1.maven.org",
            "8.8.8.8",
            "172.32.0.1",
            "100.64.0.1",
            "[2001:db8::1]",
            "[fd00::1]",
            "jar-server.flink.svc",
            "localhost.example.com",
        ] {
            assert_eq!(restricted(h), None, "{h}");
        }
    }
}
