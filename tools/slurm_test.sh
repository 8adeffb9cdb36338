#!/usr/bin/env bash
# Proves `metaxbar sweep --slurm` against a real Slurm on this machine: installs Debian's
# slurm-wlm and munge when missing, starts a private single-node cluster (munged,
# slurmctld, slurmd; configuration, state, spool and logs under a temporary directory),
# submits a small sweep as an array job, waits for it, merges the shard tables and checks
# that the merged table equals a local run of the same sweep (wall_s aside). Every daemon
# it starts is stopped on exit, whatever happens.
#
# Usage (as root): tools/slurm_test.sh [METAXBAR [WORKDIR]]
#   METAXBAR  the binary to test (default build/metaxbar)
#   WORKDIR   where the sweep writes (default: a fresh temporary directory)
# Environment: MX_SLURM_TEST_TIMEOUT (seconds, default 420) bounds the whole test.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
metaxbar=$(readlink -f "${1:-$repo/build/metaxbar}")
work=${2:-}
deadline=$((SECONDS + ${MX_SLURM_TEST_TIMEOUT:-420}))
run=""  # daemons' directory
job=""

say() { echo "slurm_test: $*"; }

show_logs() {
  [[ -n $run && -d $run ]] || return 0
  local f
  for f in "$run"/log/*.log "$run"/apt.log; do
    [[ -s $f ]] && { echo "---- $f (last 25 lines)"; tail -n 25 "$f"; }
  done
  if [[ -n $work && -d $work/slurm-out/slurm ]]; then
    for f in "$work"/slurm-out/slurm/*.out; do
      [[ -s $f ]] && { echo "---- $f"; tail -n 15 "$f"; }
    done
  fi
  return 0
}

fail() {
  echo "slurm_test: FAIL: $*" >&2
  show_logs >&2
  exit 1
}

time_left() { ((SECONDS < deadline)); }

# Stops a daemon we started, by the pid its pid file names, if that process is still the
# daemon (the pid may have been reused after it died).
stop_daemon() {
  local name=$1 pidfile=$2 pid i
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name"* ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  if [[ -n $job ]]; then scancel "$job" >/dev/null 2>&1; sleep 1; fi
  if [[ -n $run ]]; then
    stop_daemon slurmd "$run/slurmd.pid"
    stop_daemon slurmctld "$run/slurmctld.pid"
    stop_daemon munged "$run/munged.pid"
    if ((status == 0)) && [[ -z ${MX_SLURM_KEEP:-} ]]; then rm -rf "$run"; else say "daemon files kept in $run"; fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] || fail "run as root: it installs packages and starts munged, slurmctld and slurmd"
[[ -x $metaxbar ]] || fail "no metaxbar binary at $metaxbar (build it first, or pass its path)"
[[ -d /usr/share/datasets/fashion-mnist ]] || fail "Fashion-MNIST missing at /usr/share/datasets/fashion-mnist (tools/setup.sh)"
if [[ -z $work ]]; then work=$(mktemp -d /tmp/mx-slurm-sweep.XXXXXX); fi
mkdir -p "$work"
work=$(readlink -f "$work")
# munged wants every directory above its socket searchable by all, so not under a 0700 TMPDIR.
run=$(mktemp -d /tmp/mx-slurm.XXXXXX)
chmod 755 "$run"
mkdir -p "$run/state" "$run/spool" "$run/log"

# ---- packages ----
missing=()
for package in slurm-wlm munge; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { timeout 300 apt-get install -y --no-install-recommends "${missing[@]}" >>"$run/apt.log" 2>&1; }
  if ! apt_install; then
    say "apt-get install failed with the current package lists; apt-get update and retry"
    timeout 180 apt-get update >>"$run/apt.log" 2>&1 || fail "apt-get update failed"
    apt_install || fail "apt-get install ${missing[*]} failed"
  fi
fi
for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scancel; do
  command -v "$tool" >/dev/null || [[ $tool == mungekey ]] || fail "$tool not found after installing slurm-wlm and munge"
done

# ---- munge ----
key=/etc/munge/munge.key
if [[ ! -s $key ]]; then
  say "creating $key"
  mkdir -p /etc/munge
  if command -v mungekey >/dev/null; then mungekey --create --keyfile="$key"; else dd if=/dev/urandom of="$key" bs=1024 count=1 status=none; fi
  chown munge:munge "$key" 2>/dev/null || true
  chmod 0400 "$key"
fi
# A private munged (its own socket, pid and seed files) so that a system one, running or
# not, is neither needed nor disturbed. Run as root, it insists on a root-owned key.
install -m 0400 -o root -g root "$key" "$run/munge.key"
munged --socket="$run/munge.sock" --key-file="$run/munge.key" --pid-file="$run/munged.pid" \
  --log-file="$run/log/munged.log" --seed-file="$run/munged.seed" || fail "munged did not start"
munge -S "$run/munge.sock" -n | unmunge -S "$run/munge.sock" >/dev/null || fail "munge round trip failed"

# ---- slurm ----
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
# Ports away from Slurm's defaults, so that a system cluster on this host is left alone.
port=$((20000 + $$ % 20000))
export SLURM_CONF=$run/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Single-node test cluster written by tools/slurm_test.sh
ClusterName=mxtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$run/munge.sock
StateSaveLocation=$run/state
SlurmdSpoolDir=$run/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$run/log/slurmctld.log
SlurmdLogFile=$run/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=mxtest Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

say "waiting for node $host to be idle"
state=""
while time_left; do
  state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n 1 || true)
  case $state in
    idle) break ;;
    down* | drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
[[ $state == idle ]] || fail "node $host is '${state:-unknown}', not idle"

# ---- the sweep: 6 tiny points in 4 array tasks (shards of 2, 2, 1 and 1 points) ----
cd "$work"
cat >base.json <<'EOF'
{"data": {"dir": "/usr/share/datasets/fashion-mnist", "train_samples": 200, "test_samples": 100},
 "task": {"pairs": [[0, 1]]}}
EOF
cat >sweep.json <<'EOF'
{"description": "slurm_test: 3 n_mem x 2 seeds of a one-task, 200-sample split-Fashion-MNIST run",
 "base": "base.json", "axes": {"device.n_mem": [1, 2, 7]}, "seeds": [1, 2]}
EOF
rm -rf slurm-out local
submitted=$("$metaxbar" sweep sweep.json --out slurm-out --slurm --shards 4 --time 10) || fail "sweep --slurm failed: $submitted"
echo "$submitted"
job=$(sed -n 's/^submitted Slurm job \([0-9][0-9]*\).*/\1/p' <<<"$submitted")
[[ -n $job ]] || fail "no job id in the output of sweep --slurm"

say "waiting for array job $job"
while time_left && [[ -n $(squeue -h -j "$job" -o %i 2>/dev/null) ]]; do
  sleep 1
done
time_left || fail "array job $job did not finish in time: $(squeue -j "$job" 2>&1)"
job=""

"$metaxbar" sweep merge slurm-out || fail "merge of the shard tables failed"
say "running the same sweep locally (-j 2)"
"$metaxbar" sweep sweep.json --out local -j 2 || fail "the local run failed"

# The tables must agree row by row; wall_s is the only column allowed to differ.
python3 - slurm-out/results.jsonl local/results.jsonl <<'EOF' || fail "the merged Slurm table differs from the local one"
import json, sys

def rows(path):
    with open(path) as f:
        return [{k: v for k, v in json.loads(line).items() if k != "wall_s"} for line in f if line.strip()]

merged, local = rows(sys.argv[1]), rows(sys.argv[2])
for a, b in zip(merged, local):
    if a != b:
        print(f"first difference:\n  slurm {a}\n  local {b}")
        sys.exit(1)
if len(merged) != len(local) or len(merged) != 6:
    print(f"{len(merged)} rows from Slurm, {len(local)} locally, 6 expected")
    sys.exit(1)
if any(row["status"] != "ok" for row in merged):
    print("some point failed")
    sys.exit(1)
EOF
say "PASS: 6 points in 4 array tasks; the merged table equals the local run ($SECONDS s)"
