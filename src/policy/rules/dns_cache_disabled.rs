use crate::facts::jvm;
use crate::flink::version::V1_18;
use crate::facts::view::FlinkView;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// The JVMs of a job must not cache DNS lookups.
    ///
    /// ## What it checks
    /// For the JobManager and the TaskManager JVM, the effective `-Dsun.net.inetaddr.ttl`
    /// (from `env.java.opts.jobmanager` / `.taskmanager`, `env.java.opts.all`,
    /// `env.java.default-opts.*` or `JAVA_TOOL_OPTIONS`) must be at most the platform's
    /// `dns.maxTtl` (default 0), unless a `-Djava.security.properties=` override file is used.
    /// It also flags:
    /// * `-Dnetworkaddress.cache.ttl=…` on the command line: that name is a *security*
    ///   property, so as a system property it does nothing;
    /// * setting `env.java.default-opts.all` (or `env.java.opts.all` on Flink 1.18), which
    ///   replaces the operator's JDK 17 `--add-opens` module flags and breaks the job.
    ///
    /// ## Why
    /// Pods move and DNS records change. A JVM that caches a lookup keeps talking to a dead
    /// address (a Kafka broker, the JobManager) until it is restarted.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     env.java.opts.taskmanager: -Dsun.net.inetaddr.ttl=30
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     env.java.opts.all: -Dnetworkaddress.cache.ttl=0
    /// ```
    ///
    /// ## Fix
    /// flinkform adds the flags itself when it renders a service. In a hand-written manifest:
    /// ```yaml,spec,passes
    /// spec:
    ///   flinkConfiguration:
    ///     env.java.opts.taskmanager: -XX:+UseG1GC # flinkform adds the DNS flags
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     env.java.opts.jobmanager: -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0
    ///     env.java.opts.taskmanager: -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0
    /// ```
    pub struct DnsCacheDisabled {
        name: "dns-cache-disabled", severity: Error, category: Policy, kinds: [Deployment],
    }
}

impl Rule for DnsCacheDisabled {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != crate::facts::view::Kind::Deployment {
            return;
        }
        let max = t.platform.dns_max_ttl.value;
        for (role, section) in FlinkView::ROLES {
            let entries = jvm::opts_entries(v, role);
            let who = if role == "jobmanager" {
                "JobManager"
            } else {
                "TaskManager"
            };
            if jvm::mentions(&entries, "java.security.properties") {
                continue;
            }
            match jvm::system_property(&entries, "sun.net.inetaddr.ttl") {
                Some((value, e)) => {
                    let ttl: Option<i64> = value.parse().ok();
                    if ttl.is_none_or(|ttl| ttl < 0 || ttl > max) {
                        let what = match ttl {
                            Some(n) if n < 0 => "forever".to_string(),
                            Some(n) => format!("for {n} s"),
                            None => format!("with the unreadable TTL `{value}`"),
                        };
                        out.push(
                            Finding::new(e.origin(), format!("the {who} JVM caches DNS lookups {what}"))
                                .label(format!("sets -Dsun.net.inetaddr.ttl={value}"))
                                .help(format!("set -Dsun.net.inetaddr.ttl to at most {max} (the platform's dns.maxTtl)")),
                        );
                    }
                }
                None => {
                    // Point where the flag belongs: the role's options, else any options this
                    // JVM gets, else the configuration.
                    let at = v
                        .get(&format!("env.java.opts.{role}"))
                        .or_else(|| entries.last().copied())
                        .map_or_else(|| t.anchor(&["flinkConfiguration"]), |e| e.origin());
                    out.push(
                        Finding::new(at, format!("the {who} JVM caches DNS lookups: no -Dsun.net.inetaddr.ttl"))
                            .label(format!("{section} JVM options"))
                            .help(format!("add `-Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0` to env.java.opts.{role}")),
                    );
                }
            }
        }
        let mut all = jvm::opts_entries(v, "jobmanager");
        for e in jvm::opts_entries(v, "taskmanager") {
            if !all.iter().any(|a| std::ptr::eq(*a, e)) {
                all.push(e);
            }
        }
        for e in &all {
            if e.value
                .split_whitespace()
                .any(|o| o.starts_with("-Dnetworkaddress.cache.ttl"))
            {
                out.push(
                    Finding::new(e.origin(), "-Dnetworkaddress.cache.ttl has no effect on the command line")
                        .label("a security property, not a system property")
                        .help("use -Dsun.net.inetaddr.ttl=0 (a system property), or set networkaddress.cache.ttl in a file passed with -Djava.security.properties="),
                );
            }
        }
        let replaces_module_flags = |key: &str| match key {
            "env.java.default-opts.all" => true,
            "env.java.opts.all" => v.flink_version() == Some(V1_18),
            _ => false,
        };
        for e in v.conf().iter().filter(|e| replaces_module_flags(&e.key)) {
            out.push(
                Finding::new(e.key_origin.or(e.origin()), format!("`{}` replaces the operator's JDK 17 module flags", e.key))
                    .label("overrides the operator default")
                    .help("the operator sets --add-exports/--add-opens flags in this key; put your options in env.java.opts.jobmanager / env.java.opts.taskmanager instead"),
            );
        }
    }
}
