"""Malformed scenario files made by mutating the shipped ones: one row per mutation.

Each row is ``(file, old, new, key)``: in a copy of ``scenarios/``, the text ``old`` of
``file`` is replaced by ``new`` (every occurrence), and running the scenario must give exit
code 2 with one line per problem naming the file and ``key`` (``""`` where the problem is
the file itself, not one key). A partial base (``_base.toml``) is run through the scenario
in :data:`RUN_THROUGH`.
"""

from pathlib import Path

from tests.scenario_text import MINIMAL

BASE = "kz-2021/_base.toml"
BASE_2023 = "kz-2023/_base.toml"
MIXTURE = "kz-2021/mixture.toml"
INFLATED = "kz-2021/barometer-inflated.toml"
SMART = "kz-2021/smart-vote.toml"
SWEEP = "kz-2021/barometer-weight.toml"
COLD = "kz-2021/cold-turnout.toml"
CALIBRATION = "calibration/kazakhstan.toml"
RUN_THROUGH = {BASE: MIXTURE, BASE_2023: "kz-2023/qogamdyq-pikir.toml", CALIBRATION: MIXTURE}
# The calibration's line as elsim calibrate writes it (the sds' posterior draws).
ELECTION_SD = next(line for line in (Path(__file__).parents[1] / "scenarios" / CALIBRATION)
                   .read_text().splitlines() if line.startswith("election_sd = "))

RUNNER_UP = "runner_up = { factor = 0.7, min_seats = 2 }"
NUR_OTAN = '[lists.nur-otan]\nname = "Nur Otan"'
BAROMETER = 'name = "Central Asian Barometer"'
FIRST_POLL = "n = 7000"
TURNOUT = "turnout = { normal = [0.447, 0.02] }"
INVALID = "invalid = { uniform = [0.03, 0.05] }"
REACTION = "withdraw = 0.7\ndelay = [2, 7]"
DRIFT = "drift_sd = 0.01"
POOL = "pool = { uniform = [0.02, 0.06] }"
EVENT = 'kind = "endorse"\ndate = 2020-12-20'
VALUES = "values = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]"

CASES = [
    # The file itself: not TOML, not UTF-8, binary.
    (BASE, "[system]", "[system", ""),
    (BASE, "# The five lists", "# The f\xe9ve lists", ""),  # written as Latin-1 below
    (MIXTURE, "extends", "\x00\x01binary", ""),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "/etc/passwd"', "extends"),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "../../../../../../etc/hostname"',
     "extends"),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "nowhere.toml"', "extends"),
    (MIXTURE, 'extends = "_base.toml"', "extends = 3", "extends"),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "mixture.toml"', "extends"),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "binary.bin"', ""),
    # [system]
    (BASE, "seats = 98", "seats = 0", "system.seats"),
    (BASE, "seats = 98", "seats = -5", "system.seats"),
    (BASE, "seats = 98", "seats = 9e22", "system.seats"),
    (BASE, "seats = 98", "seats = 90000000000000000000000", "system.seats"),
    (BASE, "seats = 98", "seats = 10001", "system.seats"),
    (BASE, "seats = 98", "seats = 98.5", "system.seats"),
    (BASE, "seats = 98", 'seats = "98"', "system.seats"),
    (BASE, "seats = 98", "seat = 98", "system.seat"),
    (BASE, "threshold = 0.07", "threshold = 1.0", "system.threshold"),
    (BASE, "threshold = 0.07", "threshold = -0.1", "system.threshold"),
    (BASE, "threshold = 0.07", "threshold = nan", "system.threshold"),
    (BASE, "threshold = 0.07", "threshold = inf", "system.threshold"),
    (BASE, "threshold = 0.07", 'threshold = "7%"', "system.threshold"),
    (BASE, "threshold = 0.07", "threshold = 0.0712345678901", "system.threshold"),
    (BASE, 'method = "hare"', 'method = "dhont"', "system.method"),
    (BASE, 'threshold_base = "valid"', 'threshold_base = "turnout"', "system.threshold_base"),
    (BASE, 'tie_break = "order"', 'tie_break = "random"', "system.tie_break"),
    (BASE, 'tie_break = "order"', 'tie_break = "order"\ncap = 0', "system.cap"),
    (BASE, 'tie_break = "order"', 'tie_break = "order"\ncap = 500', "system.cap"),
    (BASE, RUNNER_UP, "runner_up = { factor = 0, min_seats = 2 }", "system.runner_up.factor"),
    (BASE, RUNNER_UP, "runner_up = { factor = nan, min_seats = 2 }",
     "system.runner_up.factor"),
    (BASE, RUNNER_UP, "runner_up = { factor = 0.7001, min_seats = 2 }",
     "system.runner_up.factor"),
    (BASE, RUNNER_UP, "runner_up = { factor = 0.7, min_seats = -1 }",
     "system.runner_up.min_seats"),
    (BASE, RUNNER_UP, "runner_up = { factor = 0.7, min_seats = 1e21 }",
     "system.runner_up.min_seats"),
    (BASE, RUNNER_UP, "runner_up = 0.7", "system.runner_up"),
    # [lists], [blocs], [appointed], [majorities]
    (BASE, NUR_OTAN, '[lists.nur-otan]\nname = 5', "lists.nur-otan.name"),
    (BASE, '[lists.adal]', '[lists.undecided]', "lists.undecided"),
    (BASE, 'bloc = "ruling"\ncolor', 'bloc = "rulling"\ncolor', "lists.nur-otan.bloc"),
    (BASE, 'color = "#1f77b4"', 'color = "notacolour"', "lists.nur-otan.color"),
    (BASE, 'color = "#1f77b4"', "color = 5", "lists.nur-otan.color"),
    (BASE, 'color = "#1f77b4"', 'colour = "#1f77b4"', "lists.nur-otan.colour"),
    (BASE, '[blocs.ruling]\nname = "Nur Otan + Assembly"', "[blocs.ruling]\nname = 7",
     "blocs.ruling.name"),
    (BASE, "seats = 9\n", "seats = 9e21\n", "appointed.assembly.seats"),
    (BASE, "seats = 9\n", "seats = 9000000000000000000000\n", "appointed.assembly.seats"),
    (BASE, "seats = 9\n", "seats = 0\n", "appointed.assembly.seats"),
    (BASE, "seats = 9\n", "seats = 10001\n", "appointed.assembly.seats"),
    (BASE, 'fraction = "1/2"', 'fraction = "3/2"', "majorities.majority.fraction"),
    (BASE, 'fraction = "1/2"', 'fraction = "1/0"', "majorities.majority.fraction"),
    (BASE, 'fraction = "1/2"', 'fraction = "half"', "majorities.majority.fraction"),
    (BASE, 'fraction = "1/2"', "fraction = nan", "majorities.majority.fraction"),
    (BASE, 'fraction = "1/2"', "fraction = inf", "majorities.majority.fraction"),
    (BASE, 'rule = "more-than"', 'rule = "most"', "majorities.majority.rule"),
    # [sources]
    (MIXTURE, "weight = 0.5", "weight = 1e308", "sources.official.weight"),
    (MIXTURE, "weight = 0.5", "weight = inf", "sources.official.weight"),
    (MIXTURE, "weight = 0.5", "weight = nan", "sources.official.weight"),
    (MIXTURE, "weight = 0.5", "weight = -1", "sources.official.weight"),
    (MIXTURE, "weight = 0.5", "weight = 0", "sources"),
    (MIXTURE, "weight = 0.5", 'weight = "heavy"', "sources.official.weight"),
    (BASE, "ak-zhol = 0.1002", "ak-zhol = 1.5", "sources.official.fill.ak-zhol"),
    (BASE, "ak-zhol = 0.1002", "ak-zhol = -0.1", "sources.official.fill.ak-zhol"),
    (BASE, "ak-zhol = 0.1002", "ak-zhol = inf", "sources.official.fill.ak-zhol"),
    (BASE, "adal = 0.0040 }", "adal = 0.0040, nobody = 0.1 }", "sources.official.fill.nobody"),
    (BASE, BAROMETER, f"{BAROMETER}\nhalf_life_days = 0", "sources.barometer.half_life_days"),
    (BASE, BAROMETER, f"{BAROMETER}\nhalf_life_days = inf",
     "sources.barometer.half_life_days"),
    (BASE, BAROMETER, f"{BAROMETER}\nhalf_life_days = 1e300",
     "sources.barometer.half_life_days"),
    (BASE, BAROMETER, f"{BAROMETER}\nhouse_effects = {{ nur-otan = inf }}",
     "sources.barometer.house_effects.nur-otan"),
    (BASE, BAROMETER, f"{BAROMETER}\nhouse_effects = {{ nur-otan = 1e300 }}",
     "sources.barometer.house_effects.nur-otan"),
    (BASE, BAROMETER, f"{BAROMETER}\nhouse_effects = {{ nobody = 1 }}",
     "sources.barometer.house_effects.nobody"),
    (BASE, 'name = "Government-linked polls"', 'nmae = "Government-linked polls"',
     "sources.official.nmae"),
    # [[poll]]
    (BASE, FIRST_POLL, "n = 0", "poll[0].n"),
    (BASE, FIRST_POLL, "n = 7000.5", "poll[0].n"),
    (BASE, FIRST_POLL, "n = 1e30", "poll[0].n"),
    (BASE, FIRST_POLL, "n = 100000000000000000000", "poll[0].n"),
    (BASE, FIRST_POLL, "n = -7000", "poll[0].n"),
    (BASE, "design_effect = 2.0", "design_effect = inf", "poll[1].design_effect"),
    (BASE, "design_effect = 2.0", "design_effect = nan", "poll[1].design_effect"),
    (BASE, "design_effect = 2.0", "design_effect = 0.5", "poll[1].design_effect"),
    (BASE, "design_effect = 2.0", "design_effect = 1e300", "poll[1].design_effect"),
    (BASE, "nur-otan = 0.768", "nur-otan = 1.768", "poll[0].shares.nur-otan"),
    (BASE, "nur-otan = 0.768", "nur-otan = -0.1", "poll[0].shares.nur-otan"),
    (BASE, "nur-otan = 0.768", "nur-otan = nan", "poll[0].shares.nur-otan"),
    (BASE, "nur-otan = 0.768", "nobody = 0.5", "poll[0].shares.nobody"),
    (BASE, "nur-otan = 0.30", "nur-otan = 0.90", "poll[2].shares"),
    (BASE, 'fieldwork = "2020-10-19"', 'fieldwork = "2021-02-01"', "poll[0].fieldwork"),
    (BASE, 'fieldwork = "2020-10-19"', 'fieldwork = "yesterday"', "poll[0].fieldwork"),
    (BASE, 'fieldwork = "2020-10-19"', "fieldwork = 2021-02-01T10:00:00", "poll[0].fieldwork"),
    (BASE, 'fieldwork = "2020-10-19"', "fieldwork = 2020-13-45", ""),
    (BASE, 'source = "official"\npollster = "Institute',
     'source = "oficial"\npollster = "Institute', "poll[0].source"),
    (BASE, 'pollster = "Institute of Public Policy"', 'polster = "Institute of Public Policy"',
     "poll[0].polster"),
    # [model]
    (CALIBRATION, ELECTION_SD, "election_sd = -0.1", "model.error.election_sd"),
    (CALIBRATION, ELECTION_SD, "election_sd = inf", "model.error.election_sd"),
    (CALIBRATION, ELECTION_SD, "election_sd = { triangular = [0.3, 0.2, nan] }",
     "model.error.election_sd"),
    (CALIBRATION, ELECTION_SD, "election_sd = []", "model.error.election_sd"),
    (CALIBRATION, ELECTION_SD, "election_sd = [0.2, -0.1]", "model.error.election_sd"),
    (CALIBRATION, ELECTION_SD, 'election_sd = [0.2, "wide"]', "model.error.election_sd"),
    (BASE, 'combine = "mixture"', 'combine = "average"', "model.combine"),
    (BASE, 'combine = "mixture"', 'combine = "mixture"\nflat_prior = inf', "model.flat_prior"),
    (BASE, 'combine = "mixture"', 'combine = "mixture"\nflat_prior = -1', "model.flat_prior"),
    (BASE, 'combine = "mixture"', 'combine = "mixture"\nflat_prior = 1e300',
     "model.flat_prior"),
    (BASE, 'undecided = "proportional"', 'undecided = "ignore"', "model.undecided"),
    (BASE, 'undecided = "proportional"', "undecided = { nur-otan = 0.8, ak-zhol = 0.5 }",
     "model.undecided"),
    (BASE, "election_date = 2021-01-10", 'election_date = "2021-01-10"', "model.election_date"),
    (BASE, "election_date = 2021-01-10", "election_date = 2020-01-10", "poll[0].fieldwork"),
    (BASE, "election_date = 2021-01-10", "election_date = 2021-01-10T08:00:00",
     "model.election_date"),
    # [run]
    (BASE, "draws = 200000", "draws = 0", "run.draws"),
    (BASE, "draws = 200000", "draws = 1000000000000", "run.draws"),
    (BASE, "draws = 200000", "draws = 2e5", "run.draws"),
    (BASE, "seed = 20210110", "seed = -1", "run.seed"),
    (BASE, "seed = 20210110", 'seed = "x"', "run.seed"),
    (BASE, "seed = 20210110", "seed = 1e400", "run.seed"),
    # [count]
    (INFLATED, "registered = 11919241", "registered = 1e30", "count.registered"),
    (INFLATED, "registered = 11919241", "registered = 1000000000000000000000000000000",
     "count.registered"),
    (INFLATED, "registered = 11919241", "registered = 0", "count.registered"),
    (INFLATED, TURNOUT, "turnout = { normal = [0.447, inf] }", "count.turnout.normal"),
    (INFLATED, TURNOUT, "turnout = { normal = [nan, 0.02] }", "count.turnout.normal"),
    (INFLATED, TURNOUT, "turnout = { normal = [0.447, -0.02] }", "count.turnout.normal"),
    (INFLATED, TURNOUT, "turnout = { normal = [1.447, 0.02] }", "count.turnout.normal"),
    (INFLATED, TURNOUT, "turnout = { gamma = [1, 2] }", "count.turnout"),
    (INFLATED, TURNOUT, "turnout = { normal = [0.447] }", "count.turnout.normal"),
    (INFLATED, TURNOUT, "turnout = 1.5", "count.turnout"),
    (INFLATED, TURNOUT, "turnout = 0.0", "count.turnout"),
    (INFLATED, TURNOUT, "turnout = inf", "count.turnout"),
    (INFLATED, INVALID, "invalid = 1.0", "count.invalid"),
    (INFLATED, INVALID, "invalid = { uniform = [nan, nan] }", "count.invalid.uniform"),
    (INFLATED, INVALID, "invalid = { uniform = [0.05, 0.03] }", "count.invalid.uniform"),
    (INFLATED, INVALID, "invalid = { beta = [inf, inf] }", "count.invalid.beta"),
    (INFLATED, INVALID, "invalid = { beta = [0, 1] }", "count.invalid.beta"),
    (INFLATED, INVALID, "invalid = { triangular = [0.1, 0.05, 0.2] }",
     "count.invalid.triangular"),
    (INFLATED, INVALID, "invalid = { triangular = [0.1, 0.1, 0.1] }",
     "count.invalid.triangular"),
    (INFLATED, 'list = "nur-otan"', 'list = "nobody"', "count.inflation.list"),
    (INFLATED, "stuffing = { uniform = [0.0, 0.5] }", "stuffing = 2", "count.inflation.stuffing"),
    (COLD, "ak-zhol = { uniform = [0.6, 0.9] }", "ak-zhol = { uniform = [0.6, 1e300] }",
     "count.turnout_multipliers.ak-zhol.uniform"),
    (COLD, "adal = { uniform = [0.6, 0.9] }", "nobody = 0.5",
     "count.turnout_multipliers.nobody"),
    # [campaign]
    (SMART, DRIFT, "drift_sd = inf", "campaign.drift_sd"),
    (SMART, DRIFT, "drift_sd = 1e300", "campaign.drift_sd"),
    (SMART, DRIFT, "drift_sd = { normal = [0.01, inf] }", "campaign.drift_sd.normal"),
    (SMART, DRIFT, "drift_sd = -0.01", "campaign.drift_sd"),
    (SMART, "start = 2020-12-15", "start = 2021-02-15", "campaign.start"),
    (SMART, "start = 2020-12-15", "start = 1020-12-15", "campaign.start"),
    (SMART, "start = 2020-12-15", 'start = "soon"', "campaign.start"),
    (SMART, REACTION, "withdraw = 0.7\ndelay = [2, 100000000000000000000]",
     "campaign.reactions.adal.delay"),
    (SMART, REACTION, "withdraw = 0.7\ndelay = [7, 2]", "campaign.reactions.adal.delay"),
    (SMART, REACTION, "withdraw = 0.7\ndelay = [2.5, 7]", "campaign.reactions.adal.delay"),
    (SMART, REACTION, "withdraw = 1.7\ndelay = [2, 7]", "campaign.reactions.adal.withdraw"),
    (SMART, POOL, "pool = { uniform = [0.02, inf] }", "campaign.endorsers.dvk.pool.uniform"),
    (SMART, POOL, "pool = 2", "campaign.endorsers.dvk.pool"),
    (SMART, 'targets = ["adal", "auyl", "ak-zhol"]', "targets = []",
     "campaign.endorsers.dvk.targets"),
    (SMART, 'targets = ["adal", "auyl", "ak-zhol"]', 'targets = ["nobody"]',
     "campaign.endorsers.dvk.targets"),
    (SMART, EVENT, 'kind = "endorse"\ndate = 2021-03-01', "campaign.event[0].date"),
    (SMART, EVENT, 'kind = "endorse"\ndate = "2020-12-20"', "campaign.event[0].date"),
    (SMART, "start = 2020-12-15", "start = 2020-12-15T09:00:00", "campaign.start"),
    (SMART, "start = 2020-12-15", "days = 26", "campaign.event[0].date"),
    (SMART, EVENT, 'kind = "explode"\ndate = 2020-12-20', "campaign.event[0].kind"),
    (SMART, 'endorser = "dvk"', 'endorser = "nobody"', "campaign.event[0].endorser"),
    # [sweep]
    (SWEEP, VALUES, "values = [0.0, 1e308]", "sweep"),
    (SWEEP, VALUES, "values = [0.0, inf]", "sweep.barometer-weight.values"),
    (SWEEP, VALUES, "values = [0.0, nan]", "sweep.barometer-weight.values"),
    (SWEEP, VALUES, "values = []", "sweep.barometer-weight.values"),
    (SWEEP, VALUES, f"values = [{', '.join(str(i / 1000) for i in range(401))}]", "sweep"),
    (SWEEP, 'key = "sources.barometer.weight"', 'key = "sources.nobody.weight"',
     "sweep.barometer-weight.key"),
    (SWEEP, 'key = "sources.barometer.weight"', 'key = "title"', "sweep.barometer-weight.key"),
    # Nesting that exhausts a recursive reader, and NUL characters.
    (BASE, "[system]", "deep = " + "{ a = " * 400 + "1" + " }" * 400 + "\n[system]", ""),
    (BASE, "[system]", "deep = " + "[" * 40 + "]" * 40 + "\n[system]", ""),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "_base\\u0000.toml"', "extends"),
    (MIXTURE, 'extends = "_base.toml"', 'extends = "_base.toml\\u0000"', "extends"),
    # Accepted by the reader once, failing in the pooling at run time.
    ("kz-2021/pooled.toml", 'combine = "pooled"', 'combine = "pooled"\nflat_prior = 1e-6',
     "model.flat_prior"),
]

SWEPT = MINIMAL.replace("[run]", "[sweep.threshold]\nkey = \"system.threshold\"\n"
                        "values = [0.05, 0.25]\n\n[run]")
