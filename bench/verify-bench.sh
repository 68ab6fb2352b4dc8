#!/usr/bin/env bash
# Measures verify on the local lab against one plain read of both servers (not a test; figures go to README.md
# "Verification and decommission"). The issue's bound: verify within 3x the plain read.
#   bench/verify-bench.sh [ACCOUNTS]      default 4 accounts of the lab seeder's `bench` corpus (4 x 2,500 messages)
# Seeds the old server, migrates with `runbook apply`, then times, on the same mailboxes:
#   plain read  every message of every folder of both servers, UID FETCH 1:* BODY.PEEK[] per folder, all accounts and
#               both sides at once (bench/plain_read.py: no parsing, no hashing)
#   verify      `runbook apply --step verify` (counts, every_message, important off, mx and send_receive off)
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-4}
[ -f .lab/lab.json ] || ./build.sh lab up >/dev/null
dotnet build Runbook.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
runbook=(dotnet src/Runbook.Cli/bin/Release/net10.0/runbook.dll)
read -r old_imap new_imap password < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["accounts"]["password"])')
tag=$(date +%s); work=$(mktemp -d /tmp/runbook-verify-bench.XXXX); [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s\n' "$password" > "$work/password.txt"

pairs=()
for i in $(seq 1 "$accounts"); do
  dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll seed --profile bench --account "vb$tag-a$i@acme.test" --seed "$i" >/dev/null
  pairs+=("vb$tag-a$i@acme.test:vn$tag-a$i@acme.test")
done
{
  echo "runbook: 1"; echo "name: verify-bench"; echo "timezone: UTC"
  echo "servers:"
  echo "  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }"
  echo "  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }"
  echo "accounts:"
  for pair in "${pairs[@]}"; do
    echo "  - { email: ${pair#*:}, old: { user: ${pair%%:*}, password: { file: password.txt } }, new: { user: ${pair#*:}, password: { file: password.txt } } }"
  done
  echo "steps:"
  echo "  - { id: migrate, uses: mail.migrate, with: { concurrency: $accounts } }"
  echo "  - { id: verify, uses: verify, with: { mx: false, send_receive: false } }"
} > "$work/plan.yaml"
"${runbook[@]}" apply "$work/plan.yaml" --step migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }

timed() { # LABEL COMMAND... → seconds on stdout, the line on stderr
  local start end; start=$(date +%s.%N); "${@:2}" > "$work/$1.log" 2>&1 || { cat "$work/$1.log"; exit 1; }; end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 2))"
}
users=(); for pair in "${pairs[@]}"; do users+=("$old_imap:${pair%%:*}" "$new_imap:${pair#*:}"); done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  plain=$(timed plain python3 bench/plain_read.py "$password" "${users[@]}")
  "${runbook[@]}" reset "$work/plan.yaml" verify >/dev/null
  verify=$(timed verify "${runbook[@]}" apply "$work/plan.yaml" --step verify)
  echo "run $run: $(tail -1 "$work/plain.log")"
  own=$("${runbook[@]}" status "$work/plan.yaml" --json 2>/dev/null | python3 -c 'import json,sys;print(next(s for s in json.load(sys.stdin)["steps"] if s["id"]=="verify")["outputs"]["seconds"])')
  echo "run $run: verify ${verify} s (the step itself ${own} s, the rest is process start and plan load), plain read ${plain} s: verify/plain = $(python3 -c "print(round($verify / $plain, 2))")"
done
grep -E "counts:|every_message:" "$work/verify.log" | sed 's/^/  /'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
