#!/bin/bash
# zkmitosis lab service control: start, stop, kill, restart or report one service on one lab host.
# It plays the part systemd plays on a real host (systemd is not PID 1 here), for the agent's `command`
# service backend and for `zkmitosis lab`.
#
#   lab-service.sh start|stop|kill|restart|status SERVICE HOSTDIR
#
# SERVICE is zookeeper, kafka (the Kafka broker STAND-IN), zkmitosis-agent, tenant, or solr, hbase, clickhouse (the
# tenant-host STAND-IN in that product's mode). The lab writes
# HOSTDIR/etc/default/SERVICE, which defines:
#   COMMAND=( … )   the process to run (exec'd directly, so the pid file holds its own pid)
#   MATCH=…         a string its /proc/PID/cmdline must contain (guards against a reused pid)
#   LOG_FILE=…      where its stdout and stderr go
#   STOP_GRACE=…    seconds between SIGTERM and SIGKILL on stop (default 10)
# The process runs in the caller's network namespace: the agent runs inside the host's namespace, and the
# lab calls this script through `ip netns exec`.
#
# Fault injection for tests: when HOSTDIR/etc/default/SERVICE.start-delay exists, start waits that many
# seconds first (a slow JVM start, e.g. the most up-to-date ZooKeeper node being the slowest to come up).
#
# Exit status: 0 done / running; 1 failed; 2 usage; 3 status: not running (as LSB init scripts).
set -euo pipefail

usage() { echo "usage: $0 start|stop|kill|restart|status SERVICE HOSTDIR" >&2; exit 2; }
[ $# -eq 3 ] || usage
action=$1 service=$2 host=$3
case "$service" in zookeeper|kafka|zkmitosis-agent|tenant|solr|hbase|clickhouse) ;; *) echo "unknown service '$service'" >&2; exit 2 ;; esac

env_file="$host/etc/default/$service"
delay_file="$env_file.start-delay"
pid_file="$host/run/$service.pid"
[ -f "$env_file" ] || { echo "$service is not installed on this host ($env_file is missing)" >&2; exit 1; }
STOP_GRACE=10
# shellcheck disable=SC1090
. "$env_file"

# Bash builtins only in what runs on every call and in the stop's poll: under load each process spawned costs
# tens of milliseconds, and a stop is inside the migration's unavailability window.

# Sets STATE to the state letter of a process (R, S, Z, …), empty when it is gone (no subshell).
proc_state() {
  local stat
  STATE=
  { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 0
  stat=${stat##*) }
  STATE=${stat%% *}
}

# The pid from the pid file when that process is alive, not a zombie, and is ours; empty otherwise.
running_pid() {
  [ -f "$pid_file" ] || return 0
  local pid args
  read -r pid < "$pid_file" || true
  pid=${pid//[^0-9]/}
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 0
  proc_state "$pid"
  case "$STATE" in ''|Z) return 0 ;; esac
  { mapfile -d '' args < "/proc/$pid/cmdline"; } 2>/dev/null || return 0
  [[ " ${args[*]} " == *"$MATCH"* ]] || return 0
  echo "$pid"
}

wait_gone() { # pid, tenths of a second; polled every 20 ms, so a stop returns soon after the process ends
  local i=0
  while [ $i -lt $(($2 * 5)) ]; do
    proc_state "$1"
    case "$STATE" in ''|Z) return 0 ;; esac
    sleep 0.02; i=$((i + 1))
  done
  return 1
}

do_start() {
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then echo "$service already running (pid $pid)"; return 0; fi
  mkdir -p "${pid_file%/*}" "${LOG_FILE%/*}"
  if [ -f "$delay_file" ]; then sleep "$(tr -dc '0-9.' < "$delay_file")"; fi
  # A background job of a script without job control is not a process-group leader, so setsid makes the
  # service its own session (the caller's kill of its group cannot reach it) without forking: $! stays the
  # service's own pid.
  setsid "${COMMAND[@]}" >> "$LOG_FILE" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$pid_file.tmp" && mv "$pid_file.tmp" "$pid_file"
  # Until the forked child has exec'd the command its cmdline is still this script's, so running_pid would call it
  # gone: under load that took over 0.3 s and a good start was reported as "exited at once". Wait (at most 10 s, in
  # 20 ms polls) until it runs the command or has died; then 0.3 s more catches a command that exits at once.
  local i=0
  while [ $i -lt 500 ] && [ -z "$(running_pid)" ]; do
    proc_state "$pid"
    case "$STATE" in ''|Z) break ;; esac
    sleep 0.02; i=$((i + 1))
  done
  sleep 0.3
  if [ -z "$(running_pid)" ]; then
    echo "$service exited at once; last log lines:" >&2
    tail -n 20 "$LOG_FILE" >&2 || true
    rm -f "$pid_file"
    return 1
  fi
  echo "$service started (pid $pid)"
}

do_stop() { # signal
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then rm -f "$pid_file"; echo "$service not running"; return 0; fi
  if [ "$1" = KILL ]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || true
  else
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" $((STOP_GRACE * 10)); then
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 50 || true
    fi
  fi
  rm -f "$pid_file"
  echo "$service stopped (pid $pid, $1)"
}

case "$action" in
  start) do_start ;;
  stop) do_stop TERM ;;
  kill) do_stop KILL ;;
  restart) do_stop TERM; do_start ;;
  status)
    pid=$(running_pid)
    if [ -n "$pid" ]; then echo "$service running (pid $pid)"; exit 0; fi
    echo "$service not running"; exit 3 ;;
  *) usage ;;
esac
