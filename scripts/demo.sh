#!/usr/bin/env bash
# ./zkm demo: a whole migration in the lab. Builds a lab (3 source, 3 destination, 3 Kafka broker stand-ins and
# another tenant on the source), runs `zkmitosis migrate run --yes` with the stress workload, prints the report,
# keeps the JSON report and the report page in /tmp, and always takes the lab down again, whatever happened.
#   ZKM_DEMO_NAME (default demo), ZKM_DEMO_SUBNET (default 10.251.0.0/24), ZKM_DEMO_STRATEGY (observer|participant),
#   ZKM_DEMO_STRESS (stress sessions, default 8)
# ./zkm demo --secure: the same on secured ensembles (lab up --secure: TLS client ports, quorum TLS, SASL required of
# every session, Kafka's SASL ACLs); the run's every output is then searched for the lab's passwords.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${ZKM_CONFIGURATION:-Release}
NAME=${ZKM_DEMO_NAME:-demo}
SUBNET=${ZKM_DEMO_SUBNET:-10.251.0.0/24}
STRATEGY=${ZKM_DEMO_STRATEGY:-observer}
STRESS=${ZKM_DEMO_STRESS:-8}
CLI="cli/ZkMitosis.Cli/bin/$CONFIG/net10.0/zkmitosis.dll"
STATE=$(mktemp -d /tmp/zkm-demo-state.XXXXXX)
SECURE=()
for arg in "$@"; do
  case "$arg" in
    --secure) SECURE=(--secure) ;;
    *) echo "demo: unknown argument '$arg' (only --secure)" >&2; exit 2 ;;
  esac
done

zkmitosis() { dotnet "$CLI" "$@"; }
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

[ -f "$CLI" ] || { echo "demo: $CLI is missing: build first (./zkm demo builds)" >&2; exit 1; }

cleanup() {
  say "taking the lab down"
  zkmitosis lab down --name "$NAME" || true
  rm -rf "$STATE"
}
trap cleanup EXIT INT TERM

# A lab left by an interrupted demo would hold the name and the subnet.
zkmitosis lab down --name "$NAME" >/dev/null 2>&1 || true

say "building the lab '$NAME' on $SUBNET (3 source, 3 destination, 3 Kafka broker stand-ins, another tenant)"
zkmitosis lab up --name "$NAME" --subnet "$SUBNET" "${SECURE[@]}"
PLAN=$(find /var/lib/zkmitosis/labs/"$NAME" -maxdepth 1 -name plan.yaml | head -1)
[ -n "$PLAN" ] || { echo "demo: the lab wrote no plan" >&2; exit 1; }
if [ "$STRATEGY" != observer ]; then
  sed -i "s/^strategy: .*/strategy: $STRATEGY/" "$PLAN"
fi

say "the plan: zkmitosis migrate plan $PLAN"
zkmitosis migrate plan "$PLAN"

say "the migration: zkmitosis migrate run $PLAN --yes --stress $STRESS"
status=0
zkmitosis migrate run "$PLAN" --yes --stress "$STRESS" --state-dir "$STATE" 2>&1 | tee "$STATE/run.out" || status=${PIPESTATUS[0]}
if [ ${#SECURE[@]} -gt 0 ]; then
  # No password of the lab may reach the run's output, its journal or its report.
  LABDIR=/var/lib/zkmitosis/labs/$NAME
  leaked=0
  for pw in $(grep -rhoE '(password|user_[a-z]+)="[^"]+"' "$LABDIR" 2>/dev/null | sed -E 's/.*="([^"]+)"/\1/' | sort -u); do
    if grep -rqF -- "$pw" "$STATE"; then leaked=1; echo "demo: a lab password appears under $STATE" >&2; fi
  done
  [ $leaked -eq 0 ] && echo "no password of the lab in the run's output, journal or report"
  [ $leaked -eq 0 ] || status=1
fi

say "after the migration"
zkmitosis lab status --name "$NAME" || true
PLAN_ID=$(sed -n 's/^planId: //p' "$PLAN")
cp "$STATE/$PLAN_ID/report.json" /tmp/zkm-demo-report.json 2>/dev/null && echo "report JSON kept in /tmp/zkm-demo-report.json"
# The report page (docs/report.md): one self-contained HTML file, opens in any browser without network.
cp "$STATE/$PLAN_ID/report.html" /tmp/zkm-demo-report.html 2>/dev/null && echo "report page kept in /tmp/zkm-demo-report.html"
exit $status
