"""One count allocated by its House, against the official result: tables and JSON for
``elsim allocate``."""

from __future__ import annotations

from dataclasses import dataclass

from sim.law.methods import METHODS
from sim.law.parliament import HouseSeats
from sim.law.system import threshold_words
from sim.law.tally import Tally
from sim.law.tiers import TierSeats
from sim.output.text import render

DISTRICT_ROWS = 20  # more districts than this: only those that differ are listed
ADJUSTMENT = "adjustment"  # the adjustment tier's name in a House's seats
TIER_COLUMNS = {"list": "list seats", "district": "districts", ADJUSTMENT: "adjustment"}
BASE_WORDS = {"valid": "the valid votes", "lists": "the list votes",
              "ballots": "all ballots (valid and invalid)"}


@dataclass(frozen=True, slots=True)
class TallyOutcome:
    """A tally's seats, and where they differ from the official ones.

    ``mismatches`` holds ``(where, list, seats, official)``: ``where`` is ``None`` for the
    whole house or a district's name.
    """

    tally: Tally
    seats: HouseSeats
    mismatches: tuple[tuple[str | None, str, int, int], ...]

    def list_seats(self) -> dict[str, int]:
        return {name: int(s) for name, s in zip(self.tally.lists, self.seats.seats[:, 0])}

    def district_seats(self) -> list[dict[str, int]]:
        """Seats per list in each multi-member district (lists with none left out)."""
        return _by_district(self.tally, self.seats.tiers["district"])

    def adjustment_seats(self) -> list[dict[str, int]] | None:
        """Adjustment seats per list placed in each district; None without the tier."""
        tier = self.seats.tiers.get(ADJUSTMENT)
        return None if tier is None else _by_district(self.tally, tier)


def _by_district(tally: Tally, tier: TierSeats) -> list[dict[str, int]]:
    """A tier's seats per list in each district (lists with none left out)."""
    by_district = tier.detail["districts"][:, :, 0]
    return [{name: int(s) for name, s in zip(tally.lists, column) if s}
            for column in by_district.T]


def allocate_tally(tally: Tally) -> TallyOutcome:
    """Allocate ``tally`` by its House and compare with its official seats."""
    seats = tally.house.allocate(tally.count(), details=True)
    mismatches: list[tuple[str | None, str, int, int]] = []
    # [official] of a national tally gives the list tier's seats; districts give their own.
    compared = seats.tiers["list"].seats if "list" in seats.tiers else seats.seats
    totals = {name: int(s) for name, s in zip(tally.lists, compared[:, 0])}
    official = tally.official_seats()
    if official is not None:
        mismatches += [(None, name, totals[name], official.get(name, 0))
                       for name in tally.lists if totals[name] != official.get(name, 0)]
    if tally.pr_districts:
        by_district = seats.tiers["district"].detail["districts"][:, :, 0]
        for d, district in enumerate(tally.pr_districts):
            if district.official is None:
                continue
            mismatches += [(district.name, name, int(by_district[i, d]),
                            district.official.get(name, 0))
                           for i, name in enumerate(tally.lists)
                           if by_district[i, d] != district.official.get(name, 0)]
        mismatches += _adjustment_mismatches(tally, seats)
    for single in tally.districts:
        if single.official is not None and single.winner() != single.official:
            mismatches.append((single.name, single.winner(), 1, 0))
    return TallyOutcome(tally, seats, tuple(mismatches))


def _adjustment_mismatches(tally: Tally, seats: HouseSeats
                           ) -> list[tuple[str | None, str, int, int]]:
    """Adjustment seats placed in a district that differ from its ``official_adjustment``;
    ``where`` is the district's name and " (adjustment)"."""
    if ADJUSTMENT not in seats.tiers:
        return []
    placed = seats.tiers[ADJUSTMENT].detail["districts"][:, :, 0]
    return [(f"{district.name} ({ADJUSTMENT})", name, int(placed[i, d]),
             district.official_adjustment.get(name, 0))
            for d, district in enumerate(tally.pr_districts)
            if district.official_adjustment is not None
            for i, name in enumerate(tally.lists)
            if placed[i, d] != district.official_adjustment.get(name, 0)]


def headline(tally: Tally) -> str:
    """"Spain 2023 (350 seats in 52 districts, D'Hondt, threshold 3% of the valid votes in
    each district)"."""
    system = tally.system
    where = f"{system.seats} seats"
    if tally.pr_districts:
        where += f" in {len(tally.pr_districts)} districts"
        if tally.system.adjustment is not None:
            where += f" + {tally.system.adjustment.seats} adjustment seats"
    elif tally.districts:
        where += f" from lists, {len(tally.districts)} single-member districts"
    threshold = f"threshold {threshold_words(system.threshold)} of " \
        f"{BASE_WORDS[system.threshold_base]}"
    if system.threshold_scope == "district":
        threshold += " in each district"
    method = METHODS[system.method].label
    return f"{tally.title} ({where}, {method}, {threshold})"


def outcome_text(outcome: TallyOutcome, *, all_districts: bool = False) -> str:
    """The whole house per list (and per group), the districts, and every mismatch."""
    tally, seats = outcome.tally, outcome.seats
    official = tally.official_seats()
    wrong = {name for where, name, _s, _o in outcome.mismatches if where is None}
    base = _national_base(tally)
    mixed = len(seats.tiers) > 1
    # The quotas column is the Hare method's own figure (votes over the quota of the passing
    # lists); other methods have none to show.
    quotas = seats.tiers["list"].detail.get("quotas") if "list" in seats.tiers and \
        tally.system.method == "hare" else None
    tier_names = list(seats.tiers) if mixed else []
    headers = ["list", "votes", "share %", "passed"] + (["quota"] if quotas is not None else []) \
        + [TIER_COLUMNS.get(name, name) for name in tier_names] + ["seats"] + \
        (["official"] if official is not None else [])
    rows = []
    for i, name in enumerate(tally.lists):
        row: list[object] = [name, f"{tally.votes[i]:,}", f"{100 * tally.votes[i] / base:.2f}",
                             "yes" if seats.passed[i, 0] else "no"]
        if quotas is not None:
            row.append(f"{quotas[i, 0]:.3f}" if seats.passed[i, 0] else "")
        row += [int(seats.tiers[name].seats[i, 0]) for name in tier_names]
        row.append(int(seats.seats[i, 0]))
        if official is not None:
            row.append(f"{official.get(name, 0)}" + (" [official]" if name in wrong else ""))
        rows.append(row)
    lines = [headline(tally), render(headers, rows)]
    if "list" in seats.tiers and mixed and official is not None:
        lines.append("official: the list seats the authority announced.")
    lines += _group_lines(tally, seats)
    if ADJUSTMENT in seats.tiers and tally.system.adjustment is not None:
        lines.append(f"Lists with {threshold_words(tally.system.adjustment.threshold)} of the "
                     "national votes, in the calculation of the adjustment seats: "
                     f"{', '.join(_qualified(outcome))}.")
    if bool(seats.admitted[0] >= 0):
        lines.append("The runner-up rule admitted a second list.")
    if bool(seats.tie_decided[0]):
        tied = ", ".join(name for name, flag in zip(tally.lists, _tied(seats)) if flag)
        lines.append(f"A tie decided a seat between {tied} (rule: {tally.system.tie_break}).")
    filled = int(seats.seats[:, 0].sum()) + int(
        0 if seats.independents is None else seats.independents[0])
    nominal = tally.house.seats + int(seats.grown[0])
    if filled != nominal:
        lines.append(f"Only {filled} of {nominal} seats are filled: no rule of this law says "
                     "who takes the rest (too few lists passed, or a cap held them back).")
    if int(seats.grown[0]):
        lines.append(f"The house grew by {int(seats.grown[0])} seats (overhang).")
    lines += _pr_district_lines(outcome, all_districts)
    lines += _single_member_lines(tally)
    if outcome.mismatches:
        lines.append(f"{len(outcome.mismatches)} seat figure(s) differ from the official "
                     "result (marked [official]).")
    elif official is not None:
        lines.append("Every seat matches the official result.")
    return "\n".join(lines + [""])


def _national_base(tally: Tally) -> int:
    """The national valid votes (lists, against-all and blank) for the share column."""
    extra = sum(value or 0 for value in (tally.against_all, tally.blank))
    return int(tally.votes.sum()) + extra + sum(d.blank for d in tally.pr_districts)


def _group_lines(tally: Tally, seats: HouseSeats) -> list[str]:
    """Seats by national group, when candidacies belong to groups."""
    if not tally.groups:
        return []
    totals: dict[str, list[int]] = {}
    for entry, votes, won in zip(tally.entries, tally.votes, seats.seats[:, 0]):
        total = totals.setdefault(entry.group, [0, 0])
        total[0] += int(votes)
        total[1] += int(won)
    rows = [[tally.groups.get(group, group), f"{votes:,}", won]
            for group, (votes, won) in sorted(totals.items(), key=lambda kv: -kv[1][1]) if won]
    return ["", "By national group (groups with seats):", render(["group", "votes", "seats"],
                                                                  rows)]


def _pr_district_lines(outcome: TallyOutcome, all_districts: bool) -> list[str]:
    tally = outcome.tally
    if not tally.pr_districts:
        return []
    wrong: dict[str, set[str]] = {}
    for where, name, _s, _o in outcome.mismatches:
        if where is not None:
            wrong.setdefault(where, set()).add(name)
    show_all = all_districts or len(tally.pr_districts) <= DISTRICT_ROWS
    adjustment = outcome.adjustment_seats()
    rows = []
    for d, (district, won) in enumerate(zip(tally.pr_districts, outcome.district_seats())):
        levelling_key = f"{district.name} ({ADJUSTMENT})"
        if not show_all and district.name not in wrong and levelling_key not in wrong:
            continue
        row = [district.name, district.seats,
               _seat_cells(won, district.official, wrong.get(district.name, set()))]
        if adjustment is not None:
            row.append(_seat_cells(adjustment[d], district.official_adjustment,
                                   wrong.get(levelling_key, set())))
        rows.append(row)
    matched = sum(1 for d in tally.pr_districts if d.official is not None
                  and d.name not in wrong and f"{d.name} ({ADJUSTMENT})" not in wrong)
    given = sum(1 for d in tally.pr_districts if d.official is not None)
    lines = [""]
    if given:
        lines.append(f"{matched} of {given} districts match the official seats.")
    if rows:
        lines.append(render(["district", "seats", "seats won"]
                            + ([ADJUSTMENT] if adjustment is not None else []), rows))
    elif not show_all:
        lines.append(f"(--districts lists all {len(tally.pr_districts)} districts)")
    return lines


def _seat_cells(won: dict[str, int], official: dict[str, int] | None, wrong: set[str]) -> str:
    """"pp 3, psoe 2", then the official figures that differ: "  (vox 1 [official])"."""
    cells = ", ".join(f"{name} {n}" for name, n in won.items())
    marks = "; ".join(f"{name} {(official or {}).get(name, 0)} [official]"
                      for name in sorted(wrong))
    return cells + (f"  ({marks})" if marks else "")


def _single_member_lines(tally: Tally) -> list[str]:
    """The single-member districts of a mixed-house tally: winner by plurality, official."""
    if not tally.districts:
        return []
    has_official = any(d.official for d in tally.districts)
    headers = ["district", "winner", "votes", "share %"] + (["official"] if has_official else [])
    rows = []
    for district in tally.districts:
        winner = district.winner()
        votes = int(district.votes[district.candidates.index(winner)])
        mark = "" if district.official in (None, winner) else " [official]"
        rows.append([district.name, winner, f"{votes:,}",
                     f"{100 * votes / district.votes.sum():.2f}"]
                    + ([f"{district.official or ''}{mark}"] if has_official else []))
    return ["", f"{len(tally.districts)} single-member districts, plurality (a tie goes to "
            "the earlier candidate)", render(headers, rows)]


def _tied(seats: HouseSeats) -> list[bool]:
    """Lists that shared the equal remainder or quotient that decided a seat (anywhere)."""
    tied = [False] * seats.seats.shape[0]
    for part in seats.tiers.values():
        flags = part.detail.get("tied")
        if flags is None and "district_tied" in part.detail:
            flags = part.detail["district_tied"].any(axis=1)
        if flags is not None and flags.size:
            tied = [a or bool(b) for a, b in zip(tied, flags[:, 0])]
    return tied


def outcome_json(outcome: TallyOutcome) -> dict:
    """Votes, shares, passes, seats and official seats of the whole house and each
    district."""
    tally, seats = outcome.tally, outcome.seats
    base = _national_base(tally)
    document: dict = {
        "file": tally.path,
        "title": tally.title,
        "rules": tally.house.describe(),
        "votes": {name: int(v) for name, v in zip(tally.lists, tally.votes)},
        "shares": {name: round(float(v) / base, 6) for name, v in zip(tally.lists, tally.votes)},
        "passed": [name for name, p in zip(tally.lists, seats.passed[:, 0]) if p],
        "seats": outcome.list_seats(),
        **({"quotas": {name: round(float(q), 6) for name, q, p in zip(
            tally.lists, seats.tiers["list"].detail["quotas"][:, 0], seats.passed[:, 0]) if p}}
           if "list" in seats.tiers and tally.system.method == "hare" else {}),
        "official": tally.official_seats(),
        "ties": [name for name, tied in zip(tally.lists, _tied(seats)) if tied],
        "runner_up": bool(seats.admitted[0] >= 0),
        "independents": None if seats.independents is None else int(seats.independents[0]),
        "grown": int(seats.grown[0]),
        "matches_official": not outcome.mismatches,
        "mismatches": [{"district": where, "list": name, "seats": s, "official": o}
                       for where, name, s, o in outcome.mismatches],
    }
    if tally.pr_districts:
        document["districts"] = [{
            "name": district.name, "seats": district.seats,
            "votes": {n: int(v) for n, v in zip(tally.lists, district.votes) if v},
            "blank": district.blank, "invalid": district.invalid,
            "seats_won": won, "official": district.official,
        } for district, won in zip(tally.pr_districts, outcome.district_seats())]
        _add_adjustment(document, outcome)
    if tally.districts:
        document["single_member_districts"] = {d.name: {"winner": d.winner(),
                                                        "official": d.official}
                                               for d in tally.districts}
    return document



def _add_adjustment(document: dict, outcome: TallyOutcome) -> None:
    """The adjustment tier's lists, seats and placement in ``document``, when there is one."""
    placed = outcome.adjustment_seats()
    if placed is None:
        return
    tally, tier = outcome.tally, outcome.seats.tiers[ADJUSTMENT]
    document["adjustment"] = {
        "qualified": _qualified(outcome),
        "entitled": {name: int(e) for name, e in zip(tally.lists, tier.detail["entitled"][:, 0])
                     if e},
        "seats": {name: int(s) for name, s in zip(tally.lists, tier.seats[:, 0]) if s}}
    for entry, won, district in zip(document["districts"], placed, tally.pr_districts):
        entry["adjustment_seats"] = won
        entry["official_adjustment"] = district.official_adjustment


def _qualified(outcome: TallyOutcome) -> list[str]:
    """The lists that met the adjustment tier's threshold."""
    passed = outcome.seats.tiers[ADJUSTMENT].passed
    return [] if passed is None else [name for name, q in zip(outcome.tally.lists, passed[:, 0])
                                      if q]
