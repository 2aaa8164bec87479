"""Local worker processes and Dask: how they start (never forked from a process whose threads
may hold locks), how many, their end with the parent, and bad or silent scheduler
addresses."""

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.engine.distributed import DaskExecutor
from sim.engine.executors import START_METHOD, ProcessExecutor, local_executor
from sim.errors import InvalidValue
from sim.limits import MAX_WORKERS
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parents[2]
MIXTURE = ROOT / "scenarios" / "kz-2021" / "mixture.toml"
# Held by a thread of this process while workers start: a worker forked from here would
# inherit it held and wait on it for ever (as a Dask worker did on a logging stream's lock).
HELD = threading.Lock()


def take_the_lock(task: int) -> int:
    with HELD:
        return os.getpid()


def tasks(count: int) -> list[tuple[int]]:
    return [(task,) for task in range(count)]


@pytest.fixture
def lock_held_by_a_thread():
    taken, release = threading.Event(), threading.Event()

    def hold():
        with HELD:
            taken.set()
            release.wait()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    taken.wait()
    yield
    release.set()
    thread.join()


def test_workers_are_never_forked_from_this_process():
    assert START_METHOD in ("forkserver", "spawn")
    executor = ProcessExecutor(2)
    try:
        assert executor.pool._mp_context.get_start_method() == START_METHOD
    finally:
        executor.close()


@pytest.mark.timeout(120)
def test_a_lock_held_while_the_pool_starts_does_not_reach_the_workers(lock_held_by_a_thread):
    executor = ProcessExecutor(2)
    try:
        pids = list(executor.map(take_the_lock, tasks(4)))
    finally:
        executor.close()
    assert len(pids) == 4 and os.getpid() not in pids


@pytest.mark.timeout(180)
def test_a_lock_held_while_dask_starts_does_not_reach_its_workers(lock_held_by_a_thread):
    executor = DaskExecutor("local", workers=2)
    try:
        pids = list(executor.map(take_the_lock, tasks(4)))
    finally:
        executor.close()
    assert len(pids) == 4 and os.getpid() not in pids


STRESS = """
from sim.engine.distributed import DaskExecutor
from sim.engine.executors import ProcessExecutor
from tests.engine.test_executors import HELD, take_the_lock, tasks

if __name__ == "__main__":
    HELD.acquire()  # held by this thread for the whole loop, as in a command
    for make in [lambda: DaskExecutor("local", workers=2)] * 50 + \\
            [lambda: ProcessExecutor(2)] * 50:
        executor = make()
        try:
            assert len(list(executor.map(take_the_lock, tasks(2)))) == 2
        finally:
            executor.close()
    print("done")
"""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fifty_dask_and_pool_starts_in_a_row_in_one_process_do_not_hang(tmp_path):
    # A fresh process, as a command is (the forkserver starts with the first cluster); each
    # start runs a task on every worker and closes. A hang fails by the timeout.
    script = tmp_path / "stress.py"
    script.write_text(STRESS)
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                            text=True, timeout=540, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0 and result.stdout == "done\n", result.stderr[-3000:]


def test_a_pool_starts_no_more_processes_than_chunks():
    executor = ProcessExecutor(8)
    try:
        assert len(list(executor.map(take_the_lock, tasks(2)))) == 2
        assert len(multiprocessing.active_children()) <= 2
    finally:
        executor.close()


def test_workers_above_the_maximum_are_refused():
    with pytest.raises(InvalidValue, match=f"must be at most {MAX_WORKERS}"):
        local_executor(MAX_WORKERS + 1)
    result = CliRunner().invoke(main, ["run", str(MIXTURE), "--workers", str(MAX_WORKERS + 1),
                                       "--quiet", "--out", "unused"])
    assert result.exit_code == 2
    assert result.output == (f"error: --workers = {MAX_WORKERS + 1}: must be at most "
                             f"{MAX_WORKERS} local processes (a pool never starts more than a "
                             "run's chunks); for more machines, use a Dask cluster with --dask\n")


def _descendants_running_chunks(pid: int, deadline: float) -> list[psutil.Process]:
    """The worker processes of ``pid`` (below its forkserver, if any), once they exist: not
    the forkserver itself nor multiprocessing's resource tracker."""
    while time.monotonic() < deadline:
        workers = [p for p in psutil.Process(pid).children(recursive=True)
                   if "resource_tracker" not in " ".join(p.cmdline())
                   and not (p.ppid() == pid and "forkserver" in " ".join(p.cmdline()))]
        if len(workers) >= 2:
            return workers
        time.sleep(0.1)
    raise AssertionError("the run's workers did not start")


IDLE = """
import time
from sim.engine.executors import ProcessExecutor
from tests.engine.test_executors import take_the_lock, tasks

if __name__ == "__main__":
    executor = ProcessExecutor(2)
    print(sorted(set(executor.map(take_the_lock, tasks(4)))), flush=True)
    time.sleep(600)  # the workers wait for tasks
"""


@pytest.mark.timeout(120)
def test_idle_workers_end_when_the_parent_is_killed(tmp_path):
    script = tmp_path / "idle.py"
    script.write_text(IDLE)
    with subprocess.Popen([sys.executable, str(script)], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}) as process:
        assert not _outliving(process, signal.SIGKILL, lambda: [
            psutil.Process(pid) for pid in json.loads(process.stdout.readline())])


@pytest.mark.timeout(120)
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_when_the_parent_is_killed(tmp_path, how):
    scenario = write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 100000000"))
    process = subprocess.Popen([sys.executable, "-m", "sim", "run", str(scenario), "--out",
                                str(tmp_path / "out"), "--quiet", "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert not _outliving(process, how, lambda: _descendants_running_chunks(
        process.pid, time.monotonic() + 60))


def _outliving(process: subprocess.Popen, how: int, find_workers) -> list:
    """The workers (from ``find_workers()``) still alive 20 s after ``process`` got ``how``;
    none are left running."""
    try:
        workers = find_workers()
        process.send_signal(how)
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=20)
    finally:
        process.kill()
    for worker in alive:
        worker.kill()
    return alive


@pytest.fixture
def silent_listener():
    """A TCP listener on 127.0.0.1 that accepts connections and never says anything."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.timeout(120)
def test_a_listener_that_is_not_a_scheduler_fails_in_bounded_time(tmp_path, silent_listener):
    start = time.monotonic()
    result = CliRunner().invoke(main, ["run", str(MIXTURE), "--dask", silent_listener,
                                       "--out", str(tmp_path), "--quiet"])
    assert time.monotonic() - start < 40
    assert result.exit_code == 2
    assert result.output == (f"error: --dask {silent_listener}: no answer from a Dask "
                             "scheduler within 15 s (is it a Dask scheduler's address?)\n")


@pytest.mark.parametrize("address", ["not a url", "tcp://", "tcp://host", "foo://1.2.3.4:5",
                                     "tcp://127.0.0.1:http", "tcp://127.0.0.1:70000"])
def test_a_malformed_dask_address_is_one_line(tmp_path, address):
    result = CliRunner().invoke(main, ["run", str(MIXTURE), "--dask", address, "--out",
                                       str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert result.output == (f"error: --dask = {address!r}: must be 'local' or a scheduler "
                             "address SCHEME://HOST:PORT (scheme one of tcp, tls, ws, wss, "
                             "ucx; e.g. tcp://10.0.0.5:8786)\n")


RECONCILE = ROOT / "scenarios" / "kz-2021" / "reconcile.toml"
KZ_2021 = ROOT / "scenarios" / "history" / "kz-2021.toml"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("command", ["run", "infer"])
def test_ctrl_c_in_the_first_seconds_is_one_line_and_exit_130(tmp_path, command):
    # Interrupted while importing, reading the scenario, starting the workers or running.
    arguments = {"run": [str(MIXTURE), "--draws", "100000000", "--out", str(tmp_path / "out"),
                         "--quiet"],
                 "infer": [str(RECONCILE), "--observed", str(KZ_2021), "--draws", "100000000",
                           "--out", str(tmp_path / "out")]}[command]
    for delay in (0.3, 0.5, 0.8, 1.2, 1.8, 2.5):
        process = subprocess.Popen([sys.executable, "-m", "sim", command, *arguments,
                                    "--workers", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, (delay, stderr)
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, (delay, stderr)
        assert stderr.startswith("interrupted") and stderr.count("\n") == 1, (delay, stderr)


@pytest.mark.timeout(300)
def test_a_cluster_reached_by_its_address_gives_the_bytes_of_a_serial_run():
    # Started as `dask worker` starts them (Dask's defaults: spawned, OPENBLAS_NUM_THREADS=1
    # set by each nanny), and sent chunks in the groups of a remote cluster.
    from dask.distributed import LocalCluster

    from sim.engine.simulate import simulate
    from sim.scenario import load_scenario

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    try:
        executor = DaskExecutor(cluster.scheduler_address)
        try:
            for name in ("kz-2023/qogamdyq-pikir.toml", "kz-2021/smart-vote.toml",
                         "kz-2021/pooled.toml"):
                scenario = load_scenario(ROOT / "scenarios" / name)
                serial = simulate(scenario, draws=60_000, seed=3, chunk_draws=5_000)
                remote = simulate(scenario, draws=60_000, seed=3, chunk_draws=5_000,
                                  executor=executor)
                assert remote.to_dict() == serial.to_dict(), name
        finally:
            executor.close()
    finally:
        cluster.close()
