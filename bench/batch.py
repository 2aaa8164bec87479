"""The whole shipped batch through ``elsim run``: serial, two local workers, and Dask."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.cli.common import scenario_paths
from sim.engine.distributed import DaskExecutor
from sim.engine.executors import ProcessExecutor
from sim.engine.simulate import simulate
from sim.engine.sweep import run_sweep
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
# The shipped Kazakh scenarios but those with a station level: at a million draws each of
# those would take hours (about 25 ms a draw for 10,061 stations); bench/stations.py
# measures the station level on its own.
BATCH = [str(path) for path in scenario_paths([ROOT / "scenarios" / "kz-2021",
                                                ROOT / "scenarios" / "kz-2023"])
         if not path.name.startswith("stations-")]
DRAWS = 1_000_000


def timed_run(*options: str, repeats: int = 2) -> float:
    """Wall-clock seconds of an ``elsim run`` of the batch, process start included: the
    shortest of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sim", "run", *BATCH, "--draws", str(DRAWS),
                            "--quiet", "--out", out, *options], check=True,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return min(times)


def batch_on(executor) -> float:
    """Seconds to run the batch (sweeps included) on an executor that is already up."""
    scenarios = [load_scenario(path) for path in BATCH]
    start = time.perf_counter()
    for scenario in scenarios:
        simulate(scenario, draws=DRAWS, executor=executor)
        if scenario.sweeps:
            run_sweep(scenario, draws=DRAWS, seed=None, executor=executor)
    return time.perf_counter() - start


def run() -> list[str]:
    serial = timed_run()
    workers = timed_run("--workers", "2")
    dask = timed_run("--dask", "local", "--workers", "2")
    pool, cluster = ProcessExecutor(2), DaskExecutor("local", 2)
    try:
        warm_pool, warm_dask = batch_on(pool), batch_on(cluster)
    finally:
        pool.close()
        cluster.close()
    return [
        f"batch: scenarios/kz-2021 + kz-2023 (with the sweep), {DRAWS:,} draws per run",
        f"  elsim run: serial {serial:.2f} s, --workers 2 {workers:.2f} s"
        f"   speed-up {serial / workers:.2f}x (target >= 1.6)",
        f"  elsim run --dask local --workers 2: {dask:.2f} s (importing Dask and starting the"
        f" cluster included)   vs --workers 2 {dask / workers:.2f}x (target <= 1.2)",
        f"  on executors already running: Dask LocalCluster {warm_dask:.2f} s, process pool"
        f" {warm_pool:.2f} s   overhead {warm_dask / warm_pool:.2f}x (target <= 1.3)",
    ]
