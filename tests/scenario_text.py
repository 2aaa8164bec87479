"""A small valid scenario, as TOML text, for tests to write and bend."""

MINIMAL = """
title = "Test"

[system]
seats = 10
threshold = 0.05

[lists.a]
name = "A"
bloc = "gov"
[lists.b]
name = "B"
bloc = "opp"
[lists.c]
name = "C"
bloc = "opp"

[blocs.gov]
name = "Government"
[blocs.opp]
name = "Opposition"

[appointed.council]
seats = 2
bloc = "gov"

[majorities.majority]
fraction = "1/2"

[sources.poll]
name = "A pollster"

[[poll]]
source = "poll"
n = 1000
shares = { a = 0.5, b = 0.3, c = 0.2 }

[run]
draws = 1000
seed = 1
"""


# A huge poll with a at 90%: b (6%) and c (4%) stay under the 7% threshold, and the
# runner-up rule admits b in every draw.
RUNNER_UP = MINIMAL.replace("threshold = 0.05", "threshold = 0.07\nrunner_up = { factor = 0.7 }"
                            ).replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.9, b = 0.06, c = 0.04"
                                      ).replace("n = 1000", "n = 100000")


def two_sources(other_weight: float = 1.0) -> str:
    """MINIMAL with a second source whose poll puts list a at 20% rather than 50%."""
    return MINIMAL.replace('[[poll]]\nsource = "poll"', f"""[sources.other]
name = "Another pollster"
weight = {other_weight}

[[poll]]
source = "other"
n = 1000
shares = {{ a = 0.2, b = 0.4, c = 0.4 }}

[[poll]]
source = \"poll\"""")


def write_scenario(folder, text=MINIMAL, name="scenario.toml"):
    path = folder / name
    path.write_text(text)
    return path


def support_of(scenario):
    """The support model (sources' priors, house effects, pooling) of a loaded scenario."""
    from sim.polls.support import support_model

    return support_model(scenario)


# A campaign whose endorser e goes down ["c", "b"] (c withdraws first in about half the
# draws), with uncertain pool, fraction and reactions (c's never acts), and a boycott that
# draws e's pool afresh: every parameter a chain records.
ENDORSEMENT_CHAIN = """
[campaign]
start = 2020-12-15
[campaign.endorsers.e]
pool = { uniform = [0.02, 0.08] }
fraction = { uniform = [0.3, 0.9] }
from = "abstain"
targets = ["c", "b"]
[campaign.reactions.c]
withdraw = { uniform = [0.0, 0.0] }  # uncertain in form, never withdraws
delay = [2, 6]
[campaign.reactions.b]
withdraw = { uniform = [0.2, 0.4] }
delay = [1, 4]
[[campaign.event]]
kind = "withdraw"
date = 2020-12-17
list = "c"
probability = 0.5
[[campaign.event]]
kind = "endorse"
date = 2020-12-20
endorser = "e"
[[campaign.event]]
kind = "boycott"
date = 2020-12-22
endorser = "e"
stay_home = 0.5
"""
