"""Write the Spanish Congreso tallies (scenarios/history/es-*.toml) from the shipped CSVs.

    python tools/spain_tallies.py [--data scenarios/data/spain] [--out scenarios/history]

Standard library only, so that it runs without the project installed. It reads the three
CSVs of scenarios/data/spain/ (see its README.md), checks that they agree with each other
(candidacy votes add up to each province's totals, seats to its magnitude, provinces to the
national votes and seats of lists.csv) and writes one tally file per election. Running it
again on the same CSVs writes the same bytes.

Ids are lower-case slugs of the ministry's acronyms (``siglas``): accents and dots dropped,
every run of other characters turned into one hyphen. When two acronyms give one slug, the first in
the ministry's order (lists.csv) keeps it and the next ones get ``-2``, ``-3``...: in 2019,
``PODEMOS-IU`` is ``podemos-iu`` and ``PODEMOS-IU-`` (Unidas Podemos-Altoaragón en Común) is
``podemos-iu-2``.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tally_files import ROOT, DataError, run, toml_string

DATA = ROOT / "scenarios" / "data" / "spain"

SOURCE = ("Ministerio del Interior, final scrutiny of the Congreso election, file {file} "
          "(candidacies, totals and votes per province), "
          "download area of https://infoelectoral.interior.gob.es (copy: "
          "https://github.com/mikadsr/Pollspain-data, 02-congress/)")


@dataclass(frozen=True)
class Election:
    """One election of the CSVs and the tally file it becomes."""

    key: str        # the CSVs' election column
    stem: str       # the tally file's name
    title: str
    ministry_file: str


ELECTIONS = (
    Election("ES-CONGRESO-2019-11", "es-2019-11",
             "Spain, Congreso de los Diputados, 10 November 2019", "02201911"),
    Election("ES-CONGRESO-2023-07", "es-2023",
             "Spain, Congreso de los Diputados, 23 July 2023", "02202307"),
)

GROUP = re.compile(r"^(?P<name>.*?) \[national group: (?P<group>.+)\]$")


@dataclass
class Candidacy:
    siglas: str
    full_name: str
    group: str
    votes: int
    seats: int
    id: str = ""


@dataclass
class District:
    name: str
    seats: int
    list_votes: int
    blank: int
    invalid: int
    valid: int
    votes: dict[str, int] = field(default_factory=dict)     # siglas -> votes, file order
    official: dict[str, int] = field(default_factory=dict)  # siglas -> seats, file order


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits, abbreviation dots dropped, other runs as one
    hyphen: ``¡TERUEL EXI`` -> ``teruel-exi``, ``B.N.G.`` -> ``bng``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower().replace(".", "")).strip("-")


def unique_slugs(names: list[str], what: str) -> dict[str, str]:
    """Each name's slug; a repeated slug gets the first free ``-2``, ``-3``... in order."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = slug(name)
        if not base:
            raise DataError(f"{what} {name!r}: its slug is empty (no letter or digit)")
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        ids[name] = candidate
        taken.add(candidate)
    return ids


def read_rows(path: Path, election: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["election"] == election]


def read_candidacies(data: Path, election: str) -> dict[str, Candidacy]:
    candidacies: dict[str, Candidacy] = {}
    for row in read_rows(data / "lists.csv", election):
        match = GROUP.match(row["full_name"])
        if match is None:
            raise DataError(f"lists.csv: {election} {row['list']!r}: full_name "
                            f"{row['full_name']!r} must end in '[national group: ...]'")
        if row["list"] in candidacies:
            raise DataError(f"lists.csv: {election}: list {row['list']!r} appears twice")
        candidacies[row["list"]] = Candidacy(
            siglas=row["list"], full_name=match["name"], group=match["group"],
            votes=int(row["national_votes"]), seats=int(row["official_national_seats"]))
    if not candidacies:
        raise DataError(f"lists.csv: no row of election {election}")
    return candidacies


def read_districts(data: Path, election: str) -> list[District]:
    districts = {row["district"]: District(
        name=row["district"], seats=int(row["magnitude"]), list_votes=int(row["list_votes"]),
        blank=int(row["blank_votes"]), invalid=int(row["invalid_votes"]),
        valid=int(row["valid_votes"]))
        for row in read_rows(data / "district_totals.csv", election)}
    for row in read_rows(data / "districts.csv", election):
        district = districts.get(row["district"])
        if district is None:
            raise DataError(f"districts.csv: {election}: district {row['district']!r} is not "
                            "in district_totals.csv")
        if int(row["magnitude"]) != district.seats:
            raise DataError(f"districts.csv: {election} {district.name}: magnitude "
                            f"{row['magnitude']} differs from district_totals.csv "
                            f"({district.seats})")
        if row["list"] in district.votes:
            raise DataError(f"districts.csv: {election} {district.name}: list "
                            f"{row['list']!r} appears twice")
        district.votes[row["list"]] = int(row["votes"])
        if int(row["official_seats"]):
            district.official[row["list"]] = int(row["official_seats"])
    return list(districts.values())


def check(election: str, candidacies: dict[str, Candidacy], districts: list[District]) -> None:
    """The CSVs must agree: each province adds up, and the provinces add up to the nation."""
    national_votes: dict[str, int] = defaultdict(int)
    national_seats: dict[str, int] = defaultdict(int)
    for district in districts:
        where = f"{election} {district.name}"
        if sum(district.votes.values()) != district.list_votes:
            raise DataError(f"districts.csv: {where}: candidacy votes add up to "
                            f"{sum(district.votes.values())}, district_totals.csv says "
                            f"{district.list_votes}")
        if district.list_votes + district.blank != district.valid:
            raise DataError(f"district_totals.csv: {where}: list votes + blank = "
                            f"{district.list_votes + district.blank}, valid = {district.valid}")
        if sum(district.official.values()) != district.seats:
            raise DataError(f"districts.csv: {where}: official seats add up to "
                            f"{sum(district.official.values())}, magnitude {district.seats}")
        for siglas, votes in district.votes.items():
            if siglas not in candidacies:
                raise DataError(f"districts.csv: {where}: list {siglas!r} is not in lists.csv")
            national_votes[siglas] += votes
            national_seats[siglas] += district.official.get(siglas, 0)
    for siglas, candidacy in candidacies.items():
        if (national_votes[siglas], national_seats[siglas]) != (candidacy.votes,
                                                                 candidacy.seats):
            raise DataError(f"lists.csv: {election} {siglas!r}: {candidacy.votes} votes and "
                            f"{candidacy.seats} seats, the provinces add up to "
                            f"{national_votes[siglas]} and {national_seats[siglas]}")


def inline(table: dict[str, int]) -> str:
    return "{ " + ", ".join(f"{key} = {value}" for key, value in table.items()) + " }"


def tally_text(election: Election, candidacies: dict[str, Candidacy],
               districts: list[District]) -> str:
    list_ids = unique_slugs(list(candidacies), "list")
    for siglas, candidacy in candidacies.items():
        candidacy.id = list_ids[siglas]
    group_names = list(dict.fromkeys(c.group for c in candidacies.values()))
    group_ids = unique_slugs(group_names, "group")
    members = {group_ids[name]: {c.id for c in candidacies.values() if c.group == name}
               for name in group_names}
    for group_id, ids in members.items():
        if group_id in list_ids.values() and group_id not in ids:
            raise DataError(f"group id {group_id!r} is the id of a list outside the group")
    source = SOURCE.format(file=election.ministry_file)
    lines = [
        f"# {election.title}: the official count by province.",
        "# Written by tools/spain_tallies.py from scenarios/data/spain/*.csv (the Interior",
        f"# Ministry's final scrutiny, file {election.ministry_file}; see its README.md): "
        "do not edit by hand.",
        f"title = {toml_string(election.title)}",
        f"source = {toml_string(source)}",
        "",
        "[system]",
        f"seats = {sum(d.seats for d in districts)}",
        'method = "dhondt"',
        'tie_break = "votes"',
        "threshold = 0.03",
        'threshold_scope = "district"',
        'threshold_base = "valid"  # candidacy votes + blank ballots (LOREG art. 96, 163.1.a)',
    ]
    for name in group_names:
        lines += ["", f"[groups.{group_ids[name]}]", f"name = {toml_string(name)}"]
    for candidacy in candidacies.values():
        lines += ["", f"[lists.{candidacy.id}]  # {candidacy.full_name}",
                  f"name = {toml_string(candidacy.siglas)}",
                  f"group = {toml_string(group_ids[candidacy.group])}"]
    for district in districts:
        lines += [
            "", "[[district]]",
            f"name = {toml_string(district.name)}",
            f"seats = {district.seats}",
            f"blank = {district.blank}",
            f"invalid = {district.invalid}",
            "votes = " + inline({candidacies[s].id: v for s, v in district.votes.items()}),
            "official = " + inline({candidacies[s].id: v for s, v in district.official.items()}),
        ]
    return "\n".join(lines) + "\n"


def build(data: Path) -> dict[str, str]:
    texts = {}
    for election in ELECTIONS:
        candidacies = read_candidacies(data, election.key)
        districts = read_districts(data, election.key)
        check(election.key, candidacies, districts)
        texts[election.stem] = tally_text(election, candidacies, districts)
    return texts


def main(argv: list[str] | None = None) -> int:
    return run("spain_tallies", __doc__.splitlines()[0], DATA, build, argv)


if __name__ == "__main__":
    sys.exit(main())
