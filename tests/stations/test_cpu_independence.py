"""The station level gives the same bytes whatever numpy kernels run (as
tests/test_cpu_independence.py checks for the other stages): the shipped 10,061-station
scenario and the 15-station district check, in fresh processes with numpy's SIMD kernels
restricted level by level."""

from pathlib import Path

import pytest

from tests.test_cpu_independence import ENVIRONMENTS, run

ROOT = Path(__file__).parent.parent.parent
SCENARIOS = {str(ROOT / "scenarios" / "kz-2021" / "stations-reconcile.toml"): 60,
             str(ROOT / "scenarios" / "kz-2023" / "stations-district.toml"): 2000}
NUMPY_LEVELS = sorted(name for name in ENVIRONMENTS if name.startswith("NPY_DISABLE"))


@pytest.fixture(scope="module")
def default() -> dict:
    return run(SCENARIOS, {})


@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", NUMPY_LEVELS)
def test_station_results_are_the_same_bytes_whatever_kernels_run(default, name):
    assert run(SCENARIOS, ENVIRONMENTS[name])["digests"] == default["digests"]
