"""``elsim stations`` prints the same bytes whatever numpy kernels run: a published file with
regions (region effects, the integer test's resampling, every fingerprint) screened in fresh
processes with numpy's SIMD kernels restricted level by level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.test_cpu_independence import ENVIRONMENTS

ROOT = Path(__file__).parent.parent.parent
NUMPY_LEVELS = sorted(name for name in ENVIRONMENTS if name.startswith("NPY_DISABLE"))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """2,000 stations in 8 regions, turnout and the leader's share varying by region."""
    rng = np.random.default_rng(31)
    region = rng.integers(0, 8, 2000)
    registered = rng.integers(200, 2500, 2000)
    ballots = rng.binomial(registered, 0.35 + 0.04 * region)
    invalid = rng.binomial(ballots, 0.02)
    lead = rng.binomial(ballots - invalid, 0.3 + 0.05 * region)
    other = rng.binomial(ballots - invalid - lead, 0.6)
    rest = ballots - invalid - lead - other
    lines = ["region,registered,invalid,ruling,left,right"]
    lines += [f"r{g},{n},{x},{a},{b},{c}" for g, n, x, a, b, c
              in zip(region, registered, invalid, lead, other, rest)]
    path = tmp_path_factory.mktemp("cpu") / "stations.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def screened(path: Path, environment: dict[str, str]) -> str:
    model = ROOT / "scenarios" / "calibration" / "stations-heterogeneity.toml"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "stations", str(path), "--model", str(model),
         "--draws", "3", "--resamples", "3", "--seed", "5", "--json"],
        cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True,
        timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def default(published) -> str:
    return screened(published, {})


@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", NUMPY_LEVELS)
def test_elsim_stations_prints_the_same_bytes_whatever_kernels_run(published, default, name):
    assert '"region_effects": true' in default
    assert screened(published, ENVIRONMENTS[name]) == default
