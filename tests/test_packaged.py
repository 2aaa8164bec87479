"""The shipped data (``sim.examples``, the scenarios/ folder) and the commands that use it:
``elsim examples`` and ``elsim new``."""

import configparser
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.output
from sim.cli import main
from sim.engine.distributed import DaskExecutor
from sim.errors import SimError
from sim.packaged import SUFFIXES, data_folder, describe, example, examples
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
SCENARIOS = [item.name for item in examples() if item.kind == "scenario"]


@pytest.fixture
def runner():
    return CliRunner()


def test_the_package_holds_every_toml_csv_and_md_file_under_scenarios():
    shipped = {p.relative_to(data_folder()).as_posix() for p in data_folder().rglob("*")
               if p.suffix in SUFFIXES}
    in_git = {p.relative_to(ROOT / "scenarios").as_posix()
              for p in (ROOT / "scenarios").rglob("*") if p.suffix in SUFFIXES}
    assert shipped == in_git
    assert {"kz-2021/_base.toml", "history/kz-2021.toml", "data/kazakhstan/README.md",
            "data/kazakhstan/mazhilis-results.csv"} <= shipped


def test_a_sim_without_its_data_package_says_what_to_do(runner, monkeypatch):
    monkeypatch.setitem(sys.modules, "sim.examples", None)   # as in a non-editable checkout
    result = runner.invoke(main, ["examples"])
    assert result.exit_code == 2
    assert "the shipped examples are not installed with the sim package in" in result.output
    assert "make install" in result.output and "Traceback" not in result.output


def test_examples_are_named_by_path_and_sorted_by_kind():
    mixture = example("kz-2021/mixture.toml")
    assert mixture.kind == "scenario" and mixture.path.name == "mixture.toml"
    # The title of a scenario that extends a base is its own, after the merge.
    assert mixture.title == "Kazakhstan 2021: half official polls, half Barometer"
    assert example("history/kz-2021").kind == "tally"
    assert not any(item.name.split("/")[-1].startswith("_") for item in examples())
    assert {"kz-2021/mixture", "kz-2021/smart-vote", "kz-2023/demoscope"} <= set(SCENARIOS)


def test_a_file_without_polls_or_votes_is_data(tmp_path):
    (tmp_path / "calibration.toml").write_text("sd = 0.1\n")
    (tmp_path / "polls.csv").write_text("a,b\n")
    assert describe(tmp_path / "calibration.toml", "calibration.toml").kind == "data"
    assert describe(tmp_path / "polls.csv", "polls.csv").name == "polls.csv"


def test_an_unknown_example_gets_a_did_you_mean():
    with pytest.raises(SimError, match=r"'kz-2021/mixtur' is not a shipped example; did you "
                                       r"mean 'kz-2021/mixture'\?"):
        example("kz-2021/mixtur")


def test_elsim_examples_lists_every_scenario_and_count(runner):
    result = runner.invoke(main, ["examples"])
    assert result.exit_code == 0
    for item in examples():
        assert item.name in result.output
    assert result.output.index("Scenarios") < result.output.index("Official counts")
    assert f"Installed in {data_folder()}" in result.output
    folder = runner.invoke(main, ["examples", "--path"])
    assert folder.exit_code == 0 and folder.output == f"{data_folder()}\n"


@pytest.mark.parametrize("name", SCENARIOS)
def test_elsim_new_writes_a_file_that_stands_alone(runner, tmp_path, name):
    target = tmp_path / "mine.toml"
    result = runner.invoke(main, ["new", str(target), "--from", name])
    assert result.exit_code == 0, result.output
    assert f"elsim run {target}" in result.output
    # No base beside it, yet it reads as the very same scenario (same resolved table).
    assert list(tmp_path.iterdir()) == [target]
    assert load_scenario(target).digest == load_scenario(example(name).path).digest
    assert target.read_text().startswith("# Written by `elsim new` (elsim ")


def test_elsim_new_starts_from_the_mixture_and_keeps_its_comments(runner, tmp_path):
    target = tmp_path / "sub" / "start.toml"
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    text = target.read_text()
    assert "half and half" in text                    # the example's own comment
    assert "Hare quota with largest" in text          # a comment of the base it extends
    assert "extends = " not in text


def test_elsim_new_copies_a_count_for_allocate(runner, tmp_path):
    target = tmp_path / "count.toml"
    assert runner.invoke(main, ["new", str(target), "--from", "history/kz-2021"]).exit_code == 0
    result = runner.invoke(main, ["allocate", str(target), "--json"])
    assert result.exit_code == 0 and '"nur-otan": 76' in result.output


def test_elsim_new_from_a_file_of_your_own(runner, tmp_path):
    (tmp_path / "_law.toml").write_text("# the law\n[system]\nseats = 10\nthreshold = 0.05\n")
    (tmp_path / "count.toml").write_text('extends = "_law.toml"\n[votes]\na = 60\nb = 40\n')
    target = tmp_path / "out" / "flat.toml"
    result = runner.invoke(main, ["new", str(target), "--from", str(tmp_path / "count.toml")])
    assert result.exit_code == 0, result.output
    assert "# the law" in target.read_text() and "elsim allocate" in target.read_text()


def test_elsim_new_does_not_overwrite_without_force(runner, tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("# my work\n")
    result = runner.invoke(main, ["new", str(target)])
    assert result.exit_code == 2
    assert result.output == f"error: {target}: exists already; choose another name, or " \
                            "add --force\n"
    assert target.read_text() == "# my work\n"
    assert runner.invoke(main, ["new", str(target), "--force"]).exit_code == 0
    assert "half and half" in target.read_text()


@pytest.mark.parametrize("origin, message", [
    ("kz-2021/mixtur", "did you mean 'kz-2021/mixture'?"),
    ("nothing-like-it", "`elsim examples` lists them"),
])
def test_elsim_new_with_an_unknown_example(runner, tmp_path, origin, message):
    result = runner.invoke(main, ["new", str(tmp_path / "x.toml"), "--from", origin])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.toml").exists()


def test_elsim_new_refuses_a_data_file(runner, tmp_path):
    (tmp_path / "polls.csv").write_text("a,b\n")
    result = runner.invoke(main, ["new", str(tmp_path / "x.toml"), "--from",
                                  str(tmp_path / "polls.csv")])
    assert result.exit_code == 2 and "is a data file, not a scenario" in result.output


def distribution_name() -> str:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config["metadata"]["name"]


def test_install_hints_name_this_distribution(runner, tmp_path, monkeypatch):
    """`pip install elsim[...]` would install another project: the hints name ours."""
    name = distribution_name()
    assert name == "elsim-seats"
    # As without matplotlib, also after another test imported the plots module.
    monkeypatch.setitem(sys.modules, "sim.output.plots", None)
    monkeypatch.delattr(sim.output, "plots", raising=False)
    result = runner.invoke(main, ["plot", str(ROOT / "results"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and f"pip install '{name}[plot]'" in result.output
    monkeypatch.setitem(sys.modules, "dask", None)               # as without Dask
    with pytest.raises(SimError, match=re.escape(f"pip install '{name}[dask]'")):
        DaskExecutor("local")


def test_elsim_new_cites_data_by_the_names_elsim_examples_shows(runner, tmp_path):
    target = tmp_path / "my.toml"
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    text = target.read_text()
    listing = runner.invoke(main, ["examples"]).output
    assert "shared/" not in text
    cited = set(re.findall(r"\b((?:data|calibration)/[\w./-]*\w)", text))
    assert {"data/kazakhstan/README.md", "calibration/kazakhstan-polls.csv"} <= cited
    assert all(name in listing for name in cited)
    # Comments name the documentation in one way (wrapped over lines).
    assert "the elsim documentation, docs/model.md in the repository" in re.sub(r"\n# ", " ", text)
