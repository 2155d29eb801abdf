//! Conformance of rendered custom resources to their CRD schemas: the operator's and Flux's
//! built into the binary, plus any CRD folders the platform (`crds`) or the command line
//! (`--crd DIR`) names, which take precedence for the kinds they define.
//!
//! A violation is a compiler error (rule `crd-schema`): flinkform produced, or let through from
//! an escape hatch, an object the cluster would reject or silently prune. It points at the
//! value's origin when there is one (a `podTemplate` typo in the spec), otherwise at the
//! service.

use crate::crd::CrdCatalog;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{self, Links};
use crate::render::RenderedObject;
use crate::tree::{Node, Origin, Seg};
use rayon::prelude::*;

/// The largest CRD file read (the operator's own are about 600 KiB).
pub const MAX_CRD_BYTES: u64 = 16 << 20;

pub struct Catalogs {
    user: Option<CrdCatalog>,
    /// The embedded CRDs of the platform's operator release.
    builtin: &'static CrdCatalog,
}

impl Catalogs {
    /// `builtin` (the embedded CRDs of the platform's operator release:
    /// [`CrdCatalog::builtin_for`]) plus those in `dirs` (YAML or JSON files, searched recursively
    /// without following links). A folder the platform config names comes with
    /// [`Links::Refuse`] (checked to be a real folder in the repository when the config was
    /// loaded); one typed with `--crd`, with [`Links::Follow`]. Files are read through the IO
    /// edge: regular files only, at most [`MAX_CRD_BYTES`] each.
    pub fn load(
        dirs: &[(std::path::PathBuf, Links)],
        builtin: &'static CrdCatalog,
    ) -> Result<Catalogs> {
        if dirs.is_empty() {
            return Ok(Catalogs {
                user: None,
                builtin,
            });
        }
        let mut files = Vec::new();
        for (dir, links) in dirs {
            let found = match links {
                Links::Follow => io::kind_following(dir),
                Links::Refuse => io::kind(dir),
            };
            if !matches!(found, Ok(Some(io::Kind::Dir))) {
                return Err(Error::Usage(format!(
                    "CRD folder {} does not exist",
                    dir.display()
                )));
            }
            for entry in io::walk(dir, *links, |_| true) {
                let entry = entry
                    .map_err(|e| Error::Other(format!("cannot read {}: {e}", dir.display())))?;
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file()
                    || !(name.ends_with(".yaml")
                        || name.ends_with(".yml")
                        || name.ends_with(".json"))
                {
                    continue;
                }
                let shown = entry.path().display().to_string();
                let bytes =
                    io::read_bounded(entry.path(), MAX_CRD_BYTES, Links::Refuse).map_err(|e| {
                        match e {
                            io::ReadError::Refused(refusal) => Error::Refused {
                                path: shown.clone(),
                                refusal,
                            },
                            io::ReadError::Io(source) => Error::Read {
                                path: shown.clone(),
                                source,
                            },
                        }
                    })?;
                let text = String::from_utf8(bytes).map_err(|_| Error::Read {
                    path: shown.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
                })?;
                files.push((shown, text));
            }
        }
        let user = CrdCatalog::from_texts(&files)
            .map_err(|e| Error::Other(format!("invalid CRD: {e}")))?;
        Ok(Catalogs {
            user: Some(user),
            builtin,
        })
    }

    /// Whether any catalogue has a schema for this kind.
    pub fn covers(&self, api_version: &str, kind: &str) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.covers(api_version, kind))
            || self.builtin.covers(api_version, kind)
    }

    fn violations(&self, object: &Node) -> Option<Vec<crate::crd::CrdViolation>> {
        let text = |k: &str| object.get(k).and_then(Node::as_str).unwrap_or_default();
        match &self.user {
            Some(u) if u.covers(text("apiVersion"), text("kind")) => u.violations_of(object),
            _ => self.builtin.violations_of(object),
        }
    }
}

/// For an object: where to point when the offending value has no origin of its own, and what
/// findings about it are about (their subject).
pub type Describe<'a> = dyn Fn(&RenderedObject) -> (Origin, String) + Sync + 'a;

/// Validates every rendered object a catalogue covers.
pub fn check(
    objects: &[RenderedObject],
    catalogs: &Catalogs,
    describe: &Describe<'_>,
) -> Vec<Diagnostic> {
    objects
        .par_iter()
        .flat_map_iter(|o| check_one(o, catalogs, describe))
        .collect()
}

/// Validates one object, if a catalogue covers its kind.
pub fn check_one(
    o: &RenderedObject,
    catalogs: &Catalogs,
    describe: &Describe<'_>,
) -> Vec<Diagnostic> {
    let text = |k: &str| o.node.get(k).and_then(Node::as_str).unwrap_or_default();
    if !catalogs.covers(text("apiVersion"), text("kind")) {
        return Vec::new();
    }
    let mut violations = catalogs.violations(&o.node).unwrap_or_default();
    if !catalogs
        .user
        .as_ref()
        .is_some_and(|u| u.covers(text("apiVersion"), text("kind")))
    {
        vendor_fields(&o.node, &mut violations);
    }
    violations
        .into_iter()
        .map(|v| {
            let segs: Vec<Seg<'_>> = v.path.iter().map(|s| s.as_seg()).collect();
            // An unknown field is fixed at its key; any other violation at its value.
            let at_key = v.message.starts_with("unknown field");
            let (blame, subject) = describe(o);
            let origin = origin_along(&o.node, &segs, at_key).or(blame);
            let name = o.node.path(&["metadata", "name"]).and_then(Node::as_str).unwrap_or_default();
            Diagnostic::error(
                crate::policy::RuleId::CrdSchema,
                format!("{} `{name}` does not match its CRD: {}: {}", o.kind(), display_pointer(&v.pointer), v.message),
            )
            .at_opt(origin.span(), "here")
            .with_help("the cluster would reject this object or silently drop the field; fix the value in the spec (often in podTemplate or flinkConfiguration)")
            .with_subject(subject)
        })
        .collect()
}

/// A vendor's own fields ([`crate::facts::dialect`]) checked against the Apache CRD: not
/// unknown there, but typed as the vendor's operator types them. (The vendor's own CRDs,
/// passed with `--crd`, validate them instead.)
fn vendor_fields(object: &Node, violations: &mut Vec<crate::crd::CrdViolation>) {
    use crate::crd::{CrdViolation, PathSeg};
    let view = crate::facts::view::FlinkView::new(object);
    let dialect = crate::facts::dialect::Dialect::of(&view);
    let Some(vendor) = dialect.vendor() else {
        return;
    };
    violations.retain(|v| {
        let keys: Vec<&str> = v
            .path
            .iter()
            .map_while(|s| match s {
                PathSeg::Key(k) => Some(k.as_str()),
                PathSeg::Index(_) => None,
            })
            .collect();
        !(v.message.starts_with("unknown field")
            && keys.len() == v.path.len()
            && keys.first() == Some(&"spec")
            && dialect.owns(&keys[1..]))
    });
    for (path, expected, node) in dialect.own_field_errors(&view) {
        let mut segs = vec![PathSeg::Key("spec".into())];
        segs.extend(path.iter().map(|k| PathSeg::Key((*k).into())));
        violations.push(CrdViolation {
            pointer: format!("/spec/{}", path.join("/")),
            path: segs,
            message: format!(
                "expected {expected} ({vendor}'s field), found {}",
                node.kind_name()
            ),
        });
    }
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

/// The origin of the deepest node on `segs` that has one; with `at_key`, the last step's key
/// rather than its value.
fn origin_along(root: &Node, segs: &[Seg<'_>], at_key: bool) -> Origin {
    let mut best = root.origin;
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        if at_key
            && i + 1 == segs.len()
            && let Seg::Key(k) = seg
            && let Some(e) = cur.as_map().and_then(|m| m.entry(k))
        {
            return e.key_origin.or(best);
        }
        let next = match seg {
            Seg::Key(k) => cur.as_map().and_then(|m| m.entry(k)).map(|e| {
                if e.key_origin.span().is_some() {
                    best = e.key_origin;
                }
                &e.value
            }),
            Seg::Index(i) => cur.as_seq().and_then(|s| s.get(*i)),
        };
        let Some(n) = next else { break };
        if n.origin.span().is_some() {
            best = n.origin;
        }
        cur = n;
    }
    best
}
