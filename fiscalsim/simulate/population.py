"""Chunked Monte Carlo runs of the population projection."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fiscalsim.demography.projector import (
    DemographyInputs,
    DemographyShocks,
    PopulationResult,
    project,
)
from fiscalsim.simulate.seeding import BLOCK_PATHS, standard_normal

log = logging.getLogger(__name__)

#: Paths computed by one call of the model: four blocks of the seed tree. A path's results do not
#: depend on this size (every kernel works path by path; ``tests/test_montecarlo.py`` checks it
#: bitwise), only the speed does: the per-year NumPy calls are shared by more paths, while larger
#: blocks leave the caches (measured: ``docs/performance.md``).
COMPUTE_PATHS = 4 * BLOCK_PATHS
#: Paths per chunk by default: one computation block, so progress is reported per block.
DEFAULT_CHUNK_PATHS = COMPUTE_PATHS


def draw_demography_shocks(entropy: int, start: int, stop: int, n_years: int) -> DemographyShocks:
    return DemographyShocks(
        tfr=standard_normal(entropy, "demography.fertility", start, stop, n_years),
        mortality=standard_normal(entropy, "demography.mortality", start, stop, n_years),
        migration=standard_normal(entropy, "demography.migration", start, stop, n_years),
    )


def path_blocks(n_paths: int, start: int = 0) -> list[tuple[int, int]]:
    """The fixed computation blocks ``[a, b)`` of a run from path ``start`` (a block boundary) to
    ``n_paths``, :data:`COMPUTE_PATHS` paths each (the last may be partial).

    Every block is computed by one call whatever the chunking or the number of workers, so each
    path sees not only the same random numbers but the same floating-point operations.
    """
    return [(s, min(s + COMPUTE_PATHS, n_paths)) for s in range(start, n_paths, COMPUTE_PATHS)]


def run_population(inputs: DemographyInputs, n_paths: int, entropy: int, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                   full_years: tuple[int, ...] = (),
                   progress: Callable[[int], None] | None = None, engine: str | None = None) -> PopulationResult:
    """Project ``n_paths`` paths block by block; bitwise identical for any ``chunk_paths``.

    ``chunk_paths`` (rounded up to whole blocks) only groups blocks for progress reports.
    ``engine``: see :func:`fiscalsim.demography.step.resolve_engine`.
    """
    if n_paths < 1 or chunk_paths < 1:
        raise ValueError("n_paths and chunk_paths must be positive")
    blocks_per_chunk = max(1, -(-chunk_paths // COMPUTE_PATHS))
    out = PopulationResult.empty(n_paths, inputs.years, inputs.unit_names, full_years)
    done = 0
    for i, (start, stop) in enumerate(path_blocks(n_paths)):
        shocks = draw_demography_shocks(entropy, start, stop, inputs.n_years)
        project(inputs, shocks, full_years=full_years, out=out.rows(start, stop), engine=engine)
        done += stop - start
        if progress is not None and ((i + 1) % blocks_per_chunk == 0 or stop == n_paths):
            progress(done)
            done = 0
        log.debug("population paths %d-%d done", start, stop)
    return out
