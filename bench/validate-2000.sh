#!/usr/bin/env bash
# Times `runbook validate` on a plan with 2,000 CSV accounts (the issue's bar: under 1 s).
#   bench/validate-2000.sh [runs]      (builds Release first if the binary is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=src/Runbook.Cli/bin/Release/net10.0/runbook
[ -x "$bin" ] || dotnet build src/Runbook.Cli -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

{
  echo "email,old_user,old_password,new_user,new_password,groups"
  for i in $(seq 1 2000); do
    group=$([ $((i % 50)) -eq 0 ] && echo "test" || echo "staff")
    echo "user$i@acme.test,user$i,env:OLD_PW_$i,user$i@acme.test,file:secrets/user$i,$group"
  done
} > "$work/accounts.csv"
sed -e 's|  - { csv: accounts/acme.csv }|  - { csv: accounts.csv }|' plans/imap-to-imap.yaml > "$work/plan.yaml"

"$bin" validate "$work/plan.yaml"   # warm the disk cache, and show the summary once
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  "$bin" validate "$work/plan.yaml" >/dev/null
  echo "$(( ($(date +%s%N) - start) / 1000000 )) ms"
done
