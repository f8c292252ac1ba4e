#!/usr/bin/env bash
# Integration test of `spinboson sweep --emit-slurm` on a real single-node Slurm (Debian 12, as
# root). Installs slurm-wlm and munge if missing, starts munged (unless one already answers),
# slurmctld and slurmd on a configuration in a temporary directory (own ports, state, spool and
# logs), runs a small sweep unsharded, then through the emitted script (a 3-task array plus the
# dependent merge job) in a directory whose name needs quoting, and compares the two files byte
# for byte. On exit it stops every daemon it started (by PID), removes its temporary directory
# and checks that nothing is left running. On failure it prints the Slurm logs and job outputs.
#
#   bash tests/slurm/run.sh
#   RUN_SLURM_TESTS=0 bash tests/slurm/run.sh     skip (exit 0)
#   SPINBOSON=path/to/spinboson bash tests/slurm/run.sh
# Without SPINBOSON it uses ${CARGO_TARGET_DIR:-target}/release/spinboson, built if missing.
set -euo pipefail

if [[ "${RUN_SLURM_TESTS:-1}" == 0 ]]; then
    echo "slurm test: skipped (RUN_SLURM_TESTS=0)"
    exit 0
fi
cd "$(dirname "$0")/../.."
started_at=$(date +%s.%N)
elapsed() { awk -v a="$started_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
say() { echo "slurm test [$(elapsed)]: $*"; }
fail() {
    echo "slurm test: FAILED: $*" >&2
    exit 1
}
[[ $(id -u) == 0 ]] || fail "run it as root (it installs packages and runs slurmd)"

# The binary.
if [[ -n "${SPINBOSON:-}" ]]; then
    [[ -x "$SPINBOSON" ]] || fail "SPINBOSON=$SPINBOSON is not an executable"
    bin=$SPINBOSON
else
    bin=${CARGO_TARGET_DIR:-target}/release/spinboson
    if [[ ! -x "$bin" ]]; then
        say "building $bin (cargo build --release)"
        cargo build --release || fail "cargo build --release"
    fi
fi
bin=$(realpath "$bin")

# Slurm and munge.
export DEBIAN_FRONTEND=noninteractive
packages=(slurm-wlm munge)
if ! command -v sbatch >/dev/null || [[ ! -x /usr/sbin/slurmctld || ! -x /usr/sbin/slurmd || ! -x /usr/sbin/munged ]]; then
    say "installing ${packages[*]}"
    apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; } ||
        fail "cannot install ${packages[*]} with apt-get"
fi

# From here on, whatever happens, the trap stops what was started and removes the files.
tmp=$(mktemp -d /tmp/spinboson-slurm.XXXXXX)
munged_pid= slurmctld_pid= slurmd_pid=
ok=0

# Whether PID is a live process (a zombie is not: finished job steps are reparented to PID 1,
# which may reap them a few seconds later).
alive() {
    local stat
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ "$stat" != Z* ]]
}

# The live slurmstepd processes, one PID a line, sorted.
job_steps() {
    ps -C slurmstepd -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }' | sort || true
}

stop() { # PID NAME: TERM, then KILL after 10 s
    local pid=$1 name=$2
    [[ -n "$pid" ]] && alive "$pid" || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        echo "slurm test: $name ($pid) ignored SIGTERM; SIGKILL" >&2
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

show_logs() {
    echo "---- slurm.conf" >&2
    cat "$tmp/slurm.conf" >&2 2>/dev/null || true
    for f in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/munged.out /var/log/munge/munged.log; do
        [[ -f "$f" ]] && { echo "---- $f (last 60 lines)" >&2; tail -n 60 "$f" >&2; }
    done
    if [[ -n "${work:-}" && -d "$work" ]]; then
        for f in "$work"/*.slurm-logs/*; do
            [[ -f "$f" ]] && { echo "---- job output $f" >&2; cat "$f" >&2; }
        done
    fi
    if [[ -n "${array_id:-}" ]]; then
        echo "---- scontrol show job" >&2
        timeout 10 scontrol show job "$array_id" >&2 2>/dev/null || true
        timeout 10 scontrol show job "$merge_id" >&2 2>/dev/null || true
    fi
}

cleanup() {
    local status=$?
    trap - EXIT
    set +e
    if ((status != 0)) || ((ok == 0)); then
        show_logs
    fi
    # Jobs still queued or running (a failure) are cancelled while Slurm can still do it.
    if [[ -n "${array_id:-}" ]] && alive "$slurmctld_pid"; then
        timeout 10 scancel "$array_id" "$merge_id" 2>/dev/null
        for _ in $(seq 50); do
            [[ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]] && break
            sleep 0.2
        done
    fi
    stop "$slurmd_pid" slurmd
    stop "$slurmctld_pid" slurmctld
    stop "$munged_pid" munged
    # Job steps outlive a stopped slurmd: any this test made (not there before) are its own.
    local steps
    steps=$(comm -13 <(echo "$before_steps") <(job_steps) | tr '\n' ' ')
    if [[ -n "${steps// /}" ]]; then
        echo "slurm test: stopping leftover slurmstepd $steps" >&2
        for pid in $steps; do stop "$pid" slurmstepd; done
    fi
    # And the jobs' own processes: their command lines name this test's directory.
    local jobs
    jobs=$(ps -eo pid=,args= | awk -v dir="$tmp" -v me=$$ 'index($0, dir) && $1 != me { print $1 }')
    for pid in $jobs; do
        alive "$pid" && [[ "$(ps -o args= -p "$pid")" == *"$bin"* ]] && stop "$pid" "job process"
    done
    local left=()
    for pid in $slurmd_pid $slurmctld_pid $munged_pid $steps; do
        alive "$pid" && left+=("$pid")
    done
    rm -rf "$tmp"
    if ((${#left[@]})); then
        echo "slurm test: FAILED: still running after cleanup: ${left[*]}" >&2
        ps -o pid,user,args -p "${left[@]}" >&2
        status=1
    elif ((status == 0)); then
        say "cleaned up: daemons stopped, $tmp removed"
    fi
    exit "$status"
}
before_steps=$(job_steps)
trap cleanup EXIT

# munge: reuse a running munged that answers, else start one as the munge user.
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged already running: using it"
else
    [[ -f /etc/munge/munge.key ]] || fail "no /etc/munge/munge.key (the munge package makes it)"
    install -d -o munge -g munge -m 0755 /run/munge
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
        >"$tmp/munged.out" 2>&1 &
    munged_pid=$!
    for _ in $(seq 100); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        alive "$munged_pid" || fail "munged exited"
        sleep 0.1
    done
    munge -n | unmunge >/dev/null || fail "munged does not answer"
fi

# A single-node cluster on its own ports (6817/6818 stay free for a real Slurm).
node=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=spinbosontest
SlurmctldHost=localhost
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
/usr/sbin/slurmctld -D -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
slurmctld_pid=$!
/usr/sbin/slurmd -D -f "$SLURM_CONF" >>"$tmp/slurmd.log" 2>&1 &
slurmd_pid=$!
state=
for _ in $(seq 300); do
    alive "$slurmctld_pid" || fail "slurmctld exited"
    alive "$slurmd_pid" || fail "slurmd exited"
    state=$(timeout 5 sinfo -h -o %T 2>/dev/null || true)
    [[ "$state" == idle ]] && break
    sleep 0.1
done
[[ "$state" == idle ]] || fail "node $node not idle within 30 s (state: ${state:-none})"
say "single-node Slurm up (node $node, $cpus CPUs)"

# The sweep: 6 tiny points, unsharded, then as the emitted job array and merge.
sweep=(--nt 40 --t-max 5 --points 20 --realizations 4 --traj 8 --seed 3
    --axis omega=0.5:2:log:3 --axis sigma=1:3:lin:2)
"$bin" sweep "${sweep[@]}" --out "$tmp/full.csv" --quiet --yes || fail "the unsharded sweep"
work="$tmp/it's a sweep dir"
mkdir "$work"
"$bin" sweep "${sweep[@]}" --out "$work/sweep.csv" --emit-slurm 3 --cpus-per-task 1 --slurm-time 5 ||
    fail "sweep --emit-slurm"
submitted=$(bash "$work/sweep.slurm.sh") || fail "the emitted script did not submit"
echo "$submitted"
array_id=$(sed -n 's/.*array job \([0-9]*\) .*/\1/p' <<<"$submitted")
merge_id=$(sed -n 's/.*merge job \([0-9]*\) .*/\1/p' <<<"$submitted")
[[ -n "$array_id" && -n "$merge_id" ]] || fail "no job ids in the script's output"
say "submitted array job $array_id and merge job $merge_id"

deadline=$((SECONDS + 120))
while [[ -n "$(timeout 10 squeue -h -o %i 2>/dev/null || echo busy)" ]]; do
    ((SECONDS < deadline)) || fail "jobs still queued or running after 120 s: $(squeue 2>&1)"
    sleep 0.2
done
merge_state=$(timeout 10 scontrol show job "$merge_id" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[[ "$merge_state" == COMPLETED ]] || fail "merge job $merge_id ended ${merge_state:-in an unknown state}"
[[ -f "$work/sweep.csv" ]] || fail "no merged file $work/sweep.csv"
cmp "$tmp/full.csv" "$work/sweep.csv" || fail "the merged Slurm shards differ from the unsharded sweep"
for k in 0 1 2; do
    [[ -f "$work/sweep.slurm-logs/spinboson-sweep_${array_id}_$k.out" ]] || fail "no log of task $k"
done
say "PASSED: 3-task array + merge reproduce the unsharded sweep byte for byte ($(wc -l <"$work/sweep.csv") lines)"
ok=1
