#!/usr/bin/env python3
"""Self time of a `perf report --sort dso,symbol` listing (stdin) summed by crate or library:
`mimalloc`, `pest`, `async_graphql`, `sqlx_postgres`, `[kernel]`, `libc`... so that two profiles
compare by where the time goes rather than by thousands of small symbols."""
import re
import sys
from collections import Counter

ALLOCATOR = re.compile(r"^_?mi_")
totals = Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)", line)
    if not m:
        continue
    pct, dso, kind, symbol = float(m[1]), m[2], m[3], m[4].strip()
    if kind == "k":
        key = "[kernel]"
    elif dso != "jobboard":
        key = dso.split(".so")[0]
    elif ALLOCATOR.match(symbol):
        key = "mimalloc"
    else:
        # The first path segment of the symbol, past generic wrappers: `<sqlx_postgres::…`.
        path = re.findall(r"([a-z_][a-z0-9_]*)::", symbol)
        key = path[0] if path else symbol[:40]
        if key in ("core", "alloc", "std") and len(path) > 1:
            key = f"{key} ({path[1]})"
    totals[key] += pct
for key, pct in totals.most_common(25):
    print(f"{pct:6.2f}%  {key}")
