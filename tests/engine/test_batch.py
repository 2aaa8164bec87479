"""Batches: a broken scenario among good ones, parallel and Dask runs equal to serial, Ctrl-C."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main
from sim.engine.distributed import DaskExecutor
from sim.engine.simulate import simulate
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parents[2]
MIXTURE = ROOT / "scenarios" / "kz-2021" / "mixture.toml"


def test_a_broken_scenario_is_reported_and_the_others_still_run(tmp_path):
    write_scenario(tmp_path, MINIMAL, "good.toml")
    bad = write_scenario(tmp_path, MINIMAL.replace("n = 1000", "n = -1"), "bad.toml")
    write_scenario(tmp_path, MINIMAL.replace('title = "Test"', 'title = "Also good"'),
                   "good-too.toml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(tmp_path), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    assert sorted(p.name for p in out.glob("*.json")) == ["good-too.json", "good.json"]
    assert result.output.rstrip().splitlines()[-1] == \
        f"error: {bad}: poll[0].n = -1: must be between 1 and 100000000"


def test_only_broken_scenarios_exit_2(tmp_path):
    write_scenario(tmp_path, MINIMAL.replace("n = 1000", "n = -1"), "bad.toml")
    result = CliRunner().invoke(main, ["run", str(tmp_path), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_workers_in_the_cli_write_the_same_files(tmp_path):
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / workers
        result = CliRunner().invoke(main, ["run", str(MIXTURE), "--draws", "120000", "--out",
                                           str(out), "--workers", workers, "--quiet"])
        assert result.exit_code == 0, result.output
        outputs.append((out / "mixture.json").read_text())
    assert outputs[0] == outputs[1]


def test_dask_local_cluster_is_bit_identical_to_serial():
    scenario = load_scenario(MIXTURE)
    serial = simulate(scenario, draws=60_000, seed=3, chunk_draws=10_000)
    executor = DaskExecutor("local", workers=2)
    try:
        assert executor.cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        distributed = simulate(scenario, draws=60_000, seed=3, chunk_draws=10_000,
                               executor=executor)
    finally:
        executor.close()
    assert serial.to_dict() == distributed.to_dict()


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["run", str(MIXTURE), "--dask", "tcp://127.0.0.1:9",
                                       "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert result.output.startswith("error: --dask tcp://127.0.0.1:9: cannot reach the scheduler")


def test_interrupt_keeps_finished_results_and_leaves_no_partial_file(tmp_path):
    first = write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 10000"), "a.toml")
    write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 100000000"), "b.toml")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(first), str(tmp_path / "b.toml"), "--out",
         str(out), "--quiet", "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "a.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well into scenario b
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: 1 of 2 scenarios finished" in stderr
    assert "Traceback" not in stderr
    assert json.loads((out / "a.json").read_text())["summary"]["draws"] == 10000
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "a.json", "run-log.jsonl"]


def test_cli_dask_local_writes_the_same_files_as_serial(tmp_path):
    outputs = []
    for options in ([], ["--dask", "local", "--workers", "2"]):
        out = tmp_path / ("dask" if options else "serial")
        result = CliRunner().invoke(main, ["run", str(MIXTURE), "--draws", "120000", "--out",
                                           str(out), "--quiet", *options])
        assert result.exit_code == 0, result.output
        outputs.append((out / "mixture.json").read_bytes())
    assert outputs[0] == outputs[1]
