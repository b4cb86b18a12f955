#!/usr/bin/env python3
"""The README's digits table from the baked default `digits` results (www/baked/<key>.json):
test error at n = 64 and 256 with its 95 % interval, and n_ε with its interval, per curve.
Usage: python3 scripts/digits-table.py [results.json]  (default: the baked default file)."""
import json
import sys


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else None
    if path is None:
        sys.exit("give the results file: python3 scripts/digits-table.py www/baked/<key>.json")
    r = json.load(open(path))
    n = r["curves"][0]["n"]
    j64, j256 = n.index(64), n.index(256)
    rows = {(s["method"], row["m"]): row for s in r["claim"]["series"] for row in s["rows"]}
    n_min, n_max = n[0], n[-1]

    def n_text(v, hi=False):
        if v is None:
            return f"> {n_max}"
        return f"≤ {n_min}" if v <= n_min and not hi else f"{v:.0f}"

    print("| method | m | error at n = 64 | error at n = 256 | n_ε (95 % CI) |")
    print("|---|---|---|---|---|")
    for c in sorted(r["curves"], key=lambda c: (c["method"], c["m"] or 0)):
        def at(j):
            return f"{c['risk_mean'][j]:.3f} [{c['risk_lo'][j]:.3f}, {c['risk_hi'][j]:.3f}]"
        row = rows.get((c["method"], c["m"]))
        ne = "–"
        if row:
            ne = n_text(row["n_eps"])
            if row["n_eps"] is not None:
                ne += f" [{n_text(row['n_eps_lo'])}, {n_text(row['n_eps_hi'], True)}]"
        print(f"| {c['method']} | {c['m'] if c['m'] else '–'} | {at(j64)} | {at(j256)} | {ne} |")


if __name__ == "__main__":
    main()
