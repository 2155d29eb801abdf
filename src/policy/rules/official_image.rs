use crate::flink::version::FlinkVersion;
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// The job's image comes from an allowed registry, pinned, and matches its Flink version.
    ///
    /// ## What it checks
    /// `spec.image` of a FlinkDeployment:
    /// * its repository starts with one of the platform's `images.allowedRegistries` (default:
    ///   the official `flink` image; `flink`, `docker.io/flink` and
    ///   `docker.io/library/flink` are the same repository);
    /// * it is pinned: a tag other than `latest`, or a digest;
    /// * a Flink version in the tag (`flink:1.20.1-java17`, or `…:1.4.2-flink1.20` for images
    ///   built on it) equals `flinkVersion`.
    ///
    /// ## Why
    /// Images from unknown registries bypass the platform's scanning and base-image updates;
    /// `latest` or no tag deploys whatever was pushed last, so a restart can change the job;
    /// an image whose Flink differs from `flinkVersion` makes the operator use the wrong
    /// configuration keys and JVM flags.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   image: flink:latest
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   image: flink:latest
    ///   flinkVersion: v1_20
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   image: flink:1.20.1-java17
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   image: flink:1.20.1-scala_2.12-java17
    ///   flinkVersion: v1_20
    /// ```
    /// Pinning by digest (`flink@sha256:…`) also guarantees the bytes.
    pub struct OfficialImage {
        name: "official-image", severity: Error, category: Policy, kinds: [Deployment],
        security: "5.0",
    }
}

/// An image reference split into its parts, with Docker Hub's defaults made explicit.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/library/flink`, `registry.example.com/flink/job`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Parses `[registry/]path[:tag][@digest]`.
pub fn parse_image(image: &str) -> ImageRef {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    // A `:` after the last `/` separates the tag (a `:` before it is a registry port).
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(rest[i + 1..].to_string())),
        _ => (rest, None),
    };
    ImageRef {
        repository: normalize_repository(name),
        tag,
        digest,
    }
}

/// `flink` → `docker.io/library/flink`; `bitnami/flink` → `docker.io/bitnami/flink`.
pub fn normalize_repository(name: &str) -> String {
    let name = name.trim_end_matches('/');
    let first = name.split('/').next().unwrap_or_default();
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let (registry, path) = if has_registry {
        let (r, p) = name.split_once('/').unwrap_or((name, ""));
        (r.to_string(), p.to_string())
    } else {
        ("docker.io".to_string(), name.to_string())
    };
    let registry = if registry == "index.docker.io" {
        "docker.io".to_string()
    } else {
        registry
    };
    let path = if registry == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    format!("{registry}/{path}")
}

/// The Flink version a tag names: the official image's leading `1.20[.x]`, or `flink1.20` /
/// `flink-1.20` inside a derived image's tag.
pub fn tag_flink_version(repository: &str, tag: &str) -> Option<FlinkVersion> {
    let leading = |s: &str| {
        let mut parts = s.split(|c: char| !c.is_ascii_digit());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        s[..s.find('.')?]
            .chars()
            .all(|c| c.is_ascii_digit())
            .then_some(FlinkVersion::new(major, minor))
    };
    if repository == "docker.io/library/flink" {
        return leading(tag);
    }
    let lower = tag.to_ascii_lowercase();
    let i = lower.find("flink")?;
    let after = lower[i + 5..].trim_start_matches(['-', '_', 'v']);
    leading(after)
}

impl Rule for OfficialImage {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment {
            return;
        }
        let Some(node) = v.spec(&["image"]) else {
            return;
        };
        let Some(image) = node.as_str() else { return };
        let at = node.origin.or(t.anchor(&["image"]));
        let r = parse_image(image);
        let allowed: Vec<(String, &str)> = t
            .platform
            .allowed_registries
            .iter()
            .map(|a| (normalize_repository(&a.value), a.value.as_str()))
            .collect();
        let ok = allowed
            .iter()
            .any(|(a, _)| r.repository == *a || r.repository.starts_with(&format!("{a}/")));
        if !ok {
            let list = allowed
                .iter()
                .map(|(_, shown)| format!("`{shown}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Finding::new(at, format!("image `{image}` is not from an allowed registry"))
                    .label("not allowed")
                    .help(format!("build on the official Flink image and push to one of: {list} (images.allowedRegistries in flinkform.yaml)")),
            );
        }
        // The fix names the user's own image: its name as written, without the moving tag.
        let pin = |name: &str| {
            format!("pin a version tag, `{name}:<version>`, or a digest, `{name}@sha256:<digest>`")
        };
        match (&r.tag, &r.digest) {
            (None, None) => out.push(
                Finding::new(
                    at,
                    format!("image `{image}` is not pinned: no tag means `latest`"),
                )
                .label("unpinned")
                .help(pin(image)),
            ),
            (Some(tag), None) if tag == "latest" => out.push(
                Finding::new(at, format!("image `{image}` uses the moving tag `latest`"))
                    .label("unpinned")
                    .help(pin(image.strip_suffix(":latest").unwrap_or(image))),
            ),
            _ => {}
        }
        if let (Some(tag), Some(declared)) = (&r.tag, v.flink_version())
            && let Some(in_tag) = tag_flink_version(&r.repository, tag)
            && in_tag != declared
        {
            let mut f = Finding::new(
                at,
                format!("image `{image}` runs Flink {in_tag}, but flinkVersion is {declared}"),
            )
            .label(format!("Flink {in_tag}"))
            .help(if t.is_render() {
                format!(
                    "set `flinkVersion: \"{in_tag}\"`, or use an image built for Flink {declared}"
                )
            } else {
                format!(
                    "set `flinkVersion: {}`, or use an image built for Flink {declared}",
                    in_tag.operator_label()
                )
            });
            if let Some(fv) = v.flink_version_text() {
                f = f.also(fv.origin, format!("declares {declared}"));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        assert_eq!(
            parse_image("flink:1.20").repository,
            "docker.io/library/flink"
        );
        assert_eq!(
            parse_image("docker.io/flink").repository,
            "docker.io/library/flink"
        );
        assert_eq!(
            parse_image("bitnami/flink:1").repository,
            "docker.io/bitnami/flink"
        );
        let r = parse_image("registry.example.com:5000/flink/job:1.2@sha256:ab");
        assert_eq!(r.repository, "registry.example.com:5000/flink/job");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:ab"));
        assert_eq!(parse_image("localhost:5000/job").tag, None);
    }

    #[test]
    fn versions_in_tags() {
        let official = "docker.io/library/flink";
        assert_eq!(
            tag_flink_version(official, "1.20.1-scala_2.12-java17"),
            Some(FlinkVersion::new(1, 20))
        );
        assert_eq!(
            tag_flink_version(official, "2.0"),
            Some(FlinkVersion::new(2, 0))
        );
        assert_eq!(tag_flink_version(official, "java17"), None);
        assert_eq!(
            tag_flink_version("r.example/job", "1.4.2-flink1.20"),
            Some(FlinkVersion::new(1, 20))
        );
        assert_eq!(tag_flink_version("r.example/job", "1.4.2"), None);
    }
}
