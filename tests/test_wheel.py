"""The wheel stands alone: built from the sdist, installed into a fresh virtual environment
outside the checkout, it lists its examples, writes a scenario from one and runs it.

Slow (a build and an install: about half a minute, more with a cold pip cache), so it is
marked ``wheel``: ``make test`` leaves it out and ``make wheel-check`` runs it (CI runs it
after ``make check``). It needs PyPI (the build backend and the dependencies) and nothing
else from the network.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sim import __version__
from sim.engine.simulate import simulate
from sim.output.results import result_document
from sim.packaged import SUFFIXES, example
from sim.scenario import load_scenario

# Building and installing into a fresh environment takes minutes on a slow machine.
pytestmark = [pytest.mark.wheel, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parent.parent
DRAWS = 20_000


def run(*command, cwd=None, env=None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                          capture_output=True)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wheel_file(wheel: Path, name: str) -> str:
    """The text of the file called ``name`` in the wheel's metadata."""
    with zipfile.ZipFile(wheel) as archive:
        (path,) = [path for path in archive.namelist()
                   if ".dist-info/" in path and path.endswith("/" + name)]
        return archive.read(path).decode()


def test_the_wheel_runs_the_packaged_example_outside_the_checkout(tmp_path):
    assert ROOT not in tmp_path.resolve().parents
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT)   # the sdist, then the wheel
    (wheel,) = dist.glob(f"elsim_seats-{__version__}-*.whl")   # the version of sim/__init__.py
    assert len(list(dist.glob("elsim_seats-*.tar.gz"))) == 1
    assert "MIT License" in wheel_file(wheel, "LICENSE")   # the licence setup.cfg names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c",
        ROOT / "constraints.txt", wheel)
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    elsim = venv / "bin" / "elsim"

    # The package and its data come from the environment, not from this checkout.
    where = run(venv / "bin" / "python", "-c", "import sim, sim.packaged; print(sim.__file__);"
                " print(sim.packaged.data_folder())", cwd=work, env=env).split()
    assert all(Path(path).is_relative_to(venv) for path in where)
    # Every *.toml, *.csv and *.md under scenarios/ ships, without a list to keep up to date.
    shipped = {p.relative_to(where[1]).as_posix() for p in Path(where[1]).rglob("*")
               if p.suffix in SUFFIXES}
    assert shipped == {p.relative_to(ROOT / "scenarios").as_posix()
                       for p in (ROOT / "scenarios").rglob("*") if p.suffix in SUFFIXES}
    assert "data/kazakhstan/mazhilis-results.csv" in shipped
    assert run(elsim, "--version", cwd=work, env=env).strip().endswith(__version__)

    listing = run(elsim, "examples", cwd=work, env=env)
    assert "kz-2021/mixture" in listing and "history/kz-2021" in listing

    run(elsim, "new", "start.toml", cwd=work, env=env)
    assert sorted(p.name for p in work.iterdir()) == ["start.toml"]   # stands alone
    table = run(elsim, "run", "start.toml", "--draws", DRAWS, "--quiet", cwd=work, env=env)
    assert "Nur Otan" in table
    document = json.loads((work / "results" / "start.json").read_text())
    # Same scenario, seed and pinned versions as the packaged example run here: same seats.
    here = result_document(simulate(load_scenario(example("kz-2021/mixture").path),
                                    draws=DRAWS))
    assert document["scenario"]["digest"] == here["scenario"]["digest"]
    assert document["summary"] == here["summary"]

    run(elsim, "new", "count.toml", "--from", "history/kz-2021", cwd=work, env=env)
    allocation = json.loads(run(elsim, "allocate", "count.toml", "--json", cwd=work, env=env))
    assert allocation["seats"] == {"nur-otan": 76, "ak-zhol": 12, "peoples-party": 10,
                                   "auyl": 0, "adal": 0}
