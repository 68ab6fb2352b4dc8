# Cyrus IMAP 3.6 for lab.sh (sourced): a third destination beside the two Dovecots.
# Debian's cyrus-imapd conflicts with dovecot-imapd (both provide imap-server), so it is not installed as a package:
# its two .debs are unpacked into $LAB/cyrus-dist (kept across fresh starts) and only their libraries are installed.
CYRUS_DIST=$LAB/cyrus-dist
CYRUS_BIN=$CYRUS_DIST/usr/lib/cyrus/bin

cyrus_install() {
  id cyrus >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin -g mail cyrus
  [ -e "$CYRUS_DIST/.unpacked" ] && return 0
  log "unpacking cyrus-imapd and cyrus-common into $CYRUS_DIST"
  local debs=$LAB/cyrus-debs f p missing=()
  rm -rf "$debs" "$CYRUS_DIST"; mkdir -p "$debs" "$CYRUS_DIST"
  # apt's sandbox user must be able to write the download folder.
  chown _apt "$debs" 2>/dev/null || true
  (cd "$debs" && apt-get download -qq cyrus-imapd cyrus-common >/dev/null 2>&1) \
    || { apt-get update -qq -o DPkg::Lock::Timeout=300; (cd "$debs" && apt-get download -qq cyrus-imapd cyrus-common >/dev/null); }
  for f in "$debs"/*.deb; do dpkg -x "$f" "$CYRUS_DIST"; done
  # Only the shared libraries they link against (plus libsasl2-modules for the sasldb plugin), never adduser, an MTA or perl.
  for p in $(for f in "$debs"/*.deb; do dpkg-deb -f "$f" Depends; done | tr ',' '\n' \
      | sed 's/([^)]*)//; s/|.*//; s/[[:space:]]//g; s/:any$//' | grep '^lib' | sort -u); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Cyrus's libraries: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
  fi
  rm -rf "$debs"
  touch "$CYRUS_DIST/.unpacked"
}

cyrus_saslpasswd() { # USER: creates or resets a sasldb user with the lab password, in the realm Cyrus asks for
  printf '%s' "$PASSWORD" | flock "$LAB/cyrus/sasldb2.lock" saslpasswd2 -p -c -f "$LAB/cyrus/sasldb2" -u "$CYRUS_SERVERNAME" "$1"
}

cyrus_start() {
  local d=$LAB/cyrus
  mkdir -p "$d"/{conf,spool,sieve,run}
  tool render "$here/templates/cyrus-imapd.conf.in:$d/imapd.conf:DIR=$d:SERVERNAME=$CYRUS_SERVERNAME:ADMIN=$CYRUS_ADMIN" \
    "$here/templates/cyrus.conf.in:$d/cyrus.conf:DIR=$d:BIN=$CYRUS_BIN:PORT=$CYRUS_IMAP"
  cyrus_saslpasswd "$CYRUS_ADMIN"
  chown -R cyrus:mail "$d"
  # master starts as root, binds, and runs imapd as the cyrus user; it stays in the foreground (no -d).
  start cyrus env LD_LIBRARY_PATH="$(echo "$CYRUS_DIST"/usr/lib/*-linux-gnu)" \
    "$CYRUS_BIN/master" -C "$d/imapd.conf" -M "$d/cyrus.conf" -p "$d/run/master.pid" -D
}
