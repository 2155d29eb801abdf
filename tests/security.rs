//! Security properties: no network, secrets never rendered or printed.

use crate::common;

use common::{copy_dir, example, flinkform, manifest_dir};
use std::fs;

/// Crates that open network connections or bring a TLS stack or an async network runtime.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "h2",
    "h3",
    "quinn",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "rustls",
    "native-tls",
    "openssl",
    "openssl-sys",
    "aws-lc-rs",
    "ring",
    "webpki",
    "webpki-roots",
    "trust-dns-resolver",
    "hickory-resolver",
    "git2",
    "libgit2-sys",
    "ssh2",
];

#[test]
fn no_network_crates_in_the_dependency_tree() {
    // Cargo.lock lists every crate any build of this package can use (dev-dependencies too).
    let lock = fs::read_to_string(manifest_dir().join("Cargo.lock")).expect("Cargo.lock");
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .collect();
    assert!(names.len() > 50, "parsed {} packages", names.len());
    let found: Vec<&&str> = names
        .iter()
        .filter(|n| NETWORK_CRATES.contains(n))
        .collect();
    assert!(found.is_empty(), "network crates in Cargo.lock: {found:?}");
}

#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn no_network_system_calls() {
    let strace = common::tools::require(&common::tools::STRACE);
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    let log = repo.path().join("strace.log");
    let lint_target = manifest_dir().join("tests/fixtures/lint/compliant.yaml");
    let bin = env!("CARGO_BIN_EXE_flinkform");
    let runs: [&[&str]; 4] = [
        &["check"],
        &["render"],
        &["render", "--check"],
        &["memory", "fraud-detector"],
    ];
    for args in runs {
        let status = std::process::Command::new(&strace)
            .args(["-f", "-qq", "-e", "trace=network", "-o"])
            .arg(&log)
            .arg(bin)
            .args(args)
            .current_dir(repo.path())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("strace");
        assert!(status.success(), "{args:?}");
        let calls = fs::read_to_string(&log).expect("log");
        assert!(
            calls.trim().is_empty(),
            "flinkform {args:?} made network calls:\n{calls}"
        );
    }
    let status = std::process::Command::new(&strace)
        .args(["-f", "-qq", "-e", "trace=network", "-o"])
        .arg(&log)
        .arg(bin)
        .arg("lint")
        .arg(&lint_target)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace");
    assert!(status.success());
    assert!(
        fs::read_to_string(&log).expect("log").trim().is_empty(),
        "lint made network calls"
    );
}

const SECRET: &str = "s3cr3t-Passw0rd-do-not-leak";

#[test]
fn secret_values_never_reach_rendered_files_or_any_output() {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(
        &spec,
        text.replace(
            "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093",
            &format!(
                "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n    KAFKA_SASL_PASSWORD: {SECRET}"
            ),
        ),
    )
    .expect("write");
    let before: Vec<_> = walkdir::WalkDir::new(repo.path().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect();
    // Every output format, every command that reports.
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "markdown", "junit"] {
        for args in [vec!["check"], vec!["render", "--fail-on", "never"]] {
            let out = flinkform()
                .current_dir(repo.path())
                .args(&args)
                .args(["--format", format])
                .output()
                .expect("run");
            outputs.push((format!("{args:?} {format}"), out));
        }
    }
    for (what, out) in &outputs {
        assert_eq!(out.status.code(), Some(1), "{what}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            all.contains("no-plaintext-secrets"),
            "{what}: the finding is reported"
        );
        assert!(!all.contains(SECRET), "{what} printed the secret");
    }
    // The render was refused even with --fail-on never: nothing new was written.
    let after: Vec<_> = walkdir::WalkDir::new(repo.path().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(before, after);
    for e in walkdir::WalkDir::new(repo.path().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        assert!(
            !fs::read_to_string(e.path()).expect("read").contains(SECRET),
            "{}",
            e.path().display()
        );
    }
}

#[test]
fn secret_references_render_as_references_only() {
    let rendered =
        fs::read_to_string(example().join("rendered/prod-eu-1/fraud-detector/manifests.yaml"))
            .expect("read");
    assert!(
        rendered.contains(
            "secretKeyRef:\n              key: password\n              name: kafka-credentials"
        ),
        "{rendered}"
    );
    let audit = fs::read_to_string(example().join("rendered/prod-eu-1/order-audit/manifests.yaml"))
        .expect("read");
    assert!(
        audit.contains("secretName: audit-lake-credentials"),
        "{audit}"
    );
    // No Secret objects (with data) are ever rendered.
    for e in walkdir::WalkDir::new(example().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let text = fs::read_to_string(e.path()).expect("read");
        assert!(!text.contains("kind: Secret"), "{}", e.path().display());
    }
}
