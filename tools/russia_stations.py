"""Write the Russian station data and the heterogeneity fragment measured on it.

    python tools/russia_stations.py data SOURCE.csv.gz   # scenarios/data/russia/...csv.gz
    python tools/russia_stations.py heterogeneity        # scenarios/calibration/stations-...

SOURCE is the table of every precinct commission (UIK) of the 2021 State Duma party-list
ballot described in scenarios/data/russia/README.md (the CEC's protocols as collected by
Sergey Shpilkin, from github.com/dkobak/elections, data/2021.csv.zip, columns renamed to
English ids). The data command uses the standard library only. It keeps the columns
that `elsim stations` and the fingerprints read: region, registered, issued (issued early
+ inside + outside: Kobak et al.'s turnout numerator), invalid, and the votes of the 14
lists; it checks each protocol's
arithmetic (the list votes add up to the valid ballots; ballots and issued ballots within
the registered voters) and writes a gzip with no time stamp, so the same source gives the
same bytes.

The heterogeneity command (elsim installed) measures the station spread on the shipped file
with sim.stations.sizing (its docstring has the method) and writes
scenarios/calibration/stations-heterogeneity.toml, the clean model of `elsim stations`.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scenarios" / "data" / "russia" / "duma-2021-stations.csv.gz"
FRAGMENT = ROOT / "scenarios" / "calibration" / "stations-heterogeneity.toml"
SEED = 2021
LISTS = ["cprf", "greens", "ldpr", "new-people", "united-russia", "sr-zp", "yabloko",
         "growth", "rpss", "communists-of-russia", "civic-platform", "green-alternative",
         "rodina", "pensioners"]
ISSUED = ["issued_early", "issued_inside", "issued_outside"]


def main(source: str) -> None:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["region", "registered", "issued", "invalid", *LISTS])
    for number, row in enumerate(rows, start=2):
        registered, invalid, valid = (int(row[k]) for k in ("registered", "invalid", "valid"))
        issued = sum(int(row[k]) for k in ISSUED)
        votes = [int(row[k]) for k in LISTS]
        if sum(votes) != valid or valid + invalid > registered or issued > registered:
            sys.exit(f"{source}: line {number}: the protocol does not add up")
        writer.writerow([row["region"], registered, issued, invalid, *votes])
    OUT.write_bytes(gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} stations")


def heterogeneity() -> None:
    import numpy as np

    from sim.stations.published import read_published
    from sim.stations.sizing import size_heterogeneity

    sizing = size_heterogeneity(read_published(OUT), rng=np.random.default_rng(SEED))
    w, b, t = sizing.within, sizing.between, sizing.total
    FRAGMENT.write_text(f"""\
# The station heterogeneity of the clean model of `elsim stations` (its default --model),
# measured on the Russian State Duma 2021 stations (data/russia/README.md) by
#   python tools/russia_stations.py heterogeneity   (in the elsim repository; not shipped)
# with sim/stations/sizing.py: on the clean core ({len(sizing.core)} of {sizing.regions} regions: no
# integer-percentage excess beyond 2 sd, under 5% of stations with turnout and United
# Russia's share both >= 80%), robust (MAD) sds of the stations' logit turnout and logit
# leader's share and their robust (Gnanadesikan-Kettenring) correlation:
#   within regions:  turnout {w.turnout_sd:.3f}, support {w.share_sd:.3f}, corr. {w.correlation:.3f}
#   between regions: turnout {b.turnout_sd:.3f}, support {b.share_sd:.3f}, corr. {b.correlation:.3f}
# [stations.heterogeneity] is their total (independent parts: sds add in squares), for a
# frame without regions; `elsim stations` on a file with regions uses [regions] instead:
# stations vary by `within` around their region, regions by `between` (fresh in each
# draw). Even the core keeps some manipulation (its correlation is high), so this clean
# model is generous to the data: a fingerprint beyond its range is unusual for a clean
# election at least this heterogeneous. docs/fingerprints.md.
[stations.heterogeneity]
turnout_sd = {t.turnout_sd:.3f}
support_sd = {t.share_sd:.3f}
correlation = {t.correlation:.3f}

[regions.between]
turnout_sd = {b.turnout_sd:.3f}
support_sd = {b.share_sd:.3f}
correlation = {b.correlation:.3f}

[regions.within]
turnout_sd = {w.turnout_sd:.3f}
support_sd = {w.share_sd:.3f}
correlation = {w.correlation:.3f}
""")
    print(f"{FRAGMENT.relative_to(ROOT)}: total {t}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["data"] and len(sys.argv) == 3:
        main(sys.argv[2])
    elif sys.argv[1:] == ["heterogeneity"]:
        heterogeneity()
    else:
        sys.exit(__doc__)
