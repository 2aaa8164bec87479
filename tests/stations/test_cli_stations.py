"""``elsim stations`` through click's CliRunner: the table, JSON, the picture, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.cli.stations import _station_file

ROOT = Path(__file__).parent.parent.parent
RUSSIA = ROOT / "scenarios" / "data" / "russia" / "duma-2021-stations.csv.gz"
MODEL = ROOT / "scenarios" / "calibration" / "stations-heterogeneity.toml"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def small(tmp_path):
    """400 clean stations: binomial turnout and shares around 50% and 40%."""
    rng = np.random.default_rng(1)
    registered = rng.integers(300, 2000, 400)
    ballots = rng.binomial(registered, 0.5)
    invalid = rng.binomial(ballots, 0.02)
    votes = np.array([rng.multinomial(v, [0.4, 0.35, 0.25]) for v in ballots - invalid])
    lines = ["station,registered,invalid,ruling,left,right"]
    lines += [f"{i},{n},{x},{a},{b},{c}" for i, (n, x, (a, b, c))
              in enumerate(zip(registered, invalid, votes))]
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(runner, *args):
    return runner.invoke(main, ["stations", *map(str, args)])


def test_the_table_names_every_fingerprint_with_its_clean_range(runner, small):
    result = run(runner, small, "--model", MODEL, "--draws", 5, "--resamples", 3)
    assert result.exit_code == 0, result.output
    assert "400 stations" in result.output and "ruling" in result.output
    for label in ("integer-percent excess", "comet excess", "last digits", "correlation"):
        assert label in result.output
    assert "clean model: 5 draws, 3 resamples" in result.output


def test_json_is_reproducible_for_a_seed_and_moves_with_it(runner, small):
    args = (small, "--model", MODEL, "--draws", 4, "--resamples", 3, "--json")
    first, again = run(runner, *args), run(runner, *args)
    assert first.exit_code == 0, first.output
    assert first.output == again.output
    document = json.loads(first.output)
    assert document["format"] == "elsim-stations" and document["stations"] == 400
    row = document["fingerprints"]["integer_excess"]
    assert row["clean"]["p05"] <= row["clean"]["median"] <= row["clean"]["p95"]
    assert 1 / 5 <= row["tail"] <= 1
    other = json.loads(run(runner, *args, "--seed", 1).output)
    assert other["fingerprints"] != document["fingerprints"]


def test_the_shipped_russian_example(runner, tmp_path):
    picture = tmp_path / "comet.png"
    result = run(runner, RUSSIA, "--draws", 2, "--resamples", 2, "--plot", picture, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["stations"] == 96_325 and document["leader"] == "united-russia"
    assert round(100 * document["turnout"], 2) == 51.72
    rows = document["fingerprints"]
    # far beyond the clean model: whole percents, the comet's excess and its corner
    for key in ("integer_excess", "comet_excess", "corner"):
        assert rows[key]["published"] > rows[key]["clean"]["p95"], key
        assert rows[key]["tail"] == pytest.approx(1 / 3)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_shipped_file_is_found_by_its_name():
    assert _station_file("data/russia/duma-2021-stations.csv.gz").name == RUSSIA.name


@pytest.mark.parametrize("args, message", [
    (["--columns", "registered=voters"], "columns.registered = 'voters': names no column"),
    (["--columns", "turnout=x"], "--columns = 'turnout': is not a role"),
    (["--model", "missing.toml"], "missing.toml"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(runner, small, tmp_path, args,
                                                          message):
    picture = tmp_path / "never.png"
    result = run(runner, small, *args, "--plot", picture, "--draws", 2)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not picture.exists()


def test_a_file_with_more_votes_than_voters(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("registered,invalid,a,b\n100,0,60,50\n")
    result = run(runner, path)
    assert result.exit_code == 2
    assert f"{path}: line 2, ballots = 110: ballots in the boxes exceed the station's " \
           "registered voters (registered 100, list votes 110)" in result.output


def test_a_missing_file(runner):
    result = run(runner, "data/russia/nothing.csv")
    assert result.exit_code == 2 and "no such file" in result.output


def test_a_model_file_gives_strata_and_its_manipulation_is_not_used(runner, small, tmp_path):
    model = tmp_path / "model.toml"
    model.write_text("[stations]\ncount = 5\nregistered = 10\n"
                     "[stations.heterogeneity]\nturnout_sd = 0.2\n"
                     "[stations.strata.town]\nshare = 0.5\nturnout = -0.3\n"
                     "[stations.strata.village]\nshare = 0.5\nturnout = 0.3\n"
                     "[stations.manipulation]\nshare = 0.5\n")
    result = run(runner, small, "--model", model, "--draws", 3, "--resamples", 2, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["draws"] == 3
    model.write_text("[stations.heterogeneity]\nturnout_sd = -1\n")
    bad = run(runner, small, "--model", model, "--draws", 2)
    assert bad.exit_code == 2 and f"{model}: stations.heterogeneity.turnout_sd" in bad.output
