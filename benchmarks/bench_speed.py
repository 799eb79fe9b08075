"""Speed and memory of a full ``fiscalsim run`` against the bare NumPy cohort kernel (issue 13).

In one session this times

1. the reference, ``../shared/bench/bare_kernel.py`` (a lean in-place NumPy cohort step on the
   Hegang shapes, 41 years; it prints its own seconds and peak MB), as a subprocess;
2. ``python -m fiscalsim.cli run --paths N --seed 1 --no-charts`` on the Hegang baseline (people,
   books and triggers) as a subprocess, with ``--jobs 1`` and ``--jobs 2``: wall seconds, the
   ratio to the reference, the peak RSS of the largest process and (with psutil) of the whole
   process tree;
3. the fixed costs around the simulation: ``python -m fiscalsim --help`` (importing the package
   and defining the commands) and the charts of a default run (``fiscalsim run --seed 1``, the
   scenario's 1,000 paths, charts on: the run's own timer ``timings_seconds.charts`` of its
   manifest, matplotlib's import included; goal: under 1 s);
4. a scaling table: 1k, 10k and 100k paths × 20, 40 and 80-year horizons (``--set
   simulation.horizon=…``), with the cost per path-year of the whole command and of its
   simulation stage (from the run's manifest).

Run from the repository root: ``python benchmarks/bench_speed.py [--paths 10000] [--no-scaling]
[--repeat 3]``. ``FISCALSIM_ENGINE=numpy`` benchmarks the fallback engine; ``--agreement`` prints how far
apart the two engines are on the Hegang baseline. Each measurement is the
best of ``--repeat`` runs (the machine may be shared). The figures in ``docs/performance.md``
come from this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "bench" / "bare_kernel.py"
BASE_YEAR = 2020


@dataclass
class Measured:
    seconds: float
    peak_mb: float  # largest single process
    tree_mb: float | None = None  # sum over the process tree, sampled (psutil)
    simulate_seconds: float | None = None
    cpu_seconds: float | None = None  # user + system, all processes of the tree


class TreeSampler:
    """Samples the summed RSS of a process and its children every 20 ms (when psutil exists)."""

    def __init__(self, pid: int):
        try:
            import psutil
        except ImportError:
            self.proc = None
            return
        self.proc = psutil.Process(pid)
        self.peak = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.done.wait(0.02):
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total / 2**20)
            except psutil.Error:
                return

    def stop(self) -> float | None:
        if self.proc is None:
            return None
        self.done.set()
        self.thread.join()
        return self.peak


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, float, float | None, str, float]:
    """Wall seconds, max RSS of the largest process of the tree (MB), sampled tree peak, stdout,
    CPU seconds."""
    env = dict(os.environ, MPLBACKEND="Agg")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sampler = TreeSampler(proc.pid)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    tree = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024, tree, out, usage.ru_utime + usage.ru_stime


def reference(n_paths: int) -> Measured:
    _, _, _, out, cpu = run_measured([sys.executable, str(REFERENCE), str(n_paths)], REPO)
    seconds, peak = out.split()
    return Measured(float(seconds), float(peak), cpu_seconds=cpu)


def fiscalsim_run(n_paths: int, jobs: int, horizon: int | None = None) -> Measured:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "fiscalsim", "run", "--paths", str(n_paths), "--seed", "1", "--no-charts",
               "--jobs", str(jobs), "--out", f"{tmp}/res"]
        if horizon is not None:
            cmd += ["--set", f"simulation.horizon={horizon}"]
        seconds, peak, tree, _, cpu = run_measured(cmd, REPO)
        manifest = json.loads(Path(f"{tmp}/res/manifest.json").read_text())
    return Measured(seconds, peak, tree, manifest["timings_seconds"]["simulate"], cpu)


def startup() -> Measured:
    """``python -m fiscalsim --help``: importing the package and defining the commands."""
    seconds, peak, _, _, cpu = run_measured([sys.executable, "-m", "fiscalsim", "--help"], REPO)
    return Measured(seconds, peak, cpu_seconds=cpu)


def default_run_charts() -> tuple[Measured, float, str]:
    """``fiscalsim run --seed 1`` with its charts (the scenario's paths): the command, the
    seconds of its charts and how they were measured: the run's own timer (manifest
    ``timings_seconds.charts``, matplotlib's import included) or, for a checkout from before that
    timer, the wall time of the command less that of the same command with ``--no-charts``."""
    measured = []
    for charts in (True, False):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "fiscalsim", "run", "--seed", "1", "--out", f"{tmp}/res",
                   *(() if charts else ("--no-charts",))]
            seconds, peak, tree, _, cpu = run_measured(cmd, REPO)
            timings = json.loads(Path(f"{tmp}/res/manifest.json").read_text())["timings_seconds"]
        measured.append(Measured(seconds, peak, tree, timings["simulate"], cpu))
        if charts and "charts" in timings:
            return measured[0], timings["charts"], ("the run's timer, manifest timings_seconds.charts, "
                                                    "matplotlib's import included")
    return measured[0], measured[0].seconds - measured[1].seconds, (
        "wall time with charts less wall time without; a checkout that imports matplotlib with --no-charts too "
        "pays its import in both")


def best(measure, repeat: int) -> Measured:
    runs = [measure() for _ in range(repeat)]
    return min(runs, key=lambda m: m.seconds)


#: Functions timed by ``stages`` (module, name, label), where the checkout has them: the coupled
#: loop's population and finance steps, or the projector and finance loop of the earlier layout.
STAGE_TIMERS = (
    ("fiscalsim.simulate.coupled", "demography_of_year", "population step (all years)"),
    ("fiscalsim.finance.year", "finance_year", "finance year step (all years)"),
    ("fiscalsim.simulate.engine", "project", "population projection"),
    ("fiscalsim.simulate.engine", "simulate_finance", "finance year loop"),  # earlier layouts only
)


def stages(n_paths: int) -> dict[str, float]:
    """Seconds of ``load_scenario`` (first and again), of ``run_scenario`` in this process (one
    job) split into the population and finance steps and the rest of each block (economy, draws,
    triggers, collecting), and of the report tables and their files."""
    sys.path.insert(0, str(REPO))
    import importlib

    start = time.perf_counter()
    from fiscalsim.scenario import bundled_scenario, load_scenario
    from fiscalsim.simulate.montecarlo import run_scenario

    imported = time.perf_counter() - start
    spent: dict[str, float] = {}
    patched = []

    def timed(func, key):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return wrapper

    for module_name, name, label in STAGE_TIMERS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            patched.append((module, name, getattr(module, name)))
            spent[label] = 0.0
            setattr(module, name, timed(getattr(module, name), label))
    try:
        start = time.perf_counter()
        sc = load_scenario(bundled_scenario())
        first_load = time.perf_counter() - start  # with the imports it triggers (pandas, scipy.interpolate)
        start = time.perf_counter()
        load_scenario(bundled_scenario())
        later_load = time.perf_counter() - start
        run_scenario(sc, 256, 1)  # warm-up (numba load)
        spent.update({k: 0.0 for k in spent})
        start = time.perf_counter()
        result = run_scenario(sc, n_paths, 1)
        total = time.perf_counter() - start
    finally:
        for module, name, func in patched:
            setattr(module, name, func)
    spent["everything else (economy, draws, triggers, collecting)"] = total - sum(spent.values())
    spent["run_scenario total"] = total
    spent = {"importing fiscalsim.scenario and fiscalsim.simulate.montecarlo": imported,
             "load_scenario, first in the process (its imports included)": first_load,
             "load_scenario, again": later_load, **spent}
    # the tables Results.save writes (fiscalsim/report/results.py)
    from fiscalsim.report.run import summary_table, write_tables
    from fiscalsim.report.tables import first_passage_wide, pyramid_table, summary_with_na
    from fiscalsim.report.tables import quantile_table as tidy_quantile_table

    def quantile_table(res):
        return tidy_quantile_table(res, "亿元")

    def summary_wide(res):
        return summary_with_na(summary_table(res))

    for name, make in (("report: summary table", summary_wide), ("report: first-passage table", first_passage_wide),
                       ("report: quantile table", quantile_table), ("report: pyramid table", pyramid_table)):
        start = time.perf_counter()
        table = make(result)
        spent[name] = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            write_tables(Path(tmp), {"t": table})
            spent[name.replace("table", "files (CSV, Parquet)")] = time.perf_counter() - start
    return spent


def agreement(n_paths: int = 300) -> dict[str, float]:
    """Largest relative difference between the numba and NumPy engines on the Hegang baseline
    (``n_paths`` paths, seed 1), per output array and per flow band."""
    sys.path.insert(0, str(REPO))
    import numpy as np

    from fiscalsim.demography.projector import FLOW_BANDS
    from fiscalsim.demography.step import ENGINE_ENV
    from fiscalsim.scenario import bundled_scenario, load_scenario
    from fiscalsim.simulate.population import run_population

    sc = load_scenario(bundled_scenario())
    full = (2020, 2040, 2061)
    fast = run_population(sc.demography, n_paths, 1, full_years=full, engine="numba")
    plain = run_population(sc.demography, n_paths, 1, full_years=full, engine="numpy")

    def rel(a: np.ndarray, b: np.ndarray) -> float:
        scale = np.where(np.abs(b) > 0, np.abs(b), 1.0)
        return float(np.max(np.abs(a - b) / scale))

    out = {name: rel(getattr(fast, name), getattr(plain, name)) for name in ("stocks", "flows", "e0", "full")}
    out.update({f"flow {band}": rel(fast.flow(band), plain.flow(band)) for band in FLOW_BANDS})
    # the whole model (books, triggers) on each engine, 1,000 paths
    from fiscalsim.simulate.montecarlo import run_scenario

    runs = {}
    for name in ("numba", "numpy"):
        os.environ[ENGINE_ENV] = name
        runs[name] = run_scenario(sc, 1000, 1)
    os.environ.pop(ENGINE_ENV)
    a, b = runs["numba"], runs["numpy"]
    out["run, 1,000 paths: paths with a different first-passage year (any rule)"] = float(
        np.sum(np.any(a.first_passage != b.first_passage, axis=1)))
    out["run: key series, relative to each value"] = max(rel(a.series[k], b.series[k]) for k in a.series)
    out["run: key series, relative to the series' largest value"] = max(
        float(np.max(np.abs(a.series[k] - b.series[k])) / max(np.max(np.abs(b.series[k])), 1e-300)) for k in a.series)
    return out


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from importlib import metadata

    versions = []
    for package in ("numpy", "numba"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"no {package}")
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {', '.join(versions)}"


def engine() -> str:
    code = "from fiscalsim.demography.step import resolve_engine; print(resolve_engine())"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    # a checkout from before the engines (to measure it with this script) has one NumPy projector
    return proc.stdout.strip() if proc.returncode == 0 else "numpy (the projector before issue 13)"


def fmt_tree(m: Measured) -> str:
    return "-" if m.tree_mb is None else f"{m.tree_mb:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per figure")
    parser.add_argument("--no-scaling", action="store_true", help="skip the paths × horizon table")
    parser.add_argument("--stages-only", action="store_true", help="print the stage timings as JSON and stop")
    parser.add_argument("--agreement", action="store_true",
                        help="print the largest relative differences between the engines and stop")
    args = parser.parse_args()
    if args.stages_only:
        print(json.dumps(stages(args.paths)))
        return
    if args.agreement:
        print(f"# numba vs NumPy engine, Hegang baseline, 300 paths, seed 1 — {dt.datetime.now():%Y-%m-%d %H:%M}\n")
        print("| output | largest relative difference |")
        print("|---|---:|")
        for name, value in agreement().items():
            print(f"| {name} | {value:.0f} |" if name.startswith("run, ") else f"| {name} | {value:.1e} |")
        return

    print(f"# fiscalsim run vs the bare NumPy kernel — {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {machine()}; engine: {engine()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"best of {args.repeat} runs each; Hegang baseline, {BASE_YEAR}-2060 (41 years), seed 1, --no-charts\n")
    # warm-up: compiles the numba kernels into their cache if they are not there yet
    fiscalsim_run(256, 1)

    ref = best(lambda: reference(args.paths), args.repeat)
    print("| paths | jobs | reference s | fiscalsim s | ratio | simulate s | CPU s | peak RSS MB (largest process) "
          "| peak RSS MB (all processes) | reference peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    by_jobs = {}
    for jobs in (1, 2):
        m = best(lambda j=jobs: fiscalsim_run(args.paths, j), args.repeat)
        by_jobs[jobs] = m
        print(f"| {args.paths:,} | {jobs} | {ref.seconds:.2f} | {m.seconds:.2f} | {m.seconds / ref.seconds:.2f} | "
              f"{m.simulate_seconds:.2f} | {m.cpu_seconds:.2f} | {m.peak_mb:,.0f} | {fmt_tree(m)} | {ref.peak_mb:,.0f} |")
    faster = by_jobs[2].seconds < by_jobs[1].seconds
    print(f"\nreference (the bare kernel alone, no start-up): {ref.seconds:.2f} s wall, {ref.cpu_seconds:.2f} s CPU of its "
          f"whole process")
    print(f"--jobs 2 {'is' if faster else 'is NOT'} faster than --jobs 1 at {args.paths:,} paths: "
          f"{by_jobs[1].seconds:.2f} s vs {by_jobs[2].seconds:.2f} s "
          f"(simulation stage {by_jobs[1].simulate_seconds:.2f} s vs {by_jobs[2].simulate_seconds:.2f} s)")

    print_fixed_costs(args.repeat)
    if args.no_scaling:
        print_stages(args.paths)
        return
    print("\n## Scaling (--jobs 1): cost per path-year of the whole command and of its simulation stage\n")
    print("| paths | horizon | years | fiscalsim s | simulate s | µs per path-year (command) "
          "| µs per path-year (simulate) | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n_paths in (1_000, 10_000, 100_000):
        for span in (20, 40, 80):
            n_years = span + 1
            repeat = args.repeat if n_paths < 100_000 else 1
            m = best(lambda n=n_paths, h=BASE_YEAR + span: fiscalsim_run(n, 1, h), repeat)
            per = 1e6 / (n_paths * n_years)
            print(f"| {n_paths:,} | {BASE_YEAR + span} | {n_years} | {m.seconds:.2f} | {m.simulate_seconds:.2f} | "
                  f"{m.seconds * per:.2f} | {m.simulate_seconds * per:.2f} | {m.peak_mb:,.0f} |", flush=True)
    print_stages(args.paths)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


def print_fixed_costs(repeat: int) -> None:
    """Start-up and the charts of a default run, each the best of ``repeat`` runs."""
    start = best(startup, repeat)
    runs = [default_run_charts() for _ in range(repeat)]
    command, charts, how = min(runs, key=lambda r: r[1])
    print("\n## Fixed costs around the simulation\n")
    print(f"start-up, `python -m fiscalsim --help`: {start.seconds:.2f} s wall, {start.cpu_seconds:.2f} s CPU")
    print(f"charts of a default run (`fiscalsim run --seed 1`, {command_paths()} paths, PNG; {how}): {charts:.2f} s "
          f"(goal: under 1 s; the whole command {command.seconds:.2f} s, its simulation stage "
          f"{command.simulate_seconds:.2f} s)")


def command_paths() -> str:
    code = "from fiscalsim.scenario import bundled_scenario, load_scenario; print(load_scenario(bundled_scenario()).default_paths)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    return f"{int(proc.stdout):,}" if proc.returncode == 0 else "the scenario's"


def print_stages(n_paths: int) -> None:
    """The stage table, measured in a fresh process (so that this one stays small: a child's
    peak RSS counts the parent's at the fork)."""
    out = subprocess.run([sys.executable, __file__, "--stages-only", "--paths", str(n_paths)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    print(f"\n## Where the time goes ({n_paths:,} paths, one process, in-process timers)\n")
    print("| stage | seconds |")
    print("|---|---:|")
    for name, seconds in json.loads(out).items():
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
