"""elsim compare in every format, and elsim check against baselines."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim.cli.check as check
from sim.cli import main
from sim.output.regression import MEAN_FLOOR, Metric, tolerance
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, RUNNER_UP, write_scenario

ROOT = Path(__file__).parents[2]
RESULTS = ROOT / "results"
PAIR = [str(RESULTS / "official-polls.json"), str(RESULTS / "barometer.json")]


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_compare_json_has_differences_from_the_first():
    result = invoke("compare", "--format", "json", *PAIR)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["label"] for s in data["scenarios"]] == ["official-polls", "barometer"]
    nur_otan = data["lists"][0]
    official, barometer = nur_otan["rows"]
    assert "diff_mean" not in official
    assert barometer["diff_mean"] == pytest.approx(barometer["mean"] - official["mean"],
                                                   abs=1e-6)
    assert barometer["diff_mean"] < -5  # the Barometer's Nur Otan has far fewer seats
    ruling = data["blocs"][0]["rows"][1]
    assert ruling["diff_p_two-thirds"] < 0


def test_compare_table_and_markdown():
    table = invoke("compare", *PAIR).output
    assert "barometer: differences (Δ) from official-polls" in table and "Nur Otan" in table
    markdown = invoke("compare", "--format", "markdown", *PAIR).output.splitlines()
    assert markdown[0] == "### official-polls"
    assert markdown[2].startswith("| list | seats | 90% |")
    assert markdown[3].startswith("|---|")


def test_compare_differences_of_probabilities_are_percentage_points():
    # E.g. Ak Zhol passes the threshold in 77.0% of draws with official polls, 65.3% with
    # the Barometer: 11.7 points fewer, not 11.7% fewer. The figures come from the shipped
    # files, so a re-made baseline does not break the test.
    first, second = (json.loads(Path(path).read_text(encoding="utf-8"))["summary"]
                     for path in PAIR)

    def passes(summary):
        return next(row["p_threshold"] for row in summary["lists"] if row["id"] == "ak-zhol")

    def majority(summary):
        return summary["blocs"][0]["majorities"]["majority"]

    table = invoke("compare", *PAIR).output
    barometer = table[table.index("barometer: differences"):].splitlines()
    ak_zhol = next(line for line in barometer if line.startswith("Ak Zhol"))
    gap = 100 * (passes(second) - passes(first))
    assert gap < -1  # the test is about a difference, so one there must be
    assert f"{100 * passes(second):.1f}%" in ak_zhol and f"{gap:+.1f} pp" in ak_zhol
    assert f"{gap:+.1f}%" not in table and "percentage points (pp)" in table
    ruling = next(line for line in barometer if line.startswith("Nur Otan + "))
    assert ruling.endswith(f"{100 * (majority(second) - majority(first)):+.1f} pp")


def test_compare_fits_100_columns():
    shipped = sorted(str(p) for p in RESULTS.glob("*.json")
                     if not p.name.endswith(("-sweep.json", "-posterior.json")))
    result = invoke("compare", *shipped)
    assert result.exit_code == 0, result.output
    assert max(map(len, result.output.splitlines())) <= 100


def test_compare_wraps_a_long_name_within_100_columns(tmp_path):
    name = "The Party of " + " ".join(["Very Long Words"] * 10)
    scenario = write_scenario(tmp_path, MINIMAL.replace('name = "A"', f'name = "{name}"'))
    other = write_scenario(tmp_path, MINIMAL.replace("a = 0.5, b = 0.3", "a = 0.4, b = 0.4"),
                           "other.toml")
    result = invoke("compare", "--draws", "500", scenario, other)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(map(len, lines)) <= 100
    assert not any(name in line for line in lines)  # wrapped onto lines of its own
    assert all(word in result.output for word in name.split())


def test_compare_csv_neutralises_formula_cells(tmp_path):
    hostile = MINIMAL.replace("[lists.a]", '[lists."=HYPERLINK(1)"]').replace(
        "{ a = 0.5", '{ "=HYPERLINK(1)" = 0.5')
    scenario = write_scenario(tmp_path, hostile, "@sum.toml")
    result = invoke("compare", "--format", "csv", "--draws", "500", scenario)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    cells = {cell for row in rows[1:] for cell in row[1:3]}
    assert {"'=HYPERLINK(1)", "'@sum"} <= cells
    # Numbers are written as they are (a negative difference starts with "-").
    assert not any(cell and cell[0] in "=+-@" and not cell[1:2].isdigit()
                   for row in rows for cell in row)


def test_compare_csv_is_tidy():
    rows = list(csv.DictReader(io.StringIO(invoke("compare", "--format", "csv", *PAIR).output)))
    lists = [row for row in rows if row["kind"] == "list"]
    assert len(lists) == 2 * 5
    assert {row["scenario"] for row in rows} == {"official-polls", "barometer"}
    assert rows[0]["id"] == "nur-otan" and float(rows[0]["mean"]) > 70


def test_compare_runs_scenario_files_and_mixes_elections(tmp_path):
    scenario = write_scenario(tmp_path)
    result = invoke("compare", "--format", "json", "--draws", "2000", PAIR[0], scenario)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # No list in common: each list has only its own scenario's row, without differences.
    assert all(len(group["rows"]) == 1 for group in data["lists"])


def test_compare_shows_the_runner_up_rule_apart_from_the_threshold(tmp_path):
    # The same law in both (else compare groups them apart); b passes on its own in "plain".
    ruled = write_scenario(tmp_path, RUNNER_UP, "ruled.toml")
    plain = write_scenario(tmp_path, RUNNER_UP.replace("a = 0.9, b = 0.06, c = 0.04",
                                                       "a = 0.5, b = 0.3, c = 0.2"), "plain.toml")
    result = invoke("compare", "--draws", "5000", plain, ruled)
    assert result.exit_code == 0, result.output
    ruled_table = result.output[result.output.index("ruled: differences"):].splitlines()
    assert re.split(r"\s{2,}", ruled_table[1]) == [
        "list", "seats", "90%", "P(thr)", "P(r-up)", "Δ seats", "Δ P(thr)", "Δ P(r-up)"]
    data = json.loads(invoke("compare", "--format", "json", "--draws", "5000", plain,
                             ruled).output)
    b_plain, b_ruled = data["lists"][1]["rows"]
    # b holds 30% in one and 6% in the other: it reaches the threshold in the first only,
    # and is admitted by the runner-up rule in the second.
    assert b_plain["p_threshold"] == 1.0 and b_plain["p_runner_up"] == 0.0
    assert b_ruled["p_runner_up"] == 1.0 and b_ruled["diff_p_threshold"] == -1.0


def changed_code(monkeypatch, shifted: Path) -> None:
    """Stands for a change of elsim's code: the check's runs give the results of
    ``shifted``, while the scenario and its baseline stay as they were."""
    real = check.simulate
    monkeypatch.setattr(check, "simulate",
                        lambda scenario, **options: real(load_scenario(shifted), **options))


def test_check_flags_a_list_moving_from_the_threshold_to_the_runner_up_rule(tmp_path,
                                                                            monkeypatch):
    scenario = write_scenario(tmp_path, RUNNER_UP.replace("draws = 1000", "draws = 20000"))
    folder = tmp_path / "baselines"
    assert invoke("check", "--update", "--baseline", folder, "--quiet", scenario).exit_code == 0
    # b from 6% to 8%: now over the threshold on its own, no longer admitted as runner-up.
    changed_code(monkeypatch, write_scenario(
        tmp_path, scenario.read_text().replace("b = 0.06, c = 0.04", "b = 0.08, c = 0.02"),
        "shifted.toml"))
    result = invoke("check", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 1
    moved = {line.split()[1] for line in result.output.splitlines()[2:-1]}
    assert {"b.p_threshold", "b.p_runner_up", "runner_up"} <= moved


def test_compare_groups_scenarios_of_different_houses():
    mixed = [*PAIR, str(RESULTS / "demoscope.json"), str(RESULTS / "qogamdyq-pikir.json")]
    data = json.loads(invoke("compare", "--format", "json", *mixed).output)
    assert [house["scenarios"] for house in data["houses"]] == [
        ["official-polls", "barometer"], ["demoscope", "qogamdyq-pikir"]]
    assert data["houses"][1]["seats_needed"]["majority"] == 50  # of the 98-seat house
    # Differences are taken within a group: the 2023 scenario against the 2023 one.
    amanat = next(group for group in data["lists"] if group["id"] == "amanat")["rows"]
    assert amanat[1]["diff_mean"] == pytest.approx(amanat[1]["mean"] - amanat[0]["mean"],
                                                   abs=1e-6)
    table = invoke("compare", *mixed).output
    assert "elect different houses or under different rules" in table
    assert "107 seats (98 from lists), hare, threshold 7%, runner-up rule: official-polls, " \
           "barometer" in table
    assert "majority >= 54" in table and "majority >= 50" in table


def test_compare_a_missing_result_is_exit_2(tmp_path):
    result = invoke("compare", tmp_path / "nope.json")
    assert result.exit_code == 2 and "no such result file" in result.output


@pytest.fixture
def baseline(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 20000"))
    folder = tmp_path / "baselines"
    result = invoke("check", "--update", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 0, result.output
    return scenario, folder


def test_check_passes_on_a_rerun_with_another_seed(baseline):
    scenario, folder = baseline
    result = invoke("check", "--baseline", folder, "--seed", "987654", "--quiet", scenario)
    assert result.exit_code == 0, result.output
    assert "1 scenarios match their baselines" in result.output


def test_check_fails_when_a_poll_moves_three_points(baseline, monkeypatch):
    scenario, folder = baseline
    changed_code(monkeypatch, write_scenario(
        scenario.parent, scenario.read_text().replace("a = 0.5, b = 0.3", "a = 0.47, b = 0.33"),
        "shifted.toml"))
    result = invoke("check", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split() == ["scenario", "metric", "baseline", "now", "tolerance"]
    moved = {line.split()[1] for line in lines[2:-1]}
    assert {"a.seats", "b.seats"} <= moved


def test_check_without_a_baseline_is_exit_2(tmp_path):
    scenario = write_scenario(tmp_path)
    result = invoke("check", "--baseline", tmp_path / "none", scenario)
    assert result.exit_code == 2
    assert "no such result file" in result.output


def test_tolerance_formula():
    a = Metric("x", 10.0, 0.03, MEAN_FLOOR)
    b = Metric("x", 10.1, 0.04, MEAN_FLOOR)
    assert tolerance(a, b) == pytest.approx(4 * 0.05 + MEAN_FLOOR)
