"""Executors: where chunks run. Anything with ``map(function, tasks)`` that yields results in
task order will do; :mod:`sim.engine.distributed` adds Dask."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.connection import wait

from sim.errors import InvalidValue, SimError
from sim.limits import MAX_WORKERS, WORKERS_RULE

START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
    else "spawn"
# Modules a forkserver imports once, so that every worker forked from it starts with them.
PRELOAD = ["sim.engine.simulate"]


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
        # Processes start as chunks are sent (never more than the chunks of a map).
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=process_context(),
                                   initializer=_start_worker)

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        tasks = list(tasks)
        done = 0
        for _ in range(2):
            try:
                with _interrupts_deferred():  # the workers start while the tasks are sent
                    results = self.pool.map(function, *zip(*tasks[done:]))
                for result in results:
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


def process_context(preload: tuple[str, ...] = ()):
    """How every worker process elsim starts is made: by a forkserver where the platform has
    one (POSIX), else spawned (Windows); never forked from this process.

    A process forked from a running command could inherit a lock that another thread (a
    logging handler, Dask's event loop) held at that moment, and wait on it forever. The
    forkserver is a fresh single-threaded process, started once per command with elsim and
    numpy imported (and ``preload``), so a worker forked from it still starts in
    milliseconds.
    """
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload([*PRELOAD, *preload])
    return context


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C while worker processes start takes effect once they have started: a worker
    cut off from its pool halfway would fail later, printing a traceback after the command
    had ended."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _start_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch and shuts the pool down,
    and end when the parent ends, however it ends (killed outright, its pool never shut)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """Wait until the parent process is gone (its end of a pipe closes), then exit."""
    wait([sentinel])
    os._exit(1)


def check_workers(workers: int) -> int:
    """``workers`` if it is at most :data:`~sim.limits.MAX_WORKERS`, else an error."""
    if workers > MAX_WORKERS:
        raise InvalidValue("--workers", workers, WORKERS_RULE)
    return workers


def local_executor(workers: int) -> SerialExecutor | ProcessExecutor:
    """This process for one worker, a process pool for more."""
    return SerialExecutor() if check_workers(workers) <= 1 else ProcessExecutor(workers)


def executor_workers(executor) -> int:
    """How many workers an executor runs chunks on (for the run log)."""
    return getattr(executor, "workers", 1)
