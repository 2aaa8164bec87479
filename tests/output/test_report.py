"""The HTML report: grouping and order, the summary's numbers, section builders, and the
shipped report as a reader sees it in headless Chromium."""

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import ScenarioError
from sim.output.report import SECTIONS, Report, Section, report_html
from sim.output.report.groups import group_documents, short_title
from sim.output.report.summary import assumes, lead, likely_to_pass
from sim.output.text import monte_carlo_line, percent
from sim.scenario import load_scenario
from tests.browser import HEIGHT, Browser
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario

RESULTS = Path(__file__).parent.parent.parent / "results"
SHIPPED = sorted(p for p in RESULTS.glob("*.json")
                 if not p.name.endswith(("-sweep.json", "-posterior.json")))
SWEEPS = sorted(RESULTS.glob("*-sweep.json"))


BASE = json.loads(SHIPPED[0].read_text())


def shipped() -> list[dict]:
    return [json.loads(path.read_text()) for path in SHIPPED]


def fake(stem: str, group: str | None = None, order: float | None = None,
         seats: int = 100) -> dict:
    """A result document with what grouping reads."""
    document = copy.deepcopy(BASE)
    document["scenario"].update(path=f"scenarios/{stem}.toml", title=f"Election: {stem}",
                                group=group, order=order)
    document["summary"]["parliament"]["house"] = seats
    return document


# --- grouping and order ------------------------------------------------------------------

def test_groups_by_key_alphabetically_then_by_declared_order_then_as_given():
    documents = [fake("c", "B", None), fake("a", "B", 2), fake("b", "A", None),
                 fake("d", "B", 1), fake("e", "B", None)]
    groups = group_documents([record(d) for d in documents])
    assert [group.name for group in groups] == ["A", "B"]
    assert [d.stem for d in groups[1].documents] == ["d", "a", "c", "e"]


def test_without_a_group_key_scenarios_of_one_law_and_house_go_together():
    documents = [fake("a", seats=100), fake("b", seats=120), fake("c", seats=100)]
    groups = group_documents([record(d) for d in documents])
    assert sorted(len(group.documents) for group in groups) == [1, 2]
    # The common head of the titles names the group when there is one.
    assert {group.name for group in groups} == {"Election"}


@given(st.lists(st.tuples(st.sampled_from(["x", "y", None]),
                          st.one_of(st.none(), st.integers(-3, 3))), min_size=1, max_size=8))
def test_grouping_shows_every_document_once_in_order(keys):
    documents = [fake(f"s{i}", group, order) for i, (group, order) in enumerate(keys)]
    groups = group_documents([record(d) for d in documents])
    shown = [d.scenario.path for group in groups for d in group.documents]
    assert sorted(shown) == sorted(d["scenario"]["path"] for d in documents)
    for group in groups:
        places = [(d.scenario.order is None, d.scenario.order or 0, int(d.stem[1:]))
                  for d in group.documents]
        assert places == sorted(places)


def test_short_title_drops_the_group_name():
    group = group_documents([record(fake("a", "Election"))])[0]
    assert short_title(group.documents[0], group) == "a"


# --- the summary's sentences -------------------------------------------------------------

@pytest.mark.parametrize("notes, sentence", [
    ("Nur Otan at about 30% (CAB, as cited in 2020). ASSUMPTIONS: n = 1500.",
     "Nur Otan at about 30% (CAB, as cited in 2020)."),
    ("A mixture: in half of the draws\nthe polls are right.", "A mixture: in half of the "
     "draws the polls are right."),
    ("No full stop at all", "No full stop at all"),
])
def test_assumes_is_the_first_sentence_of_the_notes(notes, sentence):
    document = fake("a")
    document["scenario"]["notes"] = notes
    assert assumes(record(document)) == sentence


def test_without_notes_the_sentence_gives_the_poll_sources():
    document = fake("a")
    document["scenario"]["notes"] = ""
    sources = document["assumptions"]["sources"]
    assert assumes(record(document)) == "Polls: " + ", ".join(
        f"{s['name']} ({s['weight']:.0%})" for s in sources) + "."


def test_likely_to_pass_names_lists_passing_in_half_the_draws():
    document = fake("a")
    for item, chance in zip(document["summary"]["lists"], [1.0, 0.95, 0.6, 0.5, 0.49]):
        item["p_threshold"], item["p_runner_up"] = chance, 0.0
    names = [item["name"] for item in document["summary"]["lists"]]
    assert likely_to_pass(record(document)) == (f"{names[0]}, {names[1]}, {names[2]} (60.0%), "
                                        f"{names[3]} (50.0%)")


# --- scenario keys -----------------------------------------------------------------------

def test_group_and_order_are_read_and_kept_in_the_result(tmp_path):
    path = write_scenario(tmp_path, 'group = "Test election"\norder = 2\n' + MINIMAL)
    scenario = load_scenario(path)
    assert (scenario.group, scenario.order) == ("Test election", 2)
    result = CliRunner().invoke(main, ["run", str(path), "--draws", "200", "--quiet",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out" / f"{path.stem}.json").read_text())
    assert document["scenario"]["group"] == "Test election"
    assert document["scenario"]["order"] == 2


@pytest.mark.parametrize("line, message", [
    ('group = ""', "group = '': must name the group (a non-empty string)"),
    ("group = 3", "group = 3: must be a string"),
    ('order = "first"', "order = 'first': must be a number"),
])
def test_bad_group_or_order_is_one_line(tmp_path, line, message):
    path = write_scenario(tmp_path, f"{line}\n{MINIMAL}")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == f"{path}: {message}"


def test_without_blocs_the_summary_follows_the_first_list():
    document = fake("a", "G")
    document["summary"]["blocs"] = []
    first = document["summary"]["lists"][0]
    page = report_html([record(document)])
    assert f'<th scope=col class="seats">{first["name"]}<small>seats</small>' in page
    assert f'<td class="seats" data-value="{first["seats"]["mean"]}">' in page
    assert '<td class="p-majority">–</td>' in page


# --- section builders --------------------------------------------------------------------

def test_a_section_builder_adds_a_section_and_a_contents_entry():
    def backtest(report: Report):
        if report.others.get("elsim-backtest"):
            yield Section(anchor="backtest", title="Backtest", html="<p>covered: 9 of 10</p>",
                          entries=(("backtest-2021", "2021"),))

    documents = [record(fake("a", "G"))]
    with_it = report_html(documents, others={"elsim-backtest": [{}]},
                          sections=[*SECTIONS, backtest])
    assert '<section id="backtest"><h2>Backtest</h2>' in with_it
    assert '<a href="#backtest">Backtest</a><ol><li><a href="#backtest-2021">2021</a>' in with_it
    assert report_html(documents, sections=[*SECTIONS, backtest]) == report_html(documents)


def test_other_elsim_documents_given_to_the_report_reach_the_builders(tmp_path, monkeypatch):
    import sim.output.report as report

    seen = []

    def backtest(built: Report):
        seen.extend(built.others.get("elsim-backtest", []))
        yield from ()

    monkeypatch.setattr(report, "SECTIONS", [*SECTIONS, backtest])
    (tmp_path / "mixture.json").write_text((RESULTS / "mixture.json").read_text())
    (tmp_path / "backtest.json").write_text('{"format": "elsim-backtest", "covered": 9}')
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert seen == [{"format": "elsim-backtest", "covered": 9}]
    assert "Kazakhstan 2021: half official polls, half Barometer" in out.read_text()


# --- the shipped report in a real browser ------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The report of the shipped results, opened in headless Chromium."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(main, ["report", str(RESULTS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Browser() as browser:
        browser.open(out)
        yield out, browser


def test_report_is_small_and_fetches_nothing(rendered):
    out, browser = rendered
    # About 80 KB a scenario (its pictures inline): 16 shipped results in 3 elections.
    assert out.stat().st_size < 90_000 * len(SHIPPED)
    links = browser.evaluate("[...document.querySelectorAll('[src], [href]')]"
                             ".map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert links and all(link.startswith(("data:", "#")) for link in links)


def test_every_image_decodes_and_no_console_error(rendered):
    _, browser = rendered
    images = browser.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth,"
                              " i.naturalHeight, i.alt])")
    groups = group_documents([record(d) for d in shipped()])
    posteriors = len(list(RESULTS.glob("*-posterior.json")))  # one picture each
    expected = 2 * len(SHIPPED) + len(SWEEPS) + sum(len(g.documents) > 1 for g in groups) \
        + posteriors
    assert len(images) == expected
    assert all(done and width > 0 and height > 0 and alt for done, width, height, alt in images)
    assert browser.errors() == []


def test_contents_links_reach_every_section_and_scenario(rendered):
    _, browser = rendered
    targets = browser.evaluate("[...document.querySelectorAll('nav a')].map(a => "
                               "[a.getAttribute('href'), !!document.getElementById("
                               "a.getAttribute('href').slice(1))])")
    assert all(found for _, found in targets)
    posteriors = len(list(RESULTS.glob("*-posterior.json")))  # a section each
    assert len(targets) == 1 + len(group_documents([record(d) for d in shipped()])) + \
        len(SHIPPED) + posteriors


def test_summary_tables_hold_every_scenario_with_the_result_numbers(rendered):
    _, browser = rendered
    rows = browser.evaluate("""[...document.querySelectorAll('table.summary')].flatMap(t =>
        [...t.tBodies[0].rows].map(r => ({group: t.dataset.group, path: r.dataset.scenario,
          cells: Object.fromEntries([...r.cells].map(c => [c.className,
            {text: c.textContent, value: c.dataset.value}]))})))""")
    by_path = {row["path"]: row for row in rows}
    documents = shipped()
    assert sorted(by_path) == sorted(d["scenario"]["path"] for d in documents)
    for document in documents:
        row = by_path[document["scenario"]["path"]]["cells"]
        name, item = lead(record(document))
        seats = item.seats
        assert row["seats"]["text"] == f"{seats.mean:.1f}"
        assert float(row["seats"]["value"]) == seats.mean
        assert row["interval"]["text"] == f"{seats.q05}–{seats.q95}"
        for line, chance in getattr(item, "majorities", {}).items():
            assert row[f"p-{line}"]["text"] == percent(chance)
            assert float(row[f"p-{line}"]["value"]) == chance
        passing = [i["name"] for i in document["summary"]["lists"]
                   if i["p_threshold"] + i["p_runner_up"] >= 0.5]
        assert [part.split(" (")[0] for part in row["passing"]["text"].split(", ")] == passing
        assert row["assumes"]["text"] and row["assumes"]["text"] in \
            " ".join(document["scenario"]["notes"].split())


def test_summary_is_on_the_first_screen(rendered):
    _, browser = rendered
    tops = browser.evaluate("[...document.querySelectorAll('table.summary')]"
                            ".map(t => t.getBoundingClientRect().top)")
    assert len(tops) == len(group_documents([record(d) for d in shipped()]))
    # The first election's table is on the first screen, and every election's table comes
    # before the first scenario's section (three elections do not fit one screen).
    first_article = browser.evaluate("document.querySelector('article')"
                                     ".getBoundingClientRect().top")
    assert 0 <= tops[0] < HEIGHT - 100
    assert all(top < first_article for top in tops)


def test_every_scenario_states_its_monte_carlo_error(rendered):
    _, browser = rendered
    articles = browser.evaluate("[...document.querySelectorAll('article')]"
                                ".map(a => [a.id, a.textContent])")
    assert len(articles) == len(SHIPPED)
    for document in shipped():
        line = monte_carlo_line(record(document).summary)
        assert any(line in text for _, text in articles), line


def test_the_summary_shows_the_second_bloc_beside_the_first(tmp_path):
    """Spain's question is two blocs at 176: the first screen has both."""
    from tests.scenario_text import write_scenario

    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(write_scenario(tmp_path)), "--draws",
                                       "2000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<th scope=col class="rival-seats">' in page
    assert page.count('<td class="rival-seats"') == 1 and '<td class="rival-p"' in page
