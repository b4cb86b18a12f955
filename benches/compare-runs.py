#!/usr/bin/env python3
"""Agreement of two `caulk run --json` results of the same config (e.g. backend=cpu and
backend=gpu): every point's mean risk within 2 % relative or inside the first run's seed
interval, and every fitted slope within 0.02.

With --floor, the other files are runs of A's config with `jitter` > 0 (the same backend as
A, starting weights perturbed at the level of float rounding): how far A moves from itself
under such a change is its numerical floor, per point and per slope. A difference between
A and B is then also judged against that floor: within max(criterion, floor).

Prints one JSON object. Exit status: 0 when every point and slope meets the criterion; 3
when some only meet the floor (B differs from A no more than A differs from a jittered A);
1 on a miss beyond both (or a missing curve, or floor files of another config).

usage: benches/compare-runs.py A.json B.json [--floor F.json ...]
"""
import json
import sys

POINT_REL = 0.02
SLOPE_ABS = 0.02


def curves(run):
    return {c["label"]: c for c in run["curves"]}


def point_rel(ra, rb):
    return abs(ra - rb) / max(abs(ra), 1e-12)


def same_config(a, f):
    """A's config and F's, except for the jitter (and the backend, which may differ)."""
    strip = lambda c: {k: v for k, v in c.items() if k not in ("jitter", "backend")}
    return strip(a["config"]) == strip(f["config"])


def floors(a, runs):
    """Per curve: the largest slope move and, per n, the largest relative point move of A
    under the jittered runs."""
    out = {}
    for ca in a["curves"]:
        slope, points = 0.0, {}
        for f in runs:
            cf = curves(f).get(ca["label"])
            if cf is None:
                continue
            if ca.get("slope") is not None and cf.get("slope") is not None:
                slope = max(slope, abs(ca["slope"] - cf["slope"]))
            for n, ra, rf in zip(ca["n"], ca["risk_mean"], cf["risk_mean"]):
                if ra is not None and rf is not None:
                    points[n] = max(points.get(n, 0.0), point_rel(ra, rf))
        out[ca["label"]] = {"slope": slope, "points": points}
    return out


def main(a_path, b_path, floor_paths):
    a, b = (json.load(open(p)) for p in (a_path, b_path))
    runs = [json.load(open(p)) for p in floor_paths]
    misses, at_floor, slopes, points = [], [], [], 0
    for path, f in zip(floor_paths, runs):
        if not same_config(a, f) or not f["config"].get("jitter"):
            misses.append(f"{path}: not a jittered run of {a_path}'s config")
    floor = floors(a, runs) if runs else {}
    curves_b = curves(b)
    for ca in a["curves"]:
        label = ca["label"]
        cb = curves_b.get(label)
        if cb is None:
            misses.append(f"{label}: missing in {b_path}")
            continue
        fl = floor.get(label, {"slope": 0.0, "points": {}})
        for n, ra, rb, lo, hi in zip(ca["n"], ca["risk_mean"], cb["risk_mean"], ca["risk_lo"], ca["risk_hi"]):
            if ra is None or rb is None:
                continue
            points += 1
            rel = point_rel(ra, rb)
            inside = lo is not None and hi is not None and lo <= rb <= hi
            if rel <= POINT_REL or inside:
                continue
            what = f"{label} n={n}: {ra:.4g} vs {rb:.4g} ({rel:.1%})"
            if rel <= fl["points"].get(n, 0.0):
                at_floor.append(f"{what}, floor {fl['points'][n]:.1%}")
            else:
                misses.append(what)
        if ca.get("slope") is not None and cb.get("slope") is not None:
            d = abs(ca["slope"] - cb["slope"])
            slopes.append({"curve": label, "a": ca["slope"], "b": cb["slope"], "diff": d,
                           "floor": fl["slope"] if runs else None})
            if d <= SLOPE_ABS:
                continue
            what = f"{label}: slope {ca['slope']:.4f} vs {cb['slope']:.4f}"
            if d <= fl["slope"]:
                at_floor.append(f"{what}, floor {fl['slope']:.4f}")
            else:
                misses.append(what)
    agree = not misses and not at_floor and points > 0
    out = {
        "a": {"file": a_path, "backend": a.get("backend"), "elapsed_ms": a.get("elapsed_ms"),
              "estimated_s": (a.get("estimate") or {}).get("seconds")},
        "b": {"file": b_path, "backend": b.get("backend"), "elapsed_ms": b.get("elapsed_ms"),
              "estimated_s": (b.get("estimate") or {}).get("seconds")},
        "floor_runs": [{"file": p, "jitter": f["config"].get("jitter")} for p, f in zip(floor_paths, runs)],
        "points": points,
        "slopes": slopes,
        "misses": misses,
        "within_floor": at_floor,
        "agree": agree,
        "agree_within_floor": not misses and points > 0,
    }
    print(json.dumps(out, indent=2))
    return 0 if agree else 3 if out["agree_within_floor"] else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    floor_paths = []
    if "--floor" in args:
        i = args.index("--floor")
        args, floor_paths = args[:i], args[i + 1:]
        if not floor_paths:
            sys.exit(__doc__)
    if len(args) != 2:
        sys.exit(__doc__)
    sys.exit(main(args[0], args[1], floor_paths))
