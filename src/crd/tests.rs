use super::*;
use crate::tree::Node;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `shared/reference`, a sibling of the repository checkout, for a test marked
/// `#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]` (`build.rs`
/// sets the cfg when the folder is missing, so such a test is listed as ignored, not passed).
fn shared() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference"));
    assert!(
        dir.is_dir(),
        "{} is missing, but it was there when the tests were built: rebuild them (`touch build.rs`)",
        dir.display()
    );
    dir
}

/// Every document of a YAML text, as JSON.
fn yaml_docs(path: &str, text: &str) -> Vec<Value> {
    let file = SourceFile::new(path, text);
    match crate::yaml::load_all(FileId(0), &file) {
        Ok(docs) => docs.iter().map(Node::to_json).collect(),
        Err(e) => panic!("{path}: {}", e.message),
    }
}

fn yaml_obj(text: &str) -> Value {
    let mut docs = yaml_docs("test.yaml", text);
    assert_eq!(docs.len(), 1, "one document expected");
    docs.remove(0)
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn read_texts(dir: &Path) -> Vec<(String, String)> {
    read_dir_sorted(dir)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect()
}

fn name_of(doc: &Value) -> &str {
    doc.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<no name>")
}

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_string())
}

/// The violations of an object the builtin catalogue must cover.
fn violations(obj: &Value) -> Vec<CrdViolation> {
    CrdCatalog::builtin()
        .violations(obj)
        .expect("the builtin catalogue covers this kind")
}

/// Asserts exactly one violation, at `pointer`, whose message contains `message`.
fn assert_one(obj: &Value, pointer: &str, message: &str) -> CrdViolation {
    let v = violations(obj);
    assert_eq!(v.len(), 1, "expected one violation, got {v:#?}");
    assert_eq!(v[0].pointer, pointer, "{v:#?}");
    assert!(
        v[0].message.contains(message),
        "message {:?} should contain {message:?}",
        v[0].message
    );
    v[0].clone()
}

/// A FlinkDeployment that is valid for operator 1.15.0, with a pod template.
const BASE_FD: &str = r#"
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: fraud-detector
  namespace: streaming
  labels:
    app.kubernetes.io/name: fraud-detector
  annotations:
    team: payments
spec:
  image: flink:1.20
  flinkVersion: v1_20
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "2"
  serviceAccount: flink
  jobManager:
    replicas: 1
    resource:
      memory: "2048m"
      cpu: 1
  taskManager:
    resource:
      memory: "4096m"
      cpu: 0.5
  podTemplate:
    apiVersion: v1
    kind: Pod
    metadata:
      name: pod-template
    spec:
      containers:
        - name: flink-main-container
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 9249
              name: metrics
          livenessProbe:
            httpGet:
              path: /
              port: 8081
          readinessProbe:
            tcpSocket:
              port: rest
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
    parallelism: 2
    upgradeMode: savepoint
    state: running
"#;

/// `BASE_FD` with one line replaced (the line must occur exactly once).
fn fd_with(find: &str, replace: &str) -> Value {
    assert_eq!(BASE_FD.matches(find).count(), 1, "{find:?} must occur once");
    yaml_obj(&BASE_FD.replacen(find, replace, 1))
}

const BASE_KS: &str = r#"
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: streaming
  namespace: flux-system
spec:
  interval: 10m
  path: ./deploy/prod
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"#;

// ---------------------------------------------------------------------------------------------
// The builtin catalogue
// ---------------------------------------------------------------------------------------------

#[test]
fn builtin_json_is_generated_from_the_upstream_files() {
    let docs: Vec<Value> = BUILTIN
        .iter()
        .flat_map(|(path, text)| yaml_docs(path, text))
        .collect();
    let generated = serde_json::to_string(&docs).expect("serialize") + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/crds/builtin.json");
    if std::env::var("FLINKFORM_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write builtin.json");
    }
    assert!(
        BUILTIN_JSON == generated,
        "schemas/crds/builtin.json is stale: run `FLINKFORM_UPDATE_DOCS=1 cargo test --lib crd`"
    );
}

#[test]
fn builtin_main_json_is_generated_from_the_upstream_files() {
    let docs: Vec<Value> = BUILTIN_MAIN
        .iter()
        .flat_map(|(path, text)| yaml_docs(path, text))
        .collect();
    let generated = serde_json::to_string(&docs).expect("serialize") + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/crds/builtin-main.json");
    if std::env::var("FLINKFORM_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write builtin-main.json");
    }
    assert!(
        BUILTIN_MAIN_JSON == generated,
        "schemas/crds/builtin-main.json is stale: run `FLINKFORM_UPDATE_DOCS=1 cargo test --lib crd`"
    );
}

/// Operator `main` knows `resources` and `flinkVersion: v2_4`; 1.15.0's CRDs do not (its
/// committed enum stops at `v2_2`), and each operator version gets its own.
#[test]
fn each_operator_release_gets_its_own_crds() {
    use crate::flink::operator::release;
    let fd = |extra: &str| {
        yaml_obj(&format!(
            "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {{name: a}}\nspec:\n  flinkVersion: v2_4\n  taskManager:\n    {extra}\n"
        ))
    };
    let resources = fd("resources: {requests: {memory: 4Gi}, limits: {memory: 4Gi}}");
    let resource = fd("resource: {memory: 4Gi}");
    let main = CrdCatalog::builtin_for(release((1, 16)));
    assert_eq!(main.violations(&resources).unwrap(), []);
    assert_eq!(main.violations(&resource).unwrap(), []);
    for v in [(1, 13), (1, 14), (1, 15)] {
        let c = CrdCatalog::builtin_for(release(v));
        let got: Vec<String> = c
            .violations(&resources)
            .unwrap()
            .iter()
            .map(|v| v.pointer.clone())
            .collect();
        assert_eq!(
            got,
            ["/spec/flinkVersion", "/spec/taskManager/resources"],
            "{v:?}"
        );
    }
    // Flux's Kustomization is in both.
    assert_eq!(
        main.kinds(),
        CrdCatalog::builtin().kinds(),
        "the same kinds, main's schemas"
    );
}

/// The built-in schemas are compiled on first use, so a test compiles each of them.
#[test]
fn every_builtin_schema_compiles() {
    for catalog in [CrdCatalog::builtin(), CrdCatalog::builtin_main()] {
        assert_eq!(catalog.compile_errors(), Vec::<String>::new());
        assert_eq!(catalog.kinds().len(), 5, "{:?}", catalog.kinds());
    }
}

/// The embedded catalogues, whose schemas stay text until first used, hold exactly what the
/// general reader makes of the upstream files: the same kinds, the same schemas once converted.
#[test]
fn embedded_catalogues_equal_the_upstream_files_read() {
    for (embedded, files) in [
        (CrdCatalog::builtin(), &BUILTIN[..]),
        (
            &CrdCatalog::embedded(BUILTIN_MAIN_JSON).expect("embedded"),
            &BUILTIN_MAIN[..],
        ),
    ] {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect();
        let read = CrdCatalog::from_texts(&files).expect("upstream CRDs");
        assert_eq!(embedded.kinds(), read.kinds());
        for kind in read.kinds() {
            let (api_version, kind) = kind.split_once(' ').expect("two words");
            let schema = |c: &CrdCatalog| {
                let entry = c.entry(api_version, kind).expect("covered");
                let (schema, _) = entry.compiled().expect("compiles");
                (entry.at.clone(), schema.clone())
            };
            assert_eq!(schema(embedded), schema(&read), "{api_version} {kind}");
        }
    }
}

#[test]
fn builtin_kinds() {
    assert_eq!(
        CrdCatalog::builtin().kinds(),
        [
            "flink.apache.org/v1beta1 FlinkBlueGreenDeployment",
            "flink.apache.org/v1beta1 FlinkDeployment",
            "flink.apache.org/v1beta1 FlinkSessionJob",
            "flink.apache.org/v1beta1 FlinkStateSnapshot",
            "kustomize.toolkit.fluxcd.io/v1 Kustomization",
        ]
    );
}

#[test]
fn base_objects_are_valid() {
    assert_eq!(violations(&yaml_obj(BASE_FD)), []);
    assert_eq!(violations(&yaml_obj(BASE_KS)), []);
}

#[test]
fn wrong_type_is_reported_at_the_value() {
    let v = assert_one(
        &fd_with("parallelism: 2", "parallelism: \"two\""),
        "/spec/job/parallelism",
        "expected integer, found string \"two\"",
    );
    assert_eq!(v.path, [key("spec"), key("job"), key("parallelism")]);
    // Fractions are not integers; an integral float is (kubectl sends it as `2`).
    assert_one(
        &fd_with("parallelism: 2", "parallelism: 2.5"),
        "/spec/job/parallelism",
        "expected integer, found number 2.5",
    );
    assert_eq!(
        violations(&fd_with("parallelism: 2", "parallelism: 2.0")),
        []
    );
    // `null` is only allowed where the schema says `nullable: true`.
    assert_one(
        &fd_with("parallelism: 2", "parallelism: null"),
        "/spec/job/parallelism",
        "expected integer, found null",
    );
}

#[test]
fn unknown_field_points_at_the_key() {
    let v = assert_one(
        &fd_with("    replicas: 1", "    replicas: 1\n    foo: bar"),
        "/spec/jobManager/foo",
        "unknown field `foo` (allowed: podTemplate, replicas, resource)",
    );
    assert_eq!(v.path, [key("spec"), key("jobManager"), key("foo")]);
    assert_eq!(
        v.to_string(),
        format!("/spec/jobManager/foo: {}", v.message)
    );

    // Several unknown keys: one violation each, and a suggestion for a near miss.
    let v = violations(&fd_with(
        "    parallelism: 2",
        "    parallelism: 2\n    parralelism: 3\n    zzz: 1",
    ));
    let got: Vec<(&str, &str)> = v
        .iter()
        .map(|v| (v.pointer.as_str(), v.message.as_str()))
        .collect();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0].0, "/spec/job/parralelism");
    assert!(
        got[0].1.contains("did you mean `parallelism`?"),
        "{}",
        got[0].1
    );
    assert_eq!(got[1].0, "/spec/job/zzz");
    assert!(!got[1].1.contains("did you mean"), "{}", got[1].1);
}

#[test]
fn bad_enum_lists_the_values() {
    assert_one(
        &fd_with("upgradeMode: savepoint", "upgradeMode: fast"),
        "/spec/job/upgradeMode",
        "must be one of: last-state, savepoint, stateless (found string \"fast\")",
    );
}

#[test]
fn flink_configuration_preserves_unknown_fields() {
    let obj = fd_with(
        "    taskmanager.numberOfTaskSlots: \"2\"",
        "    taskmanager.numberOfTaskSlots: 2\n    nested:\n      deeper: [1, {a: null}]\n    flag: true",
    );
    assert_eq!(violations(&obj), []);
}

#[test]
fn pod_template_is_checked_strictly() {
    let v = assert_one(
        &fd_with(
            "          imagePullPolicy: IfNotPresent",
            "          imagePullPolcy: IfNotPresent",
        ),
        "/spec/podTemplate/spec/containers/0/imagePullPolcy",
        "unknown field `imagePullPolcy` (did you mean `imagePullPolicy`?",
    );
    assert_eq!(
        v.path,
        [
            key("spec"),
            key("podTemplate"),
            key("spec"),
            key("containers"),
            PathSeg::Index(0),
            key("imagePullPolcy"),
        ]
    );
    // Long allowed lists (PodSpec has dozens of fields) are cut short.
    let v = assert_one(
        &fd_with(
            "      containers:",
            "      hostNetworking: true\n      containers:",
        ),
        "/spec/podTemplate/spec/hostNetworking",
        "unknown field `hostNetworking` (did you mean `hostNetwork`? allowed: ",
    );
    assert!(v.message.ends_with(" more)"), "{}", v.message);
}

#[test]
fn int_or_string_accepts_both_forms_only() {
    // BASE_FD has `port: 8081` (integer) and `port: rest` (string); both are fine.
    assert_eq!(violations(&fd_with("port: 8081", "port: \"8081\"")), []);
    assert_one(
        &fd_with("port: 8081", "port: true"),
        "/spec/podTemplate/spec/containers/0/livenessProbe/httpGet/port",
        "expected integer or string, found boolean true",
    );
    assert_one(
        &fd_with("port: 8081", "port: 80.5"),
        "/spec/podTemplate/spec/containers/0/livenessProbe/httpGet/port",
        "expected integer or string, found number 80.5",
    );
}

#[test]
fn metadata_is_checked_minimally() {
    assert_one(
        &fd_with("  name: fraud-detector\n", ""),
        "/metadata",
        "missing required field `name`",
    );
    assert_one(
        &fd_with("    team: payments", "    team: 3"),
        "/metadata/annotations/team",
        "expected string, found integer 3",
    );
    // Other ObjectMeta fields are accepted unchecked.
    assert_eq!(
        violations(&fd_with(
            "  namespace: streaming",
            "  namespace: streaming\n  finalizers: [x]"
        )),
        []
    );
}

#[test]
fn unknown_top_level_field() {
    assert_one(
        &fd_with("kind: FlinkDeployment", "kind: FlinkDeployment\nspecs: {}"),
        "/specs",
        "unknown field `specs` (did you mean `spec`? allowed: apiVersion, kind, metadata, spec, status)",
    );
}

#[test]
fn flux_kustomization() {
    assert_one(
        &yaml_obj(&BASE_KS.replace("  prune: true\n", "")),
        "/spec",
        "missing required field `prune`",
    );
    let v = violations(&yaml_obj(&BASE_KS.replace("  prune: true\n", "")));
    assert_eq!(v[0].path, [key("spec")]);
    assert_eq!(v[0].message, "missing required field `prune`");

    assert_one(
        &yaml_obj(&BASE_KS.replace("interval: 10m", "interval: 10 minutes")),
        "/spec/interval",
        "must match the pattern `^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$` (found string \"10 minutes\")",
    );
    assert_one(
        &yaml_obj(&BASE_KS.replace(
            "  prune: true\n",
            "  prune: true\n  targetNamespace: \"\"\n",
        )),
        "/spec/targetNamespace",
        "must be at least 1 character long",
    );
    // Flux's CEL rules (x-kubernetes-validations) are not evaluated: a kubeConfig with both
    // refs breaks one, but passes here.
    assert_eq!(
        violations(&yaml_obj(&BASE_KS.replace(
            "  prune: true\n",
            "  prune: true\n  kubeConfig:\n    configMapRef: {name: a}\n    secretRef: {name: b}\n"
        ))),
        []
    );
}

#[test]
fn uncovered_kinds_are_none() {
    let c = CrdCatalog::builtin();
    let cm = yaml_obj("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n");
    assert_eq!(c.violations(&cm), None);
    // Same kind, another group or version.
    let other = yaml_obj(&BASE_FD.replace("flink.apache.org/v1beta1", "confluent.io/v1beta1"));
    assert_eq!(c.violations(&other), None);
    let v1 = yaml_obj(&BASE_FD.replace("flink.apache.org/v1beta1", "flink.apache.org/v1"));
    assert_eq!(c.violations(&v1), None);
    assert!(!c.covers("flink.apache.org/v1", "FlinkDeployment"));
    assert!(c.covers("flink.apache.org/v1beta1", "FlinkDeployment"));
    // Not objects, or without apiVersion/kind.
    for v in [
        Value::Null,
        serde_json::json!([1, 2]),
        serde_json::json!("FlinkDeployment"),
        serde_json::json!({"kind": "FlinkDeployment"}),
        serde_json::json!({"apiVersion": 1, "kind": "FlinkDeployment"}),
    ] {
        assert_eq!(c.violations(&v), None, "{v}");
    }
}

#[test]
fn odd_shapes_do_not_panic() {
    for text in [
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n",
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: []\nspec: 3\n",
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: a}\nspec:\n  podTemplate:\n    spec:\n      containers: {a: 1}\n",
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata: {name: \"~/0\"}\nspec: {\"a/b~c\": 1, \"0\": 2}\n",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec: null\n",
    ] {
        let v = violations(&yaml_obj(text));
        assert!(!v.is_empty(), "{text}");
        for x in &v {
            assert_eq!(report::pointer_of(&x.path), x.pointer);
        }
    }
    // Keys that need JSON-pointer escaping, and a mapping key that looks like an index.
    let v = violations(&yaml_obj(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata: {name: a}\nspec: {\"a/b~c\": 1, \"0\": 2}\n",
    ));
    let pointers: Vec<&str> = v.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, ["/spec/0", "/spec/a~1b~0c"]);
    assert_eq!(v[0].path, [key("spec"), key("0")]);
}

// ---------------------------------------------------------------------------------------------
// Reading CRDs
// ---------------------------------------------------------------------------------------------

/// A tiny CRD whose `spec.a` has the given type, for catalogue mechanics.
fn tiny_crd(a_type: &str) -> String {
    format!(
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {{kind: Widget, plural: widgets}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                a: {{type: {a_type}}}
                when: {{type: string, format: date-time}}
                n: {{type: integer, minimum: 1, exclusiveMinimum: true}}
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items: {{type: string}}
                opt: {{type: string, nullable: true, enum: [x, y]}}
                raw:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
"#
    )
}

fn widget(spec: &str) -> Value {
    yaml_obj(&format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w}}\nspec: {spec}\n"
    ))
}

#[test]
fn from_texts_skips_other_documents_and_extend_overrides() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n---\n{}",
        tiny_crd("string")
    );
    let mut c = CrdCatalog::from_texts(&[("crds/widget.yaml".into(), text)]).unwrap();
    assert_eq!(c.kinds(), ["example.com/v1 Widget"]);
    assert_eq!(c.violations(&widget("{a: hello}")), Some(vec![]));

    let newer = CrdCatalog::from_texts(&[("b.yaml".into(), tiny_crd("integer"))]).unwrap();
    c.extend(newer);
    assert_eq!(c.kinds(), ["example.com/v1 Widget"]);
    let v = c.violations(&widget("{a: hello}")).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].message, "expected integer, found string \"hello\"");
}

#[test]
fn conversion_details_through_a_catalogue() {
    let c = CrdCatalog::from_texts(&[("w.yaml".into(), tiny_crd("string"))]).unwrap();
    let check = |spec: &str| -> Vec<String> {
        c.violations(&widget(spec))
            .unwrap()
            .into_iter()
            .map(|v| v.to_string())
            .collect()
    };
    // `format` is an annotation.
    assert_eq!(check("{when: yesterday}"), Vec::<String>::new());
    // OpenAPI 3.0 exclusiveMinimum: true + minimum: 1 means > 1.
    assert_eq!(check("{n: 2}"), Vec::<String>::new());
    assert_eq!(
        check("{n: 1}"),
        ["/spec/n: must be greater than 1 (found 1)"]
    );
    // list-type set: unique items.
    assert_eq!(
        check("{tags: [a, a]}"),
        ["/spec/tags: items must be unique (this list has duplicates)"]
    );
    // nullable enum accepts null.
    assert_eq!(check("{opt: null}"), Vec::<String>::new());
    assert_eq!(
        check("{opt: z}"),
        ["/spec/opt: must be one of: x, y, null (found string \"z\")"]
    );
    // embedded resource: apiVersion and kind required, other fields kept.
    assert_eq!(
        check("{raw: {apiVersion: v1, kind: Pod, spec: {anything: 1}}}"),
        Vec::<String>::new()
    );
    assert_eq!(
        check("{raw: {kind: Pod}}"),
        ["/spec/raw: missing required field `apiVersion`"]
    );
}

#[test]
fn from_texts_errors_name_the_file() {
    let e = CrdCatalog::from_texts(&[("crds/bad.yaml".into(), "a: [1\n".into())]).unwrap_err();
    assert!(e.starts_with("crds/bad.yaml:"), "{e}");

    let e = CrdCatalog::from_texts(&[("crds/w.yaml".into(), tiny_crd("float"))]).unwrap_err();
    assert!(
        e.starts_with("crds/w.yaml: CRD `widgets.example.com` version `v1`"),
        "{e}"
    );
    assert!(e.contains("unknown type `float`"), "{e}");

    // A pattern the regex engine rejects (RE2 has no look-ahead either).
    let text =
        tiny_crd("string").replace("a: {type: string}", "a: {type: string, pattern: \"(?=x)\"}");
    let e = CrdCatalog::from_texts(&[("crds/p.yaml".into(), text)]).unwrap_err();
    assert!(e.contains("does not compile"), "{e}");

    let e = CrdCatalog::from_texts(&[(
        "crds/n.yaml".into(),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: {}\n".into(),
    )])
    .unwrap_err();
    assert!(e.contains("no spec.group or spec.names.kind"), "{e}");
}

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn embedded_crds_match_the_reference_copies() {
    let root = shared();
    for (path, text) in BUILTIN {
        let name = path.rsplit('/').next().unwrap();
        let reference = if name.starts_with("kustomize") {
            root.join("flux/crds").join(name)
        } else {
            root.join("flink-operator/crds-1.15.0").join(name)
        };
        assert_eq!(
            std::fs::read_to_string(&reference).unwrap(),
            text,
            "{path} differs from {}",
            reference.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The operator's examples
// ---------------------------------------------------------------------------------------------

/// Examples that do not validate against 1.15.0 because they use `spec.jobManager.resources`
/// and `spec.taskManager.resources` (Kubernetes ResourceRequirements), which exist only on the
/// operator's main branch (FLINK-33548, after 1.15.0): `(file, object name)`. Each has exactly
/// these two violations.
const MAIN_ONLY_RESOURCES: [(&str, &str); 17] = [
    ("advanced-ingress.yaml", "advanced-ingress"),
    ("autoscaling-dynamic.yaml", "autoscaling-dynamic"),
    ("autoscaling.yaml", "autoscaling-example"),
    ("basic-checkpoint-ha.yaml", "basic-checkpoint-ha-example"),
    ("basic-ingress.yaml", "basic-ingress"),
    ("basic-reactive.yaml", "basic-reactive-example"),
    (
        "basic-secure-deployment-only.yaml",
        "basic-secure-deployment-only",
    ),
    ("basic-secure.yaml", "basic-secure"),
    (
        "basic-session-deployment-and-job.yaml",
        "basic-session-deployment-example",
    ),
    (
        "basic-session-deployment-only.yaml",
        "basic-session-deployment-only-example",
    ),
    ("basic.yaml", "basic-example"),
    ("beam-example.yaml", "beam-example"),
    ("custom-logging.yaml", "custom-logging-example"),
    ("job-from-savepoint.yaml", "example-deployment"),
    ("pod-template.yaml", "pod-template-example"),
    ("python-example.yaml", "python-example"),
    ("sql-example.yaml", "sql-example"),
];

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn operator_examples_validate_against_1_15_0() {
    let root = shared();
    let catalog = CrdCatalog::builtin();
    let mut valid = Vec::new();
    let mut main_only = Vec::new();
    let mut uncovered = Vec::new();
    for path in read_dir_sorted(&root.join("flink-operator/examples")) {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in yaml_docs(&file, &text) {
            let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
            let name = name_of(&doc).to_string();
            let Some(v) = catalog.violations(&doc) else {
                uncovered.push(format!("{file} {kind}"));
                continue;
            };
            assert!(
                matches!(
                    kind,
                    "FlinkDeployment" | "FlinkSessionJob" | "FlinkStateSnapshot"
                ),
                "{file}: {kind}"
            );
            if MAIN_ONLY_RESOURCES.contains(&(file.as_str(), name.as_str())) {
                let got: Vec<String> = v.iter().map(ToString::to_string).collect();
                let unknown = "unknown field `resources` (did you mean `resource`? allowed: podTemplate, replicas, resource)";
                assert_eq!(
                    got,
                    [
                        format!("/spec/jobManager/resources: {unknown}"),
                        format!("/spec/taskManager/resources: {unknown}"),
                    ],
                    "{file} {name}"
                );
                main_only.push(name);
            } else {
                assert_eq!(v, [], "{file} {name}");
                valid.push(format!("{file} {name}"));
            }
        }
    }
    assert_eq!(main_only.len(), MAIN_ONLY_RESOURCES.len());
    assert_eq!(
        valid,
        [
            "basic-secure-session-job-only.yaml basic-secure-session-job-only",
            "basic-session-deployment-and-job.yaml basic-session-job-example",
            "basic-session-deployment-and-job.yaml basic-session-job-example2",
            "basic-session-job-only.yaml basic-session-job-only-example",
            "canary.yaml canary",
            "job-from-savepoint.yaml example-savepoint",
        ]
    );
    assert_eq!(uncovered, Vec::<String>::new());
    // The blue/green and snapshot examples (1.15.0's e2e data and `examples/snapshot`): every
    // FlinkBlueGreenDeployment and FlinkStateSnapshot matches the embedded CRDs.
    let mut checked = Vec::new();
    for folder in ["bluegreen", "snapshot"] {
        for path in read_dir_sorted(&root.join("flink-operator/examples").join(folder)) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            for doc in yaml_docs(&file, &text) {
                let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
                if let Some(v) = catalog.violations(&doc) {
                    assert_eq!(v, [], "{file} {}", name_of(&doc));
                    checked.push(format!("{kind} {file}"));
                }
            }
        }
    }
    assert_eq!(
        checked,
        [
            "FlinkBlueGreenDeployment bluegreen-ingress.yaml",
            "FlinkBlueGreenDeployment bluegreen-laststate.yaml",
            "FlinkBlueGreenDeployment bluegreen-stateless.yaml",
            "FlinkStateSnapshot checkpoint.yaml",
            "FlinkStateSnapshot job-from-savepoint.yaml",
            "FlinkDeployment job-from-savepoint.yaml",
            "FlinkStateSnapshot savepoint-already-exists.yaml",
            "FlinkStateSnapshot savepoint-job-defaults.yaml",
            "FlinkStateSnapshot savepoint-job-full-spec.yaml",
        ]
    );
}

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn operator_examples_validate_against_main_crds() {
    let root = shared();
    // The user's `--crd DIR` (operator main) over the builtin catalogue.
    let main = CrdCatalog::from_texts(&read_texts(&root.join("flink-operator/crds"))).unwrap();
    let mut catalog = CrdCatalog::from_texts(
        &BUILTIN
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    catalog.extend(main);
    // Operator main defines the same kinds as the built-in catalogue (1.15.0).
    let builtin = CrdCatalog::builtin().kinds();
    let added: Vec<_> = catalog
        .kinds()
        .into_iter()
        .filter(|k| !builtin.contains(k))
        .collect();
    assert_eq!(added, Vec::<String>::new());
    assert!(builtin.iter().all(|k| catalog.kinds().contains(k)));
    let mut checked = 0;
    for path in read_dir_sorted(&root.join("flink-operator/examples")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in yaml_docs(&path.display().to_string(), &text) {
            if let Some(v) = catalog.violations(&doc) {
                assert_eq!(v, [], "{} {}", path.display(), name_of(&doc));
                checked += 1;
            }
        }
    }
    // The 22 documents the built-in FlinkDeployment and FlinkSessionJob cover, and
    // job-from-savepoint.yaml's FlinkStateSnapshot.
    assert_eq!(checked, 23);
}

// ---------------------------------------------------------------------------------------------
// Real-world manifests
// ---------------------------------------------------------------------------------------------

/// Violations the 1.15.0 catalogue finds in third-party manifests from
/// `shared/reference/real-world/`, as `(file, object name, "pointer: message" prefix)`.
/// Every one is a genuine problem with the manifest (against upstream operator 1.15.0):
///
/// * `jinkanglow…flink-deployment.yaml`: `flinkVersion: v1.17` — dot instead of underscore
///   (`v1_17`); the API server rejects the object.
/// * `jbcodeforce…StateMachineExample.yaml`: `flinkVersion: v1_19.1` — a patch version is not
///   an enum value.
/// * `jbcodeforce…oss_app_deployment.yaml`: `cpu` and `memory` are indented one level too
///   little, so they sit beside an empty `resource:` instead of inside it. The API server would
///   silently drop them (pruning) and the `null` resource too: the memory settings are lost.
/// * `jbcodeforce…flink-operator.yaml`: `mode: SessionMode` — the enum is `native` or
///   `standalone` (a session cluster is a FlinkDeployment without `job`). The file's first
///   FlinkDeployment is `confluent.io/v1beta1` and so not covered.
/// * EMR on EKS manifests (`awslabs…emr-on-eks…`, `melodyyangaws…`, `mtwtan…`): fields of
///   Amazon's own operator build (`emrReleaseLabel`, `executionRoleArn`,
///   `jobManager.highAvailabilityEnabled`, `jobManager.storageDir`, `monitoringConfiguration`).
///   They are right for that operator; against upstream they would be pruned. Users of EMR
///   pass its CRDs with `--crd`.
/// * FlinkSessionJobs: `haoxins…test-session-job.yaml` uses `clusterId` (the field of
///   pre-1.0 operators, now `deploymentName`); `meetapandit…kafka-to-iceberg-job.yaml` has
///   `upgradeMode: stateful` and a `podTemplate`, which session jobs do not have;
///   `marcoklaassen…flink-error-handling-job.yaml` has only `metadata.generateName`, so it can
///   be created (`kubectl create`) but not applied by `kubectl apply` or Flux, which need a name.
/// * `apache__flink-kubernetes-operator__examples__*`: copies of the operator's examples, with
///   the main-only `resources` field (see `MAIN_ONLY_RESOURCES`).
const REAL_WORLD_FINDINGS: &[(&str, &str, &str)] = &[
    (
        "jinkanglow__Open-Source-Financial-Time-Series-Data-Pipeline-Architecture__k8s__flink__flink-deployment.yaml",
        "market-realtime-anomaly-detection",
        "/spec/flinkVersion: must be one of: v1_13, v1_14, v1_15, v1_16, v1_17, v1_18, v1_19, v1_20, v2_0, v2_1, v2_2 (found string \"v1.17\")",
    ),
    (
        "jbcodeforce__flink-studies__deployment__k8s__flink__StateMachineExample.yaml",
        "basic-example",
        "/spec/flinkVersion: must be one of: ",
    ),
    (
        "jbcodeforce__flink-studies__e2e-demos__e-com-sale__k8s__oss_app_deployment.yaml",
        "ecom-flink",
        "/spec/jobManager/cpu: unknown field `cpu` (allowed: podTemplate, replicas, resource)",
    ),
    (
        "jbcodeforce__flink-studies__e2e-demos__e-com-sale__k8s__oss_app_deployment.yaml",
        "ecom-flink",
        "/spec/jobManager/memory: unknown field `memory`",
    ),
    (
        "jbcodeforce__flink-studies__e2e-demos__e-com-sale__k8s__oss_app_deployment.yaml",
        "ecom-flink",
        "/spec/jobManager/resource: expected object, found null",
    ),
    (
        "jbcodeforce__flink-studies__e2e-demos__external-lookup__flink__k8s__flink-operator.yaml",
        "payment-claims-enrichment-session",
        "/spec/mode: must be one of: native, standalone (found string \"SessionMode\")",
    ),
    (
        "awslabs__data-on-eks__data-stacks__emr-on-eks__examples__flink__karpenter__autoscaler-example.yaml",
        "autoscaler-example",
        "/spec/emrReleaseLabel: unknown field `emrReleaseLabel`",
    ),
    (
        "melodyyangaws__emr-eks-flink-autoscaler-demo__flink-kafka-s3.yaml",
        "flink-kafka-s3",
        "/spec/jobManager/highAvailabilityEnabled: unknown field `highAvailabilityEnabled`",
    ),
    (
        "haoxins__poc-flink-k8s-native__flink-system__test-session-job.yaml",
        "basic-session-job-example",
        "/spec/clusterId: unknown field `clusterId` (allowed: deploymentName, flinkConfiguration, job, restartNonce)",
    ),
    (
        "meetapandit__dtc_capstone_music_streaming_app__k8s__flink__jobs__kafka-to-iceberg-job.yaml",
        "kafka-to-iceberg",
        "/spec/job/upgradeMode: must be one of: last-state, savepoint, stateless (found string \"stateful\")",
    ),
    (
        "meetapandit__dtc_capstone_music_streaming_app__k8s__flink__jobs__kafka-to-iceberg-job.yaml",
        "kafka-to-iceberg",
        "/spec/podTemplate: unknown field `podTemplate`",
    ),
    (
        "marcoklaassen__flink-demo__flink__session-job__flink-error-handling-job.yaml",
        "<no name>",
        "/metadata: missing required field `name`",
    ),
];

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn real_world_manifests() {
    let root = shared();
    let catalog = CrdCatalog::builtin();
    // (file, object name, violation) for every violation found.
    let mut found: Vec<(String, String, String)> = Vec::new();
    let mut objects = 0;
    for dir in [
        "flinkdeployment",
        "flinksessionjob",
        "flux",
        "k8s-deployment",
    ] {
        for path in read_dir_sorted(&root.join("real-world").join(dir)) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            for doc in yaml_docs(&file, &text) {
                objects += 1;
                for v in catalog.violations(&doc).unwrap_or_default() {
                    found.push((file.clone(), name_of(&doc).to_string(), v.to_string()));
                }
            }
        }
    }
    assert!(objects > 90, "{objects}");
    for (file, name, expected) in REAL_WORLD_FINDINGS {
        assert!(
            found
                .iter()
                .any(|(f, n, v)| f == file && n == name && v.starts_with(expected)),
            "not found: {file} {name} {expected}\nfound: {found:#?}"
        );
    }
    // Every finding is in a file the list above explains.
    for (f, n, v) in &found {
        let explained = REAL_WORLD_FINDINGS.iter().any(|(file, _, _)| file == f)
            || f.contains("emr-on-eks")
            || f.starts_with("melodyyangaws__")
            || f.starts_with("mtwtan__")
            || f.starts_with("apache__flink-kubernetes-operator__examples__");
        assert!(explained, "unexpected: {f} {n} {v}");
    }
}
