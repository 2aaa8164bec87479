"""Exceptions raised by elsim.

Every user-facing problem is a :class:`SimError`; the CLI turns one into a single line on
stderr and exit code 2. Library code never prints.
"""

from __future__ import annotations

import datetime as dt


class SimError(Exception):
    """Base class for every error elsim reports to a user; the ``elsim`` command prints it
    as one line and exits with :attr:`exit_code`."""

    exit_code = 2  # the user's input is wrong


class InvalidValue(SimError, ValueError):
    """A value breaks a rule: names the key, the bad value and the rule, and the file when
    the value came from one.

    Library functions called with bad arguments (``allocate`` with negative votes) raise it
    without a file; scenario readers raise :class:`ScenarioError`, which names the file.

    Parameters
    ----------
    key : str
        Key path of the offending value, e.g. ``poll[1].shares.nur-otan``.
    value : object
        The bad value, shown with ``repr`` (dates and times as TOML writes them).
    rule : str
        What the value must satisfy, e.g. ``must be between 0 and 1``.
    file : str, optional
        The file the value came from.
    """

    def __init__(self, key: str, value: object, rule: str, *, file: str | None = None):
        self.key = key
        self.value = value
        self.rule = rule
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        if self.key:
            return f"{where}{self.key} = {_shown(self.value)}: {self.rule}"
        return f"{where}{self.rule}"

    def located(self, file: str, prefix: str = "") -> ScenarioError:
        """The same error placed in ``file`` under the key path ``prefix``."""
        key = f"{prefix}.{self.key}" if prefix and self.key else (prefix or self.key)
        return ScenarioError(key, self.value, self.rule, file=file)


def _shown(value: object) -> str:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return repr(value)


class ScenarioError(InvalidValue):
    """A value read from a scenario or tally file breaks a rule."""


class FileProblem(ScenarioError):
    """A problem of a file or folder as a whole, not of one value in it: names the file and
    what is wrong (``<file>: file not found``)."""

    def __init__(self, rule: str, *, file: str | None = None):
        super().__init__("", None, rule, file=file)


class ScenarioProblems(SimError, ValueError):
    """Several problems found in one file, reported together (one per line)."""

    def __init__(self, problems: list[ScenarioError]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ResultError(SimError):
    """A result or baseline file is missing, unreadable or of an unknown format."""
