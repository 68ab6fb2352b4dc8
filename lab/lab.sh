#!/usr/bin/env bash
# The Runbook lab: real Dovecot (old, new), Cyrus IMAP, Postfix (new MX, old MX), BIND (authoritative, resolver)
# and PostgreSQL (lab/postgres.sh) on 127.0.0.1.
#   lab/lab.sh up      install missing packages, start every server, wait until each answers, write .lab/lab.json
#   lab/lab.sh down    stop every server this lab started, by PID, and check that no listener is left
#   lab/lab.sh status  say which servers run; exit 0 only when all of them do
# Everything lives under the worktree's .lab/ so several labs can run side by side on one machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LAB="$(dirname "$here")/.lab"
# The system Python: a version-manager shim (pyenv) costs a second per call on a busy machine.
py=$(command -v /usr/bin/python3 || command -v python3)
tool() { "$py" "$here/labtool.py" "$@"; }
log() { echo "lab: $*" >&2; }

PACKAGES=(dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix bind9 bind9-dnsutils openssl sasl2-bin
  chromium fonts-noto-cjk)  # the last two: the report tests open the HTML report in a headless browser
# Stop order: each Postfix before its Dovecot (the new one's smtpd processes hold the new Dovecot's auth socket).
SERVERS=(postfix postfix-old dovecot-new dovecot-old cyrus named-resolver named-auth postgres)
. "$here/cyrus.sh"
. "$here/postgres.sh"

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"; }
  # Update the package lists once, only when they are missing or too old to install from.
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || ! apt_install >/dev/null 2>&1; then
    apt-get update -qq -o DPkg::Lock::Timeout=300
    apt_install >/dev/null
  fi
}

pidfile() { echo "$LAB/pids/$1.pid"; }

# Alive = our PID file, a live process, and its command line points into this lab (guards against PID reuse).
alive() {
  local f pid
  f=$(pidfile "$1"); [ -s "$f" ] || return 1
  pid=$(cat "$f"); kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$LAB/"
}

start() {
  local name=$1; shift
  # setsid: the servers must outlive this script and ignore the caller's Ctrl+C and terminal.
  # 9>&-: the lock must not be inherited, or the servers would hold it for their lifetime.
  setsid "$@" </dev/null >>"$LAB/logs/$name.log" 2>&1 9>&- &
  echo $! >"$(pidfile "$name")"
}

# SIGTERM to every named server at once, then wait for all (each takes 1-3 s on a busy machine).
stop() {
  local name pid pids=() i
  for name in "$@"; do
    alive "$name" && pids+=("$(cat "$(pidfile "$name")")")
  done
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  for pid in "${pids[@]}"; do
    for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$pid ignored SIGTERM, killing"; kill -KILL "$pid" 2>/dev/null || true; }
  done
  for name in "$@"; do rm -f "$(pidfile "$name")"; done
}

ports_env() { echo "$LAB/ports.env"; }

probe() {
  local t=${1:-10}
  tool probe "$t" "greet:$OLD_IMAP:* OK" "tls:$OLD_IMAPS:* OK" "greet:$OLD_POP3:+OK" "tls:$OLD_POP3S:+OK" \
    "greet:$NEW_IMAP:* OK" "tls:$NEW_IMAPS:* OK" "greet:$CYRUS_IMAP:* OK" "greet:$SMTP:220" "greet:$SUBMISSION:220" "greet:$OLD_SMTP:220" \
    "dns:$AUTH_PORT:0" "dns:$RESOLVER_PORT:1"
}

running() {
  local s
  for s in "${SERVERS[@]}"; do alive "$s" || return 1; done
  [ -s "$LAB/lab.json" ] && [ -s "$(ports_env)" ] || return 1
  set -a; . "$(ports_env)"; set +a
  probe 2 2>/dev/null
}

make_ca() {
  local d=$LAB/ca
  [ -s "$d/server.crt" ] && return 0
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=Runbook Lab CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:mail.old.acme.test,DNS:mail.new.acme.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 825 \
    -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
  chmod 644 "$d/ca.crt" "$d/server.crt"
}

render_all() {
  local t=$here/templates
  mkdir -p "$LAB"/{old,new}/{state,mail} "$LAB"/{postfix,postfix-old}/{etc,data,spool} "$LAB"/dns/{auth,resolver}
  chown mail:mail "$LAB/old/mail" "$LAB/new/mail"
  chown postfix "$LAB/postfix/data" "$LAB/postfix-old/data"
  local o=$LAB/old n=$LAB/new d=$LAB/dns
  tool render "$t/dovecot-common.conf.in:$o/common.conf:DIR=$o" "$t/dovecot-auth.conf.in:$o/auth.conf:DIR=$o" \
    "$t/dovecot-old.conf.in:$o/dovecot.conf:DIR=$o" "$t/dovecot-common.conf.in:$n/common.conf:DIR=$n" \
    "$t/dovecot-auth.conf.in:$n/auth.conf:DIR=$n" "$t/dovecot-new.conf.in:$n/dovecot.conf:DIR=$n" \
    "$t/postfix-main.cf.in:$LAB/postfix/etc/main.cf:DIR=$LAB/postfix" \
    "$t/postfix-master.cf.in:$LAB/postfix/etc/master.cf:DIR=$LAB/postfix" \
    "$t/postfix-old-main.cf.in:$LAB/postfix-old/etc/main.cf:DIR=$LAB/postfix-old" \
    "$t/postfix-old-master.cf.in:$LAB/postfix-old/etc/master.cf:DIR=$LAB/postfix-old" \
    "$t/named-auth.conf.in:$d/auth/named.conf:DIR=$d/auth:PORT=$AUTH_PORT" \
    "$t/acme.test.zone.in:$d/auth/acme.test.zone:DIR=$d/auth" \
    "$t/broken.test.zone.in:$d/auth/broken.test.zone:DIR=$d/auth" \
    "$t/named-resolver.conf.in:$d/resolver/named.conf:DIR=$d/resolver:PORT=$RESOLVER_PORT"
}

start_fresh() {
  local s
  for s in "${SERVERS[@]}"; do alive "$s" && { log "$s still runs: use lab.sh up/down"; return 1; }; done
  # A fresh start is a clean slate: no old mail, queue, zone journal or sockets. Mail can be hundreds of MB
  # (bench), so it is moved aside and deleted in the background.
  local trash
  trash=$LAB/trash.$(date +%s%N)
  mkdir -p "$trash"
  for s in old new cyrus dns logs pids postfix/etc postfix/data postfix-old/etc postfix-old/data; do [ -e "$LAB/$s" ] && mv "$LAB/$s" "$trash/${s//\//-}"; done
  setsid rm -rf "$LAB"/trash.* </dev/null >/dev/null 2>&1 9>&- &
  # The Postfix queue directories are kept (emptied): creating them is "postfix check", seconds of work.
  for s in postfix postfix-old; do
    [ -d "$LAB/$s/spool" ] && find "$LAB/$s/spool" -mindepth 2 -type f ! -path '*/pid/*' -delete
  done
  rm -f "$LAB/lab.json" "$(ports_env)"
  mkdir -p "$LAB/logs" "$LAB/pids"
  local p
  read -r -a p <<<"$(tool ports 14)"
  cat >"$(ports_env)" <<ENV
LAB_ID=$(openssl rand -hex 6)
PASSWORD=lab-$(openssl rand -hex 8)
TSIG_NAME=runbook-lab-key
TSIG_SECRET=$(openssl rand -base64 32)
SMALL_PREFIX=small-
SMALL_LIMIT=1M
CA_DIR=$LAB/ca
NEW_BASE=$LAB/new/run
OLD_BASE=$LAB/old/run
OLD_IMAP=${p[0]}
OLD_IMAPS=${p[1]}
OLD_POP3=${p[2]}
OLD_POP3S=${p[3]}
NEW_IMAP=${p[4]}
NEW_IMAPS=${p[5]}
SMTP=${p[6]}
SUBMISSION=${p[7]}
AUTH_PORT=${p[8]}
RESOLVER_PORT=${p[9]}
SPARE_PORT=${p[10]}
CYRUS_IMAP=${p[11]}
OLD_SMTP=${p[12]}
PG_PORT=${p[13]}
CYRUS_SERVERNAME=cyrus.acme.test
CYRUS_ADMIN=cyrus-admin
ENV
  set -a; . "$(ports_env)"; set +a
  make_ca
  render_all
  # Postfix's check creates the queue directories; it is slow, so it runs once per instance, while the others start.
  local check checks=()
  for s in postfix postfix-old; do
    if [ -e "$LAB/$s/spool/.checked" ]; then true & else
      postfix -c "$LAB/$s/etc" check >>"$LAB/logs/$s.log" 2>&1 && touch "$LAB/$s/spool/.checked" &
    fi
    checks+=($!)
  done
  start named-auth named -g -c "$LAB/dns/auth/named.conf"
  start named-resolver named -g -c "$LAB/dns/resolver/named.conf"
  start dovecot-old dovecot -F -c "$LAB/old/dovecot.conf"
  start dovecot-new dovecot -F -c "$LAB/new/dovecot.conf"
  cyrus_start
  pg_start
  tool probe 10 "greet:$NEW_IMAP:* OK" # Postfix needs the new Dovecot's auth socket.
  for check in "${checks[@]}"; do wait "$check" || { tail -n 5 "$LAB"/logs/postfix*.log >&2; return 1; }; done
  start postfix /usr/lib/postfix/sbin/master -d -c "$LAB/postfix/etc"
  start postfix-old /usr/lib/postfix/sbin/master -d -c "$LAB/postfix-old/etc"
  probe 10
  tool json "$LAB/lab.json.tmp" && pg_json "$LAB/lab.json.tmp" && mv "$LAB/lab.json.tmp" "$LAB/lab.json"
}

stop_all() {
  stop postfix postfix-old # first: the new one's smtpd processes hold the new Dovecot's auth socket
  stop "${SERVERS[@]}"
  [ -s "$(ports_env)" ] || return 0
  set -a; . "$(ports_env)"; set +a
  local i
  for i in $(seq 1 50); do
    tool free "$OLD_IMAP" "$OLD_IMAPS" "$OLD_POP3" "$OLD_POP3S" "$NEW_IMAP" "$NEW_IMAPS" "$SMTP" "$SUBMISSION" \
      ${OLD_SMTP:-} "$AUTH_PORT" "$RESOLVER_PORT" ${CYRUS_IMAP:-} ${PG_PORT:-} 2>/dev/null && return 0
    sleep 0.1
  done
  tool free "$OLD_IMAP" "$OLD_IMAPS" "$OLD_POP3" "$OLD_POP3S" "$NEW_IMAP" "$NEW_IMAPS" "$SMTP" "$SUBMISSION" \
    ${OLD_SMTP:-} "$AUTH_PORT" "$RESOLVER_PORT" ${CYRUS_IMAP:-} ${PG_PORT:-}
}

up() {
  install_missing
  cyrus_install
  pg_install
  if running; then log "already up ($LAB/lab.json)"; return 0; fi
  local attempt
  for attempt in 1 2 3; do
    stop_all
    # A port taken between picking and binding (another lab) shows up as a failed probe: pick again.
    # A separate process, because bash ignores set -e inside a function called as an if condition.
    if "$0" _fresh; then log "up ($LAB/lab.json)"; return 0; fi
    log "start attempt $attempt failed; logs in $LAB/logs"
  done
  stop_all; tail -n 20 "$LAB"/logs/*.log >&2; return 1
}

status() {
  local s rc=0
  for s in "${SERVERS[@]}"; do
    if alive "$s"; then echo "$s: up (pid $(cat "$(pidfile "$s")"))"; else echo "$s: down"; rc=1; fi
  done
  return $rc
}

mkdir -p "$LAB"
if [ "${1:-}" != _fresh ]; then
  exec 9>"$LAB/.lock"
  flock 9 # one lab.sh at a time per worktree (build.sh and the test fixture may both call up)
fi
case "${1:-}" in
  _fresh) start_fresh ;;
  up) up ;;
  down) stop_all; log "down" ;;
  status) status ;;
  *) sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
