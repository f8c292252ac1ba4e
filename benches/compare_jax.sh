#!/usr/bin/env bash
# The engine against the same method in JAX (benches/jax_strang.py: exact Strang splitting,
# trajectories as matrix columns, one jit-compiled lax.scan, compile time excluded), as issue 10
# asks: one core each (taskset -c 0, one thread), the same ensemble (2 realizations x 64
# trajectories), alpha = 10, sigma = 3, omega = 1, t = 20 on a linear grid of 6 points, dt = 0.005
# (4000 steps), at Nt = 1000 (the issue's case) and Nt = 220. Needs jax (pip install jax).
# Usage: benches/compare_jax.sh [f64|mixed]   (default f64)
# The precision goes to jax_strang.py (mixed there: g and the GEMMs in f32, the state in f64) and
# to the engine as --precision when `spinboson run --help` lists that flag; without the flag the
# engine runs in f64 and only f64 is compared. (jax_strang.py --precision f32 runs JAX alone.)
# JAX runs twice: the full-rank method (all Nb modes, as the engine did before it integrated the
# collective modes) and with --collective (the engine's present form, the same flops).
# The engine's rate is the one it prints (its whole run: sampling, integration and measurements);
# JAX's counts the integration only.
set -euo pipefail
cd "$(dirname "$0")/.."
precision=${1:-f64}
cargo build --release --no-default-features --quiet
bin=${CARGO_TARGET_DIR:-target}/release/spinboson
engine_precision=()
help=$("$bin" run --help)
if grep -q -- '--precision' <<<"$help"; then
  engine_precision=(--precision "$precision")
elif [ "$precision" != f64 ]; then
  echo "this engine has no --precision flag: only f64 can be compared" >&2
  exit 2
fi
case=(--alpha 10 --sigma 3 --omega 1 --t-max 20 --dt 0.005 --realizations 2 --traj 64)
for nt in 1000 220; do
  engine=$(RAYON_NUM_THREADS=1 taskset -c 0 "$bin" run --nt $nt "${case[@]}" --grid linear \
    --points 6 "${engine_precision[@]}" 2>&1 >/dev/null \
    | sed -n 's/.*(\([0-9.e+-]*\) trajectory-steps\/s.*/\1/p')
  for form in "" --collective; do
    jax=$(XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
      taskset -c 0 python3 benches/jax_strang.py --nt $nt "${case[@]}" --points 6 \
      --precision "$precision" $form | sed -n 's/.* \([0-9.e+-]*\) trajectory-steps\/s.*/\1/p')
    python3 -c "print(f'Nt={$nt} {\"$precision\"}: engine {float(\"$engine\"):.3e}, jax${form:+ $form} {float(\"$jax\"):.3e} trajectory-steps/s, ratio {float(\"$engine\")/float(\"$jax\"):.2f}x')"
  done
done
