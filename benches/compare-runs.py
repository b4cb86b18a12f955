#!/usr/bin/env python3
"""Agreement of two `caulk run --json` results of the same config (e.g. backend=cpu and
backend=gpu): every point's mean risk within 2 % relative or inside the first run's seed
interval, and every fitted slope within 0.02. Prints one JSON object; exits 1 on a miss.

usage: benches/compare-runs.py A.json B.json
"""
import json
import sys


def main(a_path, b_path):
    a, b = (json.load(open(p)) for p in (a_path, b_path))
    curves_b = {c["label"]: c for c in b["curves"]}
    points, misses, slopes = 0, [], []
    for ca in a["curves"]:
        cb = curves_b.get(ca["label"])
        if cb is None:
            misses.append(f"{ca['label']}: missing in {b_path}")
            continue
        for n, ra, rb, lo, hi in zip(ca["n"], ca["risk_mean"], cb["risk_mean"], ca["risk_lo"], ca["risk_hi"]):
            if ra is None or rb is None:
                continue
            points += 1
            rel = abs(ra - rb) / max(abs(ra), 1e-12)
            inside = lo is not None and hi is not None and lo <= rb <= hi
            if rel > 0.02 and not inside:
                misses.append(f"{ca['label']} n={n}: {ra:.4g} vs {rb:.4g} ({rel:.1%})")
        if ca.get("slope") is not None and cb.get("slope") is not None:
            d = abs(ca["slope"] - cb["slope"])
            slopes.append({"curve": ca["label"], "a": ca["slope"], "b": cb["slope"], "diff": d})
            if d > 0.02:
                misses.append(f"{ca['label']}: slope {ca['slope']:.4f} vs {cb['slope']:.4f}")
    out = {
        "a": {"file": a_path, "backend": a.get("backend"), "elapsed_ms": a.get("elapsed_ms"),
              "estimated_s": (a.get("estimate") or {}).get("seconds")},
        "b": {"file": b_path, "backend": b.get("backend"), "elapsed_ms": b.get("elapsed_ms"),
              "estimated_s": (b.get("estimate") or {}).get("seconds")},
        "points": points,
        "slopes": slopes,
        "misses": misses,
        "agree": not misses and points > 0,
    }
    print(json.dumps(out, indent=2))
    return 0 if out["agree"] else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
