#!/usr/bin/env python3
"""Attributes `perf script` samples to flinkform's pipeline stages.

Reads `perf script` output (recorded with call graphs) on stdin. Each sample is charged to the
innermost frame that names a stage (see STAGES, checked leaf first), else to `other`. Prints a
table of stages by share of samples, then the top self-time symbols within each big stage.
"""
import collections
import re
import sys

# (stage, regex on a frame's symbol). Order matters only among frames of one sample: the
# innermost (closest to the leaf) matching frame wins. Patterns are matched at the start of the
# symbol (after an optional `<` of a trait impl), never inside generic arguments: identical
# monomorphs are folded by the linker, so `grow_one<flinkform::policy::view::ConfEntry>` may
# really be growing another vector. The drop of the whole compilation is the exception.
STAGES = [
    ("drop (free at exit)", r"core::ptr::drop_in_place<flinkform::(compile::Compilation|workspace::Workspace|render::Rendered)>"),
    ("YAML emit", r"^<?flinkform::yaml::emit::"),
    ("YAML parse", r"^<?(flinkform::yaml::(load|raw)|serde_saphyr::de|granit_parser)"),
    ("schema", r"^<?flinkform::schema::"),
    ("CRD validation", r"^<?flinkform::(conformance::|crd::)"),
    # Deep recursion can cut the call chain (perf copies 32 KiB of stack) before the caller.
    ("tree to JSON (CRD validation input)", r"^flinkform::tree::json::to_json|serde_json::value::Value\)|flinkform::conformance::check"),
    ("policy", r"^<?flinkform::(policy::|compile::policy_targets)"),
    ("resolve", r"^<?flinkform::spec::resolve"),
    ("typed read (ServiceFile/Platform)", r"^<?flinkform::spec::"),
    ("render objects (bundle)", r"^<?flinkform::render::(bundle|flink_deployment|pod_template|tenancy|network|quota|monitoring|flux|kustomize|context|disable_substitution)"),
    ("render collect/clone/sort", r"^<?flinkform::render::render"),
    ("read files", r"^<?flinkform::workspace::(read_source|decode)"),
    ("discover", r"^<?(flinkform::workspace::discover|walkdir::)"),
    ("load (other)", r"^<?flinkform::workspace::"),
    ("report sort/dedup", r"^<?flinkform::diag::"),
    ("output scan/plan", r"^<?flinkform::output_folder::(scan|FolderSync::accept|FolderSync::compare)"),
    ("output write", r"^<?flinkform::output_folder::FolderSync::write|flinkform::io::write"),
    ("drift diff", r"^<?(flinkform::output_folder::unified_diff|similar::)"),
    ("compile (other)", r"^<?flinkform::compile::"),
]
PAT = [(n, re.compile(p)) for n, p in STAGES]


def samples(lines):
    cur = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if cur:
                yield cur
            cur = []
            continue
        cur.append(line)
    if cur:
        yield cur


def main():
    """`stages.py [--main-thread]`: with --main-thread, only samples of the process's first
    thread (the lowest thread id), whose busy time is the serial part of the run."""
    main_only = "--main-thread" in sys.argv[1:]
    all_samples = list(samples(sys.stdin))
    tids = [int(s[0].split()[1]) for s in all_samples if len(s[0].split()) > 1]
    main_tid = min(tids) if tids else None
    by_stage = collections.Counter()
    selfsym = collections.defaultdict(collections.Counter)
    total = 0
    for s in all_samples:
        head = s[0].split()
        if main_only and (len(head) < 2 or int(head[1]) != main_tid):
            continue
        frames = [re.sub(r"^\s*[0-9a-f]+\s+", "", f).rsplit(" (", 1)[0] for f in s[1:]]
        if not frames:
            continue
        total += 1
        stage = "other"
        for f in frames:
            hit = next((n for n, p in PAT if p.search(f)), None)
            if hit:
                stage = hit
                break
        by_stage[stage] += 1
        leaf = frames[0]
        leaf = re.sub(r"<.*", "", leaf) if not leaf.startswith("<") else leaf[:90]
        selfsym[stage][leaf[:90]] += 1
    print(f"{total} samples{' (main thread)' if main_only else ''}")
    print(f"{'stage':38} {'share':>7}")
    for n, c in by_stage.most_common():
        print(f"{n:38} {100.0 * c / total:6.1f}%")
    print()
    for n, c in by_stage.most_common(8):
        print(f"== {n} ({100.0 * c / total:.1f}%), top self symbols:")
        for sym, k in selfsym[n].most_common(6):
            print(f"   {100.0 * k / total:5.1f}%  {sym}")


if __name__ == "__main__":
    main()
