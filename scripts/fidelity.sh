#!/usr/bin/env bash
# Fidelity of the Rust core to the seed's method, on data/letters.json, per seed:
#   1. pcrnn train --iters 1000 vs tests/reference/reference.py (the seed's training, float32):
#      final loss and time; and reference.py from pcrnn's own initial weights (--init pcrnn,
#      still float32), which compares the two from the same start;
#   2. retrieval with the seed's settings and prior arithmetic (20 targets x 4 starts x 1000
#      trials): pcrnn retrieve --prior seed on its own model vs reference.py on its own model
#      (the seed's loop, with its error pass after every trial), and reference.py on pcrnn's
#      model (same model, inference passes only: the same work as pcrnn, timed side by side).
# Prints Markdown tables (medians over the seeds) and the criteria; raw JSON in target/fidelity/.
# Both run on one thread (THREADS=… gives pcrnn retrieve more; its answers stay the same).
# Usage: scripts/fidelity.sh [SEED...]   (default 0 1 2; ITERS=… TRIALS=… shorten a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
iters="${ITERS:-1000}"
trials="${TRIALS:-1000}"
threads="${THREADS:-1}"
out=target/fidelity
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.time

cargo build --release --quiet --bin pcrnn
pcrnn=target/release/pcrnn
reference=tests/reference/reference.py
data=data/letters.json

# Runs a command, keeps its last stdout line (the JSON object) in $1 and its CPU seconds
# (user + system, whole process) in $1.time.
measure() {
    local json="$1"
    shift
    /usr/bin/time -f "%U %S" -o "$json.time" "$@" | tail -n 1 >"$json"
}

for s in "${seeds[@]}"; do
    echo "seed $s: pcrnn train" >&2
    measure "$out/pcrnn-train-$s.json" "$pcrnn" train --data "$data" --iters "$iters" --seed "$s" \
        --out "$out/pcrnn-model-$s.json" --json
    echo "seed $s: reference.py train + retrieve (the seed's loop)" >&2
    measure "$out/torch-$s.json" python3 "$reference" retrieve --data "$data" --iters "$iters" \
        --seed "$s" --trials "$trials" --json
    echo "seed $s: reference.py train from pcrnn's initial weights" >&2
    measure "$out/torch-pcrnn-init-$s.json" python3 "$reference" train --data "$data" \
        --iters "$iters" --seed "$s" --init pcrnn --json
    echo "seed $s: pcrnn retrieve --prior seed" >&2
    measure "$out/pcrnn-retrieve-$s.json" "$pcrnn" retrieve --model "$out/pcrnn-model-$s.json" \
        --data "$data" --seed "$s" --trials "$trials" --prior seed --threads "$threads" --json
    echo "seed $s: reference.py retrieve on pcrnn's model" >&2
    measure "$out/torch-on-pcrnn-$s.json" python3 "$reference" retrieve --data "$data" \
        --model "$out/pcrnn-model-$s.json" --seed "$s" --trials "$trials" --no-trial-errors --json
done

python3 - "$out" "${seeds[@]}" <<'EOF'
import json, statistics, sys
from pathlib import Path

out, seeds = Path(sys.argv[1]), sys.argv[2:]

def load(name, s):
    result = json.loads((out / f"{name}-{s}.json").read_text())
    user, system = (float(v) for v in (out / f"{name}-{s}.json.time").read_text().split()[-2:])
    result["process_cpu"] = user + system
    return result

names = ["pcrnn-train", "torch", "torch-pcrnn-init", "pcrnn-retrieve", "torch-on-pcrnn"]
runs = {s: {n: load(n, s) for n in names} for s in seeds}
median = statistics.median
pct = lambda a: f"{100 * a:.1f} %"

print("| seed | final loss pcrnn | torch | pcrnn / torch | torch from pcrnn's init | "
      "pcrnn / that | starts recalled pcrnn | torch | torch on pcrnn's model | "
      "best of starts pcrnn | torch | torch on pcrnn's model |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
rows = []
for s, r in runs.items():
    row = [r["pcrnn-train"]["final_loss"], r["torch"]["final_loss"],
           r["torch-pcrnn-init"]["final_loss"],
           r["pcrnn-retrieve"]["accuracy_per_start"], r["torch"]["accuracy_per_start"],
           r["torch-on-pcrnn"]["accuracy_per_start"],
           r["pcrnn-retrieve"]["accuracy_best_of_starts"], r["torch"]["accuracy_best_of_starts"],
           r["torch-on-pcrnn"]["accuracy_best_of_starts"]]
    rows.append(row)
    print(f"| {s} | {row[0]:.5f} | {row[1]:.5f} | {row[0] / row[1]:.2f} | {row[2]:.5f} | "
          f"{row[0] / row[2]:.2f} | " + " | ".join(pct(v) for v in row[3:]) + " |")
m = [median(col) for col in zip(*rows)]
print(f"| median | {m[0]:.5f} | {m[1]:.5f} | {m[0] / m[1]:.2f} | {m[2]:.5f} | "
      f"{m[0] / m[2]:.2f} | " + " | ".join(pct(v) for v in m[3:]) + " |")

print()
print("| work (medians over seeds) | pcrnn wall s | torch wall s | torch / pcrnn | "
      "pcrnn CPU s | torch CPU s | torch / pcrnn |")
print("|---|---|---|---|---|---|---|")
def timing(label, pairs):
    """pairs: per seed, pcrnn's JSON and torch's (wall, CPU) seconds for the same work."""
    w = [(o["seconds"], t[0]) for o, t in pairs]
    c = [(o["process_cpu"], t[1]) for o, t in pairs]
    wr, wt = median(a for a, _ in w), median(b for _, b in w)
    cr, ct = median(a for a, _ in c), median(b for _, b in c)
    ratio_w = median(b / a for a, b in w)
    ratio_c = median(b / a for a, b in c)
    print(f"| {label} | {wr:.2f} | {wt:.2f} | {ratio_w:.1f}x | {cr:.2f} | {ct:.2f} | {ratio_c:.1f}x |")
timing(f"train {runs[seeds[0]]['pcrnn-train']['iters']} iterations",
       [(r["pcrnn-train"], (r["torch"]["train_seconds"], r["torch"]["train_cpu_seconds"]))
        for r in runs.values()])
trials = runs[seeds[0]]["pcrnn-retrieve"]["trials"]
timing(f"retrieve 20 x 4 x {trials} trials (torch: inference passes only)",
       [(r["pcrnn-retrieve"], (r["torch-on-pcrnn"]["seconds"], r["torch-on-pcrnn"]["cpu_seconds"]))
        for r in runs.values()])
timing(f"retrieve 20 x 4 x {trials} trials (torch: the seed's loop, error pass per trial)",
       [(r["pcrnn-retrieve"], (r["torch"]["seconds"], r["torch"]["cpu_seconds"]))
        for r in runs.values()])
print()
print("pcrnn CPU s is the whole process (/usr/bin/time: user + system); torch CPU s is the timed "
      "loop alone (time.process_time); wall seconds are each tool's timed loop alone.")

verdict = lambda ok: "pass" if ok else "FAIL"
loss_gap = abs(m[0] - m[1]) / m[1]
paired_gap = abs(m[0] - m[2]) / m[2]
start_gap = abs(m[3] - m[4])
print()
print(f"- final loss, medians: pcrnn {m[0]:.5f} vs torch {m[1]:.5f}, {100 * loss_gap:.1f} % apart "
      f"(criterion 10 %): {verdict(loss_gap <= 0.10)}; from the same initial weights: torch "
      f"{m[2]:.5f}, {100 * paired_gap:.1f} % apart: {verdict(paired_gap <= 0.10)}")
print(f"- starts recalled, medians: pcrnn {pct(m[3])} vs torch {pct(m[4])}, "
      f"{100 * start_gap:.1f} points apart (criterion 5): {verdict(start_gap <= 0.05)}")
print(f"- best of starts, median pcrnn {pct(m[6])} (criterion at least 95 %): "
      f"{verdict(m[6] >= 0.95)}")
EOF
