"""A poll whose fieldwork ends after the election: refused for a forecast, allowed as a
recall poll (``kind = "recall"``, for backtests), which the run's assumptions name."""

import json

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.scenario_text import MINIMAL, write_scenario


@pytest.fixture
def runner():
    return CliRunner()


# A recall poll: asked after the election how people voted.
RECALL = MINIMAL.replace("n = 1000\n", 'n = 1000\nfieldwork = "2021-01-20/2021-01-25"\n') \
    + "\n[model]\nelection_date = 2021-01-10\n"


def test_a_poll_after_the_election_is_refused_with_the_recall_option_named(runner, tmp_path):
    path = write_scenario(tmp_path, RECALL, "recall.toml")
    outcome = runner.invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 2
    assert outcome.stderr.splitlines() == [
        f"error: {path}: poll[0].fieldwork = '2021-01-20/2021-01-25': must not end after "
        "model.election_date (2021-01-10) for a forecast; a poll asking after the election "
        'how people voted is a recall poll: mark it kind = "recall" (for backtests)']


def test_a_recall_poll_is_allowed_and_the_run_says_it_is_one(runner, tmp_path):
    path = write_scenario(tmp_path, RECALL.replace('source = "poll"\n',
                                                   'source = "poll"\nkind = "recall"\n'),
                          "recall.toml")
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    outcome = runner.invoke(main, ["run", str(path), "--draws", "2000", "--quiet", "--out",
                                   str(tmp_path / "results")])
    assert outcome.exit_code == 0, outcome.output
    assert "its poll is a recall poll (asked after the election how people voted)" in \
        " ".join(outcome.stdout.split())
    document = json.loads((tmp_path / "results" / "recall.json").read_text())
    assert document["assumptions"]["sources"][0]["polls"][0]["kind"] == "recall"
    wrong = write_scenario(tmp_path, RECALL.replace('source = "poll"\n',
                                                    'source = "poll"\nkind = "exit"\n'),
                           "wrong.toml")
    assert "must be one of poll, recall" in runner.invoke(main, ["validate", str(wrong)]).stderr
