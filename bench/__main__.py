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


def main(argv: list[str]) -> None:
    for name in argv or list(SECTIONS):
        for line in SECTIONS[name]():
            print(line, flush=True)


main(sys.argv[1:])
