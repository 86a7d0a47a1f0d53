#!/usr/bin/env bash
# Scale-out on a real cluster engine: starts a single-node Slurm cluster on this machine (munge,
# slurmctld and slurmd on 127.0.0.1, configured in a scratch folder), submits a bench suite as a job
# array (`sgym bench --shard i/N --resume`), cancels one array task while it runs, submits that task
# again, merges the shards with `sgym bench merge`, and checks that the merged result equals an
# unsharded run of the same suite: the same run/seed set, nothing lost or duplicated, every per-seed
# file byte for byte, every summary figure except timing fields.
#
# usage: scripts/slurm-test.sh SGYM [--full]
#   SGYM    the sgym binary to test (e.g. build/release/cli/sgym)
#   --full  the suite's full budget (6 seeds per run, longer runs) instead of the quick one CI uses
# Needs root (it installs Debian's slurmctld, slurmd, slurm-client and munge when missing and starts
# the daemons); without root and without those packages it exits 77, which ctest reports as skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sgym=$(realpath "${1:?usage: scripts/slurm-test.sh SGYM [--full]}")
budget=--quick budget_name=quick
[ "${2:-}" = "--full" ] && budget= budget_name=full
suite="$here/tests/slurm/suite.toml"
shards=2

say() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }

# --- the packages -------------------------------------------------------------------------------
need=()
for p in slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "skipped: needs root to install ${need[*]} and to start the Slurm daemons"
    exit 77
  fi
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ "$(id -u)" -ne 0 ]; then
  say "skipped: the Slurm daemons here run as root"
  exit 77
fi

# --- a scratch cluster --------------------------------------------------------------------------
work=$(mktemp -d /tmp/sgym-slurm.XXXXXX)
mkdir -p "$work/state" "$work/spool" "$work/log"
started_munge=0
cleanup() {
  set +e
  [ -f "$work/slurm.conf" ] && SLURM_CONF="$work/slurm.conf" scontrol shutdown >/dev/null 2>&1
  for f in "$work/slurmctld.pid" "$work/slurmd.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  [ "$started_munge" = 1 ] && [ -f /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  sleep 0.5
  if [ "${SGYM_KEEP_SLURM_WORK:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# munge authenticates Slurm's messages; reuse a running munged, else start one
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null;
                                   chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  runuser -u munge -- /usr/sbin/munged
  started_munge=1
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || fail "munged did not start"
fi

# two free ports on the loopback for slurmctld and slurmd
read -r port_ctl port_d < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
node=$(hostname -s)
cat > "$work/slurm.conf" <<EOF
ClusterName=sgymtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port_ctl
SlurmdPort=$port_d
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld
slurmd
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break; sleep 0.2; done
sinfo -h -o %T | grep -qE '^idle' || { tail -n 20 "$work"/log/*.log >&2; fail "the node did not come up idle"; }
say "cluster up: node $node, slurmctld :$port_ctl, slurmd :$port_d"

# --- the array job: every task resumes, so a requeued task continues where it stopped ------------
out="$work/out"
mkdir -p "$out"
cat > "$work/array.sh" <<EOF
#!/bin/bash
#SBATCH --cpus-per-task=1
#SBATCH --output=$out/slurm-%A_%a.txt
exec "$sgym" bench "$suite" $budget --jobs 1 --resume \\
  --shard \${SLURM_ARRAY_TASK_ID}/$shards --out "$out/shard-\${SLURM_ARRAY_TASK_ID}"
EOF

jobs_in_queue() { squeue -h -j "$1" 2>/dev/null | wc -l; }
wait_gone() {  # job id, seconds
  for _ in $(seq $(( $2 * 5 ))); do [ "$(jobs_in_queue "$1")" -eq 0 ] && return 0; sleep 0.2; done
  return 1
}
done_in() { find "$1" -path '*/runs/*/seed-*/summary.json' 2>/dev/null | wc -l; }

jid=$(sbatch --parsable --array=0-$((shards - 1)) "$work/array.sh")
say "submitted array job $jid ($shards tasks)"

# cancel task 1 once it has finished one seed and is running the next
victim="${jid}_1"
cancelled=0
for _ in $(seq 1500); do
  state=$(squeue -h -r -j "$victim" -o %T 2>/dev/null || true)
  if [ "$state" = RUNNING ] && [ "$(done_in "$out/shard-1")" -ge 1 ]; then
    scancel "$victim"
    cancelled=1
    break
  fi
  [ -z "$state" ] && [ "$(done_in "$out/shard-1")" -ge 1 ] && break
  sleep 0.2
done
[ "$cancelled" = 1 ] || fail "array task $victim finished before it could be cancelled (make the suite's runs longer)"
wait_gone "$jid" 600 || fail "array job $jid did not finish"
total=$(python3 -c "import tomllib,sys;s=tomllib.load(open(sys.argv[1],'rb'));print(len(s['runs'])*s['budget'][sys.argv[2]]['seeds'])" "$suite" "$budget_name")
share=$(( (total + shards - 2) / shards ))  # jobs k with k % shards == 1
left=$(done_in "$out/shard-1")
say "cancelled $victim with $left of its $share run/seed jobs done; shard 0 finished $(done_in "$out/shard-0")"
[ "$left" -lt "$share" ] || fail "the cancelled task had already finished its share"

# submit the cancelled task again: --resume keeps its finished seeds and reruns the interrupted one
jid2=$(sbatch --parsable --array=1 "$work/array.sh")
say "resubmitted task 1 as $jid2"
wait_gone "$jid2" 600 || fail "resubmitted job $jid2 did not finish"

# --- merge and compare with an unsharded run -----------------------------------------------------
"$sgym" bench merge "$out/shard-0" "$out/shard-1" --out "$out/merged" >/dev/null
"$sgym" bench "$suite" $budget --jobs 2 --out "$out/unsharded" >/dev/null 2>&1
python3 - "$out/merged" "$out/unsharded" <<'PY'
import json, pathlib, sys
merged, ref = map(pathlib.Path, sys.argv[1:3])
TIMING = {"wall_seconds", "env_steps_per_second", "finished_at", "command"}

def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in TIMING}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x

def jobs(root):
    return sorted(str(p.relative_to(root)) for p in root.glob("runs/*/seed-*") if (p / "summary.json").exists())

a, b = jobs(merged), jobs(ref)
assert a == b, f"run/seed sets differ: merged {a} vs unsharded {b}"
assert len(a) == len(set(a)), "a run/seed appears twice"
for job in a:
    for f in sorted((ref / job).iterdir()):
        g = merged / job / f.name
        assert g.exists(), f"{job}/{f.name} missing from the merged output"
        if f.name == "summary.json":
            assert strip(json.loads(f.read_text())) == strip(json.loads(g.read_text())), f"{job}/summary.json differs"
        else:
            assert f.read_bytes() == g.read_bytes(), f"{job}/{f.name} differs byte for byte"
    extra = {p.name for p in (merged / job).iterdir()} - {p.name for p in (ref / job).iterdir()}
    assert not extra, f"{job} has extra files in the merged output: {extra}"
sm, sr = (strip(json.loads((d / "summary.json").read_text())) for d in (merged, ref))
for d in (sm, sr):
    d.pop("machine", None)
assert sm == sr, "the merged summary.json differs from the unsharded one"
print(f"slurm-test: merged == unsharded: {len(a)} run/seed jobs, every file identical (timing fields aside)")
PY
say "OK"
