"""Executors: where chunks run. Anything with ``map(function, tasks)`` that yields results in
task order will do; :mod:`sim.engine.distributed` adds Dask."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor


class SerialExecutor:
    """Runs chunks one after the other in this process."""

    workers = 1

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        return (function(*task) for task in tasks)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """Runs chunks on local worker processes; results come back in task order."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        return self.pool.map(function, *zip(*tasks))

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
