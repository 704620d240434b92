#!/usr/bin/env python3
"""The summary of bench/load.sh: medians per operation, mode and concurrency, beside the floor.

Usage: summary.py RUNS_TSV FLOORS_TSV STARTED (rows from STARTED on, an ISO instant)

`× floor` is the server's req/s over the floor's transactions per second (a transaction of the
floor returns what one request returns): the ratio the targets of issue 17 are stated in.
"""
import csv
import statistics
import sys

MODES = {"shipped": 0, "executed": 1}


def rows(path, started):
    try:
        return [r for r in csv.DictReader(open(path), delimiter="\t") if r["time"] >= started]
    except FileNotFoundError:
        return []


def main():
    runs_path, floors_path, started = sys.argv[1:4]
    runs = [r for r in rows(runs_path, started) if r.get("server_cpu_ms_per_req")]
    floors = rows(floors_path, started)
    order, groups, floor_groups = {}, {}, {}
    for r in runs:
        order.setdefault(r["operation"], len(order))
        groups.setdefault((r["operation"], int(r["concurrency"]), r["mode"]), []).append(r)
    for f in floors:
        floor_groups.setdefault((f["operation"], int(f["concurrency"])), []).append(f)

    def med(rs, k):
        values = [float(r[k]) for r in rs if r[k] not in ("", "nan")]
        return statistics.median(values) if values else float("nan")

    print("| operation | mode | conc | runs | req/s | p50 ms | p99 ms | peak RSS MiB "
          "| server CPU ms/req | floor tps | floor p50 ms | floor p99 ms | × floor | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for key in sorted(groups, key=lambda k: (order[k[0]], k[1], MODES.get(k[2], 9))):
        op, conc, mode = key
        rs = groups[key]
        fs = floor_groups.get((op, conc), [])
        rps = med(rs, "rps")
        floor = f"| {med(fs, 'tps'):.0f} | {med(fs, 'p50_ms'):.2f} | {med(fs, 'p99_ms'):.2f} " \
                f"| {rps / med(fs, 'tps'):.2f} " if fs else "| | | | "
        print(f"| {op} | {mode} | {conc} | {len(rs)} | {rps:.0f} | {med(rs, 'p50_ms'):.2f} "
              f"| {med(rs, 'p99_ms'):.2f} | {max(float(r['peak_rss_mib']) for r in rs):.1f} "
              f"| {med(rs, 'server_cpu_ms_per_req'):.2f} {floor}"
              f"| {' '.join(r['errors'] for r in rs)} |")
    if runs:
        peak = max(runs, key=lambda r: float(r["peak_rss_mib"]))
        print(f"\nserver peak RSS over all runs: {float(peak['peak_rss_mib']):.1f} MiB "
              f"({peak['operation']}, {peak['mode']}, c={peak['concurrency']})")
    longtail = [k for k in groups if k[0].startswith("longtail:") and k[2] == "executed"]
    if longtail:
        worst = max(longtail, key=lambda k: med(groups[k], "p99_ms"))
        print(f"long-tail, executed: worst p99 {med(groups[worst], 'p99_ms'):.2f} ms "
              f"({worst[0]}, c={worst[1]})")


if __name__ == "__main__":
    main()
