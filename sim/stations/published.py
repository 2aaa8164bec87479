"""Published station results: a CSV (plain or gzip) with one row per polling station.

The columns play roles. By default a column's name is its role:

- ``registered`` (required): voters on the station's list;
- ``ballots``: ballots found in the boxes, valid and invalid; ``invalid``: invalid ballots.
  Give either or both: without ``ballots`` they are the valid votes plus ``invalid``,
  without ``invalid`` the ballots minus the valid votes;
- ``issued`` (optional): ballots issued to voters, Kobak et al.'s turnout numerator (else
  the ballots);
- ``region`` (optional): the station's region, a name; the strata of the within-region
  statistics;
- every other column is a list's votes, except the identifier columns of
  :data:`IDENTIFIERS`.

A mapping renames roles: ``--columns registered=voters,invalid=spoilt`` or a TOML file with
a ``[columns]`` table of the same keys, where ``lists`` names the list columns (a list of
names) and ``ignore`` more columns to leave out. ``leader`` names the list whose share the
fingerprints follow (default: the list with the most votes).

Every problem is one :class:`~sim.errors.ScenarioError` naming the file, the column or line,
the value and the rule; nothing is read past the first.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import FileProblem, ScenarioError
from sim.stations.counts import StationCounts
from sim.tables import Table, read_toml

ROLES = ("registered", "ballots", "invalid", "issued", "region")
IDENTIFIERS = ("id", "station", "name", "uik", "tik", "oik")


@dataclass(frozen=True, slots=True)
class Published:
    """One election's published station counts.

    Attributes
    ----------
    counts : StationCounts
        No leading axis; ``stratum`` indexes ``counts.strata``, the regions (one stratum
        ``"all"`` without a region column).
    lists : tuple of str
        The list columns, in file order (``counts.votes``'s rows).
    leader : int
        Row of the leader in ``lists``.
    issued : int64 (n_stations,)
        Ballots issued (the ballots when the file has no such column).
    file : str
    """

    counts: StationCounts
    lists: tuple[str, ...]
    leader: int
    issued: np.ndarray
    file: str


def read_columns(option: str | None) -> dict:
    """The mapping of ``--columns``: None, ``role=column,...`` or a TOML file's
    ``[columns]`` table; checked for known keys."""
    if not option:
        return {}
    if option.endswith(".toml"):
        table = Table(read_toml(Path(option)), option)
        table.check_keys(("columns",))
        columns = table.table("columns", required=True)
        columns.check_keys((*ROLES, "lists", "ignore", "leader"))
        for key, value in columns.data.items():
            names = key in ("lists", "ignore")
            if not (all(isinstance(v, str) for v in value) and isinstance(value, list)
                    if names else isinstance(value, str)):
                raise columns.error(key, value, "must be a list of column names" if names
                                    else "must be a column name")
        return dict(columns.data)
    mapping = {}
    for item in option.split(","):
        key, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise ScenarioError("--columns", item, "each item must be role=column, e.g. "
                                "registered=voters")
        key = key.strip()
        if key not in (*ROLES, "leader"):
            raise ScenarioError("--columns", key, f"is not a role; the roles are "
                                f"{', '.join((*ROLES, 'leader'))}")
        mapping[key] = value.strip()
    return mapping


def read_published(path: str | Path, mapping: dict | None = None) -> Published:
    """The stations of ``path`` (see the module docstring), checked row by row."""
    file = str(path)
    mapping = mapping or {}
    header, rows = _read_rows(path)
    present = set(header)

    def column(role: str, required: bool = False) -> str | None:
        name = mapping.get(role, role)
        if name in present:
            return name
        if role in mapping or required:
            close = difflib.get_close_matches(name, header, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(f"columns.{role}", name, "names no column of the file"
                                f" (its columns: {', '.join(header)}){hint}", file=file)
        return None

    roles = {role: column(role, required=role == "registered") for role in ROLES}
    if roles["ballots"] is None and roles["invalid"] is None:
        raise ScenarioError("columns", None, "need a 'ballots' or an 'invalid' column (or a "
                            "--columns mapping naming one)", file=file)
    lists = _list_columns(header, roles, mapping, file)
    numbers = {name: _integers(rows, header.index(name), name, file)
               for name in [*lists, *(c for r, c in roles.items() if c and r != "region")]}
    registered = numbers[mapping.get("registered", "registered")]  # required: present
    votes = np.stack([numbers[name] for name in lists])
    valid = votes.sum(axis=0)
    ballots_column, invalid_column, issued_column = \
        roles["ballots"], roles["invalid"], roles["issued"]
    if ballots_column:
        ballots = numbers[ballots_column]
        invalid = numbers[invalid_column] if invalid_column else ballots - valid
    elif invalid_column:
        invalid = numbers[invalid_column]
        ballots = valid + invalid
    issued = numbers[issued_column] if issued_column else ballots
    _check_rows(file, roles, registered, ballots, valid, invalid, issued)
    stratum, strata = _regions(rows, header, roles["region"])
    leader = _leader(mapping.get("leader"), lists, votes, file)
    counts = StationCounts(registered=registered, stratum=stratum, ballots=ballots,
                           votes=votes, invalid=invalid, strata=strata)
    return Published(counts=counts, lists=tuple(lists), leader=leader, issued=issued,
                     file=file)


def _read_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    file = str(path)
    try:
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise FileProblem("no such file", file=file) from None
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise FileProblem(f"cannot be read ({error})", file=file) from None
    except UnicodeDecodeError:
        raise FileProblem("is not UTF-8 text (a CSV of station counts)",
                          file=file) from None
    table = list(csv.reader(io.StringIO(text)))
    if len(table) < 2:
        raise FileProblem("needs a header line and at least one station",
                          file=file)
    header = [name.strip() for name in table[0]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ScenarioError("columns", repeated, "each column name must appear once",
                            file=file)
    for number, row in enumerate(table[1:], start=2):
        if len(row) != len(header):
            raise ScenarioError(f"line {number}", len(row), f"has this many fields; the "
                                f"header has {len(header)}", file=file)
    return header, table[1:]


def _list_columns(header: list[str], roles: dict, mapping: dict, file: str) -> list[str]:
    if "lists" in mapping:
        lists = list(mapping["lists"])
        unknown = [name for name in lists if name not in header]
        if unknown:
            raise ScenarioError("columns.lists", unknown, "name no column of the file",
                                file=file)
    else:
        left_out = {*roles.values(), *IDENTIFIERS, *mapping.get("ignore", ())}
        lists = [name for name in header if name not in left_out]
    if not lists:
        raise ScenarioError("columns", header, "no column of list votes is left (every "
                            "column is a role or an identifier)", file=file)
    return lists


def _integers(rows: list[list[str]], index: int, name: str, file: str) -> np.ndarray:
    cells = np.array([row[index] for row in rows])
    try:
        values = np.char.strip(cells).astype(np.int64)
    except (ValueError, OverflowError):
        number, bad = next((n, c.strip()) for n, c in enumerate(cells.tolist(), start=2)
                           if not _is_integer(c))
        raise ScenarioError(f"line {number}, {name}", bad, "must be a whole number of "
                            "voters, ballots or votes", file=file) from None
    if np.any(values < 0):
        number = int(np.argmax(values < 0)) + 2
        raise ScenarioError(f"line {number}, {name}", int(values[number - 2]),
                            "must not be negative", file=file)
    return values


def _is_integer(cell: str) -> bool:
    try:
        int(cell)
    except ValueError:
        return False
    return -2**63 <= int(cell) < 2**63


def _check_rows(file, roles, registered, ballots, valid, invalid, issued) -> None:
    """The protocol's arithmetic, first broken line named."""
    checks = [
        (ballots > registered, roles["ballots"] or "ballots", ballots,
         "ballots in the boxes exceed the station's registered voters"),
        (valid > ballots, roles["ballots"] or "ballots", ballots,
         "the list votes exceed the ballots"),
        (valid + invalid != ballots, roles["invalid"] or "invalid", invalid,
         "valid votes and invalid ballots must add up to the ballots"),
        (issued > registered, roles["issued"] or "issued", issued,
         "ballots issued exceed the station's registered voters"),
    ]
    for bad, name, values, rule in checks:
        if np.any(bad):
            row = int(np.argmax(bad))
            raise ScenarioError(f"line {row + 2}, {name}", int(values[row]),
                                f"{rule} (registered {int(registered[row])}, list votes "
                                f"{int(valid[row])})", file=file)


def _regions(rows, header, name) -> tuple[np.ndarray, tuple[str, ...]]:
    if name is None:
        return np.zeros(len(rows), dtype=np.int16), ("all",)
    index = header.index(name)
    labels = [row[index].strip() for row in rows]
    strata = tuple(dict.fromkeys(labels))
    code = {label: number for number, label in enumerate(strata)}
    return np.array([code[label] for label in labels], dtype=np.int16), strata


def _leader(name: str | None, lists: list[str], votes: np.ndarray, file: str) -> int:
    if name is None:
        return int(np.argmax(votes.sum(axis=1)))
    if name not in lists:
        close = difflib.get_close_matches(name, lists, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError("leader", name, f"is not a list column ({', '.join(lists)})"
                            f"{hint}", file=file)
    return lists.index(name)
