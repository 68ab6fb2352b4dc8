#!/usr/bin/env bash
# Runbook side by side with its peer (mbsync) and a floor, on the local lab: `./build.sh bench` (issue 17).
#   RUNS=3          runs behind each figure (the table shows the median); 3 takes about 15 min on 2 idle cores
#   IDLE=5          seconds the emptied destination is left idle (after `sync`) before every copy
#   SMALL=200       small accounts (the lab seeder's `many` profile: 20 messages in 15 folders each)
#   SCENARIOS="large all wide small workers"   which scenarios to run (one function each, below); large_tls and scale are opt-in
#   BUILD=published Runbook and the floor as `./build.sh publish` deploys them (self-contained, ReadyToRun composite);
#   BUILD=jit       both from `dotnet build` output instead (compiled just in time, as the tests run them)
# Writes bench/results/<UTC date>.json and .md and prints one table. Method: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
RUNS=${RUNS:-3}; IDLE=${IDLE:-5}; SMALL=${SMALL:-200}; SCENARIOS=${SCENARIOS:-"large all wide small workers"}
log() { echo "bench: $*" >&2; }
started=$(date +%s)

# --- setup -----------------------------------------------------------------------------------------------------------
if ! command -v mbsync >/dev/null; then
  log "installing isync (mbsync), the peer"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 isync >/dev/null 2>&1 \
    || { apt-get update -qq -o DPkg::Lock::Timeout=300; apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 isync >/dev/null; }
fi
[ -x /usr/bin/time ] || apt-get install -y -qq -o DPkg::Lock::Timeout=300 time >/dev/null
lab/lab.sh status >/dev/null 2>&1 || lab/lab.sh up >/dev/null
BUILD=${BUILD:-published}
case "$BUILD" in
  published) # what a user deploys; the floor is published the same way, so neither pays the JIT and the other not
    log "publishing Runbook and the lab tool (about 2 min each: they share Runbook.Core, so each recompiles its image)"
    ./build.sh publish .artifacts/runbook >/dev/null
    ./build.sh publish .artifacts/lab tests/Runbook.Lab >/dev/null
    runbook=(.artifacts/runbook/runbook); labtool=(.artifacts/lab/Runbook.Lab) ;;
  jit)
    dotnet build Runbook.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
    runbook=(dotnet src/Runbook.Cli/bin/Release/net10.0/runbook.dll); labtool=(dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll) ;;
  *) log "BUILD is published or jit, not $BUILD"; exit 64 ;;
esac
read -r old_imap new_imap old_imaps new_imaps ca password old_root new_root pg_port pg_password < <(python3 -c 'import json;d=json.load(open(".lab/lab.json"));print(d["old"]["imap"]["port"],d["new"]["imap"]["port"],d["old"]["imaps"]["port"],d["new"]["imaps"]["port"],d["ca"]["file"],d["accounts"]["password"],d["old"]["mailRoot"],d["new"]["mailRoot"],d["postgres"]["port"],d["postgres"]["password"])')
tls=  # set by a TLS scenario: every tool then uses IMAPS on both servers, trusting the lab CA
work=$(mktemp -d /tmp/runbook-bench.XXXX)
# What a measurement would delete is moved here instead, and deleted when the bench ends (see empty_destination).
aside="$(dirname "$new_root")/bench-aside.$$"; mkdir -p "$aside"; moved=0
if [ -n "${KEEP:-}" ]; then trap 'rm -rf "$aside"' EXIT; else trap 'rm -rf "$work" "$aside"' EXIT; fi
printf '%s\n' "$password" > "$work/password.txt"
runs="$work/runs.tsv"; checks="$work/checks.tsv"; : > "$runs"; : > "$checks"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the corpus --------------------------------------------------------------------------------------------------------
large=bench-large@acme.test
all=("$large" bench-a2@acme.test bench-a3@acme.test bench-a4@acme.test)
wide=("${all[@]}" bench-a5@acme.test bench-a6@acme.test bench-a7@acme.test bench-a8@acme.test)
small=(); for i in $(seq -f '%03g' 1 "$SMALL"); do small+=("bench-s$i@acme.test"); done
printf '%s\n' "$large" > "$work/large.pairs"; printf '%s\n' "${all[@]}" > "$work/all.pairs"; printf '%s\n' "${wide[@]}" > "$work/wide.pairs"
printf '%s\n' "${small[@]}" > "$work/small.pairs"

# Seeds what is missing: an account is there when the old server has its maildir (the delta passes add to it).
seed_corpus() {
  local seeded=$SECONDS args=() user
  missing() { [ ! -d "$old_root/$1/Maildir/cur" ]; }
  if missing "$large"; then "${labtool[@]}" seed --profile bench --account "$large" --seed 1 --huge | tail -1 >&2; fi
  for user in "${all[@]:1}"; do missing "$user" && args+=(--account "$user"); done
  [ ${#args[@]} -eq 0 ] || "${labtool[@]}" seed --profile bench "${args[@]}" --seed 2 | tail -1 >&2
  # wide's four more accounts: bench-a5..a7 with seed 5, bench-a8 with seed 8 and a 30 MB message of its own.
  args=(); for user in "${wide[@]:4:3}"; do missing "$user" && args+=(--account "$user"); done
  [ ${#args[@]} -eq 0 ] || "${labtool[@]}" seed --profile bench "${args[@]}" --seed 5 | tail -1 >&2
  if missing "${wide[7]}"; then "${labtool[@]}" seed --profile bench --account "${wide[7]}" --seed 8 --huge | tail -1 >&2; fi
  args=(); for user in "${small[@]}"; do missing "$user" && args+=(--account "$user"); done
  [ ${#args[@]} -eq 0 ] || "${labtool[@]}" seed --profile many "${args[@]}" --seed 1000 | tail -1 >&2
  log "corpus ready ($((SECONDS - seeded)) s)"
}

# --- measuring -------------------------------------------------------------------------------------------------------
# Every copy starts from the same state: the destination mailboxes gone, dirty pages flushed, IDLE seconds of quiet.
# Gone means moved aside, not deleted: for minutes after a deletion ext4 passes over the freed inodes before it hands
# out a new one, so every file the next copy made cost more, by an amount that depended on what the runs before had
# deleted (the same 200-account copy took 21 s, then 42 s three runs later). The moved-aside trees go at the end.
move_aside() { # PATH...
  local path
  for path in "$@"; do [ ! -e "$path" ] || { moved=$((moved + 1)); mv "$path" "$aside/$moved"; }; done
}
empty_destination() { # PAIRS
  local user
  while read -r user; do move_aside "${new_root:?}/$user"; done < "$1"
  sync; sleep "$IDLE"
}

# timed SCENARIO TOOL PASS MESSAGES BYTES COMMAND... → one line in runs.tsv (wall s, peak RSS kB, exit code)
timed() {
  local scenario=$1 tool=$2 pass=$3 messages=$4 bytes=$5; shift 5
  local rc=0
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || rc=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  [ "$rc" = 0 ] || { log "$scenario/$tool/$pass exited $rc:"; tail -5 "$work/out.txt" >&2; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$tool" "$pass" "$round" "$wall" "$rss" "$rc" "$messages" "$bytes" >> "$runs"
  log "$(printf '%-6s %-8s %-14s round %s: %6.2f s, %4d MB' "$scenario" "$tool" "$pass" "$round" "$wall" $((rss / 1024)))"
}

# check SCENARIO TOOL PASS PAIRS: the byte-for-byte check (first round only: it reads both servers in full).
check() {
  [ "$round" = 1 ] || return 0
  "${labtool[@]}" compare --pairs "$4" --concurrency 4 > "$work/check.json"
  python3 - "$1" "$2" "$3" "$work/check.json" >> "$checks" <<'PY'
import json, sys
c = json.load(open(sys.argv[4]))
print("\t".join(sys.argv[1:4] + [str(c["exact"]).lower(), str(c["exactWithoutXTuid"]).lower(), str(c["sourceMessages"]),
      str(c["destinationMessages"]), str(c["sourceBytes"]), (c["differences"] or [""])[0]]))
PY
}

# Source size now (messages, bytes), from the check of round 1 plus what the delta passes added since.
source_size() { # PAIRS → "MESSAGES BYTES"
  local key; key=$(basename "$1" .pairs)
  if [ ! -f "$work/$key.size" ]; then
    "${labtool[@]}" compare --pairs "$1" --concurrency 4 \
      | python3 -c 'import json,sys;c=json.load(sys.stdin);print(c["sourceMessages"],c["sourceBytes"])' > "$work/$key.size"
  fi
  cat "$work/$key.size"
}
grow_source() { # PAIRS MESSAGES BYTES
  local key; key=$(basename "$1" .pairs)
  read -r m b < "$work/$key.size"; echo "$((m + $2)) $((b + $3))" > "$work/$key.size"
}

# 10 new messages over 8 accounts of PAIRS (two get 2), as mail reaching the old server between two passes.
add_delta_mail() { # PAIRS SEED
  local i=0 n user added=0 bytes=0 out
  while read -r user && [ $i -lt 8 ]; do
    n=$(( i < 2 ? 2 : 1 ))
    out=$("${labtool[@]}" add --account "$user" --count $n --seed $(( (started % 100000) * 100 + $2 * 10 + i )))
    added=$((added + $(sed -E 's/.*added ([0-9]+) messages.*/\1/' <<<"$out")))
    bytes=$((bytes + $(sed -E 's/.*, ([0-9]+) bytes.*/\1/' <<<"$out")))
    i=$((i + 1))
  done < "$1"
  grow_source "$1" "$added" "$bytes"
}

# --- the tools -------------------------------------------------------------------------------------------------------
plan() { # NAME PAIRS CONCURRENCY STEPS(yaml lines)
  local user
  {
    echo "runbook: 1"; echo "name: bench-$1"; echo "timezone: UTC"
    echo "servers:"
    if [ -n "$tls" ]; then
      echo "  old: { imap: { host: 127.0.0.1, port: $old_imaps, security: tls, tls: { ca_file: $ca } }, max_connections: 16 }"
      echo "  new: { imap: { host: 127.0.0.1, port: $new_imaps, security: tls, tls: { ca_file: $ca } }, max_connections: 16 }"
    else
      echo "  old: { imap: { host: 127.0.0.1, port: $old_imap, security: none }, max_connections: 16 }"
      echo "  new: { imap: { host: 127.0.0.1, port: $new_imap, security: none }, max_connections: 16 }"
    fi
    echo "accounts:"
    while read -r user; do
      echo "  - { email: $user, old: { user: $user, password: { file: password.txt } }, new: { user: $user, password: { file: password.txt } } }"
    done < "$2"
    echo "backup:"
    echo "  targets: [{ id: disk, path: backup-$1, format: maildir }]"
    echo "steps:"
    printf '%s\n' "$4"
  } > "$work/$1.yaml"
  rm -f "$work/$1".runbook.db*
}
migrate_steps() { # CONCURRENCY [preflight]
  [ "${2:-}" = preflight ] && echo "  - { id: preflight, uses: mail.preflight }"
  echo "  - { id: migrate, uses: mail.migrate, with: { concurrency: $1 } }"
}

# Runbook: first copy, no-op pass (state kept), [delta pass], run with the state deleted.
runbook_passes() { # SCENARIO PAIRS CONCURRENCY [preflight] [delta]
  local scenario=$1 pairs=$2 size
  plan "rb-$scenario" "$pairs" "$3" "$(migrate_steps "$3" "${4:-}")"
  size=$(source_size "$pairs")
  empty_destination "$pairs"
  timed "$scenario" runbook copy $size "${runbook[@]}" apply "$work/rb-$scenario.yaml"
  check "$scenario" runbook copy "$pairs"
  "${runbook[@]}" reset "$work/rb-$scenario.yaml" migrate >/dev/null
  timed "$scenario" runbook no-op - - "${runbook[@]}" apply "$work/rb-$scenario.yaml"
  if [ "${5:-}" = delta ]; then
    add_delta_mail "$pairs" "$((round * 2))"
    "${runbook[@]}" reset "$work/rb-$scenario.yaml" migrate >/dev/null
    timed "$scenario" runbook delta 10 - "${runbook[@]}" apply "$work/rb-$scenario.yaml"
  fi
  rm -f "$work/rb-$scenario".runbook.db*
  timed "$scenario" runbook state-deleted - - "${runbook[@]}" apply "$work/rb-$scenario.yaml"
  check "$scenario" runbook state-deleted "$pairs"
}

# mail.backup of the same account into an empty maildir target (with its own verification, backup.verify's default).
backup_copy() { # SCENARIO PAIRS
  local size
  plan "bk-$1" "$2" 1 "  - { id: backup, uses: mail.backup }"
  size=$(source_size "$2")
  move_aside "$work/backup-bk-$1"; sync; sleep "$IDLE"
  timed "$1" backup copy $size "${runbook[@]}" apply "$work/bk-$1.yaml"
}

mbsync_config() { # NAME PAIRS
  local user n=0 host=127.0.0.1 oldport=$old_imap newport=$new_imap ssl="SSLType None"
  # Over TLS mbsync checks the host name against the certificate's DNS names only (not its IP address SAN).
  [ -z "$tls" ] || { host=localhost; oldport=$old_imaps; newport=$new_imaps; ssl=$'SSLType IMAPS\nCertificateFile '"$ca"; }
  while read -r user; do
    n=$((n + 1))
    # Patterns excludes Junk: the new server creates it (special-use), the old one has no such folder, and mbsync
    # would fail the channel trying to open it on the far side.
    cat <<CFG
IMAPAccount old$n
Host $host
Port $oldport
User $user
PassCmd "cat $work/password.txt"
$ssl
AuthMechs LOGIN

IMAPStore far$n
Account old$n
Path INBOX.

IMAPAccount new$n
Host $host
Port $newport
User $user
PassCmd "cat $work/password.txt"
$ssl
AuthMechs LOGIN

IMAPStore near$n
Account new$n

Channel ch$n
Far :far$n:
Near :near$n:
Patterns * !Junk
Create Near
Sync Pull
CopyArrivalDate yes
SyncState $work/mbsync-$1/ch$n/

CFG
  done < "$2" > "$work/mbsync-$1.rc"
  seq -f "ch%g" 1 "$n" > "$work/mbsync-$1.channels"
}
# One mbsync per account, CONCURRENCY at a time (mbsync syncs one channel after another within a process).
mbsync_run() { # NAME CONCURRENCY  (a command line for `timed`)
  sed "s|^|$work/mbsync-$1/|" "$work/mbsync-$1.channels" | xargs mkdir -p
  echo xargs -a "$work/mbsync-$1.channels" -P "$2" -n 1 mbsync -q -c "$work/mbsync-$1.rc"
}

# mbsync: first copy, no-op pass (state kept), [delta pass], run with the state deleted.
mbsync_passes() { # SCENARIO PAIRS CONCURRENCY [delta]
  local scenario=$1 pairs=$2 size
  mbsync_config "$scenario" "$pairs"; move_aside "$work/mbsync-$scenario"
  size=$(source_size "$pairs")
  empty_destination "$pairs"
  timed "$scenario" mbsync copy $size $(mbsync_run "$scenario" "$3")
  check "$scenario" mbsync copy "$pairs"
  timed "$scenario" mbsync no-op - - $(mbsync_run "$scenario" "$3")
  if [ "${4:-}" = delta ]; then
    add_delta_mail "$pairs" "$((round * 2 + 1))"
    timed "$scenario" mbsync delta 10 - $(mbsync_run "$scenario" "$3")
  fi
  # A second full copy (mbsync copies everything again): measured in the first round only, to keep the bench short.
  if [ "$round" = 1 ]; then
    move_aside "$work/mbsync-$scenario"
    timed "$scenario" mbsync state-deleted - - $(mbsync_run "$scenario" "$3")
    check "$scenario" mbsync state-deleted "$pairs"
  fi
}

# The floor: a plain fetch/MULTIAPPEND loop (tests/Runbook.Lab/Bench/FloorCopy.cs) that checks and remembers nothing.
floor_copy() { # SCENARIO PAIRS CONCURRENCY
  local size; size=$(source_size "$2")
  empty_destination "$2"
  timed "$1" floor copy $size "${labtool[@]}" floor --pairs "$2" --concurrency "$3" ${tls:+--tls}
  check "$1" floor copy "$2"
}

# --- scenarios (one function each; add one and name it in SCENARIOS) -------------------------------------------------
scenario_large() { # one account: 2,500 messages with multi-MB attachments and the 30 MB message
  runbook_passes large "$work/large.pairs" 1
  backup_copy large "$work/large.pairs"
  mbsync_passes large "$work/large.pairs" 1
  floor_copy large "$work/large.pairs" 1
}
scenario_all() { # the four bench accounts at the plan's concurrency (4)
  runbook_passes all "$work/all.pairs" 4
  mbsync_passes all "$work/all.pairs" 4
  floor_copy all "$work/all.pairs" 4
}
scenario_wide() { # 8 large accounts at concurrency 8 (two with the 30 MB message): peak RSS "whatever the concurrency"
  runbook_passes wide "$work/wide.pairs" 8
  floor_copy wide "$work/wide.pairs" 8
}
scenario_small() { # SMALL accounts of 20 messages in 15 folders, 8 at a time, Runbook with its preflight
  runbook_passes small "$work/small.pairs" 8 preflight delta
  mbsync_passes small "$work/small.pairs" 8 delta
  floor_copy small "$work/small.pairs" 8
}
scenario_large_tls() { # opt-in (SCENARIOS="... large_tls"): the large account with every tool over IMAPS
  tls=1
  runbook_passes large-tls "$work/large.pairs" 1
  mbsync_passes large-tls "$work/large.pairs" 1
  floor_copy large-tls "$work/large.pairs" 1
  tls=
}
# opt-in (SCENARIOS="... scale"): does cost grow linearly and memory not at all? One account of 10,000 and one of
# 50,000 messages (40% in INBOX, so 20,000 there), written straight into the old server's maildir; Runbook's passes
# for each. Compare the two accounts' rows: time at most 5x, peak RSS the same.
scenario_scale() {
  local n user
  for n in 10000 50000; do
    user="bench-x$((n / 1000))k@acme.test"
    [ -d "$old_root/$user/Maildir/cur" ] || python3 bench/seed_maildir.py "$old_root/$user/Maildir" "$n" "$n" 0 0.4
    printf '%s\n' "$user" > "$work/x$n.pairs"
    runbook_passes "scale-$((n / 1000))k" "$work/x$n.pairs" 1
  done
}
# Runbook `apply --worker` with 1, 2 and 4 worker processes on one plan of the four bench accounts, the state in a fresh
# database of the lab's PostgreSQL each time (issue 14). /usr/bin/time times the shell that starts them and waits.
scenario_workers() {
  local w size db
  size=$(source_size "$work/all.pairs")
  for w in 1 2 4; do
    db="bench_w${w}_$(date +%s%N)"
    PGPASSWORD=$pg_password psql -q -h 127.0.0.1 -p "$pg_port" -U runbook runbook -c "CREATE DATABASE $db" >/dev/null
    plan "rb-workers-$w" "$work/all.pairs" 4 "$(migrate_steps 4)"
    echo "state: { backend: postgres, connection: { env: RUNBOOK_PG } }" >> "$work/rb-workers-$w.yaml"
    empty_destination "$work/all.pairs"
    RUNBOOK_PG="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=runbook;Password=$pg_password" \
      timed "workers-$w" runbook copy $size bash -c 'rc=0; for i in $(seq 1 "$1"); do "${@:3}" apply "$2" --worker & done
        for p in $(jobs -p); do wait "$p" || rc=1; done; exit $rc' workers "$w" "$work/rb-workers-$w.yaml" "${runbook[@]}"
    check "workers-$w" runbook copy "$work/all.pairs"
  done
}

# --- run -------------------------------------------------------------------------------------------------------------
seed_corpus
for round in $(seq 1 "$RUNS"); do
  for scenario in $SCENARIOS; do
    log "round $round/$RUNS: $scenario"
    "scenario_$scenario"
  done
done

stamp=$(date -u +%Y-%m-%dT%H%M%SZ); mkdir -p bench/results
python3 bench/bench_table.py "$runs" "$checks" "bench/results/$stamp" \
  "runs=$RUNS" "idle=$IDLE" "small=$SMALL" "nproc=$(nproc)" "load_before=$load_before" \
  "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" "seconds=$(( $(date +%s) - started ))" \
  "commit=$(git rev-parse --short HEAD)" "build=$BUILD" "mbsync=$(mbsync --version | head -1)" \
  "skipped=$(case " $SCENARIOS " in *" large_tls "*) ;; *) printf 'TLS (opt-in scenario large_tls); ' ;; esac)$(case " $SCENARIOS " in *" scale "*) ;; *) printf '10,000 vs 50,000 messages (opt-in scenario scale); ' ;; esac)mail_fsync = never variants; verify"
