#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the build farm's tests and for trying the farm by hand.
#
#   scripts/slurm-local.sh start   start munged, slurmctld and slurmd (nothing to do when they run); prints the env line
#   scripts/slurm-local.sh env     print what a client needs: export SLURM_CONF=...
#   scripts/slurm-local.sh stop    cancel its jobs and stop the three daemons; nothing of it keeps running
#   scripts/slurm-local.sh status  say whether it runs
#
# Needs Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge) and root (slurmd runs jobs as
# their user). Everything lives in one folder, $TRT_STUDIO_SLURM_DIR (default /tmp/trt-studio-slurm):
# its own munge key and socket, slurm.conf, state, spool, logs, and the job-completion log that stands
# in for accounting. Ports 16817/16818 (TRT_STUDIO_SLURM_PORT sets the first) keep clear of a real
# Slurm's defaults. The node declares no GPUs, so a job asking for one is refused at submission.
set -euo pipefail

DIR="${TRT_STUDIO_SLURM_DIR:-/tmp/trt-studio-slurm}"
PORT="${TRT_STUDIO_SLURM_PORT:-16817}"
CONF="$DIR/slurm.conf"
NODE="$(hostname -s)"

die() {
  echo "slurm-local: $*" >&2
  exit 1
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

need() {
  for program in munged slurmctld slurmd sbatch scontrol; do
    command -v "$program" >/dev/null 2>&1 || die "$program was not found on PATH; install Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge)."
  done
  [ "$(id -u)" = 0 ] || die "starting slurmd needs root (it runs jobs as their user); run this as root."
}

write_conf() {
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/munge"
  chmod 700 "$DIR/munge"
  [ -f "$DIR/munge/munge.key" ] || {
    head -c 1024 /dev/urandom >"$DIR/munge/munge.key"
    chmod 400 "$DIR/munge/munge.key"
  }
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster for TRT Studio's build farm tests.
ClusterName=trtstudio
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.log
GresTypes=gpu
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1024 State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
}

wait_for() {
  local what="$1" tries="$2"
  shift 2
  for _ in $(seq "$tries"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what did not come up; see the logs in $DIR/log."
}

node_idle() { scontrol show node "$NODE" 2>/dev/null | grep -Eq 'State=(IDLE|MIXED|ALLOCATED)'; }

start() {
  need
  export SLURM_CONF="$CONF"
  if alive "$DIR/munged.pid" && alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid" && scontrol ping >/dev/null 2>&1; then
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  stop_daemons
  write_conf
  munged --force --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" --pid-file="$DIR/munged.pid" \
    --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed"
  wait_for munged 50 test -S "$DIR/munge/munge.socket"
  slurmctld -f "$CONF"
  wait_for slurmctld 100 scontrol ping
  slurmd -f "$CONF"
  wait_for slurmd 100 node_idle
  echo "export SLURM_CONF=$CONF"
}

# Stops one daemon by its pid file and waits until it has gone.
stop_pid() {
  local file="$1"
  alive "$file" || {
    rm -f "$file"
    return 0
  }
  local pid
  pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

stop_daemons() {
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munged.pid"
}

stop() {
  if [ -f "$CONF" ] && alive "$DIR/slurmctld.pid"; then
    export SLURM_CONF="$CONF"
    # Jobs first, so that no job step outlives the daemons that would clean it up.
    scancel --full --quiet --partition=local >/dev/null 2>&1 || true
    for _ in $(seq 50); do
      [ -z "$(squeue --noheader --states=PENDING,RUNNING,COMPLETING --format=%i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_daemons
  echo "slurm-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  status)
    if alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid" && SLURM_CONF="$CONF" scontrol ping >/dev/null 2>&1; then
      echo "slurm-local: running (SLURM_CONF=$CONF)"
    else
      echo "slurm-local: not running"
      exit 1
    fi
    ;;
  *)
    echo "Usage: scripts/slurm-local.sh start|stop|env|status" >&2
    exit 2
    ;;
esac
