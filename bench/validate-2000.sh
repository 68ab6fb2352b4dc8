#!/usr/bin/env bash
# Times `runbook validate` on a plan with 2,000 CSV accounts (issue 17's bar: 10,000 under 1 s on this machine).
#   bench/validate-2000.sh [runs]               the Release build's binary (built if missing)
#   PUBLISHED=1 bench/validate-2000.sh [runs]   the binary `./build.sh publish` deploys (precompiled)
#   ACCOUNTS=10000 bench/validate-2000.sh       another number of generated accounts
# Prints wall and CPU time per run: on a shared machine the wall time follows the load, the CPU time does not.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; accounts=${ACCOUNTS:-2000}
bin=src/Runbook.Cli/bin/Release/net10.0/runbook
[ -x "$bin" ] || dotnet build src/Runbook.Cli -c Release -nologo -v quiet >/dev/null
if [ "${PUBLISHED:-0}" = 1 ]; then
  ./build.sh publish .artifacts/runbook >/dev/null
  bin=.artifacts/runbook/runbook
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

{
  echo "email,old_user,old_password,new_user,new_password,groups"
  for i in $(seq 1 "$accounts"); do
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
