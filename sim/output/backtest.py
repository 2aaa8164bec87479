"""The backtest's files: one row per scored list (``backtest.csv``), per group of lists
(``backtest-summary.csv``) and per list and district (``backtest-districts.csv``)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from sim.output.results import safe_cell

if TYPE_CHECKING:  # output and inference stand beside each other: annotations only
    from sim.inference.backtest import DistrictScore, ListScore

LIST_COLUMNS = ("scenario", "election", "single_source", "structural", "list",
                "official_share", "share_mean", "share_low", "share_high", "share_inside",
                "share_pit", "crps", "official_seats", "seats_mean", "seats_low", "seats_high",
                "seats_inside", "seats_pit", "log_score")
DISTRICT_COLUMNS = ("scenario", "district", "list", "official_seats", "seats_mean",
                    "seats_low", "seats_high", "seats_inside", "seats_pit", "log_score")
SUMMARY_COLUMNS = ("share_coverage", "seat_coverage", "log_score", "crps", "largest_width")


def _rounded(value):
    """Floats to six decimals; text a spreadsheet would run as a formula made plain."""
    return round(value, 6) if isinstance(value, float) else safe_cell(value)


def _table(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_rounded(v) for v in row] for row in rows])
    return buffer.getvalue()


def scores_csv(scores: list[ListScore] | list[DistrictScore],
               columns: tuple[str, ...] = LIST_COLUMNS) -> str:
    """One row per score object, its ``columns`` (floats to six decimals)."""
    return _table(columns, [[getattr(s, c) for c in columns] for s in scores])


def districts_csv(groups: dict[str, list[DistrictScore]]) -> str:
    return scores_csv([c for cells in groups.values() for c in cells], DISTRICT_COLUMNS)


def summary_csv(summaries: dict[str, dict[str, Any]]) -> str:
    """One row per group: its lists, coverage of shares and seats, mean log score, mean
    CRPS and the largest list's mean interval width (``sim.inference.backtest.summary_row``
    of each group)."""
    rows = [[name, row["lists"], *(row[k] for k in SUMMARY_COLUMNS)]
            for name, row in summaries.items()]
    return _table(("scenario", "lists", *SUMMARY_COLUMNS), rows)
