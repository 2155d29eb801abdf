#!/usr/bin/env python3
"""Heap at the peak of a `valgrind --tool=massif` run, by the innermost flinkform function that
allocated it. Usage: massif_stages.py MASSIF_OUT"""
import re
import sys

# Checked in order at each frame, walking from the allocation site toward main.
SITES = [
    ("source text (SourceFile::new)", r"flinkform::source::SourceFile::new"),
    ("YAML emit (rendered file text)", r"flinkform::yaml::emit"),
    ("rendered file header/format", r"flinkform::render::render"),
    ("rendered objects (render::bundle)", r"flinkform::render::(bundle|flink_deployment|pod_template|tenancy|network|quota|monitoring|flux|kustomize|context)"),
    ("parsed trees (yaml::load)", r"flinkform::yaml::(load|raw)"),
    ("schema", r"flinkform::schema::"),
    ("typed specs (spec::*)", r"flinkform::spec::(service|platform|fields)"),
    ("resolved trees (spec::resolve)", r"flinkform::spec::resolve|flinkform::tree::merge"),
    ("CRD validation", r"flinkform::(validate|crd)::"),
    ("policy targets/views", r"flinkform::(policy::|compile::policy_targets)"),
    ("workspace (other)", r"flinkform::workspace::"),
    ("compile (other)", r"flinkform::compile::"),
    ("output (scan/plan)", r"flinkform::output_folder::"),
]
PAT = [(n, re.compile(p)) for n, p in SITES]
LINE = re.compile(r"^(\s*)n(\d+): (\d+) (.*)$")


def main():
    lines = open(sys.argv[1]).read().split("\n")
    # Find the peak snapshot.
    peak = None
    snaps = []
    for i, l in enumerate(lines):
        if l.startswith("snapshot="):
            snaps.append(i)
        if l.startswith("heap_tree=peak"):
            peak = i
    if peak is None:
        sys.exit("no peak snapshot")
    total = 0
    for l in lines[snaps[-1] if snaps[-1] < peak else 0: peak][::-1]:
        pass
    # The mem_heap_B of the peak snapshot.
    j = peak
    while not lines[j].startswith("mem_heap_B="):
        j -= 1
    heap = int(lines[j].split("=")[1])
    # Parse the tree below.
    out = {}
    stack = []  # (depth, label)
    i = peak + 1
    while i < len(lines) and LINE.match(lines[i]):
        m = LINE.match(lines[i])
        depth = len(m.group(1))
        nchild = int(m.group(2))
        nbytes = int(m.group(3))
        frame = m.group(4)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        assigned = any(s[1] for s in stack)
        label = None
        if not assigned:
            label = next((n for n, p in PAT if p.search(frame)), None)
            if label:
                out[label] = out.get(label, 0) + nbytes
            elif nchild == 0 and depth > 0:
                out["other"] = out.get("other", 0) + nbytes
        stack.append((depth, label or (assigned and "x")))
        i += 1
    print(f"heap at peak: {heap / 1e6:.1f} MB")
    for n, b in sorted(out.items(), key=lambda x: -x[1]):
        print(f"  {n:38} {b / 1e6:8.1f} MB {100.0 * b / heap:5.1f}%")


if __name__ == "__main__":
    main()
