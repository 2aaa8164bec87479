"""The station level of a result (``summary.stations``) in words, for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from sim.output.records import ShareStats, StationSummary

WIDTH = 92  # as the assumption lines (sim.output.text)


def _points(stats: ShareStats) -> str:
    return f"{100 * stats.mean:.1f}% ({100 * stats.q05:.1f}-{100 * stats.q95:.1f})"


def _won(label: str, won: Mapping[str, ShareStats], names: dict[str, str]) -> str:
    """Each option's share of the stations it won, leaving out those that win none."""
    return f"{label}: " + ", ".join(f"{names.get(key, key)} {_points(value)}"
                                    for key, value in won.items()
                                    if value.q95 > 0.001 or value.mean > 0.001) + "."


def station_lines(stations: StationSummary, names: dict[str, str], width: int | None = WIDTH
                  ) -> list[str]:
    """What the stations' protocols and the observers' quick count would show: the
    beneficiary's shares, the stations each list wins, the quick count's estimate, coverage
    and detection, the fingerprints (means and 90% intervals over draws); one sentence a
    line, wrapped to ``width`` for the terminal (None: unwrapped, for the report)."""
    who = names.get(stations.beneficiary, stations.beneficiary)
    share = stations.share
    lines = [f"Stations: {who} official {_points(share.official)}, genuine "
             f"{_points(share.genuine)}, in the protocols' copies "
             f"{_points(share.counted)}; manipulated stations "
             f"{_points(stations.manipulated_stations)}.",
             _won("Stations won (protocols)", stations.stations_won, names)]
    quick = stations.quick_count
    if quick:
        size_needed = quick.size_needed
        needed = "" if size_needed is None else \
            f"; a simple random sample needs about {size_needed:,.0f} for power 0.8"
        lines += [
            f"Quick count ({quick.design}, {quick.size:,} of "
            f"{quick.scope_stations:,} stations): {who} {_points(quick.estimate)}, "
            f"official minus estimate {_points(quick.gap)}; the 95% interval covers the "
            f"copies' share in {100 * quick.coverage:.1f}% of draws.",
            f"Detected at risk {quick.risk:g}: from the copies "
            f"{100 * quick.p_detect_share:.1f}% of draws, from the observers' turnout "
            f"{100 * quick.p_detect_turnout:.1f}%, either (each at half the risk) "
            f"{100 * quick.p_detect:.1f}%{needed}.",
            _won("Observed stations won", quick.observed_won, names)]
    prints = stations.fingerprints
    if prints:
        clean, protocol = prints.clean, prints.protocol
        lines.append(
            f"Fingerprints ({prints.draws:,} draws), clean election / protocols: "
            f"integer-percent test flags {100 * clean.p_integer_flag:.1f}% / "
            f"{100 * protocol.p_integer_flag:.1f}%, last digits "
            f"{100 * clean.p_digits_flag:.1f}% / {100 * protocol.p_digits_flag:.1f}%; "
            f"comet corner {_points(clean.corner)} / {_points(protocol.corner)}; "
            f"turnout-share correlation {clean.correlation.mean:.2f} / "
            f"{protocol.correlation.mean:.2f}.")
    if width is None:
        return lines
    return [wrapped for line in lines
            for wrapped in textwrap.wrap(line, width, subsequent_indent="  ")]
