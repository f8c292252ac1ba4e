#!/usr/bin/env bash
# End to end with the binary: `spinboson sweep` over a 3 x 3 omega x sigma grid spanning the
# computed map (Nt 200, 8 x 8 trajectories, t_max 100, the default preset otherwise) against a
# shell loop of `spinboson run --out` over the same 9 points with the same seeds (read back from
# the sweep's CSV), without and with --fit (the sweep fits every point). Checks that each run's
# final sx is the sweep's sx_final to the last digit (the same work), then prints the times.
# Usage: benches/sweep_vs_run.sh   (RAYON_NUM_THREADS to pin the threads)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --no-default-features --quiet
bin="${CARGO_TARGET_DIR:-target}/release/spinboson"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--preset default --nt 200 --realizations 8 --traj 8 --t-max 100 --quiet)
now() { date +%s.%N; }

t0=$(now)
"$bin" sweep "${common[@]}" --axis omega=0.1:30:log:3 --axis sigma=0.3:6:lin:3 --out "$tmp/sweep.csv"
t1=$(now)

# index, omega/h, sigma/sqrt(h), sx_final, seed of each point (columns 1, 2, 3, 19, 24).
points=$(awk -F, 'NR > 2 { print $1, $2, $3, $19, $24 }' "$tmp/sweep.csv")
loop() { # $1: extra flags for run
  while read -r index omega sigma _ seed; do
    "$bin" run "${common[@]}" $1 --omega "$omega" --sigma "$sigma" --seed "$seed" \
      --out "$tmp/run_${index}.csv" >/dev/null
  done <<< "$points"
}
t2=$(now); loop ""; t3=$(now)
same=0
while read -r index _ _ sx_final _; do
  last=$(tail -n 1 "$tmp/run_${index}.csv" | cut -d, -f2)
  [ "$last" = "$sx_final" ] && same=$((same + 1))
done <<< "$points"
t4=$(now); loop "--fit"; t5=$(now)

python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$same" <<'PY'
import sys
t = [float(x) for x in sys.argv[1:7]]
same = int(sys.argv[7])
sweep, runs, fits = t[1] - t[0], t[3] - t[2], t[5] - t[4]
print(f"9 points: spinboson sweep {sweep:.2f} s ({60 * 9 / sweep:.1f} points/min)")
print(f"          9 x spinboson run {runs:.2f} s (sweep / runs = {sweep / runs:.3f})")
print(f"          9 x spinboson run --fit {fits:.2f} s (sweep / runs --fit = {sweep / fits:.3f})")
print(f"final sx of the runs equal to the sweep's sx_final: {same} of 9")
PY
