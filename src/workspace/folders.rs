//! A spec's folder is named after its service (`services/orders/service.yaml` holds
//! `metadata.name: orders`). Service names must be unique in the repository (the name is the
//! namespace, the service account and the output folder); with folder names equal to service
//! names, two specs can share a name only if their folders share a name, which the list of
//! spec paths shows without reading any file. So `check PATH` reads only the specs it checks,
//! and reports exactly what the whole-repository check reports about them.
//!
//! Findings (rule `schema`, at the spec's `metadata.name`):
//! * the one name the output layout cannot hold ([`crate::layout::RESERVED_SERVICE_NAME`]);
//! * a name that is not the folder's: the spec is reported and not checked further (it could
//!   otherwise claim another service's namespace and output folder);
//! * specs in folders of the same name (`services/a/x/` and `services/b/x/`, where the include
//!   patterns allow nested layouts): each is reported, naming the others; the first by path
//!   is still checked and rendered, the others are not.

use crate::diag::Diagnostic;
use crate::spec::platform::Platform;
use crate::spec::service::{ServiceFile, is_service_name};
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// How many other paths a clash finding names before "and N more".
const SHOWN_OTHERS: usize = 3;

/// The name of the folder a spec is in (`""` for a spec at the platform's root).
pub fn folder_name(path: &str) -> &str {
    let folder = path.rsplit_once('/').map_or("", |(d, _)| d);
    folder.rsplit('/').next().unwrap_or(folder)
}

/// The folder a spec is in (`""` at the platform's root), as a path.
fn folder_path(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The discovered spec paths by folder name (and by folder).
pub struct Folders<'a> {
    by_name: BTreeMap<&'a str, Vec<&'a str>>,
    by_folder: BTreeMap<&'a str, usize>,
    /// The platform's patterns, compiled when a fix needs them.
    selector: OnceCell<Option<super::Selector>>,
}

impl<'a> Folders<'a> {
    /// `paths` are all the discovered specs, sorted.
    pub fn new(paths: &'a [String]) -> Folders<'a> {
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut by_folder: BTreeMap<&str, usize> = BTreeMap::new();
        for p in paths {
            by_name.entry(folder_name(p)).or_default().push(p);
            *by_folder.entry(folder_path(p)).or_default() += 1;
        }
        for group in by_name.values_mut() {
            group.sort_unstable();
        }
        Folders {
            by_name,
            by_folder,
            selector: OnceCell::new(),
        }
    }

    fn named(&self, name: &str) -> &[&'a str] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Findings about a loaded spec's folder, and whether it is kept (checked and rendered).
    /// `platform` decides which renames discovery would take.
    pub fn check(&self, s: &ServiceFile, platform: &Platform) -> (Vec<Diagnostic>, bool) {
        let name = s.name.value.as_str();
        let folder = folder_name(&s.path);
        if name == crate::layout::RESERVED_SERVICE_NAME {
            let d = Diagnostic::error(
                crate::policy::RuleId::Schema,
                format!("service name `{name}` is reserved: its Flux Kustomization would be `flux/<cluster>/{name}.yaml` in the output, which Flux takes as the folder's kustomization instead of applying every service"),
            )
            .at_opt(s.name.origin.span(), "reserved")
            .with_help("choose another name, and name the spec's folder after it");
            return (vec![d], false);
        }
        if name != folder {
            return (vec![self.mismatch(s, folder, platform)], false);
        }
        let same: &[&str] = self.named(folder);
        if same.len() < 2 {
            return (Vec::new(), true);
        }
        let others: Vec<&str> = same.iter().copied().filter(|p| *p != s.path).collect();
        let mut shown = others
            .iter()
            .take(SHOWN_OTHERS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if others.len() > SHOWN_OTHERS {
            shown.push_str(&format!(" and {} more", others.len() - SHOWN_OTHERS));
        }
        let d = Diagnostic::error(
            crate::policy::RuleId::DuplicateName,
            format!("service `{name}` is also in {shown}: service names are unique in the repository, and a spec's folder is named after its service"),
        )
        .at_opt(s.name.origin.span(), "another spec's folder has this name")
        .with_help("rename this spec's folder and its `metadata.name` together, or the other's (the name is the service's namespace, service account and output folder)");
        (vec![d], same.first() == Some(&s.path.as_str()))
    }

    fn mismatch(&self, s: &ServiceFile, folder: &str, platform: &Platform) -> Diagnostic {
        let name = s.name.value.as_str();
        let path = s.path.as_str();
        let file = path.rsplit('/').next().unwrap_or(path);
        let here = folder_path(path);
        let parent = here.rsplit_once('/').map_or("", |(p, _)| p);
        let target = [parent, name, file]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        let mut fixes = Vec::new();
        let takes = |rel: &str| {
            self.selector
                .get_or_init(|| super::Selector::new(platform))
                .as_ref()
                .is_some_and(|s| s.takes(rel))
        };
        if self.named(name).is_empty() && takes(&target) {
            let alone = self.by_folder.get(here).copied().unwrap_or(0) == 1 && !here.is_empty();
            fixes.push(if alone {
                format!("rename its folder to `{name}` (`{target}`)")
            } else {
                format!("move it to `{target}`")
            });
        }
        if is_service_name(folder) && self.named(folder).len() == 1 {
            fixes.push(format!("change `metadata.name` to `{folder}`"));
        }
        let help = if fixes.is_empty() {
            format!(
                "put the spec in a folder named `{name}` that `services.include` in flinkform.yaml matches"
            )
        } else {
            fixes.join(", or ")
        };
        let message = if folder.is_empty() {
            format!(
                "service `{name}` is not in a folder of its own: a spec's folder must be named after its service"
            )
        } else {
            format!(
                "service `{name}` is in folder `{folder}`: a spec's folder must be named after its service"
            )
        };
        Diagnostic::error(crate::policy::RuleId::Schema, message)
            .at_opt(s.name.origin.span(), "not the folder's name")
            .with_help(help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert_eq!(folder_name("services/orders/service.yaml"), "orders");
        assert_eq!(folder_name("services/a/x/service.yaml"), "x");
        assert_eq!(folder_name("x/flink-b.yaml"), "x");
        assert_eq!(folder_name("orders.yaml"), "");
    }
}
