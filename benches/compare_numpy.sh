#!/usr/bin/env bash
# The engine against a straightforward NumPy RK4 (benches/numpy_rk4.py) in one run, at
# Nt = 220, alpha = 10, sigma = 3, omega = 1, 32 trajectories and the same dt, both on one thread
# and then both on two. Needs numpy (pip install numpy). Usage: benches/compare_numpy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dt=0.01236
rate() { sed -n 's/.*(\([0-9.e+-]*\) trajectory-steps\/s.*/\1/p'; }
for threads in 1 2; do
  engine=$(RAYON_NUM_THREADS=$threads target/release/spinboson run --nt 220 --alpha 10 --sigma 3 --omega 1 \
    --t-max 100 --grid linear --points 101 --dt $dt --realizations $threads --traj 32 2>&1 >/dev/null | rate)
  numpy=$(OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads \
    python3 benches/numpy_rk4.py --nt 220 --alpha 10 --traj 32 --steps 2000 --dt $dt \
    | sed -n 's/.* \([0-9.e+-]*\) trajectory-steps\/s.*/\1/p')
  python3 -c "print(f'threads={$threads}: engine {float(\"$engine\"):.3e}, numpy RK4 {float(\"$numpy\"):.3e} trajectory-steps/s, ratio {float(\"$engine\")/float(\"$numpy\"):.1f}x')"
done
