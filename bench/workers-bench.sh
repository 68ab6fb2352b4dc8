#!/usr/bin/env bash
# Measures `apply --worker` on the local lab with 1, 2 and 4 worker processes on one plan (not a test; figures go to
# README.md "Many workers"). Each run copies the same old accounts to fresh new accounts, its state in a fresh
# database on the lab's PostgreSQL.
#   bench/workers-bench.sh [ACCOUNTS] [MESSAGES_PER_ACCOUNT]     default 8 × 500 = 4,000 small messages
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-8}; per=${2:-500}
[ -f .lab/lab.json ] || ./build.sh lab up >/dev/null
dotnet build Runbook.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
runbook=(dotnet src/Runbook.Cli/bin/Release/net10.0/runbook.dll)
read -r old_imap new_imap password mailroot pg_port < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["accounts"]["password"],d["old"]["mailRoot"],d["postgres"]["port"])')
tag=$(date +%s); work=$(mktemp -d /tmp/runbook-workers.XXXX); [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s\n' "$password" > "$work/password.txt"
for i in $(seq 1 "$accounts"); do python3 bench/seed_maildir.py "$mailroot/w$tag-a$i@acme.test/Maildir" "$per" "$i" 0; done
bytes=$(du -scb "$mailroot"/w$tag-a*@acme.test/Maildir | tail -1 | cut -f1); total=$((accounts * per))
echo "corpus: $accounts accounts × $per messages = $total messages, $((bytes / 1048576)) MB; $(nproc) cores"
echo "| workers | time | rate | throughput |"
echo "|---|---|---|---|"
for workers in 1 2 4; do
  db=bench_${tag}_$workers
  PGPASSWORD=$password psql -q -h 127.0.0.1 -p "$pg_port" -U runbook runbook -c "CREATE DATABASE $db"
  export RUNBOOK_PG="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=runbook;Password=$password"
  {
    echo "runbook: 1"; echo "name: bench"; echo "timezone: UTC"; echo "servers:"
    echo "  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }"
    echo "  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }"
    echo "accounts:"
    for i in $(seq 1 "$accounts"); do
      echo "  - { email: w$tag-a$i@acme.test, old: { user: w$tag-a$i@acme.test, password: { file: password.txt } }, new: { user: n$workers-$tag-a$i@acme.test, password: { file: password.txt } } }"
    done
    echo "state: { backend: postgres, connection: { env: RUNBOOK_PG } }"
    echo "steps:"; echo "  - { id: migrate, uses: mail.migrate, with: { batch_size: 100 } }"
  } > "$work/w$workers.yaml"
  start=$(date +%s.%N); pids=()
  for n in $(seq 1 "$workers"); do "${runbook[@]}" apply "$work/w$workers.yaml" --worker >"$work/w$workers-$n.log" 2>&1 & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || { cat "$work"/w$workers-*.log; exit 1; }; done
  python3 - "$workers" "$total" "$bytes" "$start" "$(date +%s.%N)" <<'PY'
import sys
w, n, b, t0, t1 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
s = t1 - t0
print(f"| {w} | {s:.2f} s | {n/s:.0f} msg/s | {b/s/1048576:.1f} MB/s |")
PY
  PGPASSWORD=$password psql -q -h 127.0.0.1 -p "$pg_port" -U runbook runbook -c "DROP DATABASE $db WITH (FORCE)"
done
