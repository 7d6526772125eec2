#!/usr/bin/env bash
# Runs one fuzz target of fuzz/ for a while (docs/reliability.md), gently; libFuzzer's last lines
# give the executions, the time and any crash. A crash is saved under fuzz/artifacts/<target>/.
#   scripts/fuzz.sh TARGET [SECONDS]     TARGET: data_set, model, strokes, stroke_pipeline
# cargo-fuzz comes from scripts/setup.sh fuzz. Its sanitizer flags need a nightly compiler; the
# one stable toolchain accepts them with RUSTC_BOOTSTRAP=1 (no nightly can be fetched here).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
scripts/setup.sh fuzz

# Seed corpora (not committed): the shipped files, mutated, reach deep into the checks.
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
case "$target" in
    data_set) cp data/letters.json "$corpus/letters.json" ;;
    model) cp data/model.json "$corpus/model.json" ;;
    strokes)
        echo '{"strokes": [{"label": "l", "points": [[0, 0, 0], [1, 2, 16], [2, 5, 33]]},
 {"points": [[10, 10], [12, 9], [15, 7], [19, 8]]}]}' > "$corpus/two-strokes.json" ;;
    stroke_pipeline) ;; # structured input (arbitrary): libFuzzer starts from nothing
    *) echo "fuzz.sh: no target '$target'" >&2; exit 2 ;;
esac

cd fuzz
export RUSTC_BOOTSTRAP=1
nice -n 10 cargo fuzz build -O "$target"
nice -n 10 cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -print_final_stats=1
