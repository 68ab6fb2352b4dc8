#!/usr/bin/env python3
"""One plain read of mailboxes: every message of every folder, UID FETCH 1:* BODY.PEEK[] per folder (EXAMINE),
all mailboxes at once, one thread and one connection each. No parsing, no hashing: the floor verify is compared to.
    plain_read.py PASSWORD PORT:USER [PORT:USER ...]"""
import imaplib, re, sys, threading, time

def read(port, user, password, totals):
    imap = imaplib.IMAP4("127.0.0.1", int(port))
    imap.login(user, password)
    messages = size = 0
    for line in imap.list()[1]:
        name = re.match(rb'\((?P<flags>[^)]*)\) (?P<sep>"[^"]*"|NIL) (?P<name>.+)$', line)
        if name is None or b"\\Noselect" in name["flags"]:
            continue
        typ, data = imap.select(name["name"].decode(), readonly=True)
        if typ != "OK" or int(data[0]) == 0:
            continue
        typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
        for part in data:
            if isinstance(part, tuple):
                messages += 1; size += len(part[1])
    imap.logout()
    totals.append((messages, size))

password, targets = sys.argv[1], sys.argv[2:]
totals, threads, start = [], [], time.monotonic()
for target in targets:
    port, user = target.split(":", 1)
    threads.append(threading.Thread(target=read, args=(port, user, password, totals)))
for t in threads: t.start()
for t in threads: t.join()
seconds = time.monotonic() - start
messages, size = sum(t[0] for t in totals), sum(t[1] for t in totals)
print(f"plain read: {messages} messages, {size / 1048576:.1f} MB from {len(targets)} mailboxes in {seconds:.2f} s")
