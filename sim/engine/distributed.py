"""Running chunks on a Dask cluster (``elsim run --dask ADDRESS`` or ``--dask local``).

Dask is an optional extra (``pip install -e .[dask]``). Every worker needs elsim installed
in the same version, since chunks run :func:`sim.engine.run_chunk` there. Results are
gathered in chunk order, so they are bit-identical to a serial run with the same seed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator

from sim.errors import SimError

LOCAL_CLUSTER_CONFIG = {
    # Start local workers as Python's multiprocessing does by default, and so our own
    # process pool (Dask's default is spawn). On Linux before Python 3.14 that is fork:
    # workers start with elsim, numpy and Dask already imported, in 0.1 s instead of
    # 0.5-1 s per spawned worker. (The first method listed is the platform's default.)
    "distributed.worker.multiprocessing-method": multiprocessing.get_all_start_methods()[0],
    # Spawned workers get MALLOC_TRIM_THRESHOLD_=65536 from Dask, which also fixes glibc's
    # mmap threshold at 128 KiB: every chunk-sized numpy array is then a fresh mmap that
    # page-faults on first use, and a chunk runs about 40% slower. Keep freed memory instead.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": str(2**27),
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(2**25),
}
# Chunks take milliseconds, and a round trip through the scheduler about 10 ms: send them in
# groups of equal size, this many per worker. A local cluster's workers are equal processes
# on one machine, so one group each balances them; a remote cluster's machines may differ,
# and more groups let the faster ones take more.
GROUPS_PER_WORKER = {"local": 1, "remote": 4}


class DaskExecutor:
    """Chunks on a ``dask.distributed`` cluster.

    Parameters
    ----------
    address : str
        A scheduler address such as ``tcp://10.0.0.5:8786``, or ``"local"`` to start a
        :class:`~dask.distributed.LocalCluster` on the loopback interface for this run.
    workers : int
        Worker processes of a local cluster (one thread each).
    """

    def __init__(self, address: str, workers: int = 2):
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise SimError("--dask needs Dask: pip install 'elsim-seats[dask]'") from None
        self.cluster = self._config = None
        self.workers = workers
        try:
            if address == "local":
                # Kept until close(): a worker that its nanny restarts starts the same way.
                self._config = dask.config.set(LOCAL_CLUSTER_CONFIG)
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, host="127.0.0.1",
                                            dashboard_address=None)
                self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as error:
            self.close()
            raise SimError(f"--dask {address}: cannot reach the scheduler ({error})") from None

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        if not tasks:
            return
        # A local cluster has the workers it was started with; scheduler_info() lists at
        # most five workers in some versions of distributed, nthreads() every one.
        if self.cluster is not None:
            workers, per_worker = self.workers, GROUPS_PER_WORKER["local"]
        else:
            workers, per_worker = max(1, len(self.client.nthreads())), GROUPS_PER_WORKER["remote"]
        count = min(len(tasks), workers * per_worker)
        bounds = [len(tasks) * group // count for group in range(count + 1)]
        groups = [tasks[start:stop] for start, stop in zip(bounds, bounds[1:])]
        futures = self.client.map(_run_group, [function] * len(groups), groups, pure=False)
        try:
            for future in futures:
                yield from future.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self._config is not None:
            self._config.__exit__(None, None, None)  # Dask's own settings again
            self._config = None


def _run_group(function: Callable, tasks: list[tuple]) -> list:
    """Run consecutive tasks on one worker; their results in order."""
    return [function(*task) for task in tasks]
