#!/usr/bin/env bash
# The performance benchmark of issue 7. Not part of `cargo test`: run it by hand,
#
#   bench/run.sh                                   # 1,000 / 10,000 / 50,000 services
#   BENCH_SIZES="1000" BENCH_RUNS=1 bench/run.sh   # a quick run
#
# It builds the release binary and the examples, generates synthetic repositories
# (examples/synth-repo.rs), measures wall time, CPU time and peak memory (/usr/bin/time) of
# flinkform's commands and of the peers on the same inputs, and writes docs/performance.md
# (numbers from bench/report.py, followed by the hand-written analysis in bench/analysis.md).
#
# Settings (environment):
#   BENCH_SIZES             repository sizes in services           "1000 10000 50000"
#   BENCH_RUNS              runs per measurement (best and median)  3 (1 above 10,000 services)
#   BENCH_SEED              generator seed                          1
#   BENCH_DIR               work folder (repositories, tools)       $CARGO_TARGET_DIR/bench
#   BENCH_PEER_SPECS        specs for check-jsonschema vs check     2000
#   BENCH_CHECKOV_SERVICES  repository whose output checkov scans   250
#   BENCH_KUSTOMIZE_SERVICES repository whose service folders kustomize builds  250
#   BENCH_RENDER_MAX        largest size that is rendered           50000
#   BENCH_WIDE_KEYS         flinkConfiguration keys of the one-wide-spec case  50000 (0: skip)
#   BENCH_TIMEOUT           seconds before a command is stopped     1800
#   BENCH_MEM_LIMIT_KB      address-space limit of measured commands  min(16 GiB, 80% of MemAvailable)
#   BENCH_OUT               the report                              docs/performance.md
#   BENCH_BUILD             0: use the release binaries already built (no `cargo build`:   1
#                           e.g. one built with CARGO_PROFILE_RELEASE_DEBUG=true for profiling,
#                           which a plain build would replace)
#   BENCH_APPEND            1: keep the previous results and machine notes, add to them
#                           (e.g. BENCH_APPEND=1 BENCH_SIZES="" to redo only the peers)
#
# The machine may be shared: every measurement records the load average before it, the
# report gives the best and the median of the runs, and CPU time beside wall time.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SIZES=${BENCH_SIZES-"1000 10000 50000"}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-1}
WORK=${BENCH_DIR:-$CARGO_TARGET_DIR/bench}
PEER_SPECS=${BENCH_PEER_SPECS:-2000}
CHECKOV_SERVICES=${BENCH_CHECKOV_SERVICES:-250}
KUSTOMIZE_SERVICES=${BENCH_KUSTOMIZE_SERVICES:-250}
RENDER_MAX=${BENCH_RENDER_MAX:-50000}
WIDE_KEYS=${BENCH_WIDE_KEYS:-50000}
TIMEOUT=${BENCH_TIMEOUT:-1800}
OUT=${BENCH_OUT:-$ROOT/docs/performance.md}
avail_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
default_limit=$((avail_kb * 8 / 10))
[ "$default_limit" -gt 16777216 ] && default_limit=16777216
MEM_LIMIT_KB=${BENCH_MEM_LIMIT_KB:-$default_limit}

BIN=$CARGO_TARGET_DIR/release/flinkform
SYNTH=$CARGO_TARGET_DIR/release/examples/synth-repo
PARSE=$CARGO_TARGET_DIR/release/examples/parse-only
RESULTS=$WORK/results.tsv
mkdir -p "$WORK/repos" "$WORK/trash"
rm -f "$WORK/rendered-files.tsv.tmp"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- build and tools ---------------------------------------------------------------------
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  log "building release binary and examples"
  cargo build --release --locked --bin flinkform --example synth-repo --example parse-only >&2
else
  log "using the release binaries already built: $(ls -l --time-style=+%FT%T "$BIN" | awk '{print $6}')"
  [ -x "$BIN" ] && [ -x "$SYNTH" ] && [ -x "$PARSE" ] || { log "no release binaries in $CARGO_TARGET_DIR"; exit 2; }
fi

if ! command -v check-jsonschema >/dev/null; then
  log "installing check-jsonschema into $WORK/venv"
  [ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema==0.39.0
fi
if ! command -v checkov >/dev/null && [ ! -x "$WORK/venv/bin/checkov" ]; then
  log "installing checkov into $WORK/venv"
  [ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check checkov
fi
CHECK_JSONSCHEMA=$(command -v check-jsonschema || echo "$WORK/venv/bin/check-jsonschema")
CHECKOV=$(command -v checkov || echo "$WORK/venv/bin/checkov")
KUBECTL=$(command -v kubectl || true)

# --- the machine -------------------------------------------------------------------------
APPEND=${BENCH_APPEND:-0}
[ "$APPEND" = 1 ] || {
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "kernel=$(uname -r)"
  echo "fs=$(findmnt -n -o FSTYPE --target "$WORK" 2>/dev/null || echo unknown)"
  echo "rustc=$(rustc --version)"
  echo "flinkform=$("$BIN" --version) ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ', modified'))"
  echo "check_jsonschema=$("$CHECK_JSONSCHEMA" --version 2>&1 | tail -1)"
  echo "checkov=$("$CHECKOV" --version 2>&1 | tail -1)"
  echo "kubectl=$([ -n "$KUBECTL" ] && "$KUBECTL" version --client 2>/dev/null | tr '\n' ' ' || echo missing)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "mem_limit_kb=$MEM_LIMIT_KB"
  echo "sizes=$SIZES"
  echo "runs=$RUNS"
  echo "seed=$SEED"
} >"$WORK/machine.env"
[ "$APPEND" = 1 ] ||
  printf 'size\tname\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\texit\tload1\tnote\n' >"$RESULTS"

# --- helpers -------------------------------------------------------------------------------

# repo N: the path of the N-service repository, generated if missing or made by another
# version of the generator.
repo() {
  local n=$1 dir=$WORK/repos/n$1-s$SEED stamp
  stamp="$n $SEED $(cksum <"$ROOT/examples/support/synth.rs")"
  if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir"
    log "generating $n services into $dir"
    "$SYNTH" "$n" "$dir" --seed "$SEED" >&2
    echo "$stamp" >"$dir/.complete"
  fi
  # A platform repository is a git repository of its own: without one, the repository root
  # would be the checkout this benchmark runs in, and `flux.platformPath` would not match.
  [ -d "$dir/.git" ] || git init -q "$dir"
  echo "$dir"
}

# Moves a folder out of the way (a rename: instant). The trash is deleted by `empty_trash`:
# deleting many files just before creating many makes ext4 without a journal scan the
# recently freed inodes on every create (fs/ext4/ialloc.c, recently_deleted()), which would
# charge the kernel's bookkeeping of the previous run to this one.
set_aside() { [ -e "$1" ] && mv "$1" "$WORK/trash/$(date +%s%N)"; return 0; }
empty_trash() {
  if [ -n "$(ls -A "$WORK/trash")" ]; then
    log "deleting set-aside output; waiting 35 s for ext4 to forget the freed inodes"
    rm -rf "${WORK:?}/trash/"*
    sync
    sleep 35
  fi
}

# measure SIZE NAME RUNS EXPECTED_EXIT PREP -- CMD...: runs CMD RUNS times (PREP, a shell
# snippet, before each run, unmeasured) and appends one line per run to results.tsv. An exit
# other than EXPECTED_EXIT (`any`: no expectation) is noted beside the numbers.
measure() {
  local size=$1 name=$2 runs=$3 expect=$4 prep=$5
  shift 6
  local i
  for ((i = 1; i <= runs; i++)); do
    [ -n "$prep" ] && eval "$prep"
    local load code=0 note=""
    load=$(cut -d' ' -f1 /proc/loadavg)
    timeout "$TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.out" \
      bash -c 'ulimit -v "$0"; exec "$@"' "$MEM_LIMIT_KB" "$@" \
      >"$WORK/last.stdout" 2>"$WORK/last.stderr" || code=$?
    local e u s m
    read -r e u s m < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$WORK/time.out" | tail -1)
    if [ "$code" = 124 ]; then
      note="timeout after ${TIMEOUT}s"
    elif [ "$expect" != any ] && [ "$code" != "$expect" ]; then
      note="unexpected exit $code: $(head -c 300 "$WORK/last.stderr" | tr '\t\n' '  ')"
      log "$name ($size): $note"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$size" "$name" "$i" "${e:-}" "${u:-}" "${s:-}" "${m:-}" "$code" "$load" "$note" >>"$RESULTS"
    log "$name ($size services) run $i: ${e:-?} s wall, ${u:-?}+${s:-?} s CPU, ${m:-?} KB peak, exit $code, load $load"
  done
}

# --- flinkform at each size ----------------------------------------------------------------
for n in $SIZES; do
  dir=$(repo "$n")
  runs=$RUNS
  [ "$n" -gt 10000 ] && runs=1
  first=("$dir"/services/*/)
  one=$(basename "${first[0]}")
  measure "$n" parse-only "$runs" 0 "" -- "$PARSE" "$dir"
  measure "$n" parse+schema "$runs" 0 "" -- "$PARSE" "$dir" --schema
  measure "$n" check "$runs" 0 "" -- "$BIN" -C "$dir" check
  measure "$n" check-one-file "$runs" 0 "" -- "$BIN" -C "$dir" check "services/$one/service.yaml"
  if [ "$n" -le "$RENDER_MAX" ]; then
    measure "$n" render "$runs" 0 'set_aside "$dir/rendered"' -- "$BIN" -C "$dir" render
    measure "$n" render-up-to-date "$runs" 0 "" -- "$BIN" -C "$dir" render
    # The file system's floor for writing that output: a plain copy of it (no atomic renames).
    measure "$n" copy-output "$runs" 0 "" -- \
      bash -c 'cp -r "$0" "$1/copy-$(date +%s%N)"' "$dir/rendered" "$WORK/trash"
    measure "$n" render-check "$runs" 0 "" -- "$BIN" -C "$dir" render --check
    printf '%s\t%s\n' "$n" "$(find "$dir/rendered" -type f | wc -l)" >>"$WORK/rendered-files.tsv.tmp"
  fi
  empty_trash
done

# --- one wide spec -------------------------------------------------------------------------
# One service whose flinkConfiguration has WIDE_KEYS keys of an open family (`s3.`, forwarded
# to the S3 client, so no finding): 50,000 fit the 1 MiB file limit. Every stage looks keys up
# in its maps; a lookup that scans made `check` take 53 s here. tests/map_work.rs counts the
# work per key; this times it.
if [ "$WIDE_KEYS" -gt 0 ]; then
  wide=$WORK/repos/wide-$WIDE_KEYS-s$SEED
  rm -rf "$wide"
  cp -r "$(repo 1)" "$wide"
  rm -f "$wide/.complete"
  spec=$(ls "$wide"/services/*/service.yaml)
  # Into the spec's flinkConfiguration, or a new one at the top of `spec:`.
  if grep -q '^  flinkConfiguration:$' "$spec"; then at='^  flinkConfiguration:$'; else at='^spec:$'; fi
  awk -v n="$WIDE_KEYS" -v at="$at" '
    { print }
    $0 ~ at {
      if (at == "^spec:$") print "  flinkConfiguration:"
      for (i = 0; i < n; i++) printf "    s3.k%05d: v\n", i
    }' "$spec" >"$spec.tmp"
  mv "$spec.tmp" "$spec"
  measure "wide-$WIDE_KEYS" check "$RUNS" 0 "" -- "$BIN" -C "$wide" check
fi

# --- peers ---------------------------------------------------------------------------------
# check-jsonschema and check on the same specs.
dir=$(repo "$PEER_SPECS")
mapfile -t specs < <(cd "$dir" && ls services/*/service.yaml)
measure "peer-$PEER_SPECS" check-jsonschema "$RUNS" 0 "" -- \
  bash -c 'cd "$0" && exec "$1" --schemafile "$2" "${@:3}"' "$dir" "$CHECK_JSONSCHEMA" \
  "$ROOT/schemas/service.schema.json" "${specs[@]}"
measure "peer-$PEER_SPECS" check "$RUNS" 0 "" -- "$BIN" -C "$dir" check

# checkov on the rendered output, and check on the repository it came from.
dir=$(repo "$CHECKOV_SERVICES")
[ -d "$dir/rendered" ] || "$BIN" -C "$dir" render >/dev/null
checkov_files=$(find "$dir/rendered" -name '*.yaml' | wc -l)
measure "checkov-$CHECKOV_SERVICES" checkov 1 any "" -- \
  "$CHECKOV" -d "$dir/rendered" --framework kubernetes --skip-download --compact --quiet
cp "$WORK/last.stdout" "$WORK/checkov.out"
measure "checkov-$CHECKOV_SERVICES" check "$RUNS" 0 "" -- "$BIN" -C "$dir" check

# kubectl kustomize on every service folder of the rendered output (no file builds a whole
# cluster: docs/output-layout.md).
if [ -n "$KUBECTL" ]; then
  dir=$(repo "$KUSTOMIZE_SERVICES")
  [ -d "$dir/rendered" ] || "$BIN" -C "$dir" render >/dev/null
  measure "kustomize-$KUSTOMIZE_SERVICES" kubectl-kustomize "$RUNS" 0 "" -- \
    bash -c 'for c in "$0"/*/*/; do case "$c" in "$0"/flux/*) continue ;; esac; "$1" kustomize "$c" >/dev/null || exit 1; done' \
    "$dir/rendered" "$KUBECTL"
  measure "kustomize-$KUSTOMIZE_SERVICES" render-check "$RUNS" 0 "" -- "$BIN" -C "$dir" render --check
fi

{
  echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "checkov_files=$checkov_files"
  echo "checkov_summary=$(grep -E 'Passed checks|Failed checks' "$WORK/checkov.out" | head -1 | tr -s ' ')"
} >>"$WORK/machine.env"
mv "$WORK/rendered-files.tsv.tmp" "$WORK/rendered-files.tsv" 2>/dev/null || true

python3 "$ROOT/bench/report.py" "$WORK" "$ROOT/bench/analysis.md" >"$OUT"
log "wrote $OUT"
