#!/usr/bin/env bash
# The flakiness hunt: runs .ci/run N times in a row, each on a fresh clone of the current commit, and prints
# one line per run (exit code, wall time). With --hog, `stress-ng --cpu 2` (Debian's stress-ng) keeps both
# cores busy during the runs, as on a loaded CI machine.
#
#   scripts/repeat-ci.sh [--hog] N     logs in target/repeat-ci/run-K.log; exit 1 if any run failed
set -euo pipefail

hog=false
if [[ "${1:-}" == --hog ]]; then
  hog=true
  shift
fi
runs="${1:?usage: $0 [--hog] N}"
project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$project/target/repeat-ci"
mkdir -p "$out"
commit="$(git -C "$project" rev-parse HEAD)"

hog_pid=
if $hog; then
  command -v stress-ng > /dev/null || { echo "repeat-ci: --hog needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
  stress-ng --cpu 2 --quiet &
  hog_pid=$!
  trap 'kill "$hog_pid" 2> /dev/null || true' EXIT
fi

failed=0
for ((k = 1; k <= runs; k++)); do
  clone="$(mktemp -d)"
  git clone -q "$project" "$clone"
  git -C "$clone" checkout -q "$commit"
  began=$SECONDS
  code=0
  (cd "$clone" && CI=true bash .ci/run) > "$out/run-$k.log" 2>&1 || code=$?
  echo "repeat-ci: run $k of $runs on ${commit:0:12}$($hog && echo ' under stress-ng --cpu 2'): exit $code in $((SECONDS - began)) s"
  [[ $code == 0 ]] || failed=1
  rm -rf "$clone"
done
exit $failed
