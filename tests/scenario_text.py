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


def scenario_priors(scenario):
    """Each source's prior and the normalised source weights of a loaded scenario."""
    from sim.polls.priors import source_priors, source_weights

    return (source_priors(scenario.sources, scenario.polls, scenario.model, scenario.options),
            source_weights(scenario.sources))
