#!/usr/bin/env bash
# Stop the cluster that .ci/slurm/start.sh DIR started: cancel its jobs, then end slurmd,
# slurmctld and munged by the pids recorded in DIR/run/, and wait until they have exited.
#
#   .ci/slurm/stop.sh DIR        (DIR defaults to $SLURM_SCRATCH)
set -uo pipefail

dir="${1:-${SLURM_SCRATCH:-}}"
[ -n "$dir" ] || {
  echo "usage: $0 DIR (the directory given to start.sh)" >&2
  exit 2
}
say() { echo "slurm-ci: $*"; }

# A pid from the file, if that process is still the daemon we started (pids get reused).
live_pid() { # name
  local file="$dir/run/$1.pid" pid
  [ -s "$file" ] || return 1
  pid="$(tr -dc 0-9 <"$file")"
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && echo "$pid"
}

# Jobs still queued or running (a run killed half-way) go first, so no job step outlives slurmd.
if [ -f "$dir/etc/slurm.conf" ] && live_pid slurmctld >/dev/null; then
  export SLURM_CONF="$dir/etc/slurm.conf"
  if [ -n "$(timeout 10 squeue -h -t pending,running,completing -o %i 2>/dev/null)" ]; then
    say "cancelling the jobs still in the queue"
    timeout 10 scancel --full --user "$(id -un)" || true
    for _ in $(seq 30); do
      [ -z "$(timeout 10 squeue -h -t pending,running,completing -o %i 2>/dev/null)" ] && break
      sleep 1
    done
  fi
fi

status=0
for name in slurmd slurmctld munged; do
  pid="$(live_pid "$name")" || { rm -f "$dir/run/$name.pid"; continue; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name ($pid) ignored SIGTERM for 20 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    kill -0 "$pid" 2>/dev/null && {
      say "error: $name ($pid) is still running"
      status=1
    }
  fi
  rm -f "$dir/run/$name.pid"
  say "stopped $name ($pid)"
done
exit "$status"
