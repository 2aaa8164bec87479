"""One stand-alone scenario file from a file that ``extends`` a base, its comments kept.

The shipped scenarios state their sources and assumptions in comments, and most of them
extend a ``_base.toml``. A user who starts from one wants a single file to edit, with those
comments. TOML readers drop comments, so the merge works on the text: the file is cut
into sections (a table header with the comment lines above it) and entries (a key with its
value's lines and the comment lines above it), and the child's entries replace or join the
base's the way :func:`sim.scenario.resolved_table` merges tables (tables key by key, any
other value, arrays of tables included, replaces). The text is then read back and must give
exactly the table the loader resolves; when it does not (a layout this merge does not know),
the merge is refused rather than written wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import ScenarioError
from sim.scenario import DATA_FILE_KEYS, rebase_data_files, resolved_table

_HEADER = re.compile(r"\s*\[")
# A key: bare, "quoted" (with escapes such as \") or 'literal', dotted or not.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = re.compile(rf"""\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=""")


@dataclass(slots=True)
class _Entry:
    key: tuple[str, ...] | None   # None: comment lines at the end of the file
    lines: list[str]


@dataclass(slots=True)
class _Section:
    header: tuple[str, ...]       # () for the top level
    array: bool                   # an array of tables, [[header]]
    lines: list[str]              # the comment lines above the header, then the header
    entries: list[_Entry] = field(default_factory=list)


def standalone_text(path: str | Path) -> str:
    """The text of the scenario file at ``path`` with its ``extends`` chain merged in.

    A file without ``extends`` is returned as it is. Raises
    :class:`~sim.errors.ScenarioError` when the merged text would not read back as the
    table the loader makes of ``path``.
    """
    path = Path(path)
    expected = resolved_table(path)  # also refuses missing bases, bad TOML and cycles
    text = path.read_text(encoding="utf-8")
    base = tomllib.loads(text).get("extends")
    if base is None:
        return _absolute_data_files(text, path.parent)
    merged = _merge(standalone_text(path.parent / base), text)
    # Data files are named by absolute paths in the merged text (it is written elsewhere).
    merged = _absolute_data_files(merged, path.parent)
    rebase_data_files(expected, path.parent, None)
    try:
        same = tomllib.loads(merged) == expected
    except tomllib.TOMLDecodeError:
        same = False
    if not same:
        raise ScenarioError("extends", base, "cannot be merged into one file with its "
                            "comments (a table is split across both files in a way this "
                            "merge does not handle); copy both files instead", file=str(path))
    return merged


_DATA_LINE = re.compile(r'^(\s*(\w+)\s*=\s*)"([^"]*)"')


def _absolute_data_files(text: str, folder: Path) -> str:
    """``text`` with each relative data-file path of :data:`DATA_FILE_KEYS` made absolute
    from ``folder`` (where the file that names it lies)."""
    keys: dict[str, set[str]] = {}
    for table, key in DATA_FILE_KEYS:
        keys.setdefault(table, set()).add(key)
    lines, section = [], ""
    for line in text.splitlines(keepends=True):
        if _HEADER.match(line) and not line.lstrip().startswith("[["):
            section = line.strip().strip("[]").strip()
        match = _DATA_LINE.match(line)
        if match and match.group(2) in keys.get(section, ()) and \
                not Path(match.group(3)).is_absolute():
            where = (folder / match.group(3)).resolve()
            line = f'{match.group(1)}"{where}"' + line[match.end():]
        lines.append(line)
    return "".join(lines)


def _merge(base: str, child: str) -> str:
    """The base's text with the child's keys and tables put in."""
    sections, additions = _split(base), _split(child)
    lead = _drop_extends(additions[0])
    arrays: dict[tuple[str, ...], list[_Section]] = {}
    for section in additions:
        if section.array:
            arrays.setdefault(section.header, []).append(section)
    # The child's array of tables replaces the base's, where the base's first one stood.
    merged, placed = [], set()
    for section in sections:
        if not (section.array and section.header in arrays):
            merged.append(section)
        elif section.header not in placed:
            merged += arrays[section.header]
            placed.add(section.header)
    tables = {s.header: s for s in merged if not s.array}
    loose: list[str] = []   # comments with no key left to go with: they end the file
    for section in additions:
        if section.array and section.header in placed:
            continue
        if not section.array and section.header in tables:
            loose += _merge_entries(tables[section.header], section)
        else:
            merged.append(section)
            if not section.array:
                tables[section.header] = section
    return "".join(lead) + _join(merged) + "".join(loose)


def _merge_entries(target: _Section, section: _Section) -> list[str]:
    """Put the section's keys into the target: a key it has is replaced in place (after the
    comments above it), a new key goes after its last key; the section's header comments go
    with its first key. Returns the comment lines that have no key to go with."""
    comments = [line for line in section.lines[:-1] if line.strip()]
    for entry in section.entries:
        if entry.key is None:
            return comments + entry.lines
        entry = _Entry(entry.key, comments + entry.lines)
        comments = []
        keys = [old.key for old in target.entries]
        if entry.key in keys:
            # The base's comments above the key stay: they often say what it means.
            old = target.entries[keys.index(entry.key)]
            entry.lines = [line for line in old.lines if _is_comment(line)] + entry.lines
            target.entries[keys.index(entry.key)] = entry
        else:
            end = len(target.entries) - (bool(keys) and keys[-1] is None)
            target.entries.insert(end, entry)
    return comments


def _drop_extends(top: _Section) -> list[str]:
    """Remove ``extends`` from the child's top level; its comment lines (what the file is
    about) are returned, to open the merged file."""
    for i, entry in enumerate(top.entries):
        if entry.key == ("extends",):
            del top.entries[i]
            comments = [line for line in entry.lines if line.strip().startswith("#")]
            return comments + ["\n"] if comments else []
    return []


def _split(text: str) -> list[_Section]:
    sections = [_Section((), False, [])]
    pending: list[str] = []       # comment and blank lines not yet given to a key or header
    value: list[str] = []         # the lines of a key whose value is still open
    for line in text.splitlines(keepends=True):
        if not value and _is_comment(line):
            pending.append(line)
        elif not value and _HEADER.match(line):
            header, array = _header(line)
            last = sections[-1]
            if not array and last.array and header[:len(last.header)] == last.header:
                # A sub-table of the array's last element ([poll.shares] after [[poll]])
                # belongs to that element: it moves with it.
                last.entries.append(_Entry(header, pending + [line]))
            else:
                sections.append(_Section(header, array, pending + [line]))
            pending = []
        else:
            value.append(line)
            if _complete(value):
                sections[-1].entries.append(_Entry(_key(value[0]), pending + value))
                pending, value = [], []
    if pending:
        sections[-1].entries.append(_Entry(None, pending))
    return sections


def _join(sections: list[_Section]) -> str:
    return "".join("".join(s.lines) + "".join("".join(e.lines) for e in s.entries)
                   for s in sections)


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _complete(lines: list[str]) -> bool:
    """Whether the lines hold one whole ``key = value`` (multi-line strings and arrays)."""
    try:
        tomllib.loads("".join(lines))
    except tomllib.TOMLDecodeError:
        return False
    return True


def _key(line: str) -> tuple[str, ...]:
    """The dotted key a ``key = value`` line assigns, as parts (quotes resolved)."""
    key = _KEY.match(line)
    assert key is not None  # the line opens a whole key = value, so it starts with a key
    return _path(tomllib.loads(key.group(1) + " = 0"))


def _header(line: str) -> tuple[tuple[str, ...], bool]:
    table = tomllib.loads(line)
    return _path(table), line.lstrip().startswith("[[")


def _path(table: dict) -> tuple[str, ...]:
    """The keys down a chain of one-key tables: {"a": {"b": 0}} -> ("a", "b")."""
    parts = []
    while isinstance(table, dict) and len(table) == 1:
        (name, table), = table.items()
        parts.append(name)
        if isinstance(table, list):   # an array of tables: [[a]] reads as {"a": [{}]}
            break
    return tuple(parts)
