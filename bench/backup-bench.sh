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
tag=$(date +%s); user="bkbench$tag@acme.test"
seeded=$(dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll seed --profile bench --account "$user" --seed 1 --huge | head -1)
count=$(sed -E 's/.*: ([0-9,]+) messages, ([0-9,]+) bytes.*/\1/; s/,//g' <<<"$seeded")
bytes=$(sed -E 's/.*: ([0-9,]+) messages, ([0-9,]+) bytes.*/\2/; s/,//g' <<<"$seeded")
echo "corpus: $seeded; load average $(cut -d' ' -f1 /proc/loadavg)"
echo "at $(date -u +%FT%TZ) on $(nproc) cores"

plan() { # FILE FORMAT STEP NEWUSER
  cat > "$work/$1" <<YAML
runbook: 1
name: backup-bench
timezone: UTC
servers:
  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }
  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }
accounts:
  - { email: $user, old: { user: $user, password: { file: password.txt } }, new: { user: ${4:-$user}, password: { file: password.txt } } }
backup:
  verify: true
  targets: [{ id: t, path: $2, format: $2 }]
steps:
  - { id: s, uses: $3 }
YAML
}

run() { # KEY COMMAND...  → appends "seconds rss_kb" to $work/KEY.runs
  local key=$1; shift
  /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  tail -1 "$work/time" >> "$work/$key.runs"
}

# Rounds interleave the runs, so a burst of load from other users hits backup and migration alike; the table shows
# each run's median (and the slowest RSS).
rounds=${ROUNDS:-3}
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/maildir" "$work/mbox" "$work"/*.runbook.db*
  plan maildir.yaml maildir mail.backup; plan mbox.yaml mbox mail.backup
  plan migrate.yaml maildir mail.migrate "r$r-$tag-$user"
  run floor "${runbook[@]}" validate "$work/maildir.yaml"
  run migrate "${runbook[@]}" apply "$work/migrate.yaml"
  run maildir "${runbook[@]}" apply "$work/maildir.yaml"
  run mbox "${runbook[@]}" apply "$work/mbox.yaml"
  "${runbook[@]}" reset "$work/maildir.yaml" s >/dev/null; run noop "${runbook[@]}" apply "$work/maildir.yaml"
  "${runbook[@]}" reset "$work/migrate.yaml" s >/dev/null; run migrate-noop "${runbook[@]}" apply "$work/migrate.yaml"
  run verify "${runbook[@]}" backup verify "$work/maildir.yaml" --offline
done

echo "| run (median of $rounds, interleaved)                |    time   |     rate       |  throughput | peak RSS |"
echo "|------------------------------------------------|-----------|----------------|-------------|----------|"
python3 - "$work" "$count" "$bytes" <<'PY'
import statistics, sys
work, n, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [("floor", "process floor: runbook validate", 0), ("maildir", "backup to maildir, first run (+ verify)", 1),
        ("mbox", "backup to mbox, first run (+ verify)", 1), ("migrate", "mail.migrate of the same account, first run", 1),
        ("noop", "backup to maildir, no-op incremental re-run", 1), ("migrate-noop", "mail.migrate, no-op re-run", 1),
        ("verify", "runbook backup verify --offline (maildir)", 1)]
for key, label, counts in rows:
    runs = [tuple(map(float, line.split())) for line in open(f"{work}/{key}.runs")]
    sec = statistics.median(r[0] for r in runs); rss = max(r[1] for r in runs)
    rate = f"{n/sec:8.0f} msg/s" if counts else "          —   "
    tput = f"{b/sec/1048576:6.1f} MB/s" if counts else "      —   "
    print(f"| {label:<46} | {sec:7.2f} s | {rate} | {tput} | {rss/1024:6.0f} MB |")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
