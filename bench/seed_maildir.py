#!/usr/bin/env python3
"""Writes a deterministic bench mailbox straight into the old lab server's Maildir (Courier layout, INBOX. prefix).

Usage: seed_maildir.py MAILDIR COUNT SEED [BIG_BYTES [INBOX_SHARE]]
Messages are 1-48 KB (mean ~24 KB, like the 10,000-message / 237 MB reference mailbox), spread over INBOX, Sent,
取引先 and 取引先/2024, with flags and INTERNALDATEs over years (file mtime). BIG_BYTES adds one message
of that size to INBOX. INBOX_SHARE (0-1) puts that share of the messages in INBOX and spreads the rest over the other
three folders (default: all four folders alike). Dovecot indexes the files on first access, as it does after a server move.
"""
import os, random, sys

maildir, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
big = int(sys.argv[4]) if len(sys.argv) > 4 else 0
inbox_share = float(sys.argv[5]) if len(sys.argv) > 5 else None
rng = random.Random(seed)
# Maildir++ folder names: "." + name with '.' as separator, modified UTF-7 for non-ASCII.
folders = ["", ".Sent", ".&U9ZfFVFI-", ".&U9ZfFVFI-.2024"]

def write(folder, n, body, flags):
    d = os.path.join(maildir, folder) if folder else maildir
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    path = os.path.join(d, "cur", f"{1500000000 + n}.M{n}P{seed}.bench:2,{flags}")
    with open(path, "wb") as f:
        f.write(body)
    t = 1420070400 + rng.randrange(0, 10 * 365 * 86400)
    os.utime(path, (t, t))

for n in range(count):
    size = rng.randrange(1024, 48 * 1024)
    headers = (f"Message-ID: <bench-{seed}-{n}@old.test>\r\nFrom: a{n % 50}@old.test\r\nTo: b@acme.test\r\n"
               f"Subject: bench {seed} {n}\r\nDate: Tue, 02 Jan 2024 03:04:05 +0900\r\n\r\n").encode()
    line = (b"lorem ipsum dolor sit amet " * 3)[:76] + b"\r\n"
    body = headers + line * max(1, (size - len(headers)) // len(line))
    if inbox_share is None:
        folder = folders[n % len(folders)]
    else:
        folder = "" if n < inbox_share * count else folders[1 + n % (len(folders) - 1)]
    write(folder, n, body, rng.choice(["", "S", "FS", "RS"]))

if big:
    headers = f"Message-ID: <bench-{seed}-big@old.test>\r\nSubject: 30 MB\r\n\r\n".encode()
    line = b"x" * 998 + b"\r\n"
    write("", count, headers + line * (big // len(line)), "S")

for root, dirs, files in os.walk(os.path.dirname(maildir)):
    os.chown(root, 8, 8)
    for f in files:
        os.chown(os.path.join(root, f), 8, 8)
