#!/usr/bin/env bash
# Times the pass that finds nothing new, for one account of the lab (not a test; figures go to README.md "Measured").
#   bench/noop-bench.sh OLD_USER NEW_USER [RUNS] [RUNBOOK_DLL]
# Copies OLD_USER's mailbox on the old lab server to NEW_USER on the new one with mail.migrate (first run), then runs
# RUNS no-op passes (reset migrate, apply), each under /usr/bin/time -v: wall time, the step's own time (journal),
# peak RSS, and the pass's summary.
# RUNBOOK_DLL: another build of runbook.dll (e.g. one of main) to compare; default this tree's Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
old_user=$1; new_user=$2; runs=${3:-5}
runbook=(dotnet "${4:-src/Runbook.Cli/bin/Release/net10.0/runbook.dll}")
read -r old_imap new_imap password < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["accounts"]["password"])')
# WORK=DIR keeps the plan and its state there: a second call with the same DIR skips the first run.
work=${WORK:-$(mktemp -d /tmp/runbook-noop.XXXX)}; mkdir -p "$work"; [ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s\n' "$password" > "$work/password.txt"
cat > "$work/plan.yaml" <<YAML
runbook: 1
name: noop-bench
timezone: UTC
servers:
  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }
  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }
accounts:
  - { email: $new_user, old: { user: $old_user, password: { file: password.txt } }, new: { user: $new_user, password: { file: password.txt } } }
steps:
  - { id: migrate, uses: mail.migrate, with: { concurrency: 1, batch_size: 100 } }
YAML

pass() { # LABEL
  /usr/bin/time -v -o "$work/time.txt" "${runbook[@]}" apply "$work/plan.yaml" >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  # The step's own time, from the journal (started → done): the rest of the wall time is runtime start, plan and state.
  step=$(python3 - "$work/plan.runbook.db" <<'PY'
import sqlite3, sys
from datetime import datetime
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT at FROM journal WHERE step_id = 'migrate' AND event IN ('started', 'done') ORDER BY seq DESC LIMIT 2").fetchall()
print(f"{(datetime.fromisoformat(rows[0][0]) - datetime.fromisoformat(rows[1][0])).total_seconds():.2f} s")
PY
)
  printf '%-10s wall %8s  step %6s  peak RSS %4d MB  %s\n' "$1" "$wall" "$step" $((rss / 1024)) "$(grep -o 'copied [0-9,]* messages.*' "$work/out.txt" | tail -1)"
}

[ -f "$work/plan.runbook.db" ] || pass "first run"
for i in $(seq 1 "$runs"); do
  "${runbook[@]}" reset "$work/plan.yaml" migrate >/dev/null
  pass "no-op $i"
done
