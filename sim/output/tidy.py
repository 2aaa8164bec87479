"""Result documents as one tidy table, for notebooks and spreadsheets without pandas: one
row per scenario and list or bloc, one column per number.

>>> from sim import read_record, tidy_rows, tidy_csv
>>> rows = tidy_rows([read_record("results/mixture.json")])
>>> rows[0]["name"], rows[0]["kind"]
('Nur Otan', 'list')
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sim.output.records import Result

Row = dict[str, Any]


def tidy_rows(results: list[Result]) -> list[Row]:
    """One row per list and per bloc of every result document (and one for the
    independents, with a district tier that has them).

    Each row has ``scenario`` (the file's stem), ``group``, ``title``, ``kind`` ("list",
    "bloc" or "independents"), ``id``, ``name``, the seat statistics ``seats_mean``,
    ``seats_sd``, ``seats_q05`` ... ``seats_q95``; a list adds ``bloc``, every probability the
    result holds (``p_threshold``, ``p_runner_up``, ...) and its vote share (``share_mean``,
    ``share_q05``, ``share_q95``, and ``support_*`` with a count model), and with a district
    tier its seats by tier (``seats_by_tier_list_mean``, ``seats_by_tier_district_q95``,
    ...); a bloc adds ``appointed`` and ``p_<line>`` for each majority line. Histograms are
    left out.
    """
    rows = []
    for result in results:
        head = {"scenario": result.stem, "group": result.scenario.group,
                "title": result.scenario.title}
        summary = result.summary
        for item in summary.lists:
            rows.append({**head, "kind": "list", **_flat(item.to_dict(), skip=("color",))})
        for bloc in summary.blocs:
            row = {**head, "kind": "bloc", **_flat(bloc.to_dict(), skip=("majorities",))}
            row.update({f"p_{line}": p for line, p in bloc.majorities.items()})
            rows.append(row)
        if summary.independents is not None:
            rows.append({**head, "kind": "independents",
                         **_flat(summary.independents.to_dict(), skip=())})
    return rows


def _flat(item: dict, skip: tuple[str, ...], prefix: str = "") -> Row:
    """Scalars as they are; a table as ``<name>_<key>`` columns, nested tables alike
    (``seats_by_tier_list_mean``); lists (histograms) left out."""
    row: Row = {}
    for key, value in item.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            row.update(_flat(value, (), f"{prefix}{key}_"))
        elif not isinstance(value, list):
            row[f"{prefix}{key}"] = value
    return row


def tidy_csv(rows: list[Row]) -> str:
    """The rows as CSV: every column any row has, in order of first appearance; a value a
    row does not have is left empty."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return buffer.getvalue()
