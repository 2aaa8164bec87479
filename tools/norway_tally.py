"""Write the Norwegian Storting tally (scenarios/history/no-2021.toml) from the shipped CSV.

    python tools/norway_tally.py [--data scenarios/data/norway] [--out scenarios/history]

Standard library only, so that it runs without the project installed. It reads
scenarios/data/norway/districts.csv (see its README.md), checks it (each county has one
levelling seat, the seats of the counties add up to 150 district and 19 levelling seats)
and writes the tally file. Running it again on the same CSV writes the same bytes.

List ids are the Directorate's party codes in lower case, with æ, ø, å written ae, o, a
(``RØDT`` -> ``rodt``). The Directorate's export gives Generasjonspartiet two codes (``GENE``
in Akershus, ``GT`` in Hordaland): both are the list ``gene``.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from spain_tallies import inline, slug
from tally_files import ROOT, DataError, run, toml_string

DATA = ROOT / "scenarios" / "data" / "norway"
ELECTION = "NO-STORTING-2021"
STEM = "no-2021"
TITLE = "Norway, Storting, 13 September 2021"
SOURCE = ("Valgdirektoratet (Norwegian Directorate of Elections), valgresultat.no, final "
          "result of the 2021 Storting election by county: votes, seats and levelling seats "
          "per party (CSV export; copy: https://github.com/hersle/valgsimulator, data2021.js)")
DISTRICT_SEATS, LEVELLING_SEATS = 150, 19
SAME_PARTY = {"GT": "GENE"}  # one party under two codes in the export
LETTERS = str.maketrans({"Æ": "AE", "Ø": "O", "Å": "A", "æ": "ae", "ø": "o", "å": "a"})


def party_id(code: str) -> str:
    return slug(SAME_PARTY.get(code, code).translate(LETTERS))


def build(data: Path) -> dict[str, str]:
    path = data / "districts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["election"] == ELECTION]
    if not rows:
        raise DataError(f"{path}: no row of election {ELECTION}")
    names: dict[str, str] = {}
    votes: dict[str, dict[str, int]] = defaultdict(dict)
    won: dict[str, dict[str, int]] = defaultdict(dict)
    levelling: dict[str, dict[str, int]] = defaultdict(dict)
    for line, row in enumerate(rows, start=2):
        county = f"{row['county_number']} {row['county']}"
        party = party_id(row["party_code"])
        names.setdefault(party, row["party_name"])
        seats, extra = int(row["seats"]), int(row["levelling_seats"])
        if party in votes[county] or extra > seats:
            raise DataError(f"{path}, row {line}: {party} twice in {county}, or more "
                            "levelling seats than seats")
        votes[county][party] = int(row["votes"])
        if seats - extra:
            won[county][party] = seats - extra
        if extra:
            levelling[county][party] = extra
    for county in votes:
        if sum(levelling[county].values()) != 1:
            raise DataError(f"{path}: {county} has {sum(levelling[county].values())} "
                            "levelling seats, not 1")
    district_seats = sum(sum(seats.values()) for seats in won.values())
    if (district_seats, len(votes)) != (DISTRICT_SEATS, LEVELLING_SEATS):
        raise DataError(f"{path}: {district_seats} district seats in {len(votes)} counties, "
                        f"not {DISTRICT_SEATS} in {LEVELLING_SEATS}")
    return {STEM: tally_text(names, votes, won, levelling)}


def tally_text(names: dict[str, str], votes: dict[str, dict[str, int]],
               won: dict[str, dict[str, int]], levelling: dict[str, dict[str, int]]) -> str:
    lines = [
        f"# {TITLE}: the official count by county (valgdistrikt).",
        "# Written by tools/norway_tally.py from scenarios/data/norway/districts.csv (the",
        "# Directorate of Elections' final result; see its README.md): do not edit by hand.",
        "# A county's seats are its district seats; its one levelling seat is in",
        "# official_adjustment (Østfold: 8 district seats + 1 levelling seat = 9).",
        f"title = {toml_string(TITLE)}",
        f"source = {toml_string(SOURCE)}",
        "",
        "[system]",
        f"seats = {DISTRICT_SEATS}  # district seats (valgloven s. 11-4)",
        'method = "modified-sainte-lague"',
        'tie_break = "votes"  # equal quotients: the list with more votes (s. 11-4 (3))',
        'threshold_base = "lists"  # shares of the votes for lists',
        "",
        "[system.adjustment]  # levelling seats (utjevningsmandater, ss. 11-5 and 11-6)",
        f"seats = {LEVELLING_SEATS}",
        "threshold = 0.04",
        'method = "modified-sainte-lague"',
        "per_district = 1",
    ]
    for party, name in names.items():
        lines += ["", f"[lists.{party}]", f"name = {toml_string(name)}"]
    for county, county_votes in votes.items():
        lines += ["", "[[district]]", f"name = {toml_string(county)}",
                  f"seats = {sum(won[county].values())}",
                  "votes = " + inline(county_votes),
                  "official = " + inline(won[county]),
                  "official_adjustment = " + inline(levelling[county])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run("norway_tally", __doc__.splitlines()[0], DATA, build, argv)


if __name__ == "__main__":
    sys.exit(main())
