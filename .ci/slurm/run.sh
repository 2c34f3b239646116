#!/usr/bin/env bash
# CI: the workflow run through a real one-node SLURM cluster (`--workflow-profile profiles/slurm`)
# writes the same bytes as a local run.
#
# Starts the cluster (start.sh; installs Debian's slurmctld, slurmd, slurm-client and munge if
# missing, so it needs root), runs the workflow locally and then through SLURM in one scratch copy
# of the repository, compares every file under reports/ byte for byte, and stops the daemons
# (stop.sh, also on failure or interruption). Exits non-zero on any difference.
#
# What it assumes of the repository (adapt here when the layout changes):
# - the workflow is Snakefile, config/, workflow/, data/ and profiles/ at the top (COPY below);
#   .test/config.yaml is the small config, given with --configfile;
# - .test/config.yaml reads its scenarios from .test/scenarios (one-pf-day compares
#   fit:synthetic-isoflop, so its plan waits on the fit; small-lab has a hardware budget);
# - every output is under reports/; reports/logs/ holds the jobs' logs, which are not compared;
# - outputs take their build date from SOURCE_DATE_EPOCH (set here, the same for both runs) and
#   their commit from git (the copy is no git repository: no commit in either run);
# - `snakemake` and snakemake-executor-plugin-slurm are installed (pip install -e '.[slurm]').
#
# Environment: KEEP_SCRATCH=1 keeps the scratch directory; SNAKEMAKE_TIMEOUT (seconds, 900).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
COPY=(Snakefile config workflow data profiles .test)
timeout_s="${SNAKEMAKE_TIMEOUT:-900}"

say() { echo "slurm-ci: $*"; }
die() {
  echo "slurm-ci: error: $*" >&2
  exit 1
}

python -c "import snakemake_executor_plugin_slurm" 2>/dev/null ||
  die "snakemake-executor-plugin-slurm is not installed: pip install -e '.[slurm]'"

scratch="$(mktemp -d -t llmplan-slurm-ci.XXXXXX)"
chmod 755 "$scratch" # munged runs as user munge and must reach its key and socket in here
cluster="$scratch/cluster"
work="$scratch/work"
ok=0
cleanup() {
  "$repo/.ci/slurm/stop.sh" "$cluster" || true
  if [ "$ok" = 1 ] && [ -z "${KEEP_SCRATCH:-}" ]; then
    rm -rf "$scratch"
  else
    say "scratch directory kept: $scratch"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t_all=$SECONDS
t0=$SECONDS
"$repo/.ci/slurm/start.sh" "$cluster"
t_start=$((SECONDS - t0))
export SLURM_CONF="$cluster/etc/slurm.conf" PATH="$cluster/bin:$PATH"

# ------------------------------------------------------------------ one copy of the workflow
mkdir -p "$work"
for name in "${COPY[@]}"; do
  cp -r "$repo/$name" "$work/"
done
find "$work" -name __pycache__ -prune -exec rm -rf {} +
# The copy is no git repository; git must not find one above it either.
export GIT_CEILING_DIRECTORIES="$scratch"
# One build date for both runs: the commit's, else a fixed one.
SOURCE_DATE_EPOCH="$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 1700000000)"
export SOURCE_DATE_EPOCH

# Snakemake ignores SIGTERM while it waits on jobs: end it with SIGKILL.
run_snakemake() { # label, args...
  local label="$1" rc=0
  shift
  (cd "$work" && timeout -s KILL "$timeout_s" snakemake --configfile .test/config.yaml "$@") \
    >"$scratch/$label.log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    tail -40 "$scratch/$label.log" >&2
    if [ "$rc" = 137 ]; then echo "slurm-ci: snakemake killed after ${timeout_s} s" >&2; fi
    # The logs of failed SLURM jobs (the plugin deletes those of jobs that succeeded) and the
    # daemons' last words.
    for log in "$work"/.snakemake/slurm_logs/*/*.log "$work"/.snakemake/slurm_logs/*/*/*.log \
      "$cluster/log/slurmctld.log" "$cluster/log/slurmd.log"; do
      if [ -f "$log" ]; then
        echo "---- $log" >&2
        tail -20 "$log" >&2
      fi
    done
    die "the $label run failed (exit $rc; log: $scratch/$label.log)"
  fi
}

# ------------------------------------------------------------------ local run, then SLURM run
t0=$SECONDS
run_snakemake local --cores 2
t_local=$((SECONDS - t0))
mv "$work/reports" "$scratch/reports-local"
rm -rf "$work/.snakemake"

t0=$SECONDS
# What this cluster needs beyond profiles/slurm: accounting is off, so job states come from squeue
# (sacct fails; its "invalid option" while the plugin guesses an account is harmless, and
# --slurm-no-account does nothing in plugin 2.8.0); first status check after 5 s, not 40 s.
run_snakemake slurm --workflow-profile profiles/slurm --jobs 4 \
  --slurm-status-command squeue --slurm-init-seconds-before-status-checks 5
t_slurm=$((SECONDS - t0))
mv "$work/reports" "$scratch/reports-slurm"

# Every job but the local `all` went through sbatch.
expected=$(($(awk '$1 == "total" {print $2; exit}' "$scratch/slurm.log") - 1))
submitted="$(grep -c 'has been submitted with SLURM jobid' "$scratch/slurm.log" || true)"
say "SLURM jobs submitted: $submitted of $expected"
if [ "$expected" -le 0 ] || [ "$submitted" != "$expected" ]; then
  die "expected $expected jobs submitted to SLURM, found $submitted (log: $scratch/slurm.log)"
fi

# ------------------------------------------------------------------ byte-for-byte comparison
list() { (cd "$1" && find . -path ./logs -prune -o -type f -print | LC_ALL=C sort); }
diff <(list "$scratch/reports-local") <(list "$scratch/reports-slurm") >&2 ||
  die "the two runs wrote different sets of files (above: < local, > SLURM)"
count=0
differ=0
while IFS= read -r file; do
  count=$((count + 1))
  cmp -s "$scratch/reports-local/$file" "$scratch/reports-slurm/$file" || {
    echo "slurm-ci: differs: reports/${file#./}" >&2
    differ=$((differ + 1))
  }
done < <(list "$scratch/reports-local")
if [ "$count" = 0 ] || [ ! -s "$scratch/reports-local/index.html" ]; then
  die "the local run wrote no reports/index.html: nothing to compare"
fi
[ "$differ" = 0 ] || die "$differ of $count files differ between the local and the SLURM run"

say "cluster start ${t_start} s, local run ${t_local} s, SLURM run ${t_slurm} s, total $((SECONDS - t_all)) s"
say "$count files under reports/ byte-identical between the local and the SLURM run"
ok=1
