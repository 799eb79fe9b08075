"""Population projector benchmark: 10,000 paths × 8 units × 40 years.

Reference: a minimal hand-written NumPy cohort step on the same shapes — per-path survival
ratios precomputed before the clock starts (in its favour), then per year a shifted survival
multiply with the open group, net migration as rate × intensity × population, births from
average female exposure, and the newborns. fiscalsim's time includes everything: drawing the
shocks, per-path life tables, the step, budget bands, flows and the identity bookkeeping.

Each measurement runs in its own process so that peak memory (max RSS) is its own.
Run: ``python benchmarks/bench_population.py`` (about a minute). Targets: within 1.5× of the
reference and under 2 GB peak.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np

N_PATHS, N_UNITS, N_YEARS, N_AGES = 10_000, 8, 40, 101


def reference() -> float:
    rng = np.random.default_rng(0)
    pop0 = rng.uniform(100, 1000, (1, N_UNITS, 2, N_AGES))
    S = np.clip(rng.uniform(0.985, 0.995, (N_YEARS, N_PATHS, 1, 2, N_AGES)), 0, 1)
    asfr = np.zeros((N_YEARS, N_PATHS, 1, N_AGES))
    asfr[..., 15:50] = 0.02
    g = np.ones((2, N_AGES))
    rate = np.full((N_YEARS, N_PATHS, 1, 1, 1), -0.014)
    start = time.perf_counter()
    pop = np.broadcast_to(pop0, (N_PATHS, N_UNITS, 2, N_AGES)).copy()
    for t in range(N_YEARS):
        new = np.empty_like(pop)
        new[..., 1:] = pop[..., :-1] * S[t, ..., :-1]
        new[..., -1] += pop[..., -1] * S[t, ..., -1]
        migrants = rate[t] * g * pop
        new[..., 1:] += migrants[..., :-1]
        new[..., -1] += migrants[..., -1]
        births = (0.5 * (pop[..., 1, 15:50] + new[..., 1, 15:50]) * asfr[t, ..., 15:50]).sum(-1)
        new[..., 0, 0] = births * 0.52
        new[..., 1, 0] = births * 0.48
        pop = new
    return time.perf_counter() - start


def fiscalsim_run() -> float:
    import dataclasses

    from fiscalsim.scenario import bundled_scenario, load_scenario
    from fiscalsim.simulate.population import run_population

    inputs = load_scenario(bundled_scenario()).demography
    keep = slice(0, N_YEARS)
    inputs = dataclasses.replace(
        inputs, years=inputs.years[keep], tfr_target=inputs.tfr_target[keep],
        fertility_pattern=inputs.fertility_pattern[keep], srb=inputs.srb[keep],
        migration_rate_target=inputs.migration_rate_target[:, keep],
    )
    assert inputs.n_units == N_UNITS and inputs.n_years == N_YEARS
    start = time.perf_counter()
    result = run_population(inputs, N_PATHS, entropy=1)
    elapsed = time.perf_counter() - start
    assert result.stocks.shape == (N_PATHS, N_YEARS, N_UNITS, result.stocks.shape[-1])
    return elapsed


def measure(which: str) -> None:
    seconds = reference() if which == "reference" else fiscalsim_run()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak_mb:.0f}")


def main() -> None:
    out = {}
    for which in ("reference", "fiscalsim"):
        line = subprocess.run([sys.executable, __file__, which], check=True, capture_output=True, text=True)
        seconds, peak = line.stdout.split()
        out[which] = (float(seconds), float(peak))
    ref, ours = out["reference"], out["fiscalsim"]
    print(f"population projection: {N_PATHS:,} paths x {N_UNITS} units x {N_YEARS} years x 2 sexes x {N_AGES} ages")
    print(f"  reference NumPy step : {ref[0]:7.2f} s   peak RSS {ref[1]:6.0f} MB")
    print(f"  fiscalsim projector  : {ours[0]:7.2f} s   peak RSS {ours[1]:6.0f} MB")
    print(f"  ratio fiscalsim/reference: {ours[0] / ref[0]:.2f}  (target <= 1.5; peak target < 2048 MB)")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure(sys.argv[1])
    else:
        main()
