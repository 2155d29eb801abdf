# Shell functions shared by the steps of action.yml (sourced; bash). Each step runs as the
# runner runs it: `bash --noprofile --norc -eo pipefail`, so a non-zero exit of a command ends
# the step unless it is caught; the steps catch flinkform's exit code, write the summary and
# their outputs, and exit with that code last.

# GitHub keeps at most 1 MiB of each step's summary and drops the rest.
FLINKFORM_SUMMARY_LIMIT=$((1024 * 1024))

# flinkform_summary FILE: appends FILE to this step's summary. A file over the limit is cut
# at a line boundary and ends with a line that says it was cut and where to see everything.
flinkform_summary() {
  local file=$1 size keep
  [ -f "$file" ] || return 0
  size=$(wc -c < "$file")
  if [ "$size" -le "$FLINKFORM_SUMMARY_LIMIT" ]; then
    cat "$file" >> "$GITHUB_STEP_SUMMARY"
    return 0
  fi
  keep=$((FLINKFORM_SUMMARY_LIMIT - 1024))
  # The last line may be cut in the middle (even of a character): drop it whole.
  head -c "$keep" "$file" | sed '$d' >> "$GITHUB_STEP_SUMMARY"
  printf '\n\n**This summary was cut at %s KiB** (GitHub keeps 1 MiB of a step summary): %s bytes were left out. The log of this step has all of it.\n' \
    "$((keep / 1024))" "$((size - keep))" >> "$GITHUB_STEP_SUMMARY"
}

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

# flinkform_revision REF: succeeds when REF can only be read as a revision (not an option,
# no whitespace or shell-special characters).
flinkform_revision() {
  case $1 in
    '' | -* | *[!A-Za-z0-9._/@^~{}:+-]*) return 1 ;;
  esac
}
