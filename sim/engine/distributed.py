"""Running chunks on a Dask cluster (``elsim run --dask ADDRESS`` or ``--dask local``).

Dask is an optional extra (``pip install -e .[dask]``). Every worker needs elsim installed
in the same version, since chunks run :func:`sim.engine.run_chunk` there. Results are
gathered in chunk order, so they are bit-identical to a serial run with the same seed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from sim.engine.executors import START_METHOD, check_workers, process_context
from sim.errors import InvalidValue, SimError

# Local workers start as those of --workers do (sim.engine.executors.process_context):
# from a forkserver, never forked from this process, where a thread of Dask's may hold a
# lock (a worker then waits on it for ever).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": START_METHOD,
    # Dask gives its workers MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
    # threshold at 128 KiB: every chunk-sized numpy array is then a fresh mmap that
    # page-faults on first use, and a chunk runs about 40% slower. Keep freed memory instead.
    # (Dask sets these in this process before it starts the first worker, so the
    # forkserver, started then, passes them on.)
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": str(2**27),
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(2**25),
}
# A scheduler answers a connection at once; a listener that is not one may never answer,
# and Dask's own timeout does not cover that wait: give up on it after this long.
CONNECT_SECONDS = 10
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
ADDRESS_RULE = ("must be 'local' or a scheduler address SCHEME://HOST:PORT (scheme one of "
                + ", ".join(SCHEMES) + "; e.g. tcp://10.0.0.5:8786)")
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
        self.workers = check_workers(workers)
        if address != "local":
            self.client = _connect(check_address(address), Client)
            return
        try:
            # Kept until close(): a worker that its nanny restarts starts the same way.
            self._config = dask.config.set(LOCAL_CLUSTER_CONFIG)
            _preload_forkserver()
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, host="127.0.0.1",
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        except (OSError, TimeoutError) as error:
            self.close()
            raise SimError(f"--dask local: cannot start a local cluster ({error})") from None

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


def _preload_forkserver() -> None:
    """The forkserver imports elsim and Dask, and nothing else, before the first worker.

    Dask would have it import every package Dask knows of (pandas...), and each worker then
    takes about 2 s to start instead of 0.5 s; once Dask has set its list (it does so
    once per process), ours replaces it.
    """
    from distributed.utils import get_mp_context

    get_mp_context()
    process_context(("distributed",))


def check_address(address: str) -> str:
    """A scheduler address as Dask reads it (``HOST:PORT`` means ``tcp://HOST:PORT``), or an
    error naming the rule: Dask itself would take ``not a url`` for a host name."""
    scheme, separator, location = address.partition("://")
    if not separator:
        scheme, location = "tcp", address
    host, colon, port = location.rpartition(":")
    if (scheme not in SCHEMES or not colon or not host.strip("[]") or not port.isdigit()
            or not 0 < int(port) < 2**16 or any(c.isspace() for c in host)):
        raise InvalidValue("--dask", address, ADDRESS_RULE)
    return address


def _connect(address: str, client_class):
    """A client of the scheduler at ``address``, or an error within :data:`CONNECT_SECONDS`
    (and a little more): the client is made on a thread given up on after that, since
    Dask waits without end for a listener that accepts and never answers."""
    made: list = []

    def connect() -> None:
        try:
            made.append(client_class(address, timeout=f"{CONNECT_SECONDS}s"))
        except Exception as error:  # noqa: BLE001  (shown to the user, as any failure)
            made.append(error)

    thread = threading.Thread(target=connect, name="elsim-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 5)
    if thread.is_alive():
        raise SimError(f"--dask {address}: no answer from a Dask scheduler within "
                       f"{CONNECT_SECONDS + 5} s (is it a Dask scheduler's address?)")
    if isinstance(made[0], BaseException):
        raise SimError(f"--dask {address}: cannot reach the scheduler ({made[0]})")
    return made[0]


def _run_group(function: Callable, tasks: list[tuple]) -> list:
    """Run consecutive tasks on one worker; their results in order."""
    return [function(*task) for task in tasks]
