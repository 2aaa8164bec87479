"""The hemicycle: a house that occurred (the sampled draw nearest every list's median seats,
never rounded means), every seat a dot, district seats ringed."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_rgba

from sim.cli import main
from sim.output.plots import DISTRICT_EDGE, HOUSE_TITLE, hemicycle, list_colors, median_draw
from tests.records import record

ROOT = Path(__file__).parents[2]
RESULTS = ROOT / "results"
MIXTURE = json.loads((RESULTS / "mixture.json").read_text())


@pytest.fixture(scope="module")
def demoscope(tmp_path_factory):
    """A fresh result of the 98-seat mixed house (its sample keeps the district tier)."""
    out = tmp_path_factory.mktemp("mixed")
    result = CliRunner().invoke(main, ["run", str(ROOT / "scenarios/kz-2023/demoscope.toml"),
                                       "--draws", "2000", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads((out / "demoscope.json").read_text())


def ringed(figure) -> np.ndarray:
    dots = figure.axes[0].collections[0]
    return np.all(np.isclose(dots.get_edgecolors(), to_rgba(DISTRICT_EDGE)), axis=1)


def test_the_hemicycle_rings_the_district_seats_of_the_98_seat_house(demoscope):
    house = median_draw(record(demoscope))
    assert sum(house.district_seats.values()) == 29 and house.unattributed == house.empty == 0
    assert sum(house.list_seats.values()) == 69
    figure = hemicycle(record(demoscope), list_colors([record(demoscope)]))
    assert len(figure.axes[0].collections[0].get_offsets()) == 98
    assert ringed(figure).sum() == 29


def test_a_list_only_house_has_no_district_seats():
    house = median_draw(record(MIXTURE))
    assert house.district_seats == {} and sum(house.list_seats.values()) == 98
    dots = hemicycle(record(MIXTURE), list_colors([record(MIXTURE)])).axes[0].collections[0]
    assert len(dots.get_offsets()) == MIXTURE["summary"]["parliament"]["house"]


def _before_district_columns(document: dict) -> dict:
    """The result as elsim wrote it before the sample kept the district tier: whole-house
    seats of the lists only (no independents, no district columns)."""
    sample = document["summary"]["seat_sample"]
    keep = [i for i, name in enumerate(sample["lists"]) if name != "independents"]
    counts: dict[tuple, int] = {}
    for row in sample["rows"]:
        key = tuple(row[i] for i in keep)
        counts[key] = counts.get(key, 0) + row[-1]
    document["summary"]["seat_sample"] = {
        "draws": sample["draws"], "lists": [sample["lists"][i] for i in keep],
        "rows": [[*key, count] for key, count in sorted(counts.items())]}
    return document


def test_a_result_made_before_the_sample_kept_districts_still_fills_the_house():
    document = _before_district_columns(json.loads((RESULTS / "demoscope.json").read_text()))
    assert "district_lists" not in document["summary"]["seat_sample"]  # the old layout
    figure = hemicycle(record(document), list_colors([record(document)]))
    assert len(figure.axes[0].collections[0].get_offsets()) == 98
    assert ringed(figure).sum() == 0
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert any("not in this result's sample" in label for label in labels)


def passes_rarely() -> dict:
    """Nur Otan takes all 98 list seats in 81% of draws; each other list passes the
    threshold in 4.75% of draws, and then takes 11 seats. Rounded means would give two of
    them one seat each: a house that cannot occur."""
    document = copy.deepcopy(MIXTURE)
    summary = document["summary"]
    ids = [item["id"] for item in summary["lists"]]
    rows = [[98, 0, 0, 0, 0, 8100]] + [[87] + [11 * (j == i) for j in range(4)] + [475]
                                        for i in range(4)]
    summary["seat_sample"] = {"draws": 10000, "lists": ids, "rows": rows}
    for index, item in enumerate(summary["lists"]):
        item["seats"]["mean"] = (98 * 8100 + 87 * 1900) / 10000 if index == 0 else 11 * 0.0475
    return document


def test_the_house_is_one_that_occurred_not_rounded_means():
    document = passes_rarely()
    figure = hemicycle(record(document), list_colors([record(document)]))
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["appointed 9", "Nur Otan 98"]
    title = figure.axes[0].get_title()
    assert HOUSE_TITLE in title and "81.0% of the 10,000 sampled draws" in title


@st.composite
def samples(draw):
    """A seat sample of 2-4 lists sharing 10 seats, each distinct row with its count."""
    n_lists = draw(st.integers(2, 4))
    rows = draw(st.lists(st.lists(st.integers(0, 10), min_size=n_lists, max_size=n_lists)
                         .filter(lambda row: 0 < sum(row) <= 10), min_size=1, max_size=8,
                         unique_by=tuple))
    rows = [row[:-1] + [row[-1] + 10 - sum(row)] for row in rows]  # the house fills
    rows = [list(r) for r in dict.fromkeys(map(tuple, rows))]
    counts = draw(st.lists(st.integers(1, 50), min_size=len(rows), max_size=len(rows)))
    return [row + [count] for row, count in zip(rows, counts)]


@given(samples())
def test_the_drawn_house_is_a_sampled_draw_and_fills_the_house(rows):
    ids = [f"l{i}" for i in range(len(rows[0]) - 1)]
    document = copy.deepcopy(MIXTURE)  # what the drawing reads, replaced
    summary = document["summary"]
    summary["lists"] = [{**item, "id": i} for item, i in zip(summary["lists"], ids)]
    summary["parliament"].update(house=12, list_seats=10, appointed={"council": 2})
    summary["seat_sample"] = {"draws": sum(r[-1] for r in rows), "lists": ids, "rows": rows}
    house = median_draw(record(document))
    drawn = [house.list_seats[i] for i in ids]
    assert drawn in [row[:-1] for row in rows]
    assert house.draws == sum(row[-1] for row in rows if row[:-1] == drawn)
    assert house.unattributed == house.empty == 0 and house.district_seats == {}


def test_seats_no_one_won_are_drawn_and_named():
    # A law that leaves seats empty (no list reaching the threshold, a cap below what the
    # passing lists can hold): the house still has every seat, and the legend says why.
    document = copy.deepcopy(MIXTURE)
    ids = [item["id"] for item in document["summary"]["lists"]]
    document["summary"]["seat_sample"] = {"draws": 1, "lists": ids, "rows": [[90, 0, 0, 0, 0, 1]]}
    figure = hemicycle(record(document), list_colors([record(document)]))
    assert len(figure.axes[0].collections[0].get_offsets()) == 107
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["appointed 9", "Nur Otan 90", "8 empty: the law filled them with no one"]
