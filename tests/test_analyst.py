"""A new user's scenario, as the analyst issue tried it: Kyrgyzstan 2020 (120 seats, 7%,
a cap of 65), with "others" in the polls and a coalition question after the run."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from sim import ElectoralSystem, allocate
from sim.cli import main
from sim.engine.simulate import simulate
from sim.output.coalitions import coalition
from sim.output.results import result_document
from sim.scenario import load_scenario
from tests.records import record
from tests.scenario_text import write_scenario

KYRGYZSTAN = """
title = "Kyrgyzstan 2020 (a user's scenario)"

[system]
seats = 120
threshold = 0.07
cap = 65

[lists.birimdik]
name = "Birimdik"
bloc = "pro"
[lists.mekenim]
name = "Mekenim Kyrgyzstan"
bloc = "pro"
[lists.kyrgyzstan]
name = "Kyrgyzstan"
[lists.butun]
name = "Butun Kyrgyzstan"
[lists.others]
name = "Others"
aggregate = true

[blocs.pro]
name = "Birimdik and Mekenim"

[majorities.majority]
fraction = "1/2"

[sources.poll]
name = "A poll"

[[poll]]
source = "poll"
n = 1500
shares = { birimdik = 0.35, mekenim = 0.16, kyrgyzstan = 0.1, butun = 0.07, others = 0.32 }

[run]
draws = 20000
seed = 4
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = write_scenario(tmp_path_factory.mktemp("kg"), KYRGYZSTAN, "kyrgyzstan.toml")
    return result_document(simulate(load_scenario(path)))


def by_id(document, list_id):
    return next(item for item in document["summary"]["lists"] if item["id"] == list_id)


def test_others_takes_no_seats_but_counts_in_the_threshold_base(result):
    others = by_id(result, "others")
    assert others["aggregate"] is True
    assert others["seats"]["histogram"] == [result["summary"]["draws"]]
    assert others["p_threshold"] == 0.0 and others["p_runner_up"] == 0.0
    assert 0.26 < others["share"]["mean"] < 0.38
    # Butun polls 7% of all votes, 10% of the lists that can win seats: it reaches 7% of
    # the whole base in about half the draws, not nearly always.
    assert 0.25 < by_id(result, "butun")["p_threshold"] < 0.75


def test_an_aggregate_counts_in_the_base_of_the_allocation():
    system = ElectoralSystem(seats=10, threshold=0.07)
    assert allocate([50, 42.5, 7.5], system).tolist()[2] > 0
    assert allocate([50, 42.5, 7.5], system, unseated=10.0).tolist()[2] == 0


def test_the_cap_is_shown_with_how_often_it_binds(result, tmp_path):
    assert result["summary"]["lists"][0]["seats"]["q95"] == 65
    binding = result["summary"]["parliament"]["rules"]["cap"]
    assert 0.05 < binding < 0.95
    assert any("no list holds more than 65 seats" in rule
               for rule in result["assumptions"]["rules"])
    path = write_scenario(tmp_path, KYRGYZSTAN, "kyrgyzstan.toml")
    printed = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"),
                                        "--quiet"]).output
    assert "Cap: no list holds more than 65 seats" in printed
    assert f"cap in {100 * binding:.1f}% of draws" in printed


def test_a_list_that_reads_like_others_without_the_mark_is_warned_about(tmp_path):
    text = KYRGYZSTAN.replace('name = "Others"\naggregate = true', 'name = "Other parties"')
    path = write_scenario(tmp_path, text, "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 0
    assert "lists.others: 'Other parties' reads like an aggregate" in outcome.stderr
    assert "add aggregate = true to [lists.others]" in outcome.stderr


def test_a_coalition_after_the_run(result, tmp_path):
    path = tmp_path / "kyrgyzstan.json"
    path.write_text(json.dumps(result))
    outcome = CliRunner().invoke(main, ["coalitions", str(path), "birimdik+kyrgyzstan",
                                        "--line", "81", "--json"])
    assert outcome.exit_code == 0, outcome.output
    answer = json.loads(outcome.output)
    assert answer["members"] == ["birimdik", "kyrgyzstan"]
    p, se = answer["lines"][">= 81"]["p"], answer["lines"][">= 81"]["se"]
    assert 0.05 < p < 0.95
    assert se == pytest.approx(np.sqrt(p * (1 - p) / answer["draws"]), abs=1e-6)


def test_a_declared_blocs_coalition_agrees_with_the_bloc_over_every_draw(result):
    # The sample holds every 10th draw; the bloc summary every draw: they agree within
    # Monte Carlo error (4 standard errors of the sample's mean).
    answer = coalition(record(result), ["birimdik", "mekenim"], {"majority": 61})
    bloc = result["summary"]["blocs"][0]
    assert abs(answer["mean"] - bloc["seats"]["mean"]) < 4 * bloc["seats"]["sd"] / np.sqrt(
        answer["draws"])
    p = bloc["majorities"]["majority"]
    assert abs(answer["lines"]["majority"]["p"] - p) < 4 * max(answer["lines"]["majority"]["se"],
                                                                0.002)


def test_an_unknown_member_gets_a_did_you_mean(result, tmp_path):
    path = tmp_path / "kyrgyzstan.json"
    path.write_text(json.dumps(result))
    outcome = CliRunner().invoke(main, ["coalitions", str(path), "birimdik+kyrgystan"])
    assert outcome.exit_code == 2
    assert "did you mean 'kyrgyzstan'?" in outcome.stderr
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("change, message", [
    (("threshold = 0.07", "threshold = 7.0"),
     "system.threshold = 7.0: must be a fraction in [0, 1); did you mean 0.07 (7%)?"),
    (("butun = 0.07", "butn = 0.07"),
     "poll[0].shares.butn = 0.07: names no list of this scenario (birimdik, mekenim, "
     "kyrgyzstan, butun, others, undecided); did you mean 'butun'?"),
    (("butun = 0.07", "ordo = 0.07"),
     "poll[0].shares.ordo = 0.07: names no list of this scenario (birimdik, mekenim, "
     "kyrgyzstan, butun, others, undecided); declare it with [lists.ordo], or correct the id"),
    (('[blocs.pro]', '[lists.x]\nbloc = "prp"\n[blocs.pro]'),
     'lists.x.bloc = \'prp\': names no bloc in [blocs] (pro); did you mean \'pro\'?'),
])
def test_mistakes_get_a_message_that_says_how_to_fix_them(tmp_path, change, message):
    path = write_scenario(tmp_path, KYRGYZSTAN.replace(*change), "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 2
    assert f"{path}: {message}" in outcome.stderr


def test_an_aggregate_in_a_mixed_house_is_refused(tmp_path):
    text = KYRGYZSTAN.replace("[blocs.pro]", "[districts]\nseats = 30\nspread = 0.7\n\n[blocs.pro]")
    path = write_scenario(tmp_path, text, "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 2
    assert "lists.others.aggregate = True: an aggregate list cannot stand in a [districts]" \
        in outcome.stderr


def test_every_bad_share_of_a_poll_is_reported_at_once(tmp_path):
    text = KYRGYZSTAN.replace("birimdik = 0.35, mekenim = 0.16, kyrgyzstan = 0.1, butun = 0.07",
                              "birimdik = 35, mekenim = 16, kyrgyzstan = 0.1, butn = 0.07")
    path = write_scenario(tmp_path, text, "kyrgyzstan.toml")
    lines = CliRunner().invoke(main, ["validate", str(path)]).stderr.splitlines()
    assert lines == [
        f"error: {path}: poll[0].shares.birimdik = 35: must be between 0.0 and 1.0; did you "
        "mean 0.35 (35%)?",
        f"{path}: poll[0].shares.mekenim = 16: must be between 0.0 and 1.0; did you mean 0.16 "
        "(16%)?",
        f"{path}: poll[0].shares.butn = 0.07: names no list of this scenario (birimdik, "
        "mekenim, kyrgyzstan, butun, others, undecided); did you mean 'butun'?"]


def test_shares_over_one_say_their_total(tmp_path):
    path = write_scenario(tmp_path, KYRGYZSTAN.replace("birimdik = 0.35", "birimdik = 0.45"),
                          "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 2
    assert "must not add up to more than 1 (they add up to 1.1)" in outcome.stderr


def test_a_poll_leaving_much_unassigned_gets_a_warning(tmp_path):
    # 0.035 typed for 0.35: valid, but 31.5% of respondents silently become undecided.
    path = write_scenario(tmp_path, KYRGYZSTAN.replace("birimdik = 0.35", "birimdik = 0.035"),
                          "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 0
    assert f"warning: {path}: poll[0].shares: 31% of the respondents are given to no list " \
           "and not to undecided" in outcome.stderr
    assert "else write undecided = 0.315" in outcome.stderr


def test_a_run_says_what_it_wrote_and_warns_before_mixing_with_other_results(tmp_path):
    out = tmp_path / "results"
    first = write_scenario(tmp_path, KYRGYZSTAN, "kyrgyzstan.toml")
    outcome = CliRunner().invoke(main, ["run", str(first), "--out", str(out), "--quiet"])
    assert f"wrote {out / 'kyrgyzstan.csv'}, {out / 'kyrgyzstan.json'}" in outcome.output
    assert "already holds" not in outcome.stderr
    second = write_scenario(tmp_path, KYRGYZSTAN, "another.toml")
    outcome = CliRunner().invoke(main, ["run", str(second), "--out", str(out), "--quiet"])
    assert outcome.exit_code == 0
    assert f"warning: {out} already holds the results of 1 other scenario (kyrgyzstan)" \
        in outcome.stderr


def test_a_batch_does_not_call_a_broken_scenario_it_re_runs_another(tmp_path):
    out = tmp_path / "results"
    folder = tmp_path / "batch"
    folder.mkdir()
    write_scenario(folder, KYRGYZSTAN, "f.toml")
    write_scenario(folder, KYRGYZSTAN, "g.toml")
    assert CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--quiet"]
                              ).exit_code == 0
    write_scenario(folder, KYRGYZSTAN.replace("n = 1500", "n = 0"), "f.toml")  # now broken
    outcome = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--quiet"])
    assert outcome.exit_code == 1
    assert "already holds" not in outcome.stderr
    assert f"{folder / 'f.toml'}: poll[0].n = 0" in outcome.stderr
