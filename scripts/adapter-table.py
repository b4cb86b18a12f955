#!/usr/bin/env python3
"""The README's table "adapters against the theory": the `limit` preset (oracle extractor,
16 seeds, its default n grid and step budget) with the spline, the adapter and LoRA, at
s = αβ ∈ {0.5, 0.75} (β = 1; or the values given with --s) and d ∈ {2, 5, 8}; each curve's
fitted slope and 95 % interval against the rate −2s/(2s+1). Runs the CLI that
`cargo build --release` makes. Usage: python3 scripts/adapter-table.py [--s 0.4,0.9] [caulk]"""
import json
import subprocess
import sys

ARGS = sys.argv[1:]
S = [0.5, 0.75]
if "--s" in ARGS:
    i = ARGS.index("--s")
    S = [float(v) for v in ARGS[i + 1].split(",")]
    del ARGS[i : i + 2]
CAULK = ARGS[0] if ARGS else "target/release/caulk"
METHODS = ["caulk-spline", "caulk-adapter", "lora"]


def main():
    print("| s | d | rate | " + " | ".join(METHODS) + " |")
    print("|---|---|---|" + "---|" * len(METHODS))
    # ✗: more than 0.1 from the rate; (unsteady): the steadiness check flagged the curve.
    for alpha in S:
        for d in (2, 5, 8):
            frag = f"v=1&preset=limit&alpha={alpha}&beta=1&d={d}&methods={','.join(METHODS)}"
            out = subprocess.run([CAULK, "run", "--fragment", frag, "--json"],
                                 capture_output=True, text=True, check=True).stdout
            r = json.loads(out)
            by = {c["method"]: c for c in r["curves"]}
            rate = by["caulk-spline"]["predicted_slope"]
            cells = []
            for m in METHODS:
                c = by[m]
                miss = abs(c["slope"] - rate) > 0.1
                flag = " (unsteady)" if any(f.startswith("unsteady") for f in c["flags"]) else ""
                cells.append(f"{c['slope']:.3f} [{c['slope_lo']:.3f}, {c['slope_hi']:.3f}]{' ✗' if miss else ''}{flag}")
            row = f"| {alpha} | {d} | {rate:.3f} | " + " | ".join(cells) + " |"
            print(row.replace("-", "−"), flush=True)


if __name__ == "__main__":
    main()
