"""Reading TOML tables with errors that name the file, key path, value and rule.

The ground of every scenario reader: each stage package reads its own part of a scenario
through :class:`Table`, so every number passes the same checks and every message has the
same shape.

Every number is checked to be finite (TOML allows ``inf`` and ``nan``) and within a range:
the key's own, or else :data:`MAX_MAGNITUDE`, so that nothing read from a file can overflow
the engine's arithmetic. Files are read as UTF-8; a message quotes only the value of the key
it names, never other contents of the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import tomllib
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, overload

from sim.errors import FileProblem, ScenarioError

MAX_MAGNITUDE = 10**15  # any number or whole number without a range of its own


def is_number(value: Any) -> bool:
    """An int or float that is not a bool (TOML's true is not 1)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


MAX_TOML_DEPTH = 32  # scenarios nest a handful of levels; deeper is a hostile file


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; a missing or malformed file is a :class:`ScenarioError`."""
    if "\x00" in str(path):
        raise FileProblem("is not a file name (it holds a NUL character)",
                          file=str(path).replace("\x00", "\\x00"))
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileProblem("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise FileProblem("is a folder, not a file", file=str(path)) from None
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})",
                          file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise FileProblem(f"is not UTF-8 text (byte {raw[error.start]:#04x} on "
                          f"line {line}); save it as UTF-8", file=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(f"not valid TOML: {error}", file=str(path)) from None
    except RecursionError:  # tomllib parses nested tables and arrays recursively
        data = None
    if data is None or _depth(data) > MAX_TOML_DEPTH:
        raise FileProblem(f"has tables or arrays nested more than "
                          f"{MAX_TOML_DEPTH} deep, more than any elsim file uses",
                          file=str(path))
    return data


def _depth(data: Any) -> int:
    """How deep tables and arrays nest in parsed TOML (counted without recursion)."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_TOML_DEPTH:
            items = value.values() if isinstance(value, dict) else value
            pending += [(item, depth + 1) for item in items if isinstance(item, (dict, list))]
    return deepest


@lru_cache(maxsize=256)
def exact_fraction(value: float | Fraction) -> Fraction:
    """A decimal setting as the exact fraction it was written as: 0.07 is 7/100, not the
    binary 0.07000000000000000666 (a Fraction is already exact). Cached: the allocation asks
    once per block of draws."""
    if isinstance(value, Fraction):
        return value
    return Fraction(repr(float(value)))


class Table:
    """One TOML table and where it came from.

    Parameters
    ----------
    data : dict
        The table's contents.
    file : str
        The file it was read from (for messages).
    key : str
        Its key path, e.g. ``lists.nur-otan``; ``""`` for the top level.
    """

    def __init__(self, data: dict[str, Any], file: str, key: str = ""):
        self.data = data
        self.file = file
        self.key = key

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def error(self, name: str, value: Any, rule: str) -> ScenarioError:
        return ScenarioError(self.path(name), value, rule, file=self.file)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def names(self) -> list[str]:
        return list(self.data)

    def entries(self) -> list[tuple[str, Table]]:
        """The named sub-tables, such as each list of ``[lists]``, in declared order."""
        return [(name, self.table(name)) for name in self.names()]

    def member(self, name: str, value: Any, known: Iterable[str],
               what: str = "list of this scenario") -> Any:
        """``value`` itself, when it is one of ``known``; else an error naming them."""
        known = list(known)
        if value not in known:
            raise self.error(name, value, _names_none(value, known, what))
        return value

    def check_names(self, known: Iterable[str], what: str = "list of this scenario") -> None:
        """Every key of this table must be one of ``known`` (e.g. a table of list -> share)."""
        known = list(known)
        for name in self.data:
            self.check_name(name, known, what)

    def check_name(self, name: str, known: list[str],
                   what: str = "list of this scenario") -> None:
        """The key ``name`` of this table must be one of ``known``."""
        if name not in known:
            raise self.error(name, self.data[name], _names_none(name, known, what))

    def check_keys(self, known: Iterable[str]) -> None:
        """Every key must be known; an unknown one is reported with a did-you-mean."""
        known = list(known)
        for name, value in self.data.items():
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
                raise self.error(name, value, f"unknown key; {hint}")

    def raw(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        if name not in self.data:
            if required:
                raise ScenarioError(self.path(name), None, "is required", file=self.file)
            return default
        return self.data[name]

    def table(self, name: str, *, required: bool = False) -> Table:
        value = self.raw(name, {}, required=required)
        if not isinstance(value, dict):
            raise self.error(name, value, "must be a table")
        return Table(value, self.file, self.path(name))

    def tables(self, name: str) -> list[Table]:
        """An array of tables (``[[name]]``)."""
        value = self.raw(name, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(name, value, "must be an array of tables ([[...]])")
        return [Table(item, self.file, f"{self.path(name)}[{i}]") for i, item in enumerate(value)]

    # The getters return None only for an absent key with neither a default nor required:
    # their overloads tell the type checker so (a TOML value is never None).
    @overload
    def string(self, name: str, default: str, *, required: bool = False,
               choices: Iterable[str] | None = None) -> str: ...
    @overload
    def string(self, name: str, default: None = None, *, required: Literal[True],
               choices: Iterable[str] | None = None) -> str: ...
    @overload
    def string(self, name: str, default: str | None = None, *, required: bool = False,
               choices: Iterable[str] | None = None) -> str | None: ...
    def string(self, name: str, default: str | None = None, *, required: bool = False,
               choices: Iterable[str] | None = None) -> str | None:
        value = self.raw(name, default, required=required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(name, value, "must be a string")
        if choices is not None and value not in (choices := list(choices)):
            raise self.error(name, value, f"must be one of {', '.join(choices)}")
        return value

    def date(self, name: str, example: str) -> dt.date | None:
        """A TOML date (a date-time is not one), or None when absent; ``example`` shows
        the form in the error."""
        value = self.raw(name)
        if value is not None and (not isinstance(value, dt.date)
                                  or isinstance(value, dt.datetime)):
            raise self.error(name, value, f"must be a date ({example})")
        return value

    @overload
    def boolean(self, name: str, default: bool) -> bool: ...
    @overload
    def boolean(self, name: str, default: None = None) -> bool | None: ...
    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        value = self.raw(name, default)
        if value is not None and not isinstance(value, bool):
            raise self.error(name, value, "must be true or false")
        return value

    @overload
    def integer(self, name: str, default: int, *, required: bool = False,
                low: int | None = None, high: int | None = None) -> int: ...
    @overload
    def integer(self, name: str, default: None = None, *, required: Literal[True],
                low: int | None = None, high: int | None = None) -> int: ...
    @overload
    def integer(self, name: str, default: int | None = None, *, required: bool = False,
                low: int | None = None, high: int | None = None) -> int | None: ...
    def integer(self, name: str, default: int | None = None, *, required: bool = False,
                low: int | None = None, high: int | None = None) -> int | None:
        value = self.raw(name, default, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, value, "must be a whole number")
        _check_range(self, name, value, low, high)
        _check_magnitude(self, name, value, high)
        return value

    @overload
    def number(self, name: str, default: float, *, required: bool = False,
               low: float | None = None, high: float | None = None) -> float: ...
    @overload
    def number(self, name: str, default: None = None, *, required: Literal[True],
               low: float | None = None, high: float | None = None) -> float: ...
    @overload
    def number(self, name: str, default: float | None = None, *, required: bool = False,
               low: float | None = None, high: float | None = None) -> float | None: ...
    def number(self, name: str, default: float | None = None, *, required: bool = False,
               low: float | None = None, high: float | None = None) -> float | None:
        value = self.raw(name, default, required=required)
        if value is None:
            return None
        if not is_number(value) or value != value:
            raise self.error(name, value, "must be a number")
        if not math.isfinite(value):
            raise self.error(name, value, "must be a finite number")
        _check_range(self, name, value, low, high)
        _check_magnitude(self, name, value, high)
        return float(value)

    @overload
    def fraction(self, name: str, *, required: Literal[True]) -> Fraction: ...
    @overload
    def fraction(self, name: str, *, required: bool = False) -> Fraction | None: ...
    def fraction(self, name: str, *, required: bool = False) -> Fraction | None:
        """A number, or a string such as ``"2/3"``, as an exact fraction in (0, 1]."""
        value = self.raw(name, None, required=required)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            result = Fraction(value) if isinstance(value, str) else exact_fraction(value)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError):
            raise self.error(name, value, 'must be a number or a fraction such as "2/3"') from None
        if not 0 < result <= 1:
            raise self.error(name, value, "must be between 0 and 1")
        return result


def _names_none(name: Any, known: list[str], what: str) -> str:
    """The rule for an id that names nothing known, with how to fix it."""
    rule = f"names no {what} ({', '.join(known) or 'none'})"
    close = difflib.get_close_matches(str(name), known, n=1)
    if close:
        return f"{rule}; did you mean {close[0]!r}?"
    if what == "list of this scenario" and isinstance(name, str):
        return f"{rule}; declare it with [lists.{name}], or correct the id"
    return rule


def percent_hint(value: float, high: float | None) -> str:
    """For a fraction written as a percentage (21 for 0.21): what was probably meant. Below
    2 the reading is ambiguous (1.3 may be 0.13 or 0.013), so no hint."""
    if high is not None and high <= 1 and 2 <= value <= 100:
        return f"; did you mean {value / 100:g} ({value:g}%)?"
    return ""


def _check_range(table: Table, name: str, value, low, high) -> None:
    if low is not None and high is not None and not low <= value <= high:
        raise table.error(name, value, f"must be between {low} and {high}"
                          + percent_hint(value, high))
    if low is not None and value < low:
        raise table.error(name, value, f"must be at least {low}")
    if high is not None and value > high:
        raise table.error(name, value, f"must be at most {high}" + percent_hint(value, high))


def _check_magnitude(table: Table, name: str, value, high) -> None:
    """Without a maximum of its own, a number stays within :data:`MAX_MAGNITUDE`."""
    if high is None and abs(value) > MAX_MAGNITUDE:
        raise table.error(name, value, f"must be at most {MAX_MAGNITUDE:.0e} in size")
