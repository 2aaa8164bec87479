"""The station level of a result (``summary.stations``) in words, for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from sim.output.records import QuickCount, ShareStats, Stations

WIDTH = 92  # as the assumption lines (sim.output.text)


def _points(stats: ShareStats) -> str:
    return f"{100 * stats.mean:.1f}% ({100 * stats.q05:.1f}-{100 * stats.q95:.1f})"


def _won(label: str, won: Mapping[str, ShareStats], names: dict[str, str]) -> str:
    """Each option's share of the stations it won, leaving out those that win none."""
    return f"{label}: " + ", ".join(f"{names.get(key, key)} {_points(value)}"
                                    for key, value in won.items()
                                    if value.q95 > 0.001 or value.mean > 0.001) + "."


def _percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def _quick_count_lines(quick: QuickCount, who: str, names: dict[str, str]) -> list[str]:
    """The quick count's estimate and coverage, its detection, the stations it saw won."""
    needed = "" if quick.size_needed is None else \
        f"; a simple random sample needs about {quick.size_needed:,.0f} for power 0.8"
    estimate = (f"Quick count ({quick.design}, {quick.size:,} of "
                f"{quick.scope_stations:,} stations): {who} {_points(quick.estimate)}, "
                f"official minus estimate {_points(quick.gap)}; the 95% interval covers "
                f"the copies' share in {_percent(quick.coverage)} of draws.")
    detected = (f"Detected at risk {quick.risk:g}: from the copies "
                f"{_percent(quick.p_detect_share)} of draws, from the observers' turnout "
                f"{_percent(quick.p_detect_turnout)}, either (each at half the risk) "
                f"{_percent(quick.p_detect)}{needed}.")
    return [estimate, detected, _won("Observed stations won", quick.observed_won, names)]


def station_lines(stations: Stations, names: dict[str, str], width: int | None = WIDTH
                  ) -> list[str]:
    """What the stations' protocols and the observers' quick count would show: the
    beneficiary's shares, the stations each list wins, the quick count's estimate, coverage
    and detection, the fingerprints (means and 90% intervals over draws); one sentence a
    line, wrapped to ``width`` for the terminal (None: unwrapped, for the report)."""
    who = names.get(stations.beneficiary, stations.beneficiary)
    share = stations.share
    unplaced = stations.unplaced.mean
    spill = "" if unplaced <= 0 else \
        f" ({_percent(unplaced, 2)} of the votes found no station with room: tabulated)"
    lines = [f"Stations: {who} official {_points(share.official)}, genuine "
             f"{_points(share.genuine)}, in the protocols' copies "
             f"{_points(share.counted)}; stations manipulated (protocol not the truth) "
             f"{_points(stations.manipulated_stations)}{spill}.",
             _won("Stations won (protocols)", stations.stations_won, names)]
    if stations.quick_count is not None:
        lines += _quick_count_lines(stations.quick_count, who, names)
    prints = stations.fingerprints
    if prints is not None:
        clean, protocol = prints.clean, prints.protocol
        lines.append(
            f"Fingerprints ({prints.draws:,} draws), clean election / protocols: "
            f"integer-percent test flags {_percent(clean.p_integer_flag)} / "
            f"{_percent(protocol.p_integer_flag)}, last digits (against the clean draws' "
            f"quantile) {_percent(clean.p_digits_flag)} / "
            f"{_percent(protocol.p_digits_flag)}; "
            f"comet corner {_points(clean.corner)} / {_points(protocol.corner)}; "
            f"turnout-share correlation {clean.correlation.mean:.2f} / "
            f"{protocol.correlation.mean:.2f}.")
    if width is None:
        return lines
    return [wrapped for line in lines
            for wrapped in textwrap.wrap(line, width, subsequent_indent="  ")]
