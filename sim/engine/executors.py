"""Executors: where chunks run. Anything with ``map(function, tasks)`` that yields results in
task order will do; :mod:`sim.engine.distributed` adds Dask."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sim.errors import SimError


class WorkerDied(SimError):
    """A local worker process died while running chunks, even after a fresh start."""


class SerialExecutor:
    """Runs chunks one after the other in this process."""

    workers = 1

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        return (function(*task) for task in tasks)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """Runs chunks on local worker processes; results come back in task order.

    A worker that dies (killed, out of memory) breaks the whole pool: the pool is then
    started afresh and the chunks not yet returned are run again, once. Chunks are
    deterministic, so the result is the same. A second death is a :class:`WorkerDied` for
    this map only; the next map runs on a fresh pool.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_ignore_interrupts)

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        tasks = list(tasks)
        done = 0
        for _ in range(2):
            try:
                for result in self.pool.map(function, *zip(*tasks[done:])):
                    done += 1
                    yield result
                return
            except BrokenProcessPool:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
        raise WorkerDied("a local worker process died twice while running this scenario "
                         "(out of memory, or killed); the other scenarios go on")

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch and shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_executor(workers: int) -> SerialExecutor | ProcessExecutor:
    """This process for one worker, a process pool for more."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)


def executor_workers(executor) -> int:
    """How many workers an executor runs chunks on (for the run log)."""
    return getattr(executor, "workers", 1)
