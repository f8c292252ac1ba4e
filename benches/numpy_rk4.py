#!/usr/bin/env python3
"""A straightforward NumPy RK4 integration of the DTWA + TWA equations of PHYSICS.md, vectorized
over trajectories with batched matmuls: the baseline the engine is compared against.

    python3 benches/numpy_rk4.py --nt 220 --alpha 10 --traj 32 --steps 2000 --dt 0.01

Prints trajectory-steps per second (wall time of the time loop only).
"""
import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nt", type=int, default=220)
    ap.add_argument("--alpha", type=float, default=10.0)
    ap.add_argument("--sigma", type=float, default=3.0)
    ap.add_argument("--omega", type=float, default=1.0)
    ap.add_argument("--h", type=float, default=1.0)
    ap.add_argument("--traj", type=int, default=32)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--dt", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    ns = round(a.nt / (1 + a.alpha))
    nb = a.nt - ns
    rng = np.random.default_rng(a.seed)
    g = rng.normal(0.0, np.sqrt(a.sigma**2 * a.omega / (2 * a.nt)), size=(ns, nb))
    b = a.traj
    # State: spins (b, ns, 3) and modes as real/imag parts (b, nb).
    s = np.empty((b, ns, 3))
    s[:, :, 0] = 1.0
    s[:, :, 1] = rng.choice([-1.0, 1.0], size=(b, ns))
    s[:, :, 2] = rng.choice([-1.0, 1.0], size=(b, ns))
    re = rng.normal(0.0, 0.5, size=(b, nb))
    im = rng.normal(0.0, 0.5, size=(b, nb))

    def deriv(s, re, im):
        x = 2.0 * re @ g.T  # (b, ns): X_j = 2 sum_l g_jl Re a_l
        drive = s[:, :, 0] @ g  # (b, nb): sum_j g_jl sx_j
        ds = np.empty_like(s)
        ds[:, :, 0] = -2.0 * a.h * s[:, :, 1]
        ds[:, :, 1] = 2.0 * (a.h * s[:, :, 0] - x * s[:, :, 2])
        ds[:, :, 2] = 2.0 * x * s[:, :, 1]
        dre = a.omega * im
        dim = -a.omega * re - drive
        return ds, dre, dim

    dt = a.dt
    t0 = time.perf_counter()
    for _ in range(a.steps):
        k1 = deriv(s, re, im)
        k2 = deriv(s + 0.5 * dt * k1[0], re + 0.5 * dt * k1[1], im + 0.5 * dt * k1[2])
        k3 = deriv(s + 0.5 * dt * k2[0], re + 0.5 * dt * k2[1], im + 0.5 * dt * k2[2])
        k4 = deriv(s + dt * k3[0], re + dt * k3[1], im + dt * k3[2])
        s = s + dt / 6.0 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        re = re + dt / 6.0 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        im = im + dt / 6.0 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2])
    elapsed = time.perf_counter() - t0
    rate = b * a.steps / elapsed
    print(f"numpy_rk4 ns={ns} nb={nb} traj={b} steps={a.steps} dt={dt}: {elapsed:.3f} s, "
          f"{rate:.4e} trajectory-steps/s, mean sx {s[:, :, 0].mean():.4f}")


if __name__ == "__main__":
    main()
