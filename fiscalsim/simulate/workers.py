"""Local worker processes that die with their parent.

A worker started here asks the Linux kernel to kill it when its parent dies
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``) and, on every platform, watches its parent's process id from
a daemon thread: a killed ``fiscalsim`` leaves no idle workers holding memory and the caller's pipes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
#: Seconds between checks of the parent's process id (the fallback where prctl is missing).
PARENT_POLL_SECONDS = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Worker initialiser: end this process as soon as ``parent_pid`` is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(PARENT_POLL_SECONDS):
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="fiscalsim-parent-watch", daemon=True).start()


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` spawned worker processes bound to this process's life."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))


def _terminate(pool: ProcessPoolExecutor) -> None:
    # the executor has no public 'kill': end the worker processes it owns
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def share_with_workers(jobs: int, func, arg_lists: list[tuple], consume) -> None:
    """``func(*args)`` for every ``args``, in this process and ``jobs − 1`` worker processes;
    ``consume(i, result)`` is called in this process as task ``i`` completes (in any order), and
    no result is kept after it.

    This process takes tasks from the end of the list while the workers take them from the start,
    so a worker's start-up (a fresh interpreter importing the package, about a second) overlaps
    with useful work instead of adding to it; the workers are never handed the last task that this
    process could take, so with two tasks each side does one. If the caller is interrupted
    (Ctrl-C, SIGTERM) or a task fails, the workers are terminated at once.
    """
    if jobs <= 1 or len(arg_lists) <= 1:
        for i, args in enumerate(arg_lists):
            consume(i, func(*args))
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    n_workers = min(jobs - 1, len(arg_lists) - 1)
    pool = worker_pool(n_workers)
    lo, hi = 0, len(arg_lists)  # tasks lo … hi−1 are not started yet
    in_flight: dict = {}
    try:
        while lo < hi or in_flight:
            while lo < hi - 1 and len(in_flight) < 2 * n_workers:  # one running and one queued each
                in_flight[pool.submit(func, *arg_lists[lo])] = lo
                lo += 1
            if lo < hi:
                hi -= 1
                consume(hi, func(*arg_lists[hi]))
                finished = [f for f in in_flight if f.done()]
            else:
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                consume(in_flight.pop(fut), fut.result())
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def map_sharing(jobs: int, func, arg_lists: list[tuple], progress=None) -> list:
    """``[func(*args) for args in arg_lists]``, results in order, computed by this process and
    ``jobs − 1`` worker processes (:func:`share_with_workers`); ``progress(1)`` after each."""
    results: list = [None] * len(arg_lists)

    def keep(i: int, result) -> None:
        results[i] = result
        if progress is not None:
            progress(1)

    share_with_workers(jobs, func, arg_lists, keep)
    return results


def map_on_dask(scheduler: str, func, args: list[tuple], progress=None) -> list:
    """``[func(*a) for a in args]`` on a Dask cluster at ``scheduler``, results in order;
    ``progress(1)`` after each. Needs dask.distributed (the ``distributed`` extra)."""
    try:
        from distributed import Client
    except ImportError:
        from fiscalsim.scenario.yamlio import ScenarioError

        raise ScenarioError("--scheduler needs dask.distributed: pip install -e \".[distributed]\"") from None
    with Client(scheduler) as client:
        futures = [client.submit(func, *a, pure=False) for a in args]
        results = []
        for fut in futures:
            results.append(fut.result())
            if progress:
                progress(1)
    return results
