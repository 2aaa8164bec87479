"""The public API: what ``sim.__all__`` names is there, cheap to import, and typed."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import sim
from sim import read_result, tidy_csv, tidy_rows
from tests.records import record

RESULTS = Path(__file__).parent.parent / "results"


def test_every_public_name_resolves_and_is_documented():
    docs = (Path(__file__).parent.parent / "docs" / "api.md").read_text()
    for name in sim.__all__:
        assert getattr(sim, name) is not None
        assert f"`{name}" in docs, f"{name} is not in docs/api.md"
    assert set(sim.__all__) == {"__version__", *sim._PUBLIC}


def test_import_sim_loads_no_numerics():
    code = ("import sys, sim; "
            "print(sorted(m for m in ('numpy', 'scipy', 'simpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_is_marked_typed():
    assert (Path(sim.__file__).parent / "py.typed").is_file()


def test_tidy_rows_hold_every_list_and_bloc_with_the_result_numbers():
    document = read_result(RESULTS / "smart-vote.json")
    rows = tidy_rows([record(document)])
    summary = document["summary"]
    assert [(r["kind"], r["id"]) for r in rows] == [("list", i["id"]) for i in summary["lists"]] \
        + [("bloc", b["id"]) for b in summary["blocs"]]
    for row, item in zip(rows, summary["lists"]):
        assert row["scenario"] == "smart-vote" and row["group"] == "Kazakhstan 2021"
        assert row["seats_mean"] == item["seats"]["mean"]
        assert row["seats_q95"] == item["seats"]["q95"]
        assert row["p_threshold"] == item["p_threshold"]
        assert row["p_withdrawn"] == item["p_withdrawn"]
        assert row["support_mean"] == item["support"]["mean"]
        assert "seats_histogram" not in row and "color" not in row
    bloc = rows[len(summary["lists"])]
    for line, chance in summary["blocs"][0]["majorities"].items():
        assert bloc[f"p_{line}"] == chance


def test_tidy_csv_reads_back_with_every_column():
    documents = [read_result(RESULTS / name) for name in ("mixture.json", "demoscope.json")]
    rows = tidy_rows([record(document) for document in documents])
    read = list(csv.DictReader(io.StringIO(tidy_csv(rows))))
    assert len(read) == len(rows)
    for written, back in zip(rows, read):
        for key, value in written.items():
            assert back[key] == ("" if value is None else str(value))
    # A column only some rows have is empty in the others.
    assert read[0]["p_majority"] == "" and read[-1]["p_threshold"] == ""
    assert json.loads(json.dumps(rows)) == rows  # plain data, ready for any notebook


def test_tidy_rows_of_a_mixed_house_give_each_tier_and_the_independents():
    document = read_result(RESULTS / "qogamdyq-pikir.json")
    rows = tidy_rows([record(document)])
    summary = document["summary"]
    amanat = next(row for row in rows if row["id"] == "amanat")
    tiers = summary["lists"][0]["seats_by_tier"]
    assert amanat["seats_by_tier_list_mean"] == tiers["list"]["mean"]
    assert amanat["seats_by_tier_district_q95"] == tiers["district"]["q95"]
    assert all(not isinstance(value, (dict, list)) for row in rows for value in row.values())
    assert rows[-1]["kind"] == "independents"
    assert rows[-1]["seats_mean"] == summary["independents"]["seats"]["mean"]
