"""The coupled year step against the stages run one after another, in the same run (issue 9).

Times the model kernel (``run_draws``) on the same drawn blocks of the Hegang baseline in three
ways, interleaved and repeated so that a busy machine slows each alike:

* **coupled, feedbacks on** — the baseline as shipped (jobs and austerity migration, the
  establishment rule);
* **coupled, feedbacks off** — the same loop with every feedback switched off;
* **stages in sequence** — demography over the whole horizon, then the economy, then the books
  (the way runs were computed before the coupled step; no feedback can act), feedbacks off.

The last two compute bitwise the same numbers (tests/test_coupled.py), so their ratio is the cost
of the coupling itself; the first adds the feedbacks' own work. Run from the repository root:
``python benchmarks/bench_coupled.py [--paths 2560] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from fiscalsim.feedbacks import FeedbackInputs
from fiscalsim.scenario import bundled_scenario, load_scenario
from fiscalsim.simulate.engine import draw_block, run_draws
from fiscalsim.simulate.population import path_blocks


def feedbacks_off(sc):
    fin = dataclasses.replace(sc.finance, establishment_adjustment=None)
    return dataclasses.replace(sc, feedbacks=FeedbackInputs(), finance=fin,
                               uncertain=tuple(u for u in sc.uncertain if not u.key.startswith("feedbacks.")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=2560)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    on = load_scenario(bundled_scenario())
    off = feedbacks_off(on)
    blocks = path_blocks(args.paths)
    cases = {"coupled, feedbacks on": (on, True), "coupled, feedbacks off": (off, True),
             "stages in sequence": (off, False)}
    draws = {name: [draw_block(sc, 1, a, b) for a, b in blocks] for name, (sc, _) in cases.items()}
    best = {name: float("inf") for name in cases}
    for _ in range(args.repeat):
        for name, (sc, coupled) in cases.items():
            start = time.perf_counter()
            for d in draws[name]:
                run_draws(sc, d, coupled=coupled)
            best[name] = min(best[name], time.perf_counter() - start)
    ref = best["stages in sequence"]
    print(f"model kernel, Hegang baseline, {args.paths:,} paths x {len(on.years)} years, best of {args.repeat}")
    for name, seconds in best.items():
        print(f"  {name:<24} {seconds:6.2f} s   {seconds / ref:5.2f}x the stages in sequence")


if __name__ == "__main__":
    main()
