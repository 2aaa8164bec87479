"""A fill is a share of all respondents, as a poll's own shares are: the run uses what the
file says, the validator and the run give the same warnings, and a fill that does not fit
in what the poll leaves is refused with the shares that are too large."""

import json

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.scenario_text import write_scenario

# The reproducer: the poll reports three lists and its undecided (80% of the
# respondents in all); the fill gives "others" 3.4% of the respondents.
REPRODUCER = """
title = "Fill of an aggregate"

[system]
seats = 100
threshold = 0.05

[lists.a]
name = "A"
[lists.b]
name = "B"
[lists.c]
name = "C"
[lists.others]
name = "Others"
aggregate = true

[sources.poll]
name = "A poll"
fill = { others = 0.034 }

[[poll]]
source = "poll"
n = 1000
shares = { a = 0.40, b = 0.20, c = 0.10, undecided = 0.10 }

[run]
draws = 20000
seed = 27
"""


@pytest.fixture
def runner():
    return CliRunner()


def shares_of(outcome) -> dict[str, float]:
    document = json.loads(outcome.stdout)
    return {item["id"]: item["share"]["mean"] for item in document["summary"]["lists"]}


def test_the_fill_gives_the_share_the_file_writes(runner, tmp_path):
    path = write_scenario(tmp_path, REPRODUCER, "fill.toml")
    outcome = runner.invoke(main, ["run", str(path), "--json", "--quiet", "--out",
                                   str(tmp_path / "results")])
    assert outcome.exit_code == 0, outcome.output
    shares = shares_of(outcome)
    # 3.4% of the respondents, 4.6% of those who name a list (0.034 / 0.734), not the
    # 20% the poll leaves (22% of the vote when the fill was scaled up to it). The
    # tolerance: about half the sd of one draw's share (0.01 for 23 pseudo-respondents).
    assert shares["others"] == pytest.approx(0.034 / 0.734, abs=0.005)
    assert shares["a"] == pytest.approx(0.40 / 0.734, abs=0.02)


def test_validate_and_run_warn_alike_about_what_the_fill_leaves(runner, tmp_path):
    path = write_scenario(tmp_path, REPRODUCER, "fill.toml")
    checked = runner.invoke(main, ["validate", str(path)])
    ran = runner.invoke(main, ["run", str(path), "--draws", "2000", "--quiet", "--out",
                               str(tmp_path / "results")])
    assert checked.exit_code == 0 and ran.exit_code == 0
    warning = (f"warning: {path}: poll[0].shares: 17% of the respondents are given to no "
               "list, not to undecided and not by the fill of [sources.poll] (others), so "
               "they are assumed undecided; a fill is a share of all respondents, not a split "
               "of what the poll leaves: if it was meant as one, give it as shares that add "
               "up to 0.2")
    assert warning in checked.stderr.splitlines()
    assert warning in ran.stderr.splitlines()
    # The run says what it assumed: the rest, what the poll gives no list (its undecided
    # 10% and the 20% it leaves), splits into others (3.4%) and the undecided.
    text = " ".join(ran.stdout.split())
    assert "measured A 40.0%, B 20.0%, C 10.0%, the rest 30.0% of 1,000 respondents" in text
    assert "assumed split of the rest: Others 11%, undecided 89%" in text


def test_a_fill_that_does_not_fit_names_the_shares_that_are_too_large(runner, tmp_path):
    path = write_scenario(tmp_path, REPRODUCER.replace("others = 0.034", "others = 0.216"),
                          "fill.toml")
    outcome = runner.invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 2
    assert outcome.stderr.splitlines() == [
        f"error: {path}: poll[0].shares = {{'a': 0.4, 'b': 0.2, 'c': 0.1, 'undecided': 0.1}}: "
        "shares with the fill of [sources.poll] must not add up to more than 1 (they add up "
        "to 1.016): the poll leaves 0.2 of its respondents, and the fill gives others 0.216 "
        "on top; a fill is a share of all respondents, as a poll's shares are: lower it to "
        "what the poll leaves"]


def test_a_fill_that_fits_within_rounding_is_scaled_to_what_the_poll_leaves(runner, tmp_path):
    path = write_scenario(tmp_path, REPRODUCER.replace("others = 0.034", "others = 0.203"),
                          "fill.toml")
    outcome = runner.invoke(main, ["run", str(path), "--json", "--quiet", "--out",
                                   str(tmp_path / "results")])
    assert outcome.exit_code == 0 and "warning" not in outcome.stderr
    assert shares_of(outcome)["others"] == pytest.approx(0.2 / 0.9, abs=0.01)


POOLED = REPRODUCER.replace("others = 0.034", "others = 0.05").replace(
    'shares = { a = 0.40, b = 0.20, c = 0.10, undecided = 0.10 }',
    'shares = { a = 0.40, b = 0.20, c = 0.10, undecided = 0.25 }\n\n[[poll]]\n'
    'source = "poll"\nn = 1000\n'
    'shares = { a = 0.30, b = 0.20, c = 0.10, others = 0.30, undecided = 0.10 }')


def test_an_assumed_share_far_from_its_fill_gets_a_warning(runner, tmp_path):
    # One poll reports others at 30%, the other leaves it to the fill (5%): pooled, the
    # share assumed for others is 17.5%, 3.5 times what the fill says.
    path = write_scenario(tmp_path, POOLED, "pooled.toml")
    outcome = runner.invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 0
    assert (f"warning: {path}: sources.poll.fill.others = 0.05: the share assumed for it "
            "comes out at 0.175 of the source's respondents, 3.5 times what the fill says"
            in outcome.stderr)
    close = write_scenario(tmp_path, POOLED.replace("others = 0.30", "others = 0.08"),
                           "close.toml")
    assert "fill.others" not in runner.invoke(main, ["validate", str(close)]).stderr
