#!/usr/bin/env python3
"""Turns bench/bench.sh's raw runs into its one table: prints it, writes OUT.json and OUT.md.

usage: bench_table.py RUNS.tsv CHECKS.tsv OUT key=value...
RUNS.tsv:   scenario tool pass round wall_s rss_kb exit_code messages bytes   (messages/bytes "-" for passes)
CHECKS.tsv: scenario tool pass exact exact_without_x_tuid source_messages destination_messages source_bytes first_difference
"""
import json
import statistics
import sys
from collections import OrderedDict

runs_path, checks_path, out = sys.argv[1:4]
meta = dict(a.split("=", 1) for a in sys.argv[4:])
ORDER = [("runbook", "copy"), ("runbook", "no-op"), ("runbook", "delta"), ("runbook", "state-deleted"),
         ("backup", "copy"), ("mbsync", "copy"), ("mbsync", "no-op"), ("mbsync", "delta"),
         ("mbsync", "state-deleted"), ("floor", "copy")]
LABEL = {"copy": "first copy", "no-op": "no-op pass (state kept)", "delta": "delta pass (10 new in 8 accounts)",
         "state-deleted": "state deleted, run again"}

groups = OrderedDict()
for line in open(runs_path):
    scenario, tool, kind, rnd, wall, rss, rc, messages, size = line.rstrip("\n").split("\t")
    g = groups.setdefault((scenario, tool, kind), {"walls": [], "rss": [], "rc": [], "messages": [], "bytes": []})
    g["walls"].append(float(wall)); g["rss"].append(int(rss)); g["rc"].append(int(rc))
    if messages != "-":
        g["messages"].append(int(messages))
    if size != "-":
        g["bytes"].append(int(size))
checks = {}
for line in open(checks_path):
    f = line.rstrip("\n").split("\t")
    checks[tuple(f[:3])] = {"exact": f[3] == "true", "exactWithoutXTuid": f[4] == "true", "sourceMessages": int(f[5]),
                            "destinationMessages": int(f[6]), "sourceBytes": int(f[7]), "firstDifference": f[8] if len(f) > 8 else ""}


def median_wall(scenario, tool, kind):
    g = groups.get((scenario, tool, kind))
    return statistics.median(g["walls"]) if g else None


def exact_text(scenario, tool, kind):
    c = checks.get((scenario, tool, kind))
    if c is None:
        return "–"
    doubles = c["destinationMessages"] - c["sourceMessages"]
    if c["exact"]:
        return "yes" if kind == "copy" else f"yes ({c['destinationMessages']:,} on new, none twice)"
    if c["exactWithoutXTuid"]:
        return "no: X-TUID header added" if kind == "copy" else f"no: X-TUID, {c['destinationMessages']:,} on new for {c['sourceMessages']:,}"
    if doubles > 0:
        return f"no: {c['destinationMessages']:,} on new for {c['sourceMessages']:,}"
    return "no: " + (c["firstDifference"] or "differs")[:60]


scenarios = list(OrderedDict.fromkeys(k[0] for k in groups))
rows = []
for scenario in scenarios:
    for tool, kind in ORDER:
        g = groups.get((scenario, tool, kind))
        if not g:
            continue
        wall = statistics.median(g["walls"])
        messages = statistics.median(g["messages"]) if g["messages"] else None
        size = statistics.median(g["bytes"]) if g["bytes"] else None
        copy = kind == "copy" and messages is not None
        row = {"scenario": scenario, "tool": tool, "pass": kind, "runs": len(g["walls"]), "wallSeconds": round(wall, 2),
               "wallMin": min(g["walls"]), "wallMax": max(g["walls"]), "walls": g["walls"],
               "peakRssMb": round(max(g["rss"]) / 1024), "exitCodes": g["rc"],
               "messages": messages, "bytes": size,
               "messagesPerSecond": round(messages / wall) if copy else None,
               "mbPerSecond": round(size / wall / 1048576, 1) if copy and size else None,
               "exact": exact_text(scenario, tool, kind), "check": checks.get((scenario, tool, kind)),
               "runbookVsPeer": None, "runbookVsFloor": None}
        if tool == "runbook":
            peer = median_wall(scenario, "mbsync", kind)
            floor = median_wall(scenario, "floor", "copy") if kind == "copy" else None
            # Speed ratios: the other tool's wall time over Runbook's (1.0 = as fast, 0.5 = Runbook takes twice as long).
            row["runbookVsPeer"] = round(peer / wall, 2) if peer else None
            row["runbookVsFloor"] = round(floor / wall, 2) if floor else None
        rows.append(row)


def fmt(v, pattern="{}"):
    return "–" if v is None else pattern.format(v)


header = ["scenario", "tool", "pass", "runs", "messages", "MB", "wall (median)", "range", "msg/s", "MB/s", "peak RSS",
          "exact", "Runbook/peer", "Runbook/floor"]
lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
for r in rows:
    failed = "" if all(rc == 0 for rc in r["exitCodes"]) else " (exit " + ",".join(map(str, sorted(set(r["exitCodes"])))) + ")"
    lines.append("| " + " | ".join([
        r["scenario"], r["tool"], LABEL[r["pass"]] + failed, str(r["runs"]),
        fmt(r["messages"], "{:,.0f}"), fmt(r["bytes"] and r["bytes"] / 1048576, "{:,.0f}"),
        f"{r['wallSeconds']:.2f} s", f"{r['wallMin']:.2f}–{r['wallMax']:.2f}",
        fmt(r["messagesPerSecond"], "{:,}"), fmt(r["mbPerSecond"]), f"{r['peakRssMb']} MB", r["exact"],
        fmt(r["runbookVsPeer"], "{:.2f}"), fmt(r["runbookVsFloor"], "{:.2f}")]) + " |")
table = "\n".join(lines)
notes = (f"{meta.get('runs')} runs per figure (median; range = fastest–slowest), destination moved aside (not deleted) and idle "
         f"{meta.get('idle')} s before every copy; {meta.get('nproc')} cores; load average before {meta.get('load_before')}, "
         f"after {meta.get('load_after')}; whole bench {int(meta.get('seconds', 0)) // 60} min {int(meta.get('seconds', 0)) % 60} s; "
         f"commit {meta.get('commit')}; {meta.get('mbsync')}; "
         + ("Runbook and the floor as `./build.sh publish` deploys them (self-contained, ReadyToRun composite).\n"
            if meta.get("build") == "published" else "Runbook and the floor from `dotnet build` (JIT).\n")
         + "Runbook/peer and Runbook/floor: the other's wall time over Runbook's (1.00 = as fast; 0.50 = Runbook takes twice as long). "
         "Peak RSS: the largest single process (mbsync runs one process per account).\n"
         f"Not measured in this run: {meta.get('skipped')}.")
print(table)
print()
print(notes)
with open(out + ".json", "w") as f:
    json.dump({"meta": meta, "rows": rows}, f, indent=2, ensure_ascii=False)
with open(out + ".md", "w") as f:
    f.write(f"# Benchmark {out.rsplit('/', 1)[-1]}\n\n{table}\n\n{notes}\n")
print(f"\nwritten: {out}.json, {out}.md")
