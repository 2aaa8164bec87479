"""What the report is given: result files and scenarios, and any other elsim JSON
documents, sorted by their ``format`` for the section builders. Only posteriors
(``elsim-posterior``, from ``elsim infer``) have a section; a document of another format is
passed on but shown nowhere. ``elsim backtest`` writes CSV and PNG files only, which the
report does not read."""

from __future__ import annotations

import json
from pathlib import Path

from sim.output.results import FORMAT
from sim.output.sweeps import SWEEP_FORMAT, sweep_names


def sort_inputs(names: list[str]) -> tuple[list[str], dict[str, list[dict]]]:
    """The names of result files and scenarios, and every other elsim JSON document by its
    ``format`` (in the order given). A file that cannot be read as JSON stays with the
    results, whose reader reports it."""
    results: list[str] = []
    others: dict[str, list[dict]] = {}
    for name in names:
        document = _peek(name) if name.endswith(".json") else None
        if isinstance(document, dict) and _other(document.get("format")):
            others.setdefault(document["format"], []).append(document)
        else:
            results.append(name)
    return results, others


def sweep_beside(path: Path) -> Path:
    """Where the sweep table of a result file would be."""
    return path.with_name(sweep_names(path.stem)[1])


def _other(kind: object) -> bool:
    return isinstance(kind, str) and kind.startswith("elsim-") and \
        kind not in (FORMAT, SWEEP_FORMAT)


def _peek(name: str) -> object:
    try:
        return json.loads(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
