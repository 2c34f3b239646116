#!/usr/bin/env bash
# Start a real one-node SLURM cluster in a scratch directory, for CI (no systemd needed).
#
#   .ci/slurm/start.sh [DIR]     DIR defaults to $SLURM_SCRATCH, else a new `mktemp -d`
#   export SLURM_CONF=DIR/etc/slurm.conf PATH=DIR/bin:$PATH    (printed at the end)
#   .ci/slurm/stop.sh DIR
#
# Debian 12's SLURM 22.05 (slurmctld, slurmd, slurm-client) and munge, installed with apt-get if
# missing (needs root). munged, slurmctld and slurmd run directly, each with its pid file, log and
# state under DIR: the cluster writes nothing to /etc, /run or /var. One node (this host's short
# name, its CPUs, its memory less 1 GiB) in one partition, `debug`. Accounting is off, so `sacct`
# does not work here: the Snakemake plugin must be told `--slurm-status-command squeue` (as
# run.sh does), which sees finished jobs for MinJobAge=300 s.
#
# Environment: SLURMCTLD_PORT (6817), SLURMD_PORT (6818), SLURM_PARTITION (debug),
# SLURM_READY_TIMEOUT (60 s).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-${SLURM_SCRATCH:-}}"
[ -n "$dir" ] || dir="$(mktemp -d -t llmplan-slurm.XXXXXX)"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
ctld_port="${SLURMCTLD_PORT:-6817}"
slurmd_port="${SLURMD_PORT:-6818}"
partition="${SLURM_PARTITION:-debug}"
ready_timeout="${SLURM_READY_TIMEOUT:-60}"

say() { echo "slurm-ci: $*"; }
die() {
  echo "slurm-ci: error: $*" >&2
  exit 1
}

# The state below is cleaned out at each start: only in an empty directory or one made here.
marker="$dir/.llmplan-slurm-ci"
[ -e "$marker" ] || [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor made by $0"
touch "$marker"

# ------------------------------------------------------------------ packages
need=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${need[*]}; install them as root: apt-get install --no-install-recommends ${need[*]}"
  command -v apt-get >/dev/null || die "missing ${need[*]} and no apt-get to install them with"
  say "installing ${need[*]} with apt-get"
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq || die "apt-get update failed or timed out"
  timeout 600 apt-get install -y -qq --no-install-recommends "${need[@]}" >"$dir/apt-get.log" 2>&1 ||
    { tail -20 "$dir/apt-get.log" >&2; die "apt-get install ${need[*]} failed (log: $dir/apt-get.log)"; }
  say "installed in $((SECONDS - t0)) s"
fi
[ "$(id -u)" = 0 ] || die "the daemons run as root (SlurmUser=root); run this as root"

# ------------------------------------------------------------------ a clean state directory
# A previous cluster in the same directory is stopped by its pid files first.
if compgen -G "$dir/run/*.pid" >/dev/null; then
  say "stopping the cluster that was left in $dir"
  "$here/stop.sh" "$dir"
fi
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$ctld_port" "$slurmd_port"; do
  port_busy "$port" && die "port $port is in use (another slurmctld/slurmd?); set SLURMCTLD_PORT/SLURMD_PORT"
done
for sub in etc bin munge log run state spool; do
  rm -rf "${dir:?}/$sub"
done
mkdir -p "$dir/etc" "$dir/munge" "$dir/log" "$dir/run" "$dir/state" "$dir/spool"
# munged (as user munge) must reach its key through DIR; it refuses group- or world-writable dirs.
chmod 755 "$dir"
chmod 755 "$dir/munge"
chown munge:munge "$dir/munge"
runuser -u munge -- test -x "$dir/munge" ||
  die "user munge cannot reach $dir (a parent directory is private?); use a directory under /tmp"

# ------------------------------------------------------------------ configuration
host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 - 1024))
conf="$dir/etc/slurm.conf"
cat >"$conf" <<EOF
# Written by .ci/slurm/start.sh: a one-node test cluster, everything under $dir.
ClusterName=llmplan-ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
PlugStackConfig=$dir/etc/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets this much per CPU, not the whole node.
DefMemPerCPU=1000
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue this long (the plugin's status check relies on it).
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=$partition Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
: >"$dir/etc/plugstack.conf"
# Read by slurmd if present; nothing here uses cgroups (proctrack/linuxproc, task/none).
cat >"$dir/etc/cgroup.conf" <<EOF
CgroupPlugin=autodetect
ConstrainCores=no
ConstrainRAMSpace=no
EOF
export SLURM_CONF="$conf"
# snakemake-executor-plugin-slurm-jobstep (0.6.1) removes SLURM_CONF, with every other SLURM_*
# variable but a few, from the environment of the `srun` it starts inside each job; that srun
# then looks for /etc/slurm/slurm.conf, where real clusters keep it and this one does not. This
# srun, first on the PATH that jobs inherit, puts it back.
real_srun="$(command -v srun)"
[ "$real_srun" != "$dir/bin/srun" ] || die "no srun on PATH but the wrapper in $dir/bin"
mkdir -p "$dir/bin"
cat >"$dir/bin/srun" <<EOF
#!/bin/sh
SLURM_CONF="$conf" exec "$real_srun" "\$@"
EOF
chmod 755 "$dir/bin/srun"

# ------------------------------------------------------------------ daemons
t0=$SECONDS
runuser -u munge -- mungekey --create --keyfile="$dir/munge/munge.key"
runuser -u munge -- munged \
  --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket.2" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
  --seed-file="$dir/munge/munged.seed" ||
  { cat "$dir/munge/munged.log" >&2 || true; die "munged did not start"; }
cp "$dir/munge/munged.pid" "$dir/run/munged.pid"
slurmctld -f "$conf" || { tail -20 "$dir/log/slurmctld.log" >&2 || true; die "slurmctld did not start"; }
slurmd -f "$conf" || { tail -20 "$dir/log/slurmd.log" >&2 || true; die "slurmd did not start"; }

state=""
for _ in $(seq "$ready_timeout"); do
  state="$(timeout 10 sinfo -h -o %T 2>/dev/null || true)"
  [ "$state" = idle ] && break
  sleep 1
done
if [ "$state" != idle ]; then
  for log in "$dir/munge/munged.log" "$dir/log/slurmctld.log" "$dir/log/slurmd.log"; do
    echo "---- $log" >&2
    tail -20 "$log" >&2 || true
  done
  die "the node is '${state:-unknown}', not idle, after ${ready_timeout} s"
fi
say "node $host ($cpus CPUs, $mem_mb MB) idle in partition $partition after $((SECONDS - t0)) s"
say "logs: $dir/log/slurmctld.log $dir/log/slurmd.log $dir/munge/munged.log"
say "use: export SLURM_CONF=$conf PATH=$dir/bin:\$PATH"
say "stop: $here/stop.sh $dir"
