"""``elsim infer`` through click's CliRunner: the shipped question, its files, and one test
per kind of failure (exit 1 for an impossible observation, 2 for a bad tally)."""

import csv
import json

from click.testing import CliRunner

from sim.cli import main
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario
from tests.test_cli import GOOD_TALLY, KZ_2021, ROOT

RECONCILE = str(ROOT / "scenarios" / "kz-2021" / "reconcile.toml")


def tally(votes: str) -> str:
    """A tally of MINIMAL's lists (or others) with the given ``[votes]`` lines."""
    return GOOD_TALLY.split("[votes]")[0] + "[votes]\n" + votes


def test_infer_writes_the_posterior_of_the_shipped_question(tmp_path):
    result = CliRunner().invoke(main, ["infer", RECONCILE, "--observed", KZ_2021, "--draws",
                                       "400000", "--accept", "400", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Bayes factor" in result.output and "genuine support of Nur Otan" in result.output
    document = json.loads((tmp_path / "reconcile-posterior.json").read_text())
    assert document["method"]["accepted"] == 400
    assert abs(sum(s["posterior"] for s in document["sources"]) - 1) < 1e-12
    observed = document["observed"]["figures"]
    assert abs(observed["turnout"] - 63.25) < 0.01 and abs(observed["nur-otan"] - 71.09) < 0.01
    rows = list(csv.DictReader((tmp_path / "reconcile-posterior.csv").read_text().splitlines()))
    assert {"count.inflation.stuffing", "true_turnout"} <= {row["id"] for row in rows}
    assert (tmp_path / "plots" / "reconcile-posterior.png").stat().st_size > 10_000


def test_an_observation_the_prior_cannot_produce_exits_1_with_the_reason(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL)
    observed = write_scenario(tmp_path, tally("a = 2\nb = 49\nc = 49"), "t.toml")
    result = CliRunner().invoke(main, ["infer", str(scenario), "--observed", str(observed),
                                       "--draws", "20000", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot produce the observed count" in result.output
    assert "closest draw was" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "scenario-posterior.json").exists()


def test_a_tally_of_other_lists_exits_2_naming_file_and_key(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL)
    observed = write_scenario(tmp_path, tally("a = 2\nb = 49\nd = 49"), "t.toml")
    result = CliRunner().invoke(main, ["infer", str(scenario), "--observed", str(observed),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{observed}: votes = ['a', 'b', 'd']: must name the lists of" in result.output


def test_the_report_section_shows_sources_parameters_check_and_picture():
    from sim.output.report import report_html

    result = json.loads((ROOT / "results" / "reconcile.json").read_text())
    posterior = json.loads((ROOT / "results" / "reconcile-posterior.json").read_text())
    html = report_html([record(result)], others={"elsim-posterior": [posterior]})
    section = html[html.index('id="posterior-reconcile"'):]
    for text in ("reading the count back", "Central Asian Barometer", "Bayes factor",
                 "stuffing for Nur Otan", "genuine support of Nur Otan",
                 "Posterior predictive check"):
        assert text in section
    assert section.count('src="data:image/png;base64,') == 1
    assert section.count("<table") == 4
