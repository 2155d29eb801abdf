//! `flinkform init`: the first platform config of a repository, commented, with example
//! values that pass `check` as written (the template is `platform_scaffold.yaml`).

/// The file `init` writes, beside which the repository's folders go.
pub const FILE: &str = crate::spec::platform::FILE_NAME;

/// The repository's own copy of the platform schema, which the modeline prefers.
pub const REPO_SCHEMA: &str = "schemas/platform.schema.json";

/// Where the schema lives when the repository has no copy of its own; editors fetch it.
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/flinkform/flinkform/main/schemas/platform.schema.json";

/// The name a platform gets when none is given.
pub const FALLBACK_NAME: &str = "flink-platform";

const TEMPLATE: &str = include_str!("platform_scaffold.yaml");

/// Checks a platform name as the schema does (`metadata.name`: a DNS label).
pub fn check_name(name: &str) -> Result<(), String> {
    let label = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if label {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid platform name: a DNS label of at most 63 characters (lower-case letters, digits and `-`, starting and ending with a letter or digit)"
        ))
    }
}

/// A platform name from a folder's name: lower-cased, every run of other characters made one
/// `-`, at most 63 characters; [`FALLBACK_NAME`] when nothing is left.
pub fn name_from_folder(folder: &str) -> String {
    let mut name = String::new();
    for c in folder.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(63);
    let name = name.trim_end_matches('-').to_string();
    if check_name(&name).is_ok() {
        name
    } else {
        FALLBACK_NAME.to_string()
    }
}

/// The text of `flinkform.yaml` for platform `name` (checked with [`check_name`]).
/// `has_repo_schema`: the folder holds [`REPO_SCHEMA`], which the editor modeline then names.
pub fn platform_config(name: &str, has_repo_schema: bool) -> String {
    let modeline = format!(
        "# yaml-language-server: $schema={}\n",
        if has_repo_schema {
            REPO_SCHEMA
        } else {
            SCHEMA_URL
        }
    );
    TEMPLATE
        .replacen("@MODELINE@", &modeline, 1)
        .replacen("@NAME@", name, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_dns_labels() {
        assert_eq!(name_from_folder("flink-platform"), "flink-platform");
        assert_eq!(name_from_folder("ACME Streaming_2"), "acme-streaming-2");
        assert_eq!(name_from_folder("--x--"), "x");
        assert_eq!(name_from_folder("Ünïcode"), "n-code");
        assert_eq!(name_from_folder("..."), FALLBACK_NAME);
        assert_eq!(name_from_folder(""), FALLBACK_NAME);
        let long = name_from_folder(&"a-".repeat(100));
        assert!(long.len() <= 63 && check_name(&long).is_ok(), "{long}");
    }

    #[test]
    fn names_are_checked_as_the_schema_does() {
        assert!(check_name("acme").is_ok());
        for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_modeline_names_the_repository_schema_when_there_is_one() {
        assert!(
            platform_config("p", true)
                .starts_with("# yaml-language-server: $schema=schemas/platform.schema.json\n#\n")
        );
        assert!(
            platform_config("p", false)
                .starts_with(&format!("# yaml-language-server: $schema={SCHEMA_URL}\n"))
        );
        assert!(platform_config("acme", false).contains("\n  name: acme\n"));
    }
}
