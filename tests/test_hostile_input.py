"""Hostile input: every malformed scenario is one line per problem and exit 2, with nothing
written; the valid edge cases run."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.hostile_cases import CASES, RUN_THROUGH, SWEPT
from tests.scenario_text import MINIMAL, write_scenario

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """A pristine copy of the shipped scenarios, with a binary file beside them."""
    folder = tmp_path_factory.mktemp("shipped") / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    (folder / "kz-2021" / "binary.bin").write_bytes(bytes(range(256)) * 4)
    return folder


def mutate(shipped: Path, tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the scenarios with one mutation; returns the scenario file to run."""
    folder = tmp_path / "scenarios"
    shutil.copytree(shipped, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, f"{file} has no {old!r}: the case is stale"
    # A non-ASCII byte that is not UTF-8: the file is saved as Latin-1.
    encoding = "latin-1" if "\xe9" in new else "utf-8"
    (folder / file).write_bytes(text.replace(old, new).encode(encoding))
    return folder / RUN_THROUGH.get(file, file)


def test_there_are_at_least_a_hundred_cases():
    assert len(CASES) >= 100
    assert len({(file, old, new) for file, old, new, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("file, old, new, key", CASES,
                         ids=[f"{i}:{new[:40]}" for i, (_, _, new, _) in enumerate(CASES)])
def test_malformed_scenario_is_one_line_per_problem(shipped, tmp_path, file, old, new, key):
    scenario = mutate(shipped, tmp_path, file, old, new)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "--draws",
                                       "2000", "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("error: ")
    # The scenario, or the file of the problem: the mutated base or what extends names.
    assert all(f"{tmp_path / 'scenarios'}/" in line for line in lines), lines
    if key:
        assert any(f": {key} = " in line or f": {key}." in line for line in lines), lines
    assert not out.exists(), "nothing may be written"
    assert "/etc" not in result.output or "extends = '" in result.output  # no foreign text


def test_extends_never_quotes_a_foreign_file(shipped, tmp_path):
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('secret = "do not print me"\n')
    scenario = mutate(shipped, tmp_path, "kz-2021/mixture.toml", 'extends = "_base.toml"',
                      f'extends = "{outside}"')
    result = CliRunner().invoke(main, ["validate", str(scenario)])
    assert result.exit_code == 2
    assert "do not print me" not in result.output and "secret" not in result.output


def test_extends_may_reach_the_projects_scenarios_folder(shipped, tmp_path):
    scenario = mutate(shipped, tmp_path, "kz-2021/mixture.toml", 'extends = "_base.toml"',
                      'extends = "../kz-2021/_base.toml"')
    nested = scenario.parent / "more" / "mixture-again.toml"
    nested.parent.mkdir()
    nested.write_text('extends = "../../kz-2023/_base.toml"\n')
    result = CliRunner().invoke(main, ["validate", str(scenario), str(nested)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("old, new", [
    ("threshold = 0.05", "threshold = 0"),
    ("[lists.a]\nname = \"A\"", "[lists.\"Нұр Отан ✓\"]\nname = \"Нұр Отан — 🗳\""),
    ("[lists.a]\nname = \"A\"", "[lists.a]\nname = \"" + "Very long name " * 40 + "\""),
    ("[lists.a]\nname = \"A\"", "[lists.a]\nname = \"$x$ 100% & <b> \\\\ {}\""),
])
def test_valid_edge_cases_run(tmp_path, old, new):
    text = MINIMAL.replace(old, new)
    if "Нұр" in new:
        text = text.replace("a = 0.5,", "\"Нұр Отан ✓\" = 0.5,")
    scenario = write_scenario(tmp_path, text, "edge-äö.toml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "edge-äö.json").read_text(encoding="utf-8"))
    assert document["summary"]["draws"] == 1000
    assert sum(item["seats"]["mean"] for item in document["summary"]["lists"]) == \
        pytest.approx(10)
    assert (out / "edge-äö.csv").read_text(encoding="utf-8").count("\n") == 4


@pytest.mark.parametrize("make, message", [
    (lambda path: path.mkdir(), "is a folder with no scenario file"),
    (lambda path: (path / "x.toml").mkdir(parents=True), "is a folder with no scenario file"),
    (lambda path: None, "no such file or folder"),
])
def test_run_on_nothing_to_run_is_an_error(tmp_path, make, message):
    make(tmp_path / "folder")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "folder"), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_names_that_collide_are_refused_before_running(tmp_path):
    write_scenario(tmp_path, SWEPT, "x.toml")
    write_scenario(tmp_path, MINIMAL, "x-sweep.toml")
    result = CliRunner().invoke(main, ["run", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "x-sweep.csv would overwrite that of" in result.stderr
    assert not (tmp_path / "out").exists()
