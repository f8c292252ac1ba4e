#!/usr/bin/env python3
"""The engine's method in JAX, for the side-by-side of issue 10 (benches/compare_jax.sh).

Same model and sampling as PHYSICS.md and the engine: spins +x with random signs on sy and sz;
photons a = q + i p, q, p ~ N(0, 1/4); per realization g_jl ~ N(0, sigma^2 omega / (2 Nt)),
Ns = round(Nt / (1 + alpha)), Nb = Nt - Ns. The engine's integrator: the exact Strang splitting
H0(dt/2) Hc(dt) H0(dt/2), the half steps of consecutive steps merged (as src/physics/integrator.rs
merges them within each output interval). Trajectories are matrix columns (sx: Ns x B, Re a:
Nb x B), so each step is two GEMMs, X = 2 g Re a and Y = g^T sx (g^T stored too, as the engine
does; 10% faster here than g.T). A jit-compiled lax.scan over the steps of each output interval
(nested in a scan over the intervals). Output grid: linear, --points times from 0 to --t-max,
each interval in ceil(interval / dt) steps, as the engine's `--grid linear`. Compile time is
excluded (ahead-of-time compile, then the timed calls, one per realization, each with
block_until_ready; a first call is no slower than later ones); sampling is not timed either.
--precision f64 (default), mixed (g and the GEMMs in float32, the state in float64) or f32.
--collective runs the engine's collective-mode form (src/physics/couplings.rs, ModeBasis): with
g^T = Q R (numpy's QR), the Ns modes b = Q^T a with couplings R^T instead of all Nb modes, the
same spin dynamics at alpha times fewer flops (sampling and the QR are not timed).

    python3 benches/jax_strang.py --nt 1000 --alpha 10 --sigma 3 --omega 1 --realizations 2 \
        --traj 64 --t-max 20 --dt 0.005 [--precision f64] [--csv OUT.csv] [--check ENGINE.csv]

--check ENGINE.csv (from `spinboson run --grid linear --points P --out ENGINE.csv` with the same
parameters and points) prints the z-scores (jax - engine) / sqrt(err_jax^2 + err_engine^2) of sx
and sz at t > 0, both errors across realizations (independent seeds: the two use different RNGs).

Validation that this is the engine's method (jax 0.10.2, jaxlib CPU, f64):
- Nt = 110 (Ns 10, Nb 100), alpha 10, sigma 3, omega 1, h 1, t = 0..10 on 11 points, dt 0.01,
  256 realizations x 64 trajectories each (engine --seed 7, here --seed 3): z of sx at t = 1..10
  -0.55 +0.33 -0.39 -0.22 -0.57 -0.76 -1.22 -1.73 -1.02 -0.73 (max 1.73, rms 0.87); of sz
  -0.37 -0.58 -0.70 -1.13 +0.42 +0.55 +0.50 -1.61 -1.25 -1.65 (max 1.65, rms 0.99).
- Nt = 120 (Ns 20, Nb 100), alpha 5, sigma 2, omega 3, h 0.7, same grid, five independent pairs
  of runs: the times share trajectories, so a run's ten sx z-scores move together; their run
  means were +1.48 (32 x 64), +1.07, +1.73 (64 x 64), -1.76 (256 x 64; max |z| 2.77) and +1.44
  (512 x 64; max |z| 2.45), about 1.8 sigma together, and not growing with the ensemble as a
  bias would (the 256 one has the other sign); sz rms 0.8-1.1 in all.
- Deterministically, with the same g and samples (Ns 20, Nb 100, h 0.7, omega 3, 8 trajectories,
  dt 0.01) fed to the engine's Stepper (a throwaway example calling Stepper::advance, not kept):
  per-trajectory sx and sz means agree to 3e-15 after 100 steps and 1.4e-9 after 1000 (chaotic
  growth of round-off). So the integrators are the same; the statistics above only test sampling.
  Against an RK4 of the equations of motion at dt = 1e-4 (same samples, t <= 2): |sx - sx_RK4|
  <= 6.7e-5 at dt = 0.01 and <= 1.7e-5 at dt = 0.005 (second order).
"""
import argparse
import csv
import math
import time

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402


def make_run(h, omega, tau, n_steps, n_intervals):
    """One realization: (g, g^T, sx, sy, sz, re, im) -> per-trajectory spin means of sx and sz at
    each output time after t = 0, shape (n_intervals, B) each."""

    def free(s, tau):  # H0(tau): spins about z by 2 h tau, a -> a exp(-i omega tau)
        sx, sy, sz, re, im = s
        ch, sh = math.cos(2 * h * tau), math.sin(2 * h * tau)
        cw, sw = math.cos(omega * tau), math.sin(omega * tau)
        return (sx * ch - sy * sh, sy * ch + sx * sh, sz, re * cw + im * sw, im * cw - re * sw)

    def coupling(g, gt, s, tau):  # Hc(tau): sx, Re a fixed; Im a -= tau g^T sx; (sy, sz) about x
        sx, sy, sz, re, im = s
        mm = lambda m, v: (m @ v.astype(m.dtype)).astype(v.dtype)  # GEMM in g's precision
        theta = (2 * tau) * (2 * mm(g, re))  # 2 X tau, X = 2 g Re a
        c, sn = jnp.cos(theta), jnp.sin(theta)
        return (sx, sy * c - sz * sn, sz * c + sy * sn, re, im - tau * mm(gt, sx))

    def run(g, gt, *s):
        def interval(s, _):
            s = free(s, tau / 2)
            s, _ = jax.lax.scan(lambda s, _: (free(coupling(g, gt, s, tau), tau), None), s, None,
                                length=n_steps - 1)
            s = free(coupling(g, gt, s, tau), tau / 2)
            return s, (s[0].mean(axis=0), s[2].mean(axis=0))

        _, out = jax.lax.scan(interval, s, None, length=n_intervals)
        return out

    return run


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("nt", 220), ("realizations", 2), ("traj", 64), ("points", 6),
                          ("seed", 1)]:
        ap.add_argument(f"--{name}", type=int, default=default)
    for name, default in [("alpha", 10.0), ("sigma", 3.0), ("omega", 1.0), ("h", 1.0),
                          ("t-max", 20.0), ("dt", 0.005)]:
        ap.add_argument(f"--{name}", type=float, default=default)
    ap.add_argument("--precision", choices=["f64", "mixed", "f32"], default="f64",
                    help="mixed: g and the GEMMs in float32, the state in float64")
    ap.add_argument("--collective", action="store_true",
                    help="integrate the Ns collective modes (couplings R^T from g^T = Q R)")
    ap.add_argument("--csv", help="write t, sx, sx_err, sz, sz_err here")
    ap.add_argument("--check", help="an engine CSV on the same grid: print z-scores")
    a = ap.parse_args()

    ns = round(a.nt / (1 + a.alpha))
    nb = a.nt - ns
    dtype = np.float32 if a.precision == "f32" else np.float64
    gtype = np.float64 if a.precision == "f64" else np.float32
    interval = a.t_max / (a.points - 1)
    n_steps = max(1, math.ceil(interval / a.dt * (1 - 1e-12)))
    tau = interval / n_steps
    b = a.traj
    rng = np.random.default_rng(a.seed)
    inputs = []
    for _ in range(a.realizations):
        g = rng.normal(0.0, math.sqrt(a.sigma**2 * a.omega / (2 * a.nt)), size=(ns, nb))
        sy = rng.choice([-1.0, 1.0], size=(ns, b))
        sz = rng.choice([-1.0, 1.0], size=(ns, b))
        re, im = rng.normal(0.0, 0.5, size=(2, nb, b))
        if a.collective and nb > ns:
            q, r_factor = np.linalg.qr(g.T)  # g^T = Q R, Q: Nb x Ns
            g, re, im = r_factor.T.copy(), q.T @ re, q.T @ im
        inputs.append([jnp.asarray(g, gtype), jnp.asarray(g.T.copy(), gtype)]
                      + [jnp.asarray(x, dtype) for x in (np.ones((ns, b)), sy, sz, re, im)])
    run = make_run(a.h, a.omega, tau, n_steps, a.points - 1)
    t0 = time.perf_counter()
    compiled = jax.jit(run).lower(*inputs[0]).compile()
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    outs = [jax.block_until_ready(compiled(*x)) for x in inputs]
    elapsed = time.perf_counter() - t0
    # Realization means at every output time (t = 0: sx = 1, sz = mean of the sampled signs).
    sx = np.array([np.concatenate([[1.0], np.asarray(o[0]).mean(axis=1)]) for o in outs])
    sz = np.array([np.concatenate([[np.asarray(x[4]).mean()], np.asarray(o[1]).mean(axis=1)])
                   for x, o in zip(inputs, outs)])
    r = a.realizations
    err = lambda m: m.std(axis=0, ddof=1) / math.sqrt(r) if r > 1 else np.full(m.shape[1], np.nan)
    t = np.arange(a.points) * interval
    mean = {"sx": sx.mean(axis=0), "sz": sz.mean(axis=0)}
    stderr = {"sx": err(sx), "sz": err(sz)}
    for k in np.unique(np.linspace(0, a.points - 1, 6).round().astype(int)):
        print(f"t = {t[k]:8.3f}: sx {mean['sx'][k]:+.4f} +- {stderr['sx'][k]:.4f}, "
              f"sz {mean['sz'][k]:+.4f} +- {stderr['sz'][k]:.4f}")
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("t,sx,sx_err,sz,sz_err\n")
            for row in zip(t, mean["sx"], stderr["sx"], mean["sz"], stderr["sz"]):
                f.write(",".join(repr(float(x)) for x in row) + "\n")
    if a.check:
        rows = list(csv.DictReader(open(a.check)))
        assert len(rows) == a.points and all(abs(float(w["t"]) - x) < 1e-9 for w, x in zip(rows, t))
        for o in ["sx", "sz"]:
            z = [(mean[o][k] - float(w[o])) / math.hypot(stderr[o][k], float(w[o + "_err"]))
                 for k, w in enumerate(rows) if k > 0]
            print(f"z-scores of {o} (t > 0): " + " ".join(f"{v:+.2f}" for v in z)
                  + f"; max |z| {max(map(abs, z)):.2f}, rms {math.sqrt(np.mean(np.square(z))):.2f}")
    steps = r * b * n_steps * (a.points - 1)
    form = " collective" if a.collective else ""
    print(f"jax_strang {a.precision}{form} ns={ns} nb={nb} realizations={r} traj={b} "
          f"steps={n_steps * (a.points - 1)} dt={tau:.4e} (compile {compile_s:.2f} s): "
          f"{elapsed:.3f} s, {steps / elapsed:.4e} trajectory-steps/s "
          f"(jax {jax.__version__}, {jax.devices()[0].platform})")


if __name__ == "__main__":
    main()
