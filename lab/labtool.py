#!/usr/bin/env python3
"""Small helpers for lab.sh: free ports, template rendering, readiness probes, lab.json."""
import json, os, re, random, socket, ssl, subprocess, sys, time


def free_ports(count):
    """Ports free for both TCP and UDP on 127.0.0.1 (named needs both); random, so parallel labs rarely collide."""
    found = []
    while len(found) < count:
        port = random.randint(20000, 59999)
        if port in found:
            continue
        try:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        found.append(port)
    print(" ".join(map(str, found)))


def render(*specs):
    """Each spec is TEMPLATE:TARGET[:NAME=VALUE...]; @NAME@ takes the spec's values, then the environment."""
    for spec in specs:
        template, target, *pairs = spec.split(":")
        render_one(template, target, dict(os.environ, **dict(p.split("=", 1) for p in pairs)))


def render_one(template, target, values):
    text = open(template, encoding="utf-8").read()
    for key, value in values.items():
        text = text.replace("@" + key + "@", value)
    missing = re.findall(r"@[A-Z_]+@", text)
    if missing:
        sys.exit(f"labtool: unset placeholders in {template}: {missing}")
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)


def greeting(port, prefix, timeout, cafile=None):
    """Waits until a server greets with PREFIX (a real answer, not just an accepted connect); over TLS when
    CAFILE is given, which also proves the certificate verifies against the lab CA."""
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=2) as raw:
                s = ssl.create_default_context(cafile=cafile).wrap_socket(raw, server_hostname="localhost") if cafile else raw
                s.settimeout(2)
                if s.recv(512).decode("latin-1").startswith(prefix):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"labtool: no '{prefix}' greeting on port {port}")


def dns_answers(port, lab_id, recursive, timeout):
    """Waits until named answers SOA and our own lab-id TXT (BIND may share a busy port with a stranger)."""
    deadline = time.monotonic() + float(timeout)
    flag = "+recurse" if recursive == "1" else "+norecurse"
    while time.monotonic() < deadline:
        args = ["dig", "-p", port, "@127.0.0.1", flag, "+short", "+time=1", "+tries=1"]
        soa = subprocess.run(args + ["acme.test", "SOA"], capture_output=True, text=True).stdout.strip()
        txt = subprocess.run(args + ["lab-id.acme.test", "TXT"], capture_output=True, text=True).stdout.strip()
        if soa and txt.strip('"') == lab_id:
            return
        time.sleep(0.05)
    sys.exit(f"labtool: no SOA / lab-id answer from named on port {port}")


def probe(timeout, *checks):
    """Checks are greet:PORT:PREFIX, tls:PORT:PREFIX or dns:PORT:RECURSIVE(0|1); all must pass."""
    for check in checks:
        kind, port, arg = check.split(":", 2)
        if kind == "greet":
            greeting(port, arg, timeout)
        elif kind == "tls":
            greeting(port, arg, timeout, os.environ["CA_DIR"] + "/ca.crt")
        else:
            dns_answers(port, os.environ["LAB_ID"], arg, timeout)


def all_free(*ports):
    """Exit 0 when none of the ports has a TCP listener on 127.0.0.1."""
    busy = []
    for port in ports:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=1):
                busy.append(port)
        except OSError:
            pass
    if busy:
        sys.exit(f"labtool: still listening: {' '.join(busy)}")


def write_json(target):
    e = os.environ
    host = "127.0.0.1"
    port = lambda name: {"host": host, "port": int(e[name])}
    lab = {
        "id": e["LAB_ID"],
        "host": host,
        "root": e["LAB"],
        "old": {
            "host": host, "imap": port("OLD_IMAP"), "imaps": port("OLD_IMAPS"),
            "pop3": port("OLD_POP3"), "pop3s": port("OLD_POP3S"),
            "smtp": port("OLD_SMTP"), "lmtpSocket": e["LAB"] + "/old/run/lmtp",
            "doveconf": e["LAB"] + "/old/dovecot.conf", "mailRoot": e["LAB"] + "/old/mail",
            "mailHome": e["LAB"] + "/old/mail/{user}", "maildir": e["LAB"] + "/old/mail/{user}/Maildir",
            "namespace": {"prefix": "INBOX.", "separator": "."},
        },
        "new": {
            "host": host, "imap": port("NEW_IMAP"), "imaps": port("NEW_IMAPS"),
            "smtp": port("SMTP"), "submission": port("SUBMISSION"),
            "lmtpSocket": e["LAB"] + "/new/run/lmtp",
            "doveconf": e["LAB"] + "/new/dovecot.conf", "mailRoot": e["LAB"] + "/new/mail",
            "namespace": {"prefix": "", "separator": "/"},
            "specialUse": {"Sent": "Sent", "Drafts": "Drafts", "Trash": "Trash", "Junk": "Junk"},
            "sizeLimit": {"maxMessageBytes": 64 * 1024 * 1024, "smallUserPrefix": e["SMALL_PREFIX"],
                          "smallUserMaxMessageBytes": 1024 * 1024},
        },
        "cyrus": {
            "host": host, "imap": port("CYRUS_IMAP"), "servername": e["CYRUS_SERVERNAME"],
            "admin": e["CYRUS_ADMIN"], "sasldb": e["LAB"] + "/cyrus/sasldb2", "imapdConf": e["LAB"] + "/cyrus/imapd.conf",
            "namespace": {"prefix": "", "separator": "/"},
            "accounts": "every user needs a sasldb entry in the realm 'servername' with the lab password: "
                        "saslpasswd2 -p -c -f SASLDB -u SERVERNAME USER; its INBOX, Sent, Drafts, Trash and Junk "
                        "appear at its first login, without a quota limit; the admin sets one with SETQUOTA user/USER",
        },
        "dns": {
            "host": host, "authoritative": port("AUTH_PORT"), "resolver": port("RESOLVER_PORT"),
            "zone": "acme.test.", "ttl": {"mx": 60, "a": 300, "txt": 300, "negative": 5},
            "tsig": {"name": e["TSIG_NAME"], "algorithm": "hmac-sha256", "secret": e["TSIG_SECRET"]},
        },
        "ca": {"file": e["CA_DIR"] + "/ca.crt"},
        "accounts": {
            "domain": "acme.test", "password": e["PASSWORD"],
            "note": "any username logs in on both Dovecots with this password; invent t-<guid>@acme.test per test",
        },
        "pids": e["LAB"] + "/pids",
    }
    with open(target, "w", encoding="utf-8") as f:
        json.dump(lab, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"ports": lambda: free_ports(int(rest[0])), "render": lambda: render(*rest), "probe": lambda: probe(*rest),
     "greeting": lambda: greeting(*rest), "dns": lambda: dns_answers(*rest),
     "free": lambda: all_free(*rest), "json": lambda: write_json(*rest)}[command]()
