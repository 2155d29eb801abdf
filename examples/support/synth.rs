//! Synthetic platform repositories, for the benchmark (`examples/synth-repo.rs`) and its test
//! (`tests/synth.rs`), which both include this file with `#[path]`.
//!
//! [`generate`] writes `flinkform.yaml` and `services/<name>/service.yaml` for N services of
//! realistic variety: TaskManagers of 1–32 GiB, Flink 1.19–2.0 (image tags matching), one to
//! three of the environments `dev`, `staging` and `prod` with overlays, secrets, plain
//! environment variables, pod templates, extra Flink configuration, logging configuration,
//! labels, network rules, and upgrade modes that respect the prod policy (`stateless` only in
//! dev and staging overlays), and a job parallelism that matches a fixed TaskManager count
//! (`replicas × slots`, or left to the operator). The output is a function of (N, seed, violations) only, and a
//! service's text depends on its index and the seed, not on N. `flinkform check` passes it
//! with no findings.
//!
//! With `violations: K`, K distinct services (chosen by the seed) each get exactly one defect
//! from [`Violation::ALL`], in turn; each yields exactly one error of a known rule. Such a
//! service runs in one environment only, so an environment-neutral finding cannot appear once
//! per environment (findings on several clusters of one environment are merged by `check`).
//! With `grouped: true`, each of the K services gets a group of defects from
//! [`Violation::GROUPS`] instead (every kind still appears, and each defect still yields
//! exactly one error): as many findings from fewer services, for tests of large reports.
//!
//! No dependencies: a xorshift64* generator seeded through splitmix64.

#![allow(dead_code)] // each includer uses a different part

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64*, seeded through splitmix64 (so nearby seeds give unrelated streams).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Index into `weights`, with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut r = self.below(weights.iter().sum());
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// A defect injected into one service, and the rule that must report it (exactly once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Violation {
    /// `job.parallelsim`: an unknown field.
    FieldTypo,
    /// `taskManager.memory: 4G`: decimal gigabytes to Kubernetes, GiB to Flink.
    AmbiguousMemory,
    /// `flinkVersion: 1.20` unquoted: the number 1.2.
    UnquotedVersion,
    /// An environment the platform does not define.
    UnknownEnvironment,
    /// A tab in the indentation.
    TabIndent,
    /// `upgradeMode: stateless` in prod.
    StatelessInProd,
    /// `highAvailability: false` in prod.
    HaOffInProd,
    /// An image from a registry the platform does not allow.
    ForeignImage,
    /// An image tag that names another Flink version than `flinkVersion`.
    ImageVersionMismatch,
    /// A credential as a plain environment variable.
    PlaintextPassword,
    /// `volumeMount` for `volumeMounts` in the pod template: the CRD does not know it.
    PodTemplateTypo,
}

impl Violation {
    pub const ALL: [Violation; 11] = [
        Violation::FieldTypo,
        Violation::AmbiguousMemory,
        Violation::UnquotedVersion,
        Violation::UnknownEnvironment,
        Violation::TabIndent,
        Violation::StatelessInProd,
        Violation::HaOffInProd,
        Violation::ForeignImage,
        Violation::ImageVersionMismatch,
        Violation::PlaintextPassword,
        Violation::PodTemplateTypo,
    ];

    /// The rule that reports it.
    pub fn rule(self) -> &'static str {
        match self {
            Violation::FieldTypo
            | Violation::AmbiguousMemory
            | Violation::UnquotedVersion
            | Violation::UnknownEnvironment => "schema",
            Violation::TabIndent => "yaml-syntax",
            Violation::StatelessInProd => "stateful-upgrade-mode",
            Violation::HaOffInProd => "ha-enabled",
            Violation::ForeignImage | Violation::ImageVersionMismatch => "official-image",
            Violation::PlaintextPassword => "no-plaintext-secrets",
            Violation::PodTemplateTypo => "crd-schema",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Violation::FieldTypo => "unknown field job.parallelsim",
            Violation::AmbiguousMemory => "taskManager.memory: 4G (ambiguous unit)",
            Violation::UnquotedVersion => "flinkVersion: 1.20 unquoted (the number 1.2)",
            Violation::UnknownEnvironment => "environment `qa` not defined by the platform",
            Violation::TabIndent => "tab in indentation",
            Violation::StatelessInProd => "upgradeMode: stateless in prod",
            Violation::HaOffInProd => "highAvailability: false in prod",
            Violation::ForeignImage => "image from docker.io/acme (not an allowed registry)",
            Violation::ImageVersionMismatch => "image tag names Flink 1.17, not flinkVersion",
            Violation::PlaintextPassword => "DB_PASSWORD as a plain env value",
            Violation::PodTemplateTypo => "podTemplate container has volumeMount (typo)",
        }
    }

    /// Defects that can share a service, each still yielding exactly one error: schema errors
    /// (the spec is then not rendered), policy findings on one prod deployment, and those that
    /// must be alone (an image finding the foreign registry's would merge with, an unknown
    /// environment, which is only reported once the schema passes, and a tab, which stops the
    /// YAML parser). Together, every kind once.
    pub const GROUPS: [&'static [Violation]; 5] = [
        &[
            Violation::FieldTypo,
            Violation::AmbiguousMemory,
            Violation::UnquotedVersion,
        ],
        &[
            Violation::StatelessInProd,
            Violation::HaOffInProd,
            Violation::ForeignImage,
            Violation::PlaintextPassword,
            Violation::PodTemplateTypo,
        ],
        &[Violation::ImageVersionMismatch],
        &[Violation::UnknownEnvironment],
        &[Violation::TabIndent],
    ];

    /// Whether the defect only shows in prod (the service then runs in prod only).
    fn needs_prod(self) -> bool {
        matches!(self, Violation::StatelessInProd | Violation::HaOffInProd)
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub services: usize,
    /// How many services get defects.
    pub violations: usize,
    pub seed: u64,
    /// Each of those services gets a group of [`Violation::GROUPS`] rather than one defect.
    pub grouped: bool,
}

/// One injected defect.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Injected {
    pub service: String,
    pub path: String,
    pub violation: Violation,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub services: usize,
    pub files: usize,
    pub bytes: usize,
    /// (service, environment) pairs.
    pub deployments: usize,
    /// (service, cluster) pairs: FlinkDeployments `render` writes.
    pub targets: usize,
    pub injected: Vec<Injected>,
}

pub const ENVIRONMENTS: [(&str, &[&str]); 3] = [
    ("dev", &["dev-eu-1"]),
    ("staging", &["staging-eu-1"]),
    ("prod", &["prod-eu-1", "prod-us-1"]),
];

/// Flink versions of the services. Not 1.18: the platform runs operator 1.15, which deprecates
/// it (the `flink-version-supported` rule warns), and a generated repository is clean.
pub const FLINK_VERSIONS: [&str; 3] = ["1.19", "1.20", "2.0"];
/// The platform's default `flinkVersion`.
pub const DEFAULT_FLINK: &str = "1.20";

const DOMAINS: [&str; 24] = [
    "payments",
    "orders",
    "fraud",
    "clickstream",
    "inventory",
    "shipping",
    "pricing",
    "search",
    "ads",
    "ledger",
    "risk",
    "catalog",
    "loyalty",
    "billing",
    "identity",
    "telemetry",
    "recommendations",
    "notifications",
    "returns",
    "warehouse",
    "sessions",
    "marketing",
    "payouts",
    "reviews",
];

const FUNCTIONS: [&str; 16] = [
    "enricher",
    "aggregator",
    "sessionizer",
    "detector",
    "sync",
    "audit",
    "router",
    "joiner",
    "dedup",
    "scorer",
    "indexer",
    "reporter",
    "forwarder",
    "compactor",
    "alerter",
    "features",
];

const TEAMS: [&str; 20] = [
    "risk",
    "growth",
    "supply",
    "compliance",
    "payments",
    "analytics",
    "ml",
    "search",
    "ads-platform",
    "checkout",
    "logistics",
    "finance",
    "identity",
    "data-platform",
    "marketing",
    "customer",
    "security",
    "catalog",
    "mobile",
    "core-banking",
];

/// The domain and function words of service `i`'s name.
fn name_parts(seed: u64, i: usize) -> (&'static str, &'static str) {
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
    (*rng.pick(&DOMAINS), *rng.pick(&FUNCTIONS))
}

/// The service name of index `i`.
pub fn service_name(seed: u64, i: usize) -> String {
    let (d, f) = name_parts(seed, i);
    format!("{d}-{f}-{i:05}")
}

pub fn platform_yaml(n: usize, seed: u64) -> String {
    format!(
        r#"# yaml-language-server: $schema=../../schemas/platform.schema.json
#
# A synthetic platform repository: {n} services, seed {seed}, written by
# `cargo run --release --example synth-repo`. Modelled on fixtures/example-platform.
apiVersion: flinkform/v1
kind: Platform
metadata:
  name: synth-streaming
  description: Synthetic Flink jobs of many product teams, synced by Flux.
spec:
  output: rendered
  operator:
    version: "1.15"
    namespace: flink-operator
    fluxKustomization: {{ name: flink-operator }}
  flux:
    namespace: flux-system
    sourceRef: {{ kind: GitRepository, name: synth-streaming }}
    interval: 10m
    timeout: 10m
  images:
    allowedRegistries:
      - registry.acme.example/flink
  storage:
    checkpoints: s3://acme-flink-{{env}}/{{service}}/checkpoints
    savepoints: s3://acme-flink-{{env}}/{{service}}/savepoints
    highAvailability: s3://acme-flink-{{env}}/{{service}}/ha
  serviceAccount:
    annotations:
      eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/flink-{{env}}-{{service}}
  monitoring:
    namespace: monitoring
    podMonitorLabels: {{ release: kube-prometheus-stack }}
  defaults:
    flinkVersion: "{DEFAULT_FLINK}"
    imagePullPolicy: IfNotPresent
    job:
      upgradeMode: savepoint
    jobManager: {{ cpu: 1, memory: 2Gi }}
    taskManager: {{ cpu: 2, memory: 4Gi, slots: 2 }}
    stateBackend: rocksdb
    checkpointing: {{ interval: 60s, mode: exactly-once, incremental: true }}
    flinkConfiguration:
      restart-strategy.type: exponential-delay
  environments:
    dev:
      clusters: [dev-eu-1]
      storage:
        checkpoints: s3://acme-flink-dev/{{service}}/checkpoints
        savepoints: s3://acme-flink-dev/{{service}}/savepoints
        highAvailability: s3://acme-flink-dev/{{service}}/ha
      defaults:
        imagePullPolicy: Always
        checkpointing: {{ interval: 5m }}
    staging:
      clusters: [staging-eu-1]
      storage:
        highAvailability: s3://acme-flink-staging/{{service}}/ha
    prod:
      clusters: [prod-eu-1, prod-us-1]
      require: {{ highAvailability: true, statefulUpgrade: true }}
  policy:
    rules:
      official-image: error
    environments:
      staging:
        rules:
          ha-enabled: warning
      dev:
        rules:
          ha-enabled: warning
"#
    )
}

fn camel(s: &str) -> String {
    s.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// TaskManager memory: GiB and how it is written.
fn memory(rng: &mut Rng, gib: usize) -> String {
    if rng.chance(20) {
        format!("{}Mi", gib * 1024)
    } else {
        format!("{gib}Gi")
    }
}

/// One generated service spec.
#[derive(Debug)]
pub struct Service {
    pub name: String,
    pub text: String,
    /// The environments it runs in.
    pub environments: Vec<&'static str>,
    /// How many clusters it is deployed to (FlinkDeployments `render` writes).
    pub targets: usize,
}

/// Service `i` (named [`service_name`]), with `violation` injected.
pub fn service(seed: u64, i: usize, violation: Option<Violation>) -> Service {
    service_with(seed, i, violation.as_slice())
}

/// Service `i` with `defects` injected (none, one, or a group of [`Violation::GROUPS`]).
pub fn service_with(seed: u64, i: usize, defects: &[Violation]) -> Service {
    let has = |v: Violation| defects.contains(&v);
    let name = service_name(seed, i);
    let mut rng = Rng::new(seed.rotate_left(17) ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let (domain, function) = name_parts(seed, i);
    let team = *rng.pick(&TEAMS);
    let flink = FLINK_VERSIONS[rng.weighted(&[25, 55, 20])];
    let write_version = flink != DEFAULT_FLINK || rng.chance(30);

    // Environments: a realistic mix; a service with a defect runs in one environment.
    let env_sets: [&[&'static str]; 6] = [
        &["prod"],
        &["staging", "prod"],
        &["dev", "staging", "prod"],
        &["staging"],
        &["dev"],
        &["dev", "staging"],
    ];
    let mut envs: Vec<&'static str> = env_sets[rng.weighted(&[10, 35, 25, 10, 5, 15])].to_vec();
    if !defects.is_empty() {
        envs = if defects.iter().any(|v| v.needs_prod()) {
            vec!["prod"]
        } else {
            vec![envs[rng.below(envs.len())]]
        };
    }

    // Sizes: TaskManagers of 1–32 GiB; slots and CPU grow with memory.
    let tm_gib =
        [1, 2, 3, 4, 6, 8, 12, 16, 24, 32][rng.weighted(&[6, 16, 6, 20, 10, 16, 8, 9, 4, 5])];
    let max_slots = match tm_gib {
        1..=2 => 1,
        3..=4 => 2,
        5..=8 => 4,
        _ => 8,
    };
    let slots = 1 + rng.below(max_slots);
    let tm_cpu = (slots.max(1 + rng.below(max_slots))).min(8);
    let hashmap = rng.chance(20);
    let parallelism = slots * (1 + rng.below(16));
    let block_style_tm = rng.chance(50);
    // A fixed TaskManager count: the operator then runs the job with replicas × slots, so
    // the spec sets no parallelism of its own.
    let replicas = (block_style_tm && rng.chance(25)).then(|| 1 + rng.below(4));
    let upgrade = *rng.pick(&["", "", "savepoint", "last-state"]);

    let mut s = String::with_capacity(2048);
    let _ = writeln!(
        s,
        "# yaml-language-server: $schema=../../schemas/service.schema.json"
    );
    if rng.chance(25) {
        let _ = writeln!(
            s,
            "#\n# Owned by team {team}. Synthetic service {i} (seed {seed})."
        );
    }
    let _ = writeln!(s, "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata:");
    let _ = writeln!(s, "  name: {name}\n  team: {team}");
    if has(Violation::TabIndent) {
        s.push_str("\tdescription: indented with a tab\n");
    } else if rng.chance(35) {
        let _ = writeln!(
            s,
            "  description: {} {} for the {team} team.",
            camel(domain),
            function
        );
    }
    if rng.chance(20) {
        let _ = writeln!(
            s,
            "  labels: {{ cost-center: cc-{}, tier: \"{}\" }}",
            1000 + rng.below(9000),
            1 + rng.below(3)
        );
    }
    s.push_str("spec:\n");

    // Image and version.
    let image_flink = if has(Violation::ImageVersionMismatch) {
        "1.17"
    } else {
        flink
    };
    let registry = if has(Violation::ForeignImage) {
        "docker.io/acme"
    } else {
        "registry.acme.example/flink"
    };
    let _ = writeln!(
        s,
        "  image: {registry}/{domain}-{function}:{}.{}.{}-flink{image_flink}",
        rng.below(6),
        rng.below(20),
        rng.below(10)
    );
    if has(Violation::UnquotedVersion) {
        let _ = writeln!(s, "  flinkVersion: {flink}");
    } else if write_version || has(Violation::ImageVersionMismatch) {
        let _ = writeln!(s, "  flinkVersion: \"{flink}\"");
    }

    // Job.
    s.push_str("  job:\n");
    let _ = writeln!(
        s,
        "    jarURI: local:///opt/flink/usrlib/{domain}-{function}.jar"
    );
    if rng.chance(70) {
        let _ = writeln!(
            s,
            "    entryClass: com.acme.{}.{}{}",
            team.replace('-', ""),
            camel(domain),
            camel(function)
        );
    }
    if rng.chance(40) {
        let _ = writeln!(
            s,
            "    args: [\"--topic\", \"{domain}.{}\", \"--group\", \"{name}\"]",
            rng.pick(&["events", "commands", "changes", "v2"])
        );
    }
    let key = if has(Violation::FieldTypo) {
        "parallelsim"
    } else {
        "parallelism"
    };
    if replicas.is_none() || has(Violation::FieldTypo) {
        let _ = writeln!(s, "    {key}: {parallelism}");
    }
    if !upgrade.is_empty() {
        let _ = writeln!(s, "    upgradeMode: {upgrade}");
    }

    // Resources.
    if rng.chance(35) {
        let jm = *rng.pick(&["1Gi", "1536Mi", "2Gi", "4Gi"]);
        let cpu = *rng.pick(&["0.5", "1", "\"500m\"", "2"]);
        let _ = writeln!(s, "  jobManager: {{ cpu: {cpu}, memory: {jm} }}");
    }
    let tm_memory = if has(Violation::AmbiguousMemory) {
        "4G".to_string()
    } else {
        memory(&mut rng, tm_gib)
    };
    if !block_style_tm {
        let _ = writeln!(
            s,
            "  taskManager: {{ cpu: {tm_cpu}, memory: {tm_memory}, slots: {slots} }}"
        );
    } else {
        let _ = writeln!(
            s,
            "  taskManager:\n    cpu: {tm_cpu}\n    memory: {tm_memory}\n    slots: {slots}"
        );
        if let Some(r) = replicas {
            let _ = writeln!(s, "    replicas: {r}");
        }
    }
    if hashmap {
        s.push_str("  stateBackend: hashmap\n");
    } else if rng.chance(20) {
        s.push_str("  stateBackend: rocksdb\n");
    }

    // Checkpointing and savepoints.
    match rng.below(4) {
        0 => {}
        1 => {
            let _ = writeln!(
                s,
                "  checkpointing: {{ interval: {} }}",
                rng.pick(&["30s", "60s", "2m", "5m"])
            );
        }
        2 => {
            let _ = writeln!(
                s,
                "  checkpointing: {{ interval: {}, timeout: {}, minPause: {} }}",
                rng.pick(&["30s", "60s", "2m"]),
                rng.pick(&["5m", "10m", "20m"]),
                rng.pick(&["10s", "30s"])
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "  checkpointing:\n    interval: {}\n    mode: {}",
                rng.pick(&["1m", "3m", "10m"]),
                rng.pick(&["exactly-once", "at-least-once"])
            );
            if !hashmap {
                let _ = writeln!(s, "    incremental: {}", rng.chance(70));
            }
        }
    }
    if rng.chance(30) {
        let _ = writeln!(
            s,
            "  savepoints: {{ interval: {} }}",
            rng.pick(&["6h", "12h", "24h"])
        );
    }

    // Escape hatches: extra configuration, logging, pod template.
    let extras: &[(&str, &str)] = &[
        (
            "execution.checkpointing.tolerable-failed-checkpoints",
            "\"3\"",
        ),
        ("pipeline.max-parallelism", "720"),
        ("pipeline.object-reuse", "true"),
        ("taskmanager.network.memory.buffer-debloat.enabled", "true"),
        ("execution.checkpointing.unaligned.enabled", "\"true\""),
        ("taskmanager.memory.jvm-overhead.fraction", "\"0.15\""),
        ("web.cancel.enable", "false"),
        ("restart-strategy.type", "fixed-delay"),
    ];
    let mut config: Vec<(&str, &str)> = Vec::new();
    if hashmap {
        config.push(("taskmanager.memory.managed.fraction", "\"0.0\""));
    }
    let rocksdb_volume = !hashmap && rng.chance(10);
    if rocksdb_volume {
        config.push(("state.backend.rocksdb.localdir", "/data/rocksdb"));
    }
    if rng.chance(35) {
        for _ in 0..1 + rng.below(3) {
            let e = *rng.pick(extras);
            if !config.iter().any(|(k, _)| *k == e.0) {
                config.push(e);
            }
        }
    }
    if let Some(at) = config
        .iter()
        .position(|(k, _)| *k == "restart-strategy.type")
    {
        config.insert(at + 1, ("restart-strategy.fixed-delay.attempts", "\"10\""));
    }
    if !config.is_empty() {
        s.push_str("  flinkConfiguration:\n");
        for (k, v) in &config {
            let _ = writeln!(s, "    {k}: {v}");
        }
    }
    if rng.chance(10) {
        s.push_str(
            "  logConfiguration:\n    log4j-console.properties: |\n      rootLogger.level = ${env:LOG_LEVEL:-INFO}\n      rootLogger.appenderRef.console.ref = ConsoleAppender\n      appender.console.name = ConsoleAppender\n      appender.console.type = CONSOLE\n      appender.console.layout.type = JsonTemplateLayout\n      appender.console.layout.eventTemplateUri = classpath:EcsLayout.json\n",
        );
    }
    let pod_template = has(Violation::PodTemplateTypo) || rocksdb_volume || rng.chance(15);
    if pod_template {
        let mounts = if has(Violation::PodTemplateTypo) {
            "volumeMount"
        } else {
            "volumeMounts"
        };
        s.push_str("  podTemplate:\n");
        if rocksdb_volume || has(Violation::PodTemplateTypo) {
            let _ = write!(
                s,
                "    spec:\n      containers:\n        - name: flink-main-container\n          {mounts}:\n            - {{ name: rocksdb, mountPath: /data/rocksdb }}\n      volumes:\n        - name: rocksdb\n          emptyDir: {{ sizeLimit: {}Gi }}\n",
                20 * (1 + rng.below(5))
            );
        } else {
            match rng.below(3) {
                0 => {
                    let _ = write!(
                        s,
                        "    spec:\n      containers:\n        - name: flink-main-container\n          volumeMounts:\n            - name: sql-scripts\n              mountPath: /opt/flink/usrlib/sql\n      volumes:\n        - name: sql-scripts\n          configMap:\n            name: {name}-scripts\n"
                    );
                }
                1 => s.push_str(
                    "    spec:\n      nodeSelector: { workload: flink }\n      tolerations:\n        - { key: dedicated, operator: Equal, value: flink, effect: NoSchedule }\n",
                ),
                _ => s.push_str(
                    "    metadata:\n      annotations:\n        cluster-autoscaler.kubernetes.io/safe-to-evict: \"false\"\n",
                ),
            }
        }
    }

    // Environment variables and secrets.
    let plain_env = rng.chance(25);
    if plain_env || has(Violation::PlaintextPassword) {
        s.push_str("  env:\n");
        if plain_env {
            let _ = writeln!(
                s,
                "    KAFKA_BOOTSTRAP: kafka-{}.acme.internal:9093",
                rng.pick(&["eu", "us", "shared"])
            );
            if rng.chance(50) {
                s.push_str("    LOG_LEVEL: INFO\n");
            }
        }
        if has(Violation::PlaintextPassword) {
            s.push_str("    DB_PASSWORD: correct-horse-battery\n");
        }
    }
    match rng.weighted(&[60, 25, 10, 5]) {
        0 => {}
        1 => s.push_str(
            "  secrets:\n    - name: kafka-credentials\n      env: { KAFKA_USERNAME: username, KAFKA_PASSWORD: password }\n",
        ),
        2 => s.push_str("  secrets:\n    - name: tls-client\n      mountPath: /etc/tls\n"),
        _ => {
            let _ = write!(
                s,
                "  secrets:\n    - name: {domain}-db\n      env:\n        DB_USER: user\n        DB_PASSWORD: password\n    - name: tls-client\n      mountPath: /etc/tls\n"
            );
        }
    }
    if rng.chance(10) {
        let _ = writeln!(
            s,
            "  network:\n    allowIngressFrom: [{}]",
            rng.pick(&["gateway", "reporting", "gateway, reporting"])
        );
    }

    // Environments and overlays.
    s.push_str("  environments:\n");
    let mut targets = 0;
    for env in &envs {
        let clusters = ENVIRONMENTS
            .iter()
            .find(|(e, _)| e == env)
            .map_or(0, |(_, c)| c.len());
        let mut o: Vec<String> = Vec::new();
        if *env == "prod" {
            match rng.weighted(&[50, 20, 15, 10, 5]) {
                0 => {}
                1 => o.push("clusters: [prod-eu-1]".into()),
                2 if replicas.is_none() => {
                    o.push(format!("job: {{ parallelism: {} }}", parallelism * 2))
                }
                2 => {}
                3 => {
                    let r = 2 + rng.below(6);
                    o.push(format!("taskManager: {{ replicas: {r} }}"));
                    if replicas.is_none() {
                        o.push(format!("job: {{ parallelism: {} }}", r * slots));
                    }
                }
                // Two JobManagers without HA is a second finding; keep one per injection.
                _ if has(Violation::HaOffInProd) => {}
                _ => o.push("jobManager: { replicas: 2 }".into()),
            }
            if has(Violation::StatelessInProd) {
                o.push("job: { upgradeMode: stateless }".into());
            }
            if has(Violation::HaOffInProd) {
                o.push("highAvailability: false".into());
            }
        } else {
            if rng.chance(40) {
                let stateless = rng.chance(30);
                match (replicas, stateless) {
                    (None, true) => o.push(format!(
                        "job: {{ parallelism: {slots}, upgradeMode: stateless }}"
                    )),
                    (None, false) => o.push(format!("job: {{ parallelism: {slots} }}")),
                    (Some(_), true) => o.push("job: { upgradeMode: stateless }".into()),
                    (Some(_), false) => {}
                }
            }
            if tm_gib > 2 && rng.chance(40) {
                let smaller = (tm_gib / 2).max(1);
                let smaller_slots = slots.min(match smaller {
                    1..=2 => 1,
                    3..=4 => 2,
                    5..=8 => 4,
                    _ => 8,
                });
                o.push(format!(
                    "taskManager: {{ memory: {smaller}Gi, slots: {smaller_slots} }}"
                ));
            }
            if *env == "staging" && rng.chance(15) {
                o.push("highAvailability: true".into());
            }
        }
        targets += if o.iter().any(|e| e.starts_with("clusters: ")) {
            1
        } else {
            clusters
        };
        // Two overlay entries may both set `job`: merge them into one map.
        let (jobs, rest): (Vec<String>, Vec<String>) =
            o.into_iter().partition(|e| e.starts_with("job: "));
        let mut o = rest;
        if !jobs.is_empty() {
            let inner: Vec<&str> = jobs
                .iter()
                .map(|j| j.trim_start_matches("job: { ").trim_end_matches(" }"))
                .collect();
            o.insert(0, format!("job: {{ {} }}", inner.join(", ")));
        }
        if o.is_empty() {
            let _ = writeln!(s, "    {env}: {{}}");
        } else if o.len() == 1 && rng.chance(50) {
            let _ = writeln!(s, "    {env}: {{ {} }}", o[0]);
        } else {
            let _ = writeln!(s, "    {env}:");
            for e in &o {
                let _ = writeln!(s, "      {e}");
            }
        }
    }
    if has(Violation::UnknownEnvironment) {
        s.push_str("    qa: {}\n");
    }
    Service {
        name,
        text: s,
        environments: envs,
        targets,
    }
}

/// Which services get which defect: `k` distinct indices chosen by the seed, assigned
/// [`Violation::ALL`] in turn. Sorted by index.
pub fn injections(n: usize, k: usize, seed: u64) -> Vec<(usize, Violation)> {
    chosen(n, k, seed)
        .into_iter()
        .map(|(i, j)| (i, Violation::ALL[j % Violation::ALL.len()]))
        .collect()
}

/// [`injections`] with a group of [`Violation::GROUPS`] per service, in turn.
pub fn grouped_injections(n: usize, k: usize, seed: u64) -> Vec<(usize, &'static [Violation])> {
    chosen(n, k, seed)
        .into_iter()
        .map(|(i, j)| (i, Violation::GROUPS[j % Violation::GROUPS.len()]))
        .collect()
}

/// `k` distinct service indices chosen by the seed, each with its rank in the choice; sorted
/// by index.
fn chosen(n: usize, k: usize, seed: u64) -> Vec<(usize, usize)> {
    assert!(k <= n, "cannot inject {k} violations into {n} services");
    let mut rng = Rng::new(seed ^ 0x05EE_D0FB_AD00);
    let mut idx: Vec<usize> = (0..n).collect();
    for j in 0..k {
        let r = j + rng.below(n - j);
        idx.swap(j, r);
    }
    let mut out: Vec<(usize, usize)> = idx[..k].iter().enumerate().map(|(j, &i)| (i, j)).collect();
    out.sort();
    out
}

/// Writes the repository into `dir` (created if missing; it must hold no `flinkform.yaml` or
/// `services/` yet).
pub fn generate(dir: &Path, opts: &Options) -> std::io::Result<Summary> {
    if dir.join("flinkform.yaml").exists() || dir.join("services").exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds a repository; use an empty folder",
                dir.display()
            ),
        ));
    }
    std::fs::create_dir_all(dir.join("services"))?;
    let mut summary = Summary::default();
    let platform = platform_yaml(opts.services, opts.seed);
    std::fs::write(dir.join("flinkform.yaml"), &platform)?;
    summary.files += 1;
    summary.bytes += platform.len();
    let injected: Vec<(usize, Vec<Violation>)> = if opts.grouped {
        grouped_injections(opts.services, opts.violations, opts.seed)
            .into_iter()
            .map(|(i, g)| (i, g.to_vec()))
            .collect()
    } else {
        injections(opts.services, opts.violations, opts.seed)
            .into_iter()
            .map(|(i, v)| (i, vec![v]))
            .collect()
    };
    let mut next = injected.iter().peekable();
    for i in 0..opts.services {
        let defects: &[Violation] = match next.peek() {
            Some((at, v)) if *at == i => {
                next.next();
                v
            }
            _ => &[],
        };
        let svc = service_with(opts.seed, i, defects);
        let path = format!("services/{}/service.yaml", svc.name);
        std::fs::create_dir_all(dir.join("services").join(&svc.name))?;
        std::fs::write(dir.join(&path), &svc.text)?;
        summary.services += 1;
        summary.files += 1;
        summary.bytes += svc.text.len();
        summary.deployments += svc.environments.len();
        summary.targets += svc.targets;
        for v in defects {
            summary.injected.push(Injected {
                service: svc.name.clone(),
                path: path.clone(),
                violation: *v,
            });
        }
    }
    Ok(summary)
}
