"""Running chunks on a Dask cluster (``elsim run --dask ADDRESS`` or ``--dask local``).

Dask is an optional extra (``pip install -e .[dask]``). Every worker needs elsim installed
in the same version, since chunks run :func:`sim.engine.run_chunk` there. Results are
gathered in chunk order, so they are bit-identical to a serial run with the same seed.
"""

from __future__ import annotations

from typing import Callable, Iterator

from sim.errors import SimError


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
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise SimError("--dask needs Dask: pip install 'elsim[dask]'") from None
        self.cluster = None
        self.workers = workers
        try:
            if address == "local":
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
        futures = self.client.map(function, *zip(*tasks), pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
