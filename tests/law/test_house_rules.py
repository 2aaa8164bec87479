"""The House's rules against a slow exact reference (issue 21), on random small counts.

The reference below is written apart from :mod:`sim.law`: plain Python, one count (one draw)
at a time, :class:`fractions.Fraction` for every comparison, divisor seats handed out one by
one. It reads the settings of an :class:`ElectoralSystem` and nothing else of the code.

The House is given several draws at once (and, for districts, several districts), so that
its vectorisation over draws and districts is what is compared. The general properties
compare only the draws whose reference allocation has no tie at a decisive seat;
``test_a_decisive_tie_goes_by_the_tie_break_rule`` compares the ties themselves, on tiny
counts, under both ``tie_break`` rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.law.alliances import Alliance
from sim.law.parliament import House
from sim.law.system import Compensation, ElectoralSystem
from sim.law.tally import load_tally
from sim.law.thresholds import ListRules
from sim.law.tiers import Count, MultiMemberTier, NationalTier, SingleMemberTier

# --- the reference: one count ------------------------------------------------------------

DIVISORS = {"dhondt": lambda s: s + 1, "sainte-lague": lambda s: 2 * s + 1}
METHOD_NAMES = ("dhondt", "sainte-lague", "hare")


def ref_method(votes: list[int], seats: int, method: str,
               tie_break: str = "order") -> tuple[list[int], bool]:
    """Seats per list, and whether a tie decided one: it goes to the earlier list, or under
    ``tie_break = "votes"`` to the list with more votes, then the earlier one."""
    n = len(votes)
    ahead = (lambda i: (-votes[i], i)) if tie_break == "votes" else (lambda i: i)
    if seats == 0 or sum(votes) == 0:
        return [0] * n, False
    if method == "hare":
        quota = Fraction(sum(votes), seats)
        whole = [floor(Fraction(v) / quota) for v in votes]
        remainder = [Fraction(v) / quota - w for v, w in zip(votes, whole)]
        leftover = seats - sum(whole)
        order = sorted((i for i in range(n) if votes[i] > 0),
                       key=lambda i: (-remainder[i], ahead(i)))
        for i in order[:leftover]:
            whole[i] += 1
        tie = 0 < leftover < len(order) and \
            remainder[order[leftover - 1]] == remainder[order[leftover]]
        return whole, tie
    divisor = DIVISORS[method]
    won, tie = [0] * n, False
    for left in range(seats, 0, -1):
        quotients = [Fraction(v, divisor(won[i])) for i, v in enumerate(votes)]
        best = max(quotients)
        tied = [i for i, q in enumerate(quotients) if q == best]
        tie |= len(tied) > left  # more lists at this quotient than seats left for them
        won[min(tied, key=ahead)] += 1
    return won, tie


@dataclass(frozen=True)
class RefLaw:
    """What the reference needs to know of the lists, in the lists' order."""

    system: ElectoralSystem
    kinds: tuple[str | None, ...]
    exempt: tuple[bool, ...]
    aggregate: tuple[bool, ...]
    alliances: tuple[Alliance, ...] = ()

    def pools(self, pool: str) -> list[list[int]]:
        return [sorted(a.members) for a in self.alliances if pool in a.pools]


def ref_base(list_votes: int, system: ElectoralSystem, *, blank: int = 0, against_all: int = 0,
             invalid: int = 0) -> int:
    """The threshold base: "lists", "valid" adds blank and against-all, "ballots" invalid."""
    base = list_votes
    if system.threshold_base in ("valid", "ballots"):
        base += blank + against_all
    if system.threshold_base == "ballots":
        base += invalid
    return base


def ref_passes(votes: list[int], base: int, law: RefLaw, *, won: list[int] | None = None,
               regions: list[tuple[list[int], int]] | None = None) -> list[bool]:
    """Who passes: (alliance) votes against the list's threshold, every region's share,
    then exemption, then districts won; aggregates never."""
    system = law.system
    passes = []
    for i, own in enumerate(votes):
        counted = next((sum(votes[m] for m in pool) for pool in law.pools("threshold")
                        if i in pool), own)
        needed = system.thresholds_by_kind.get(law.kinds[i], system.threshold_fraction) \
            if law.kinds[i] is not None else system.threshold_fraction
        ok = counted >= needed * base
        if system.regional_threshold is not None and regions is not None:
            ok = ok and all(region[i] >= system.regional_threshold * region_base
                            for region, region_base in regions)
        if law.exempt[i]:
            ok = own > 0
        if system.threshold_or_districts is not None and won is not None:
            ok = ok or won[i] >= system.threshold_or_districts
        passes.append(ok and not law.aggregate[i])
    return passes


def ref_apportion(votes: list[int], passed: list[bool], seats: int,
                  law: RefLaw) -> tuple[list[int], bool]:
    """Seats of the passing lists; an allocation alliance's passing members are one unit
    (ordered by its earliest list), whose seats are then split between them by the method."""
    method, tie_break = law.system.method, law.system.tie_break
    pooled = law.pools("allocation")
    units = pooled + [[i] for i in range(len(votes)) if not any(i in p for p in pooled)]
    units.sort(key=min)
    unit_votes = [sum(votes[i] for i in unit if passed[i]) for unit in units]
    unit_seats, tie = ref_method(unit_votes, seats, method, tie_break)
    result = [0] * len(votes)
    for unit, won in zip(units, unit_seats):
        members = [i for i in unit if passed[i]]
        split, split_tie = ref_method([votes[i] for i in members], won, method, tie_break)
        tie |= split_tie
        for i, s in zip(members, split):
            result[i] = s
    return result, tie


def ref_national(votes, law, *, blank=0, against_all=0, invalid=0, regions=None):
    base = ref_base(sum(votes), law.system, blank=blank, against_all=against_all,
                    invalid=invalid)
    passed = ref_passes(votes, base, law, regions=regions)
    return ref_apportion(votes, passed, law.system.seats, law)


def ref_multi_member(districts, magnitudes, law, blank, invalid, *, regions=None):
    """``districts[d]`` the votes per list of district ``d``; seats per list and district.
    ``regions`` as :func:`ref_passes` takes them, for a national threshold."""
    system = law.system
    if system.threshold_scope == "national":
        national = [sum(column) for column in zip(*districts)]
        base = ref_base(sum(national), system, blank=sum(blank), invalid=sum(invalid))
        everywhere = ref_passes(national, base, law, regions=regions)
    seats, tie = [], False
    for d, votes in enumerate(districts):
        if system.threshold_scope == "national":
            passed = everywhere
        else:
            passed = ref_passes(votes, ref_base(sum(votes), system, blank=blank[d],
                                                invalid=invalid[d]), law)
        won, district_tie = ref_apportion(votes, passed, magnitudes[d], law)
        seats.append(won)
        tie |= district_tie
    return seats, tie


def ref_plurality(candidates: list[int]) -> int:
    """The winner's row; a tie to the earlier candidate."""
    return candidates.index(max(candidates))


def ref_mixed_member(votes, won, independents, law, *, blank=0, invalid=0):
    """List seats compensating the districts ``won``; returns the whole house per list,
    the seats the house grew by, and whether a tie decided a seat."""
    system = law.system
    base = ref_base(sum(votes), system, blank=blank, invalid=invalid)
    passed = ref_passes(votes, base, law, won=won)
    # A list without list votes has no share to top up: its districts count as an
    # independent's.
    topped = [p and v > 0 for p, v in zip(passed, votes)]
    outside = independents + sum(w for w, t in zip(won, topped) if not t)
    shared = system.seats + sum(won) + independents - outside
    total = shared
    entitled, tie = ref_apportion(votes, passed, total, law)
    if system.compensation.overhang == "levelled":
        while any(t and e < w for t, e, w in zip(topped, entitled, won)):
            total += 1
            entitled, grown_tie = ref_apportion(votes, passed, total, law)
            tie |= grown_tie
        grown = total - shared
    else:
        grown = sum(max(w - e, 0) for t, e, w in zip(topped, entitled, won) if t)
    list_seats = [max(e - w, 0) if p else 0 for p, e, w in zip(passed, entitled, won)]
    return [s + w for s, w in zip(list_seats, won)], grown, tie


# --- strategies ------------------------------------------------------------------------------

THRESHOLDS = (Fraction(0), Fraction(3, 100), Fraction(5, 100), Fraction(1, 7), Fraction(1, 4))


def counts(data, shape, high=400) -> np.ndarray:
    """Integers in ``[0, high]``; the rows (lists) of several sizes, so that thresholds and
    alliances decide often."""
    size, rows = int(np.prod(shape[1:])), []
    for _ in range(shape[0]):
        top = data.draw(st.sampled_from((high // 20, high // 4, high)))
        rows.append(data.draw(st.lists(st.integers(0, top), min_size=size, max_size=size)))
    return np.array(rows, dtype=np.int64).reshape(shape)


def draw_system(data, seats: int, **rules) -> ElectoralSystem:
    return ElectoralSystem(
        seats=seats, method=data.draw(st.sampled_from(METHOD_NAMES)),
        threshold=data.draw(st.sampled_from(THRESHOLDS)),
        threshold_base=data.draw(st.sampled_from(("valid", "lists", "ballots"))), **rules)


def draw_alliances(data, candidates: list[int]) -> tuple[Alliance, ...]:
    """Disjoint pairs and triples of ``candidates``, members written in any order."""
    rows = data.draw(st.permutations(candidates))
    alliances, start = [], 0
    wanted = data.draw(st.sampled_from((0, 1, 1, 2)))
    while start + 2 <= len(rows) and len(alliances) < wanted:
        size = data.draw(st.integers(2, min(3, len(rows) - start)))
        pools = data.draw(st.sampled_from((("threshold",), ("allocation",),
                                           ("threshold", "allocation"))))
        alliances.append(Alliance(f"a{start}", tuple(rows[start:start + size]), pools))
        start += size
    return tuple(alliances)


def draw_lists(data, n_lists, *, aggregates=False):
    kinds = tuple(data.draw(st.lists(st.sampled_from((None, None, "coalition")),
                                     min_size=n_lists, max_size=n_lists)))
    exempt = tuple(data.draw(st.lists(st.sampled_from((False, False, False, True)),
                                      min_size=n_lists, max_size=n_lists)))
    aggregate = (False,) * n_lists
    if aggregates:
        aggregate = tuple(data.draw(st.lists(st.booleans(), min_size=n_lists,
                                             max_size=n_lists).filter(lambda f: not all(f))))
    return kinds, exempt, aggregate


def law_of(system, kinds, exempt, aggregate, alliances) -> tuple[RefLaw, ListRules]:
    return (RefLaw(system, kinds, exempt, aggregate, alliances),
            ListRules(kinds, exempt, aggregate))


def compared(reference_per_draw) -> list[int]:
    """The draws whose reference has no decisive tie (the others are left out)."""
    return [b for b, (_seats, tie) in enumerate(reference_per_draw) if not tie]


# --- properties ------------------------------------------------------------------------------


@settings(deadline=None, max_examples=80)
@given(st.data())
def test_national_tier_thresholds_and_alliances_match_the_reference(data):
    n_lists, n = data.draw(st.integers(2, 6)), data.draw(st.integers(2, 4))
    by_kind = data.draw(st.sampled_from(({}, {"coalition": Fraction(8, 100)})))
    regional = data.draw(st.sampled_from((None, Fraction(1, 200), Fraction(1, 20))))
    system = draw_system(data, data.draw(st.integers(1, 12)), thresholds_by_kind=by_kind,
                         regional_threshold=regional)
    kinds, exempt, aggregate = draw_lists(data, n_lists, aggregates=True)
    alliances = draw_alliances(data, [i for i in range(n_lists) if not aggregate[i]])
    law, rules = law_of(system, kinds, exempt, aggregate, alliances)
    n_regions = data.draw(st.integers(1, 3)) if regional is not None else 1
    region_votes = counts(data, (n_lists, n_regions, n))
    votes = region_votes.sum(axis=1)
    blank, against_all, invalid = (counts(data, (n,), 300) for _ in range(3))
    assume(all(np.where(aggregate, 0, votes[:, b]).sum() > 0 for b in range(n)))
    region_base = region_votes.sum(axis=0)
    count = Count(votes, against_all=against_all, blank=blank, invalid=invalid,
                  regions=region_votes if regional is not None else None,
                  region_base=region_base if regional is not None else None)
    house = House(tuple(f"l{i}" for i in range(n_lists)), (NationalTier(system, rules,
                                                                         alliances),))
    seats = house.allocate(count, details=data.draw(st.booleans())).seats
    reference = [ref_national(
        votes[:, b].tolist(), law, blank=int(blank[b]), against_all=int(against_all[b]),
        invalid=int(invalid[b]),
        regions=[(region_votes[:, r, b].tolist(), int(region_base[r, b]))
                 for r in range(n_regions)] if regional is not None else None)
        for b in range(n)]
    for b in compared(reference):
        assert seats[:, b].tolist() == reference[b][0], f"draw {b}"


@settings(deadline=None, max_examples=80)
@given(st.data())
def test_multi_member_districts_match_the_reference(data):
    n_lists, n_districts = data.draw(st.integers(2, 5)), data.draw(st.integers(1, 4))
    n = data.draw(st.integers(2, 3))
    magnitudes = tuple(data.draw(st.lists(st.integers(1, 7), min_size=n_districts,
                                          max_size=n_districts)))
    by_kind = data.draw(st.sampled_from(({}, {"coalition": Fraction(8, 100)})))
    scope = data.draw(st.sampled_from(("national", "district")))
    # A national threshold may also ask for a share in every region: here, every district.
    regional = data.draw(st.sampled_from((None, Fraction(1, 20)))) if scope == "national" \
        else None
    system = draw_system(data, sum(magnitudes), thresholds_by_kind=by_kind,
                         threshold_scope=scope, regional_threshold=regional)
    kinds, exempt, aggregate = draw_lists(data, n_lists, aggregates=True)
    alliances = draw_alliances(data, [i for i in range(n_lists) if not aggregate[i]])
    law, rules = law_of(system, kinds, exempt, aggregate, alliances)
    votes = counts(data, (n_lists, n_districts, n))
    blank, invalid = counts(data, (n_districts, n), 300), counts(data, (n_districts, n), 300)
    assume(votes.sum(axis=0).all())
    count = Count(votes.sum(axis=1), districts=votes, district_blank=blank,
                  district_invalid=invalid, regions=votes, region_base=votes.sum(axis=0))
    tier = MultiMemberTier(system, magnitudes, tuple(f"d{d}" for d in range(n_districts)),
                           rules, alliances)
    result = House(tuple(f"l{i}" for i in range(n_lists)), (tier,)).allocate(count,
                                                                             details=True)
    by_district = result.tiers["district"].detail["districts"]
    reference = [ref_multi_member(votes[:, :, b].T.tolist(), magnitudes, law,
                                  blank[:, b].tolist(), invalid[:, b].tolist(),
                                  regions=[(votes[:, d, b].tolist(), int(votes[:, d, b].sum()))
                                           for d in range(n_districts)])
                 for b in range(n)]
    for b in compared(reference):
        assert by_district[:, :, b].T.tolist() == reference[b][0], f"draw {b}"
        assert result.seats[:, b].tolist() == np.sum(reference[b][0], axis=0).tolist()


@settings(deadline=None, max_examples=80)
@given(st.data())
def test_mixed_member_compensation_matches_the_reference(data):
    n_lists, n_seats = data.draw(st.integers(2, 5)), data.draw(st.integers(1, 4))
    n = data.draw(st.integers(2, 3))
    overhang = data.draw(st.sampled_from(("kept", "levelled")))
    system = draw_system(data, data.draw(st.integers(1, 10)),
                         threshold_or_districts=data.draw(st.sampled_from((None, 1, 2))),
                         compensation=Compensation(overhang=overhang))
    law, rules = law_of(system, (None,) * n_lists, (False,) * n_lists, (False,) * n_lists, ())
    # No list or at least 100 votes: levelling a list of v votes to w districts grows the
    # house to about w * total / v seats, which the reference's seat-by-seat pass must redo.
    votes = np.array(data.draw(st.lists(st.one_of(st.just(0), st.integers(100, 400)),
                                        min_size=n_lists * n, max_size=n_lists * n)),
                     dtype=np.int64).reshape(n_lists, n)
    # Candidates: the lists, then one independent row; a small list may win many districts.
    candidates = counts(data, (n_lists + 1, n_seats, n), 50)
    blank, invalid = counts(data, (n,), 300), counts(data, (n,), 300)
    assume(votes.sum(axis=0).all())
    house = House(tuple(f"l{i}" for i in range(n_lists)), (
        NationalTier(system, rules), SingleMemberTier(seats=n_seats, independents=True)))
    result = house.allocate(Count(votes, blank=blank, invalid=invalid, candidates=candidates),
                            details=data.draw(st.booleans()))
    reference = []
    for b in range(n):
        winners = [ref_plurality(candidates[:, s, b].tolist()) for s in range(n_seats)]
        won = [winners.count(i) for i in range(n_lists)]
        seats, grown, tie = ref_mixed_member(votes[:, b].tolist(), won,
                                             winners.count(n_lists), law,
                                             blank=int(blank[b]), invalid=int(invalid[b]))
        reference.append(((seats, grown, winners.count(n_lists)), tie))
    for b in compared(reference):
        seats, grown, independents = reference[b][0]
        assert result.seats[:, b].tolist() == seats, f"draw {b}"
        assert int(result.grown[b]) == grown and int(result.independents[b]) == independents


@settings(deadline=None, max_examples=80)
@given(st.data())
def test_a_decisive_tie_goes_by_the_tie_break_rule(data):
    """Tiny counts, so that equal quotients and remainders are frequent; every draw is
    compared, ties included: the earlier list (for an allocation alliance, the unit of the
    earlier list, then its earlier member) takes the seat, or under ``tie_break = "votes"``
    the list (unit) with more votes, then the earlier one."""
    n_lists, n_districts = data.draw(st.integers(2, 5)), data.draw(st.integers(1, 3))
    n = data.draw(st.integers(2, 4))
    magnitudes = tuple(data.draw(st.lists(st.integers(1, 5), min_size=n_districts,
                                          max_size=n_districts)))
    system = ElectoralSystem(seats=sum(magnitudes),
                             method=data.draw(st.sampled_from(METHOD_NAMES)),
                             tie_break=data.draw(st.sampled_from(("order", "votes"))))
    alliances = draw_alliances(data, list(range(n_lists)))
    law, rules = law_of(system, (None,) * n_lists, (False,) * n_lists, (False,) * n_lists,
                        alliances)
    votes = counts(data, (n_lists, n_districts, n), 6)
    assume(votes.sum(axis=0).all())
    zeros = np.zeros((n_districts, n), dtype=np.int64)
    tier = MultiMemberTier(system, magnitudes, tuple(f"d{d}" for d in range(n_districts)),
                           rules, alliances)
    result = House(tuple(f"l{i}" for i in range(n_lists)), (tier,)).allocate(
        Count(votes.sum(axis=1), districts=votes, district_blank=zeros,
              district_invalid=zeros), details=True)
    by_district = result.tiers["district"].detail["districts"]
    for b in range(n):
        expected, _tie = ref_multi_member(votes[:, :, b].T.tolist(), magnitudes, law,
                                          [0] * n_districts, [0] * n_districts)
        assert by_district[:, :, b].T.tolist() == expected, f"draw {b}"


# --- the bugs the properties found, as plain examples ------------------------------------------


def test_a_tie_inside_an_allocation_alliance_goes_to_the_earlier_list_not_the_first_written():
    """One seat, two lists of one vote in one agreement written ``members = [b, a]``: the
    agreement wins the seat and its split is a tie, which goes to ``a``, registered first."""
    system = ElectoralSystem(seats=1, method="dhondt")
    alliance = Alliance("agreement", (1, 0), ("allocation",))
    house = House(("a", "b"), (NationalTier(system, ListRules.plain(2), (alliance,)),))
    seats = house.allocate(Count(np.array([[1, 1], [1, 2]]))).seats
    assert seats.tolist() == [[1, 0], [0, 1]]


def mixed_member_house(overhang: str) -> House:
    system = ElectoralSystem(seats=5, method="dhondt", threshold=0.05, threshold_or_districts=1,
                             compensation=Compensation(overhang=overhang))
    return House(("a", "b"), (NationalTier(system, ListRules.plain(2)),
                              SingleMemberTier(seats=2, independents=True)))


def test_a_list_without_list_votes_keeps_its_districts_without_growing_the_house():
    """``b`` has no list votes and wins both districts (so it passes by districts won): it
    has no share to top up or level to, so its districts count as an independent's: ``a``
    shares the 5 other seats and the house keeps its 7 (it used to grow by 2 with the
    overhang kept, and never stop growing when levelled)."""
    candidates = np.zeros((3, 2, 1), dtype=np.int64)
    candidates[1] = 10
    for overhang in ("kept", "levelled"):
        result = mixed_member_house(overhang).allocate(
            Count(np.array([[100], [0]]), candidates=candidates))
        assert result.seats[:, 0].tolist() == [5, 2], overhang
        assert result.grown.tolist() == [0], overhang


def test_a_district_where_no_list_passes_is_empty_with_an_allocation_alliance_too():
    """Blank ballots keep both lists of an agreement below 5% in the second district: it
    elects no one (the allocation of the units used to refuse it as a count without
    votes)."""
    system = ElectoralSystem(seats=4, threshold=0.05, threshold_scope="district",
                             method="dhondt")
    alliance = Alliance("agreement", (0, 1), ("allocation",))
    tier = MultiMemberTier(system, (2, 2), ("passes", "blank"), ListRules.plain(2),
                           (alliance,))
    votes = np.array([[[60], [10]], [[40], [10]]])
    count = Count(votes.sum(axis=1), districts=votes, district_blank=np.array([[0], [1000]]),
                  district_invalid=np.zeros((2, 1), dtype=np.int64))
    result = House(("a", "b"), (tier,)).allocate(count, details=True)
    assert result.tiers["district"].detail["districts"][:, :, 0].tolist() == [[1, 0], [1, 0]]


def test_an_agreement_whose_passing_member_has_no_votes_takes_no_seat():
    """With no threshold b and c pass with no votes in the first draw, and a (a coalition
    short of its 8%) fails: no one with votes passed, so the seat stays empty (the units'
    votes used to be all zero, which the allocation refused); in the second draw c has
    votes and takes it."""
    system = ElectoralSystem(seats=1, method="dhondt",
                             thresholds_by_kind={"coalition": Fraction(8, 100)})
    rules = ListRules(("coalition", None, None), (False,) * 3, (False,) * 3)
    alliance = Alliance("agreement", (0, 1), ("allocation",))
    house = House(("a", "b", "c"), (NationalTier(system, rules, (alliance,)),))
    seats = house.allocate(Count(np.array([[1, 1], [0, 0], [0, 5]]),
                                 blank=np.array([20, 20]))).seats
    assert seats.tolist() == [[0, 0], [0, 0], [0, 1]]


# --- the invented tallies, worked by hand in their comments, against the reference ---------

INVENTED = sorted((Path(__file__).parents[2] / "scenarios" / "history").glob("invented-*.toml"))


@pytest.mark.parametrize("path", INVENTED, ids=lambda path: path.stem)
def test_an_invented_tally_s_official_seats_are_the_reference_s(path):
    tally = load_tally(path)
    entries = tally.entries
    law = RefLaw(tally.system, tuple(e.kind for e in entries),
                 tuple(e.threshold_exempt for e in entries),
                 tuple(e.aggregate for e in entries), tally.alliances)
    if tally.pr_districts:
        by_district, tie = ref_multi_member([d.votes.tolist() for d in tally.pr_districts],
                                            [d.seats for d in tally.pr_districts], law,
                                            [d.blank for d in tally.pr_districts],
                                            [d.invalid for d in tally.pr_districts])
        for district, seats in zip(tally.pr_districts, by_district):
            assert dict(zip(tally.lists, seats)) == {
                name: district.official.get(name, 0) for name in tally.lists}, district.name
    elif tally.districts:
        official = [tally.official[name] for name in tally.lists]
        winners = [tally.lists.index(d.official) for d in tally.districts]
        won = [winners.count(i) for i in range(len(tally.lists))]
        seats, _grown, tie = ref_mixed_member(tally.votes.tolist(), won, 0, law)
        assert seats == [o + w for o, w in zip(official, won)]
    else:
        regions = [(votes.tolist(), int(votes.sum())) for _name, votes in tally.regions]
        seats, tie = ref_national(tally.votes.tolist(), law, regions=regions or None)
        assert seats == [tally.official[name] for name in tally.lists]
    assert tie == (path.stem == "invented-tie")
