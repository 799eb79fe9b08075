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

DEFAULT_CHUNK_PATHS = 1024


def draw_demography_shocks(entropy: int, start: int, stop: int, n_years: int) -> DemographyShocks:
    return DemographyShocks(
        tfr=standard_normal(entropy, "demography.fertility", start, stop, n_years),
        mortality=standard_normal(entropy, "demography.mortality", start, stop, n_years),
        migration=standard_normal(entropy, "demography.migration", start, stop, n_years),
    )


def path_blocks(n_paths: int) -> list[tuple[int, int]]:
    """The fixed computation blocks ``[start, stop)`` of a run: those of the seed tree.

    Every block is computed by one call of the projector whatever the chunking or the number of
    workers, so each path sees not only the same random numbers but the same floating-point
    operations (BLAS reductions may round differently for different row counts).
    """
    return [(s, min(s + BLOCK_PATHS, n_paths)) for s in range(0, n_paths, BLOCK_PATHS)]


def run_population(inputs: DemographyInputs, n_paths: int, entropy: int, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                   full_years: tuple[int, ...] = (),
                   progress: Callable[[int], None] | None = None, engine: str | None = None) -> PopulationResult:
    """Project ``n_paths`` paths block by block; bitwise identical for any ``chunk_paths``.

    ``chunk_paths`` (rounded up to whole blocks) only groups blocks for progress reports.
    ``engine``: see :func:`fiscalsim.demography.step.resolve_engine`.
    """
    if n_paths < 1 or chunk_paths < 1:
        raise ValueError("n_paths and chunk_paths must be positive")
    blocks_per_chunk = max(1, -(-chunk_paths // BLOCK_PATHS))
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
