"""``python -m bench [SECTION...]``: print the benchmark figures."""

from __future__ import annotations

import sys

from bench import (
    allocation,
    batch,
    campaign,
    district_house,
    districts,
    engine,
    inference,
    stations,
)

SECTIONS = {"allocate": allocation.run, "engine": engine.run, "campaign": campaign.run,
            "batch": batch.run, "districts": districts.run, "district-house": district_house.run,
            "district-model": district_house.run_model,
            "infer": inference.run, "stations": stations.run}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:  # --help included: say what there is, in one line each
        print(f"usage: python -m bench [SECTION ...]; sections: {', '.join(SECTIONS)}",
              file=sys.stderr)
        return 0 if unknown in (["--help"], ["-h"]) else 2
    for name in argv or list(SECTIONS):
        for line in SECTIONS[name]():
            print(line, flush=True)
    return 0


sys.exit(main(sys.argv[1:]))
