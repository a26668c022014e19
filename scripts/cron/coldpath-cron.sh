#!/usr/bin/env bash
# Runs one coldpath job from cron: never two runs of the same job at once, one log file per run, and the
# job's exit code passed through (docs/operations.md, "Scheduling with cron").
#
#   coldpath-cron.sh JOB.yaml [coldpath run arguments ...]
#   e.g. coldpath-cron.sh /etc/coldpath/jobs/wine.yaml --date 2026-11-28
#
# It runs `$COLDPATH_BIN run JOB.yaml ARGS...` while holding an exclusive lock (flock) on a lock file named
# after the job. When another run of the same job still holds the lock, it starts nothing, prints one line
# to stderr and exits 75 (EX_TEMPFAIL from sysexits.h: "try again later"); the next cron tick tries again.
# Otherwise it exits with coldpath's own exit code: 0 success, 2 invalid job or data, 3 input not there yet,
# 4 budget breached, 5 too many rejected rows, 6 external failure, 70 internal error (README, "Exit codes").
# On failure it prints the code and the end of the log to stderr, which cron mails to MAILTO.
#
# Environment (defaults in brackets):
#   COLDPATH_BIN             the coldpath command [bin/coldpath of this checkout]
#   COLDPATH_CRON_NAME       the job's name for lock and log files [JOB.yaml's file name without extension]
#   COLDPATH_CRON_LOG_DIR    where the logs go: NAME-YYYYMMDDTHHMMSS.NNNNNNNNNZ.log, one per run
#                            [$XDG_STATE_HOME/coldpath/logs, else ~/.local/state/coldpath/logs]
#   COLDPATH_CRON_KEEP_LOGS  how many of the job's newest logs to keep; older ones are deleted [30]
#   COLDPATH_CRON_LOCK       the lock file [COLDPATH_CRON_LOG_DIR/NAME.lock]
# Needs bash, flock (util-linux) and GNU date: Linux, as cron and flock are.
set -uo pipefail

readonly EX_USAGE=64
readonly EX_LOCKED=75

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit "$EX_USAGE"
fi
job="$1"
shift

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${COLDPATH_BIN:-$home/bin/coldpath}"
name="${COLDPATH_CRON_NAME:-$(basename "$job")}"
name="${name%.*}"
log_dir="${COLDPATH_CRON_LOG_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/coldpath/logs}"
keep="${COLDPATH_CRON_KEEP_LOGS:-30}"
lock="${COLDPATH_CRON_LOCK:-$log_dir/$name.lock}"

if [[ ! "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "coldpath-cron: invalid COLDPATH_CRON_KEEP_LOGS: '$keep' (must be a whole number >= 1)" >&2
  exit "$EX_USAGE"
fi
if [[ ! "$name" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "coldpath-cron: invalid job name '$name' for lock and log files: use letters, digits, '.', '_', '-'" \
    "(set COLDPATH_CRON_NAME)" >&2
  exit "$EX_USAGE"
fi
if ! mkdir -p "$log_dir" "$(dirname "$lock")"; then
  echo "coldpath-cron: cannot create the log directory $log_dir" >&2
  exit 73 # EX_CANTCREAT
fi

# The lock lives as long as file descriptor 9, i.e. as long as this script and the coldpath it starts
# (which inherits the descriptor); the kernel releases it when they exit, even after kill -9.
exec 9>>"$lock" || { echo "coldpath-cron: cannot open the lock file $lock" >&2; exit 73; }
if ! flock -n 9; then
  echo "coldpath-cron: $name is still running (another run holds $lock): not starting a second one," \
    "exiting with $EX_LOCKED" >&2
  exit "$EX_LOCKED"
fi

log="$log_dir/$name-$(date -u +%Y%m%dT%H%M%S.%NZ).log"
# Keep the newest $keep logs of this job, this run's included (names sort by start time).
shopt -s nullglob
logs=("$log_dir/$name"-[0-9]*T[0-9]*Z.log)
shopt -u nullglob
: >"$log"
logs+=("$log")
mapfile -t logs < <(printf '%s\n' "${logs[@]}" | sort -u)
for ((i = 0; i < ${#logs[@]} - keep; i++)); do
  rm -f -- "${logs[$i]}"
done

{
  echo "coldpath-cron: start $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), pid $$"
  printf 'coldpath-cron: command:'
  printf ' %q' "$bin" run "$job" "$@"
  echo
} >>"$log"

# Run coldpath in the background and wait, so a TERM or INT sent to this script (cron stopping, a kill by
# an operator) reaches coldpath too, and the log says how the run ended.
"$bin" run "$job" "$@" >>"$log" 2>&1 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
wait "$child"
code=$?
while kill -0 "$child" 2>/dev/null; do # wait returns early when a trapped signal arrives
  wait "$child"
  code=$?
done
trap - TERM INT HUP

echo "coldpath-cron: end $(date -u +%Y-%m-%dT%H:%M:%SZ), exit code $code" >>"$log"
if [[ $code -ne 0 ]]; then
  {
    echo "coldpath-cron: $name failed with exit code $code; log: $log"
    echo "--- last lines of the log ---"
    tail -n 20 "$log"
  } >&2
fi
exit "$code"
