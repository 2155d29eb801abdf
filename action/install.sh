#!/usr/bin/env bash
# Finds flinkform for action.yml, without compiling when it can:
#
# * the prebuilt binary of the action's own version (the `version` in the action's
#   Cargo.toml; `github.action_ref` cannot say it: it is empty inside composite actions and a
#   commit id when the action is pinned by SHA), downloaded from the release and verified
#   against the SHA-256 committed with the action in dist/checksums/v<version>.sha256 (a
#   checksum file fetched from the same release would prove nothing);
# * otherwise (no checksums committed for this version, e.g. an unreleased commit; a platform
#   without a prebuilt binary; the download failing; a binary that does not run here, such as
#   on an unusual kernel or emulator) a build from source, which the next steps do, with a
#   cache key that changes with the action's source.
#
# The Linux binaries are static (musl), so they run whatever the runner's C library.
#
# A binary whose checksum does not match is refused and the step fails: that download is not
# what was released, and building instead would hide it.
#
# Environment: ACTION_PATH (the action's folder), FLINKFORM_RELEASE_URL (base URL of the
# releases: <url>/v<version>/<archive>; any URL curl reads, file:// included), RUNNER_TEMP,
# RUNNER_OS, GITHUB_OUTPUT, GITHUB_PATH. Outputs: method=release|build, version, and for a
# build cache-key. Annotations go through the action's budget (lib.sh).
set -euo pipefail

action=${ACTION_PATH:?ACTION_PATH is not set}
# shellcheck source=lib.sh
source "$action/action/lib.sh"
version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action/Cargo.toml" | head -n 1)
if [ -z "$version" ]; then
  flinkform_annotate error "cannot read the version from $action/Cargo.toml"
  exit 1
fi
echo "version=$version" >> "$GITHUB_OUTPUT"

sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac

archive="flinkform-v$version-$target.tar.gz"
sums="$action/dist/checksums/v$version.sha256"
expected=""
if [ -n "$target" ] && [ -f "$sums" ]; then
  expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$sums")
fi

if [ -n "$expected" ]; then
  case $expected in
    *[!0-9a-f]*) expected="" ;;
  esac
  if [ "${#expected}" -ne 64 ]; then
    flinkform_annotate error "$sums has no valid SHA-256 for $archive"
    exit 1
  fi
  dir="$RUNNER_TEMP/flinkform-v$version-$target"
  rm -rf "$dir"
  mkdir -p "$dir"
  url="${FLINKFORM_RELEASE_URL%/}/v$version/$archive"
  if curl --fail --silent --show-error --location --retry 3 --output "$dir/$archive" "$url"; then
    actual=$(sha256 "$dir/$archive" | awk '{ print $1 }')
    if [ "$actual" != "$expected" ]; then
      rm -f "$dir/$archive"
      flinkform_annotate error "$archive from $url has SHA-256 $actual, but the action's $sums says $expected: refusing to run it"
      exit 1
    fi
    tar -xzf "$dir/$archive" -C "$dir" flinkform
    rm -f "$dir/$archive"
    chmod 0755 "$dir/flinkform"
    # The binary is what was released; whether it runs here is another matter (a kernel or
    # emulator it does not support): then build, as for a platform without a binary.
    if "$dir/flinkform" --version > "$dir/version.out" 2>&1; then
      cat "$dir/version.out"
      echo "$dir" >> "$GITHUB_PATH"
      echo "method=release" >> "$GITHUB_OUTPUT"
      echo "flinkform $version: the released binary for $target, checksum verified"
      exit 0
    fi
    echo "The released binary for $target (checksum verified) does not run on this runner:"
    flinkform_log "$dir/version.out" 4096
    rm -rf "$dir"
    flinkform_annotate warning "the prebuilt flinkform $version for $target does not run on this runner (see the log); building flinkform from source instead"
  else
    flinkform_annotate warning "could not download $url; building flinkform from source instead"
  fi
fi

# Build from source: the cache key is a hash of everything the build reads (hashFiles() sees
# only files in the workspace, and the action is not there).
files=()
while IFS= read -r -d '' f; do
  files+=("$f")
done < <(cd "$action" && find Cargo.toml Cargo.lock src schemas -type f -print0 2> /dev/null | LC_ALL=C sort -z)
source_hash=$(cd "$action" && sha256 "${files[@]}" | sha256 | awk '{ print substr($1, 1, 32) }')
echo "method=build" >> "$GITHUB_OUTPUT"
echo "cache-key=flinkform-build-${RUNNER_OS:-$(uname -s)}-$(uname -m)-$source_hash" >> "$GITHUB_OUTPUT"
if [ -z "$target" ]; then
  echo "flinkform $version: no prebuilt binary for $(uname -s)/$(uname -m); building from source"
elif [ -z "$expected" ]; then
  echo "flinkform $version: no checksums committed with this version of the action; building from source"
fi
