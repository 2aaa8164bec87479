"""The data that ships with elsim: example scenarios, official counts, calibration data.

They live in the repository's ``scenarios/`` folder, which installs as the data package
``sim.examples`` (setup.py). ``importlib.resources`` finds it wherever elsim is installed:
in a wheel it is ``site-packages/sim/examples/``, in an editable install the folder itself.
Nothing here depends on the current directory or on a checkout of the repository.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sim.errors import SimError
from sim.scenario import resolved_table
from sim.tables import read_toml

PACKAGE = "sim.examples"
SUFFIXES = (".toml", ".csv", ".md", ".gz")  # .md: the data folders' notes; .gz: large CSVs


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One shipped file.

    Attributes
    ----------
    name : str
        Its path below the data folder, without ``.toml`` (``kz-2021/mixture``,
        ``history/kz-2021``, ``calibration/kazakhstan-polls.csv``).
    kind : str
        ``scenario`` (has poll sources, or extends a file), ``tally`` (an official count
        with ``[votes]`` or ``[[district]]`` tables) or ``data`` (anything else, such as a
        CSV table).
    title : str
        The file's ``title``, or ``""``.
    path : Path
        Where it is installed.
    """

    name: str
    kind: str
    title: str
    path: Path


def data_folder() -> Path:
    """The installed folder of shipped data (pip always installs a package as files)."""
    try:
        return Path(str(files(PACKAGE)))
    except ModuleNotFoundError:
        # Python started in a checkout imports its sim/, which has no examples beside it
        # unless installed in editable mode.
        raise SimError(f"the shipped examples are not installed with the sim package in "
                       f"{Path(__file__).parent}: install elsim-seats with pip (in a "
                       "checkout: make install), or start Python outside the checkout"
                       ) from None


def examples() -> list[Example]:
    """Every shipped ``*.toml``, ``*.csv`` and ``*.md`` file, sorted by name; partial bases
    (files named ``_*.toml``, which other files extend) are left out."""
    return [describe(path, name) for name, path in _shipped_files().items()]


def example(name: str) -> Example:
    """The shipped file called ``name`` (with or without ``.toml``); an unknown name is a
    :class:`SimError` with a did-you-mean. Only that file is read."""
    known = {name.removesuffix(".toml"): (name, path) for name, path in _shipped_files().items()}
    key = name.removesuffix(".toml")
    if key in known:
        return describe(known[key][1], known[key][0])
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "`elsim examples` lists them"
    raise SimError(f"{name!r} is not a shipped example; {hint}")


def _shipped_files() -> dict[str, Path]:
    """The shipped files by their path below the data folder, sorted (bases left out)."""
    folder = data_folder()
    found = sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES
                   and p.is_file() and not p.name.startswith("_"))
    return {path.relative_to(folder).as_posix(): path for path in found}


def describe(path: Path, name: str) -> Example:
    """The file at ``path`` as an :class:`Example` called ``name`` (``.toml`` dropped)."""
    if path.suffix != ".toml":
        return Example(name=name, kind="data", title="", path=path)
    data = read_toml(path)
    if "votes" in data or ("system" in data and "district" in data):
        kind = "tally"
    elif {"extends", "sources", "poll"} & data.keys():
        kind = "scenario"
    else:
        kind = "data"
    # A scenario that extends a base may take its title from there.
    title = (resolved_table(path) if kind == "scenario" else data).get("title")
    return Example(name=name.removesuffix(".toml"), kind=kind,
                   title=title if isinstance(title, str) else "", path=path)
