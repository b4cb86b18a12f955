#!/usr/bin/env bash
# GPU checks for a machine with a real GPU (CI has none; lavapipe runs them too, slowly):
# the K-model batching table (with how busy the device was: pass timestamps), a finer K
# sweep around the SM count, and the GPU-vs-CPU agreement and wall times of the `headline`
# and `limit` presets (pre-training and fine-tuning on the device), judged also against the
# CPU's own numerical floor (`jitter` runs). Writes JSON files into OUT and prints a summary.
#
# usage: benches/gpu.sh [OUT]      (CAULK=path/to/caulk, default target/release/caulk)
set -uo pipefail
out=${1:-bench-out}
bin=${CAULK:-target/release/caulk}
mkdir -p "$out"
"$bin" device --json | tee "$out/device.json"
"$bin" bench batching --json > "$out/batching.json" || echo "batching bench failed"
# A finer K sweep: a step in scaling where K passes a multiple of the SM count (132 on an
# H100/H200) says the workgroups no longer fit at once (waves: occupancy, registers);
# a smooth decline says memory bandwidth or host work (read with the busy column).
"$bin" bench batching --json --k 1,32,64,96,128,132,133,160,192,224,256,264,265,384,512 \
  > "$out/batching-fine.json" || echo "fine batching bench failed"
for table in batching batching-fine; do
python3 - "$out/$table.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(sys.argv[1], "| GPU:", r["gpu"], "| GPU vs CPU best-loss max rel diff:", r["gpu_vs_cpu_best_loss_max_rel_diff"])
print(f"{'K':>4} {'GPU model-steps/s':>18} {'scaling':>8} {'CPU model-steps/s':>18} {'GPU/CPU':>8} {'disp/step':>9} {'sub/step':>8} {'rb/step':>8} {'wall ms':>8} {'dev ms':>8} {'busy':>5}")
for g, c in zip(r["gpu_rows"] or [], r["cpu_rows"]):
    dev = g.get("device_ms")
    busy = "-" if dev is None else f"{dev / g['wall_ms']:.2f}"
    dev = "-" if dev is None else f"{dev:.1f}"
    print(f"{g['k']:>4} {g['model_steps_per_s']:>18.0f} {g['scaling']:>8.2f} {c['model_steps_per_s']:>18.0f} "
          f"{g['model_steps_per_s'] / c['model_steps_per_s']:>8.2f} {g['dispatches_per_step']:>9.2f} "
          f"{g['submits_per_step']:>8.2f} {g['readbacks_per_step']:>8.2f} {g['wall_ms']:>8.1f} {dev:>8} {busy:>5}")
PY
done
# The CPU's numerical floor: the same sweep with every starting weight perturbed by a
# relative 1e-8 … 1e-6 (`jitter`, below and at f32 rounding). A curve whose knot choice or
# early stop flips under that moves as far from itself as the GPU may from the CPU.
JITTERS=(1e-8 1e-7 1e-6)
for preset in headline limit; do
  for backend in cpu gpu; do
    "$bin" run --fragment "v=1&preset=$preset&backend=$backend" --json > "$out/$preset-$backend.json" \
      || echo "$preset on $backend failed"
  done
  floor=()
  if [ "$preset" = headline ]; then  # limit trains nothing: jitter changes none of it
    for j in "${JITTERS[@]}"; do
      "$bin" run --fragment "v=1&preset=$preset&backend=cpu&jitter=$j" --json \
        > "$out/$preset-cpu-jitter-$j.json" || echo "$preset jitter $j failed"
      floor+=("$out/$preset-cpu-jitter-$j.json")
    done
  fi
  python3 "$(dirname "$0")/compare-runs.py" "$out/$preset-cpu.json" "$out/$preset-gpu.json" \
    ${floor[@]:+--floor "${floor[@]}"} > "$out/$preset-agree.json"
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], 'agree:', r['agree'], 'within the CPU floor:', r['agree_within_floor'], 'points:', r['points'], 'cpu ms:', r['a']['elapsed_ms'], 'gpu ms:', r['b']['elapsed_ms'], 'estimated s (cpu, gpu):', r['a']['estimated_s'], r['b']['estimated_s'], 'slopes (cpu, gpu, floor):', [(s['curve'], round(s['a'],4), round(s['b'],4), s['floor'] and round(s['floor'],4)) for s in r['slopes']], 'misses:', r['misses'][:5], 'at the floor:', r['within_floor'][:5])" "$out/$preset-agree.json" "$preset"
done
