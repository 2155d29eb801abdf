# Shell functions shared by the steps of action.yml (sourced; bash). Each step runs as the
# runner runs it: `bash --noprofile --norc -eo pipefail`, so a non-zero exit of a command ends
# the step unless it is caught. The flinkform steps catch flinkform's exit code, write the
# summary and their outputs (`status`), and exit 0; the last step of the action fails it when
# any of them did not pass, so the runner adds its "Process completed with exit code N." error
# once, after every finding.

# --- Annotations -------------------------------------------------------------------------
#
# GitHub shows at most 10 errors, 10 warnings and 10 notices per step, and a composite action
# is ONE step: the runner collects the annotations of all its steps and keeps the first 10 of
# each kind (ExecutionContext, embedded issues). It also shows at most 50 per job. The budget
# file counts what this use of the action has shown, by kind, and what the job has shown:
# lines `error N`, `warning N`, `notice N`, `job N` — the format `flinkform
# --annotation-budget` reads and updates, so flinkform and these functions share it.
FLINKFORM_BUDGET=${FLINKFORM_BUDGET:-${RUNNER_TEMP:?RUNNER_TEMP is not set}/flinkform-annotations}
FLINKFORM_PER_STEP=10
FLINKFORM_PER_JOB=50

# flinkform_budget_get KIND: the count of KIND (error, warning, notice or job); 0 without a file.
flinkform_budget_get() {
  if [ -f "$FLINKFORM_BUDGET" ]; then
    awk -v k="$1" '$1 == k { n = $2 } END { print n + 0 }' "$FLINKFORM_BUDGET"
  else
    echo 0
  fi
}

# flinkform_budget_write ERRORS WARNINGS NOTICES JOB
flinkform_budget_write() {
  printf 'error %s\nwarning %s\nnotice %s\njob %s\n' "$1" "$2" "$3" "$4" > "$FLINKFORM_BUDGET.new"
  mv "$FLINKFORM_BUDGET.new" "$FLINKFORM_BUDGET"
}

# flinkform_budget_init: this use of the action starts (a new step for GitHub): nothing shown
# of any kind yet; what the job showed before is kept.
flinkform_budget_init() {
  flinkform_budget_write 0 0 0 "$(flinkform_budget_get job)"
}

# flinkform_budget_add KIND N: counts N more annotations of KIND (negative: fewer), in the job's
# count too; never below 0. Used to keep room for a later step, and to give it back.
flinkform_budget_add() {
  local e w n j
  e=$(flinkform_budget_get error)
  w=$(flinkform_budget_get warning)
  n=$(flinkform_budget_get notice)
  j=$(flinkform_budget_get job)
  case $1 in
    error) e=$((e + $2)) ;;
    warning) w=$((w + $2)) ;;
    notice) n=$((n + $2)) ;;
    *) return 1 ;;
  esac
  j=$((j + $2))
  flinkform_budget_write $((e < 0 ? 0 : e)) $((w < 0 ? 0 : w)) $((n < 0 ? 0 : n)) $((j < 0 ? 0 : j))
}

# flinkform_budget_take KIND: succeeds (and counts it) when GitHub still shows one more
# annotation of KIND in this step and job.
flinkform_budget_take() {
  if [ "$(flinkform_budget_get "$1")" -lt "$FLINKFORM_PER_STEP" ] &&
    [ "$(flinkform_budget_get job)" -lt "$FLINKFORM_PER_JOB" ]; then
    flinkform_budget_add "$1" 1
  else
    return 1
  fi
}

# flinkform_annotate KIND MESSAGE: an annotation (title `flinkform`) when GitHub shows one more
# of KIND, else the same text as a plain log line, so nothing is dropped unseen.
flinkform_annotate() {
  local kind=$1 msg=$2
  msg=${msg//%/%25}
  msg=${msg//$'\r'/%0D}
  msg=${msg//$'\n'/%0A}
  if flinkform_budget_take "$kind"; then
    echo "::$kind title=flinkform::$msg"
  else
    echo "flinkform: $kind: $msg"
  fi
}

# --- The job summary -----------------------------------------------------------------------
#
# The runner drops a step's summary WHOLE when it is over 1 MiB (CreateStepSummaryCommand,
# with an error annotation), and a job shows at most 20 step summaries (this action writes at
# most 4: prepare, check, render, diff). flinkform bounds its own Markdown (at most 1 MiB,
# blocks closed, the truncation line outside any block); these functions never let a step's
# summary grow past the limit, and never cut Markdown (a cut can leave a block open and hide
# everything after it).
FLINKFORM_SUMMARY_LIMIT=$((1024 * 1024))

# flinkform_summary_room: bytes this step's summary can still take.
flinkform_summary_room() {
  local used=0
  if [ -f "$GITHUB_STEP_SUMMARY" ]; then
    used=$(wc -c < "$GITHUB_STEP_SUMMARY")
  fi
  echo $((FLINKFORM_SUMMARY_LIMIT - used))
}

# flinkform_summary_text TEXT: appends TEXT (the action's own Markdown) if it fits.
flinkform_summary_text() {
  local bytes
  bytes=$(printf '%s' "$1" | wc -c)
  if [ "$bytes" -le "$(flinkform_summary_room)" ]; then
    printf '%s' "$1" >> "$GITHUB_STEP_SUMMARY"
  fi
}

# flinkform_summary FILE: appends FILE (a Markdown report of flinkform) to this step's summary
# if it fits; otherwise says so in the summary and prints FILE to the log.
flinkform_summary() {
  local file=$1 size
  [ -f "$file" ] || return 0
  size=$(wc -c < "$file")
  if [ "$size" -le "$(flinkform_summary_room)" ]; then
    cat "$file" >> "$GITHUB_STEP_SUMMARY"
    return 0
  fi
  flinkform_summary_text "$(printf '\n**A report of %s bytes does not fit in this step summary** (GitHub drops a step summary over 1 MiB whole): it is in the log of this step.\n' "$size")"
  flinkform_log "$file"
}

# --- The log -------------------------------------------------------------------------------

# flinkform_log FILE [BYTES]: prints FILE (text that may come from the pull request: file
# names, spec values) to the log with workflow commands turned off, so nothing in it can be
# taken for `::error` or `::stop-commands`; with BYTES, at most that much of it.
flinkform_log() {
  local file=$1 max=${2:-} size token
  [ -s "$file" ] || return 0
  size=$(wc -c < "$file")
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "::stop-commands::$token"
  if [ -n "$max" ] && [ "$size" -gt "$max" ]; then
    head -c "$max" "$file"
    printf '\n[… %s more bytes not shown]\n' "$((size - max))"
  else
    cat "$file"
    echo
  fi
  echo "::$token::"
}

# --- Revisions -----------------------------------------------------------------------------

# flinkform_revision REF: succeeds when REF can be handed to git as a revision: not empty, not
# starting with `-` (it could be read as an option), and without control characters (no ref
# name or revision holds one, and a line break would end the GITHUB_OUTPUT line). Anything
# else git decides: refs reach git only through variables, after `--end-of-options`, so a
# branch named `feat/$(x)` or `a;b` is just a name.
flinkform_revision() {
  case $1 in
    '' | -* | *[[:cntrl:]]*) return 1 ;;
  esac
}
