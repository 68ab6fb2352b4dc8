#!/usr/bin/env bash
# Measures mail.backup on the local lab (not a test; figures go to README.md "Backups").
#   bench/backup-bench.sh          one account of the lab seeder's `bench` corpus plus its 30 MB message (--huge)
# Prints, per run, wall time, messages/s, MB/s and peak RSS: the backup's first run into a maildir target and into
# an mbox target (each with backup.verify re-reading what it wrote), the no-op incremental re-run, the offline
# `runbook backup verify`, and mail.migrate of the same account to the new server, measured the same way, in the
# same run (compare ratios from one run: the machine is shared). Last output: bench/backup-bench.last.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .lab/lab.json ] || ./build.sh lab up >/dev/null
dotnet build Runbook.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
runbook=(dotnet src/Runbook.Cli/bin/Release/net10.0/runbook.dll)
read -r old_imap new_imap password < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["accounts"]["password"])')
work=$(mktemp -d /tmp/runbook-backup-bench.XXXX); [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s\n' "$password" > "$work/password.txt"
user="bkbench$(date +%s)@acme.test"
seeded=$(dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll seed --profile bench --account "$user" --seed 1 --huge | head -1)
count=$(sed -E 's/.*: ([0-9,]+) messages, ([0-9,]+) bytes.*/\1/; s/,//g' <<<"$seeded")
bytes=$(sed -E 's/.*: ([0-9,]+) messages, ([0-9,]+) bytes.*/\2/; s/,//g' <<<"$seeded")
echo "corpus: $seeded; load average $(cut -d' ' -f1 /proc/loadavg)"
echo "at $(date -u +%FT%TZ) on $(nproc) cores"

plan() { # FILE FORMAT STEP
  cat > "$work/$1" <<YAML
runbook: 1
name: backup-bench
timezone: UTC
servers:
  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }
  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }
accounts:
  - { email: $user, old: { user: $user, password: { file: password.txt } }, new: { user: $user, password: { file: password.txt } } }
backup:
  verify: true
  targets: [{ id: t, path: $2, format: $2 }]
steps:
  - { id: s, uses: $3 }
YAML
}

measure() { # LABEL MESSAGES BYTES COMMAND...
  local label=$1 n=$2 b=$3; shift 3
  /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  python3 - "$label" "$n" "$b" $(tail -1 "$work/time") <<'PY'
import sys
label, n, b, sec, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rate = f"{n/sec:8.0f} msg/s" if n else "          —   "
tput = f"{b/sec/1048576:6.1f} MB/s" if b else "      —   "
print(f"| {label:<46} | {sec:7.2f} s | {rate} | {tput} | {rss/1024:6.0f} MB |")
PY
}

echo "| run                                            |    time   |     rate       |  throughput | peak RSS |"
echo "|------------------------------------------------|-----------|----------------|-------------|----------|"
plan maildir.yaml maildir mail.backup
# The floor every run pays: .NET start, plan load and validation (subtract it to compare the runs' own work).
measure "process floor: runbook validate" 0 0 "${runbook[@]}" validate "$work/maildir.yaml"
measure "backup to maildir, first run (+ verify)" "$count" "$bytes" "${runbook[@]}" apply "$work/maildir.yaml"
"${runbook[@]}" reset "$work/maildir.yaml" s >/dev/null
measure "backup to maildir, no-op incremental re-run" "$count" "$bytes" "${runbook[@]}" apply "$work/maildir.yaml"
measure "runbook backup verify --offline (maildir)" "$count" "$bytes" "${runbook[@]}" backup verify "$work/maildir.yaml" --offline
plan mbox.yaml mbox mail.backup
measure "backup to mbox, first run (+ verify)" "$count" "$bytes" "${runbook[@]}" apply "$work/mbox.yaml"
plan migrate.yaml maildir mail.migrate
measure "mail.migrate of the same account, first run" "$count" "$bytes" "${runbook[@]}" apply "$work/migrate.yaml"
"${runbook[@]}" reset "$work/migrate.yaml" s >/dev/null
measure "mail.migrate, no-op re-run" "$count" "$bytes" "${runbook[@]}" apply "$work/migrate.yaml"
