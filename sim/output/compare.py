"""Side-by-side comparison of result documents: per list and per bloc, with the difference
from the first scenario, as a table, Markdown, CSV or JSON.

Scenarios of different houses or electoral rules (Kazakhstan 2021 and 2023, Kyrgyzstan and
Poland) are not comparable seat for seat: they are grouped by house and rules, each
difference is taken from the first scenario of its own group, and the text formats show one
set of tables per group.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap

from sim.output.houses import law_and_house
from sim.output.records import Bloc, Independents, ListResult, Result, Summary
from sim.output.results import safe_cell
from sim.output.text import percent, render

FORMATS = ("table", "markdown", "csv", "json")


def comparison(results: list[Result]) -> dict:
    """The comparison as plain data (what ``--format json`` prints).

    Lists and blocs are matched by id, in order of first appearance; a scenario without one
    has no row for it.
    """
    labels = [result.stem for result in results]
    houses = house_groups(results)
    # Each scenario's differences are from the first scenario of its house group.
    base = {index: group[0] for _, group in houses for index in group}
    lists = _union(_items(result.summary, "lists") for result in results)
    blocs = _union(result.summary.blocs for result in results)
    lines = list(dict.fromkeys(line for result in results
                               for line in result.summary.parliament.seats_needed))
    return {
        "scenarios": [{"label": label, "path": result.scenario.path,
                       "title": result.scenario.title, "draws": result.summary.draws}
                      for label, result in zip(labels, results)],
        "lists": [{"id": list_id, "name": name,
                   "rows": _rows(results, labels, "lists", list_id, _list_metrics, base)}
                  for list_id, name in lists],
        "blocs": [{"id": bloc_id, "name": name,
                   "rows": _rows(results, labels, "blocs", bloc_id,
                                 lambda bloc: _bloc_metrics(bloc, lines), base)}
                  for bloc_id, name in blocs],
        "majority_lines": lines,
        "houses": [{"house": description, "scenarios": [labels[i] for i in group],
                    "seats_needed": dict(results[group[0]].summary.parliament.seats_needed)}
                   for description, group in houses],
    }


def house_groups(results: list[Result]) -> list[tuple[str, list[int]]]:
    """Indices of the results grouped by house and rules, in order of first appearance,
    each group with a description such as "107 seats (98 from lists), hare, 7%"."""
    groups: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        groups.setdefault(law_and_house(result), []).append(index)
    return list(groups.items())


def _union(groups) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item.id, item.name)
    return list(seen.items())


def _items(summary: Summary, section: str) -> list[ListResult | Independents | Bloc]:
    """A section's rows; the lists' end with the independents' row of a district tier."""
    if section == "blocs":
        return list(summary.blocs)
    return [*summary.lists, *([summary.independents] if summary.independents else [])]


def _find(summary: Summary, section: str, item_id: str):
    return next((item for item in _items(summary, section) if item.id == item_id), None)


def _list_metrics(item: ListResult | Independents) -> dict:
    seats = item.seats
    return {"mean": seats.mean, "q05": seats.q05, "q95": seats.q95,
            # Independents pass no threshold: None.
            "p_threshold": getattr(item, "p_threshold", None),
            "p_runner_up": getattr(item, "p_runner_up", None)}


def _bloc_metrics(bloc: Bloc, lines: list[str]) -> dict:
    seats = bloc.seats
    metrics: dict[str, float | None] = {"mean": seats.mean, "q05": seats.q05, "q95": seats.q95}
    metrics.update({f"p_{line}": bloc.majorities.get(line) for line in lines})
    return metrics


def _rows(results, labels, section, item_id, metrics, base_of) -> list[dict]:
    rows = []
    for index, (label, result) in enumerate(zip(labels, results)):
        item = _find(result.summary, section, item_id)
        if item is None:
            continue
        # The item's name in this scenario: a bloc id may stand for other lists elsewhere.
        row = {"scenario": label, "name": item.name, **metrics(item)}
        base_item = _find(results[base_of[index]].summary, section, item_id)
        base = metrics(base_item) if base_item else None
        if base is not None and index != base_of[index]:
            for key in list(row):
                if key not in ("scenario", "name", "q05", "q95") and row[key] is not None \
                        and base[key] is not None:
                    row[f"diff_{key}"] = round(row[key] - base[key], 6)
        rows.append(row)
    return rows


WIDTH = 100  # terminal columns a comparison table fits in
LEGEND = ("P(thr): P(>= threshold); P(r-up): P(admitted by the runner-up rule); "
          "Δ: the difference from the first scenario of the group, in seats or in percentage "
          "points (pp) of probability.")

Table = tuple[str, list[str], list[list[str]]]
"""A caption, the column headers and the rows (text cells)."""


def format_comparison(data: dict, fmt: str) -> str:
    """Render :func:`comparison` data in one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(data, indent=1) + "\n"
    if fmt == "csv":
        return _csv(data)
    houses = data["houses"]
    markdown = fmt == "markdown"

    def text(line: str) -> str:
        return line if markdown else textwrap.fill(line, WIDTH)

    parts: list[str] = []
    if len(houses) > 1:
        parts.append(text("These scenarios elect different houses or under different rules; "
                          "each group is compared on its own."))
    for house in houses:
        if len(houses) > 1:
            heading = text(f"{house['house']}: {', '.join(house['scenarios'])}")
            parts.append(f"## {heading}" if markdown else
                         f"{heading}\n" + "=" * max(map(len, heading.splitlines())))
        for caption, headers, rows in comparison_tables(data, house):
            parts.append(f"### {caption}\n\n{_markdown(headers, rows)}" if markdown else
                         f"{text(caption)}\n{render(headers, _wrap_first(headers, rows))}")
    if len(data["scenarios"]) > 1:
        parts.append(text(LEGEND))
    return "\n\n".join(parts) + "\n"


def comparison_tables(data: dict, house: dict | None = None) -> list[Table]:
    """The comparison as tables, scenario by scenario (only those of ``house``, one of
    ``data["houses"]``, when given): its lists, then its blocs, each with the differences
    from the first scenario of its house group (none for that one). Majority lines name
    their seats where every scenario shown shares a house."""
    if house is None and len(data["houses"]) == 1:
        house = data["houses"][0]
    if house is not None:
        data = _only(data, set(house["scenarios"]))
    needed = house["seats_needed"] if house is not None else {}
    labels = [s["label"] for s in data["scenarios"]
              if house is None or s["label"] in house["scenarios"]]
    base_of = {label: group["scenarios"][0] for group in data["houses"]
               for label in group["scenarios"]}
    # The runner-up columns only where the rule admitted a list in some scenario shown.
    runner_up = any(row["p_runner_up"] for group in data["lists"] for row in group["rows"])
    lines = [line for line in data["majority_lines"] if house is None or line in needed]
    tables: list[Table] = []
    for label in labels:
        base = base_of[label]
        differs = label != base
        caption = f"{label}: differences (Δ) from {base}" if differs else label
        list_rows = [row for group in data["lists"] for row in group["rows"]
                     if row["scenario"] == label]
        tables.append((caption, _list_headers(runner_up, differs),
                       [_list_cells(row, runner_up, differs) for row in list_rows]))
        bloc_rows = [row for group in data["blocs"] for row in group["rows"]
                     if row["scenario"] == label]
        if bloc_rows:
            tables.append((f"{caption}: blocs",
                           ["bloc", "seats", "line", "P"] + (["Δ P"] if differs else []),
                           [cells for row in bloc_rows
                            for cells in _bloc_cells(row, lines, needed, differs)]))
    return tables


def _list_headers(runner_up: bool, differs: bool) -> list[str]:
    chances = ["P(thr)"] + (["P(r-up)"] if runner_up else [])
    return ["list", "seats", "90%", *chances] + \
        (["Δ seats", *(f"Δ {chance}" for chance in chances)] if differs else [])


def _list_cells(row: dict, runner_up: bool, differs: bool) -> list[str]:
    chances = ["p_threshold"] + (["p_runner_up"] if runner_up else [])
    cells = [row["name"], f"{row['mean']:.1f}", f"{row['q05']}-{row['q95']}",
             *(percent(row[key]) for key in chances)]
    if differs:
        cells += [_signed(row.get("diff_mean"), "{:+.1f}"),
                  *(_points(row.get(f"diff_{key}")) for key in chances)]
    return cells


def _bloc_cells(row: dict, lines: list[str], needed: dict, differs: bool) -> list[list[str]]:
    """One row per majority line; the bloc's name and seats on the first."""
    rows = []
    for index, line in enumerate(lines or [None]):
        head = [row["name"], f"{row['mean']:.1f}"] if index == 0 else ["", ""]
        if line is None:
            rows.append(head + ["", ""] + ([""] if differs else []))
            continue
        name = f"{line} >= {needed[line]}" if line in needed else line
        rows.append(head + [name, percent(row[f"p_{line}"])]
                    + ([_points(row.get(f"diff_p_{line}"))] if differs else []))
    return rows


def _wrap_first(headers: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Rows whose first cell (a name) is wrapped onto lines of its own below, so that the
    table fits :data:`WIDTH` columns."""
    others = sum(max(len(cell) for cell in column) + 2
                 for column in list(zip(headers, *rows))[1:])
    room = max(12, WIDTH - others)
    wrapped = []
    for row in rows:
        first, *rest = textwrap.wrap(row[0], room) or [""]
        wrapped.append([first, *row[1:]])
        wrapped += [[more] + [""] * (len(row) - 1) for more in rest]
    return wrapped


def _only(data: dict, scenarios: set[str]) -> dict:
    """The comparison's list and bloc rows of the named scenarios only."""
    return {**data, **{section: [{**group, "rows": rows} for group in data[section]
                                 if (rows := [row for row in group["rows"]
                                              if row["scenario"] in scenarios])]
                       for section in ("lists", "blocs")}}


def _markdown(headers, rows) -> str:
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _csv(data: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    seen = dict.fromkeys(key for section in ("lists", "blocs") for group in data[section]
                         for row in group["rows"] for key in row
                         if key not in ("scenario", "name"))
    keys = [key for key in seen if not key.startswith("diff_")] + \
        [key for key in seen if key.startswith("diff_")]
    writer.writerow(["kind", "id", "scenario", *keys])
    for section, kind in (("lists", "list"), ("blocs", "bloc")):
        for group in data[section]:
            for row in group["rows"]:
                writer.writerow([safe_cell(cell) for cell in (
                    kind, group["id"], row["scenario"],
                    *("" if row.get(key) is None else row[key] for key in keys))])
    return buffer.getvalue()


def _signed(value, pattern: str) -> str:
    return "" if value is None else pattern.format(value)


def _points(value: float | None) -> str:
    """A difference of probabilities, in percentage points."""
    return "" if value is None else f"{100 * value + 0.0:+.1f} pp"
