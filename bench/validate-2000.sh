#!/usr/bin/env bash
# Times `runbook validate` on a plan with 2,000 CSV accounts (the issue's bar: under 1 s on this machine).
#   bench/validate-2000.sh [runs]         the Release build's binary (built if missing)
#   R2R=1 bench/validate-2000.sh [runs]   a ReadyToRun publish of it (no JIT at start; fetches crossgen once)
# Prints wall and CPU time per run: on a shared machine the wall time follows the load, the CPU time does not.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=src/Runbook.Cli/bin/Release/net10.0/runbook
[ -x "$bin" ] || dotnet build src/Runbook.Cli -c Release -nologo -v quiet >/dev/null
if [ "${R2R:-0}" = 1 ]; then
  dotnet publish src/Runbook.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o .artifacts/r2r -nologo -v quiet >/dev/null
  bin=.artifacts/r2r/runbook
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

{
  echo "email,old_user,old_password,new_user,new_password,groups"
  for i in $(seq 1 2000); do
    group=$([ $((i % 50)) -eq 0 ] && echo "test" || echo "staff")
    echo "user$i@acme.test,user$i,env:OLD_PW_$i,user$i@acme.test,file:secrets/user$i,$group"
  done
} > "$work/accounts.csv"
sed -e 's|  - { csv: accounts/acme.csv }|  - { csv: accounts.csv }|' plans/imap-to-imap.yaml > "$work/plan.yaml"

"$bin" validate "$work/plan.yaml"   # warms the disk cache, and shows the summary once
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT='%R s wall, %U s user, %S s sys'
for _ in $(seq 1 "$runs"); do
  time "$bin" validate "$work/plan.yaml" >/dev/null
done
