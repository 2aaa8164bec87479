"""Write the national tallies of Israel 2022 and the Netherlands 2023 from the shipped CSVs.

    python tools/national_tallies.py [--data scenarios/data] [--out scenarios/history]

Standard library only. Reads scenarios/data/israel/ and scenarios/data/netherlands/ (see
their README.md), checks them (ids, seats adding up to the house, list votes adding up to
the authority's valid votes, agreements naming known lists) and writes il-2022.toml and
nl-2023.toml. Running it again on the same CSVs writes the same bytes.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from tally_files import ROOT, DataError, run, toml_string

DATA = ROOT / "scenarios" / "data"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

ISRAEL_SOURCE = ("Central Elections Committee for the 25th Knesset: final national results "
                 "(https://votes25.bechirot.gov.il/nationalresults; list votes are the sums of "
                 "its results file https://media25.bechirot.gov.il/files/expc.csv)")
NETHERLANDS_SOURCE = ("Kiesraad (central electoral committee): official result of the Tweede "
                      "Kamer election of 22 November 2023, set on 1 and 4 December 2023 "
                      "(https://www.kiesraad.nl, proces-verbaal of the result); see "
                      "scenarios/data/netherlands/README.md")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def checked_lists(path: Path, seats: int) -> list[dict[str, str]]:
    rows = read_csv(path)
    ids = [row["list"] for row in rows]
    for name in ids:
        if not ID.match(name):
            raise DataError(f"{path.name}: list id {name!r} must be a lower-case slug")
    if len(set(ids)) != len(ids):
        raise DataError(f"{path.name}: a list id appears twice")
    total = sum(int(row["official_seats"]) for row in rows)
    if total != seats:
        raise DataError(f"{path.name}: official seats add up to {total}, the house has {seats}")
    return rows


def header(title: str, folder: str, authority: str, source: str) -> list[str]:
    return [
        f"# {title}: the official national count.",
        f"# Written by tools/national_tallies.py from scenarios/data/{folder}/*.csv",
        f"# ({authority}; see its README.md): do not edit by hand.",
        f"title = {toml_string(title)}",
        f"source = {toml_string(source)}",
    ]


def system(seats: int, threshold: str, base: str) -> list[str]:
    """The ``[system]`` table of a national D'Hondt tally (values and comments as written)."""
    return ["", "[system]", f"seats = {seats}", 'method = "dhondt"', f"threshold = {threshold}",
            f'threshold_base = {base}']


def table(name: str, values: dict[str, int]) -> list[str]:
    return ["", f"[{name}]", *(f"{key} = {value}" for key, value in values.items())]


def israel(data: Path) -> str:
    rows = checked_lists(data / "lists.csv", 120)
    (totals,) = read_csv(data / "totals.csv")
    votes = {row["list"]: int(row["votes"]) for row in rows}
    if sum(votes.values()) != int(totals["valid"]):
        raise DataError(f"israel/lists.csv: list votes add up to {sum(votes.values())}, "
                        f"totals.csv says {totals['valid']} valid votes")
    lines = header("Israel, 25th Knesset, 1 November 2022", "israel",
                   "the Central Elections Committee's final results", ISRAEL_SOURCE)
    lines += system(120, "0.0325  # Knesset Elections Law: 3.25% of the valid votes", '"lists"')
    lines += table("votes", votes)
    lines += table("ballots", {"invalid": int(totals["invalid"])})
    for row in rows:
        name = row["name"] or f"ballot letters {row['letters']}"
        lines += ["", f"[lists.{row['list']}]  # ballot letters {row['letters']}",
                  f"name = {toml_string(name)}"]
    for agreement in read_csv(data / "surplus_agreements.csv"):
        members = [agreement["list"], agreement["partner"]]
        for member in members:
            if member not in votes:
                raise DataError(f"israel/surplus_agreements.csv: {member!r} is not a list")
        lines += ["", f"[alliances.{'-'.join(members)}]  # surplus-vote agreement",
                  "members = [" + ", ".join(toml_string(m) for m in members) + "]",
                  'pools = ["allocation"]']
    lines += table("official", {row["list"]: int(row["official_seats"]) for row in rows
                                if int(row["official_seats"])})
    return "\n".join(lines) + "\n"


def netherlands(data: Path) -> str:
    rows = checked_lists(data / "lists.csv", 150)
    (totals,) = read_csv(data / "totals.csv")
    known = {row["list"]: int(row["votes"]) for row in rows if row["votes"]}
    missing = [row for row in rows if not row["votes"]]
    if any(int(row["official_seats"]) for row in missing):
        raise DataError("netherlands/lists.csv: a list with seats has no votes")
    others = int(totals["valid"]) - sum(known.values())
    if others < 0 or (others > 0) != bool(missing):
        raise DataError(f"netherlands/lists.csv: list votes add up to {sum(known.values())}, "
                        f"totals.csv says {totals['valid']} valid votes")
    lines = header("Netherlands, Tweede Kamer, 22 November 2023", "netherlands",
                   "the Kiesraad's official result", NETHERLANDS_SOURCE)
    lines += system(150, '"1/150"  # Kieswet, chapter P: a list needs one full quota (kiesdeler)',
                    '"lists"  # valid votes on candidates; blank votes excluded')
    lines += table("votes", {**known, "others": others} if missing else known)
    lines += table("ballots", {"invalid": int(totals["invalid"])})
    lines[-1] += f"  # blank ballots: {totals['blank']}"
    for row in rows:
        if row["votes"]:
            lines += ["", f"[lists.{row['list']}]  # list {row['number']}",
                      f"name = {toml_string(row['name'])}"]
    if missing:
        numbers = ", ".join(row["number"] for row in missing)
        lines += ["", f"# Lists {numbers}: the valid votes minus the lists above (their own",
                  "# figures are not in the sources, see the README).", "[lists.others]",
                  f"name = {toml_string(f'{len(missing)} lists without a seat')}",
                  "aggregate = true"]
    lines += table("official", {row["list"]: int(row["official_seats"]) for row in rows
                                if int(row["official_seats"])})
    return "\n".join(lines) + "\n"


def build(data: Path) -> dict[str, str]:
    return {"il-2022": israel(data / "israel"), "nl-2023": netherlands(data / "netherlands")}


def main(argv: list[str] | None = None) -> int:
    return run("national_tallies", __doc__.splitlines()[0], DATA, build, argv)


if __name__ == "__main__":
    sys.exit(main())
