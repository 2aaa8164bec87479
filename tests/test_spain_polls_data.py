"""The shipped Spanish pre-election polls (scenarios/data/spain/polls-2023.csv) are well formed.

Read with the standard ``csv`` module only, independent of ``sim``: one row per poll and
party, every figure with the address it was read from, nothing dated after the publication
ban, and parties named by the national groups of the official 2023 result, so a scenario can
set each poll beside the count.
"""

import csv
import math
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "scenarios" / "data" / "spain"
COLUMNS = ["pollster", "client", "fieldwork_start", "fieldwork_end", "published", "sample_size",
           "party", "share_pct", "seats_low", "seats_high", "source_url"]
ELECTION = date(2023, 7, 23)
# LOREG art. 69.7: no poll may be published in the five days before polling day.
LAST_PUBLICATION = date(2023, 7, 17)
SEATS = 350


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = read("polls-2023.csv")


def poll(row: dict[str, str]) -> tuple[str, str, str]:
    """A pollster may publish several studies (the CIS did three): a poll is its pollster,
    client and publication date."""
    return row["pollster"], row["client"], row["published"]


def where(row: dict[str, str]) -> str:
    return f"polls-2023.csv, {row['pollster']} ({row['client']}) {row['published']}, {row['party']}"


def test_the_header_is_the_documented_one():
    with (DATA / "polls-2023.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == COLUMNS


def test_at_least_five_pollsters_are_cited():
    assert len({row["pollster"] for row in ROWS}) >= 5


@pytest.mark.parametrize("row", ROWS, ids=where)
def test_every_row_names_its_poll_and_its_source(row):
    assert row["pollster"] and row["client"] and row["party"], where(row)
    sources = [part.strip() for part in row["source_url"].split(" ; ")]
    assert sources and all(part.startswith(("https://", "http://")) for part in sources), where(row)


@pytest.mark.parametrize("row", ROWS, ids=where)
def test_dates_are_iso_ordered_and_before_the_ban(row):
    published = date.fromisoformat(row["published"])
    assert published <= LAST_PUBLICATION < ELECTION, where(row)
    start, end = (date.fromisoformat(row[key]) if row[key] else None
                  for key in ("fieldwork_start", "fieldwork_end"))
    assert (start is None) == (end is None), where(row)
    if start is not None and end is not None:
        assert start <= end <= published, where(row)


@pytest.mark.parametrize("row", ROWS, ids=where)
def test_figures_are_numbers_in_range(row):
    assert row["share_pct"] or row["seats_low"], f"{where(row)}: neither a share nor seats"
    if row["share_pct"]:
        share = float(row["share_pct"])
        assert math.isfinite(share) and 0 < share < 100, where(row)
    assert bool(row["seats_low"]) == bool(row["seats_high"]), where(row)
    if row["seats_low"]:
        assert 0 <= int(row["seats_low"]) <= int(row["seats_high"]) <= SEATS, where(row)
    if row["sample_size"]:
        assert int(row["sample_size"]) > 0, where(row)


def test_each_poll_is_one_study_with_one_row_per_party():
    studies: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in ROWS:
        studies[poll(row)].append(row)
    for key, rows in studies.items():
        parties = [row["party"] for row in rows]
        assert len(parties) == len(set(parties)), f"{key}: a party twice"
        shared = {(row["fieldwork_start"], row["fieldwork_end"], row["sample_size"])
                  for row in rows}
        assert len(shared) == 1, f"{key}: rows disagree on fieldwork or sample"


def test_each_polls_shares_add_up_to_at_most_100_and_its_seats_to_at_most_350():
    shares: dict[tuple[str, str, str], float] = defaultdict(float)
    seats: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in ROWS:
        shares[poll(row)] += float(row["share_pct"] or 0)
        seats[poll(row)] += int(row["seats_low"] or 0)
    assert all(total <= 100 for total in shares.values()), shares
    assert all(total <= SEATS for total in seats.values()), seats


def test_parties_are_national_groups_of_the_official_2023_result():
    groups = {row["full_name"].rsplit("[national group: ", 1)[1].rstrip("]")
              for row in read("lists.csv") if row["election"] == "ES-CONGRESO-2023-07"}
    assert {row["party"] for row in ROWS} <= groups
