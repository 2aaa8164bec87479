"""The hemicycle of a mixed house: every seat a dot, district seats ringed."""

import json
from pathlib import Path

import numpy as np
from matplotlib.colors import to_rgba

from sim.output.plots import DISTRICT_EDGE, hemicycle, list_colors, typical_district_seats

RESULTS = Path(__file__).parents[2] / "results"


def test_the_hemicycle_rings_the_district_seats_of_the_98_seat_house():
    document = json.loads((RESULTS / "demoscope.json").read_text())
    district = typical_district_seats(document)
    assert sum(district.values()) == 29 and "independents" in district
    figure = hemicycle(document, list_colors([document]))
    dots = figure.axes[0].collections[0]
    assert len(dots.get_offsets()) == 98
    ringed = np.all(np.isclose(dots.get_edgecolors(), to_rgba(DISTRICT_EDGE)), axis=1)
    assert ringed.sum() == 29


def test_a_list_only_house_has_no_district_seats():
    document = json.loads((RESULTS / "mixture.json").read_text())
    assert typical_district_seats(document) == {}
    dots = hemicycle(document, list_colors([document])).axes[0].collections[0]
    assert len(dots.get_offsets()) == document["summary"]["parliament"]["house"]
