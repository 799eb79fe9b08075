"""Full-model benchmark: Hegang baseline, 10,000 paths, 8 units, 2020-2060.

Times demography → economy → public finance (four books and the debt register) with every
stochastic input drawn, in one process, and reports peak memory (max RSS). Target: under 10 s
and under 2 GB on a 2-core machine.
Run: ``python benchmarks/bench_model.py [N_PATHS]``.
"""

from __future__ import annotations

import resource
import sys
import time

from fiscalsim.scenario import bundled_scenario, load_scenario
from fiscalsim.simulate.engine import run_model


def main(n_paths: int = 10_000) -> None:
    sc = load_scenario(bundled_scenario())
    start = time.perf_counter()
    result = run_model(sc, n_paths, entropy=1)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    years = result.finance.years
    print(f"full model: {n_paths:,} paths x {len(sc.demography.unit_names)} units x {years[0]}-{years[-1]} "
          f"({len(years)} years)")
    print(f"  time {elapsed:6.2f} s   ({elapsed / n_paths * 1e3:.3f} ms per path)   target < 10 s")
    print(f"  peak RSS {peak:6.0f} MB   target < 2048 MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
