"""The same bytes on any CPU and BLAS: a small run of each kind of scenario (mixture,
pooled, a campaign, a mixed house, a two-round district tier, multi-member districts) in
fresh processes with numpy's SIMD kernels restricted level by level
(``NPY_DISABLE_CPU_FEATURES``), and with OpenBLAS on one thread or another kernel
(``OPENBLAS_NUM_THREADS``, ``OPENBLAS_CORETYPE``), gives identical results."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

from tests.districts.test_model import DISTRICTS
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parent.parent
SCENARIOS = {"kz-2021/mixture.toml": 100_000, "kz-2021/pooled.toml": 100_000,
             "kz-2021/smart-vote.toml": 200_000, "kz-2023/qogamdyq-pikir.toml": 100_000,
             "kz-2023/demoscope.toml": 200_000, "es-2023/es-mixture.toml": 20_000}
RUN = """
import hashlib, json, sys
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from sim.engine.simulate import simulate
from sim.output.results import result_files, result_record
from sim.scenario import load_scenario

digests = {}
for path, draws in json.loads(sys.argv[1]).items():
    files = result_files(result_record(simulate(load_scenario(path), draws=draws, seed=7)))
    digests[path] = hashlib.sha256("".join(files.values()).encode()).hexdigest()
used = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
print(json.dumps({"digests": digests, "dispatch": used}))
"""
# numpy's run-time dispatch targets this CPU has, lowest first: disabling one level and
# those above it leaves numpy the kernels below it (the baseline when all are off).
LEVELS = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
ENVIRONMENTS = {
    **{f"NPY_DISABLE_CPU_FEATURES={','.join(LEVELS[i:])}":
       {"NPY_DISABLE_CPU_FEATURES": ",".join(LEVELS[i:])} for i in range(len(LEVELS))},
    "OPENBLAS_NUM_THREADS=1": {"OPENBLAS_NUM_THREADS": "1"},
    **{f"OPENBLAS_CORETYPE={core}": {"OPENBLAS_CORETYPE": core}
       for core in ("Haswell", "Sandybridge", "Prescott")},
}


def run(scenarios: dict[str, int], environment: dict[str, str]) -> dict:
    result = subprocess.run([sys.executable, "-c", RUN, json.dumps(scenarios)], cwd=ROOT,
                            env={**os.environ, **environment}, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict[str, int]:
    folder = tmp_path_factory.mktemp("two-round")
    two_round = write_scenario(folder, MINIMAL + DISTRICTS.replace(
        "seats = 5", 'seats = 5\nrule = "two-round"'))
    return {**{str(ROOT / "scenarios" / name): draws for name, draws in SCENARIOS.items()},
            str(two_round): 100_000}


@pytest.fixture(scope="module")
def default(scenarios) -> dict:
    return run(scenarios, {})


@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_results_are_the_same_bytes_whatever_kernels_run(scenarios, default, name):
    restricted = run(scenarios, ENVIRONMENTS[name])
    if name.startswith("NPY_DISABLE_CPU_FEATURES"):
        # The restriction took effect: numpy runs none of the disabled kernels.
        disabled = set(ENVIRONMENTS[name]["NPY_DISABLE_CPU_FEATURES"].split(","))
        assert disabled & set(default["dispatch"]) and not disabled & set(restricted["dispatch"])
    assert restricted["digests"] == default["digests"]


def test_numpy_has_kernels_to_choose_from_here():
    # Without any, the test above would compare a run with itself.
    assert LEVELS, f"numpy {np.__version__} dispatches nothing on this CPU"
