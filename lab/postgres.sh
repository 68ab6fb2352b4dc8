# PostgreSQL for lab.sh (sourced): the shared state of several Runbook workers (issue 14).
# Debian's server, run by hand as the postgres user from $LAB/pg (its own data directory) on a loopback port;
# password logins (scram) over TCP, so a wrong password is refused as it would be in production.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

pg_install() {
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] && return 0
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 postgresql >/dev/null 2>&1 \
    || { apt-get update -qq -o DPkg::Lock::Timeout=300; apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 postgresql >/dev/null; }
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}

# initdb takes seconds, so one cluster is made once ($LAB/pg-template, kept across fresh starts) and copied.
pg_template() {
  local t=$LAB/pg-template
  [ -e "$t/.ready" ] && return 0
  rm -rf "$t"; mkdir -p "$t"; chown postgres:postgres "$t"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$t/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >>"$LAB/logs/postgres.log" 2>&1
  touch "$t/.ready"
}

pg_start() {
  local d=$LAB/pg
  pg_template
  rm -rf "$d"; mkdir -p "$d/run"
  cp -a "$LAB/pg-template/data" "$d/data"; chown -R postgres:postgres "$d"
  # setpriv execs (runuser would stay as a parent), so the PID file names the postmaster itself.
  start postgres setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$d/data" \
    -p "$PG_PORT" -k "$d/run" -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200
  local i
  for i in $(seq 1 100); do
    "$PG_BIN/pg_isready" -q -h "$d/run" -p "$PG_PORT" && break; sleep 0.1
  done
  runuser -u postgres -- "$PG_BIN/psql" -q -h "$d/run" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE runbook LOGIN CREATEDB PASSWORD '$PASSWORD'" -c "CREATE DATABASE runbook OWNER runbook" \
    >>"$LAB/logs/postgres.log" 2>&1
}

# Adds the "postgres" entry to lab.json (written by labtool.py, which knows nothing of it).
pg_json() {
  "$py" - "$1" <<PY
import json, sys
p = sys.argv[1]; lab = json.load(open(p))
lab["postgres"] = {"host": "127.0.0.1", "port": $PG_PORT, "user": "runbook", "password": "$PASSWORD", "database": "runbook",
                   "socketDir": "$LAB/pg/run",
                   "note": "the runbook role may CREATE DATABASE: a test makes its own database and drops it"}
json.dump(lab, open(p, "w"), indent=2); open(p, "a").write("\n")
PY
}
