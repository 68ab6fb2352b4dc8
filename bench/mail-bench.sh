#!/usr/bin/env bash
# Measures mail.migrate on the local lab (not a test; figures go to README.md "Mail migration").
#   bench/mail-bench.sh [ACCOUNTS] [MESSAGES_PER_ACCOUNT]     default 4 × 2500 = 10,000 messages (~240 MB)
#   CORPUS=lab bench/mail-bench.sh                           the lab seeder's `bench` corpus (4 × 2,500, ~280 MB)
# Prints messages/s and MB/s for one account and for all accounts in parallel, first run and no-op re-run (with
# the copy ledger, and with the state file deleted), and the peak RSS of a run that copies one 30 MB message.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-4}; per=${2:-2500}
[ -f .lab/lab.json ] || ./build.sh lab up >/dev/null
dotnet build Runbook.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
runbook=(dotnet src/Runbook.Cli/bin/Release/net10.0/runbook.dll)
read -r old_imap new_imap password mailroot < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["accounts"]["password"],d["old"]["mailRoot"])')
tag=$(date +%s); work=$(mktemp -d /tmp/runbook-bench.XXXX); [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s\n' "$password" > "$work/password.txt"

seed() { # USER COUNT SEED [BIG]
  # CORPUS=lab: the lab seeder's `bench` profile (2,500 messages per account in nested and Japanese folders, odd
  # messages, multi-MB attachments); COUNT is then fixed by the profile. Default: small generated messages in INBOX.
  if [ "${CORPUS:-}" = lab ] && [ "${4:-0}" = 0 ]; then
    dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll seed --profile bench --account "$1" --seed "$3" >/dev/null
  else
    python3 bench/seed_maildir.py "$mailroot/$1/Maildir" "$2" "$3" "${4:-0}"
  fi
}
bytes_of() { du -sb "$mailroot/$1/Maildir" | cut -f1; }

plan() { # FILE CONCURRENCY OLD:NEW...
  local file=$1 concurrency=$2; shift 2
  {
    echo "runbook: 1"; echo "name: bench"; echo "timezone: UTC"
    echo "servers:"
    echo "  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }"
    echo "  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }"
    echo "accounts:"
    for pair in "$@"; do
      echo "  - { email: ${pair#*:}, old: { user: ${pair%%:*}, password: { file: password.txt } }, new: { user: ${pair#*:}, password: { file: password.txt } } }"
    done
    echo "steps:"
    echo "  - { id: migrate, uses: mail.migrate, with: { concurrency: $concurrency, batch_size: 100 } }"
  } > "$work/$file"
}

measure() { # LABEL FILE MESSAGES BYTES  → one line: seconds, msg/s, MB/s, peak RSS
  /usr/bin/time -o "$work/$2.time" -f "%e %M" "${runbook[@]}" apply "$work/$2" >"$work/$2.log" 2>&1 || true
  local out; out=$(tail -1 "$work/$2.time")
  grep -q "failed" "$work/$2.log" && { cat "$work/$2.log"; exit 1; }
  python3 - "$1" "$3" "$4" $out <<'PY'
import sys
label, n, b, sec, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"| {label:<44} | {sec:7.2f} s | {n/sec:8.0f} msg/s | {b/sec/1048576:6.1f} MB/s | {rss/1024:6.0f} MB |")
PY
}
rerun() { "${runbook[@]}" reset "$work/$1" migrate >/dev/null; }

pairs=(); total=0; bytes=0
for i in $(seq 1 "$accounts"); do
  seed "bench$tag-a$i@acme.test" "$per" "$i"; bytes=$((bytes + $(bytes_of "bench$tag-a$i@acme.test"))); total=$((total + per))
  pairs+=("bench$tag-a$i@acme.test:all$tag-a$i@acme.test")
done
one_bytes=$(bytes_of "bench$tag-a1@acme.test")
echo "corpus: $accounts accounts × $per messages = $total messages, $((bytes / 1048576)) MB"
echo "| run                                          |    time   |     rate       |  throughput | peak RSS |"
echo "|----------------------------------------------|-----------|----------------|-------------|----------|"
plan one.yaml 1 "bench$tag-a1@acme.test:one$tag-a1@acme.test"
measure "one account, first run" one.yaml "$per" "$one_bytes"
rerun one.yaml; measure "one account, no-op re-run (ledger)" one.yaml "$per" "$one_bytes"
plan all.yaml "$accounts" "${pairs[@]}"
measure "$accounts accounts in parallel, first run" all.yaml "$total" "$bytes"
rerun all.yaml; measure "$accounts accounts, no-op re-run (ledger)" all.yaml "$total" "$bytes"
rm -f "$work/all.runbook.db"*; measure "$accounts accounts, no-op re-run (state deleted)" all.yaml "$total" "$bytes"

seed "big$tag@acme.test" 1 99 $((30 * 1024 * 1024))
plan big.yaml 1 "big$tag@acme.test:big$tag@acme.test"
measure "one 30 MB message (+1 small)" big.yaml 2 "$(bytes_of "big$tag@acme.test")"
rerun big.yaml; measure "same, no-op re-run (baseline RSS)" big.yaml 2 "$(bytes_of "big$tag@acme.test")"
