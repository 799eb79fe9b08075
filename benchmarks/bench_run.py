"""`fiscalsim run` benchmark: Hegang baseline, 10,000 paths to 2060, one process and --jobs 2.

Runs the command line itself (as a user would) and reports wall time and peak memory of the
whole process tree (max RSS of the parent and, for --jobs, of the largest worker).
Run: ``python benchmarks/bench_run.py [N_PATHS]``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time


def measure(args: list[str]) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "fiscalsim", "run", *args, "--out", f"{tmp}/res"], check=True,
                       capture_output=True)
        elapsed = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, children, 0.0


def main(n_paths: int = 10_000) -> None:
    print(f"fiscalsim run, Hegang baseline, {n_paths:,} paths, 2020-2060")
    for jobs in (1, 2):
        elapsed, peak, _ = measure(["--paths", str(n_paths), "--seed", "1", "--jobs", str(jobs)])
        print(f"  --jobs {jobs}: {elapsed:6.2f} s wall   peak RSS of the largest process so far {peak:6.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
