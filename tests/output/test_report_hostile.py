"""The report (and the SVG pictures) with hostile text in every free-text field of a
scenario: opened in headless Chromium, no handler runs and every text reads as written.
And the report's anchors: unique, stable, and valid ids for any name."""

import copy
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sim.cli import main
from sim.output.report import report_html
from sim.output.report.base import anchor_for
from tests.browser import Browser
from tests.records import Result, record

RESULTS = Path(__file__).parents[2] / "results"


def payload(tag: str) -> str:
    """Text that runs script wherever it is pasted into HTML, an attribute or SVG unescaped:
    each handler sets ``window.__pwned`` and the page title."""
    run = f"window.__pwned='{tag}';document.title='pwned'"
    return (f'<img src=x onerror="{run}">"\'><script>{run}</script>'
            f"<svg onload=\"{run}\"></svg>--><!-- &amp; {tag}")


FIELDS = ("title", "notes", "group", "list-id", "list-name", "other-list-name", "bloc-id",
          "bloc-name", "appointed", "line", "source-id", "source-name", "pollster")
TEXT = {field: payload(field) for field in FIELDS}
SHOWN = ("title", "notes", "group", "list-name", "other-list-name", "bloc-name", "appointed",
         "line", "source-name", "pollster")  # the fields the page shows as text


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string


def hostile_scenario() -> str:
    t = {field: toml_string(text) for field, text in TEXT.items()}
    return f"""
title = {t['title']}
notes = {t['notes']}
group = {t['group']}

[system]
seats = 10
threshold = 0.05

[lists.{t['list-id']}]
name = {t['list-name']}
bloc = {t['bloc-id']}
[lists.b]
name = {t['other-list-name']}
bloc = "opp"

[blocs.{t['bloc-id']}]
name = {t['bloc-name']}
[blocs.opp]
name = "Opposition"

[appointed.{t['appointed']}]
seats = 2
bloc = {t['bloc-id']}

[majorities.{t['line']}]
fraction = "1/2"

[sources.{t['source-id']}]
name = {t['source-name']}

[[poll]]
source = {t['source-id']}
pollster = {t['pollster']}
n = 1000
shares = {{ {t['list-id']} = 0.6, b = 0.4 }}

[run]
draws = 2000
seed = 1
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile scenario's result, its report and its SVG pictures."""
    folder = tmp_path_factory.mktemp("hostile")
    scenario = folder / "hostile.toml"
    scenario.write_text(hostile_scenario())
    runner = CliRunner()
    for args in (["run", scenario, "--quiet", "--out", folder / "results"],
                 ["report", folder / "results", "--out", folder / "report.html"],
                 ["plot", folder / "results", "--format", "svg", "--out", folder / "plots"]):
        result = runner.invoke(main, [str(arg) for arg in args])
        assert result.exit_code == 0, result.output
    return folder


PWNED = "[document.title, window.__pwned === undefined ? null : window.__pwned]"


def test_no_handler_runs_in_the_report_and_every_text_reads_as_written(hostile):
    with Browser() as browser:
        browser.open(hostile / "report.html")
        assert browser.evaluate(PWNED) == ["elsim report", None]
        # No element came from the texts: the page has none of their tags or handlers.
        assert browser.evaluate("document.querySelectorAll("
                                "'script, svg, img:not([src^=\"data:\"])').length") == 0
        handlers = browser.evaluate("[...document.querySelectorAll('*')].flatMap(e => "
                                    "[...e.attributes].map(a => a.name))"
                                    ".filter(n => n.startsWith('on'))")
        assert handlers == []
        text = browser.evaluate("document.body.innerText")
        alts = browser.evaluate("[...document.images].map(i => i.alt)")
        anchors = browser.evaluate("[...document.querySelectorAll('nav a')].map(a => "
                                   "!!document.getElementById(a.getAttribute('href').slice(1)))")
        assert browser.errors() == []
    for field in SHOWN:
        assert TEXT[field] in text, field
    assert any(TEXT["title"] in alt for alt in alts)
    assert anchors and all(anchors)


def test_no_handler_runs_in_the_svg_pictures(hostile):
    pictures = sorted((hostile / "plots").glob("*.svg"))
    assert len(pictures) == 2
    with Browser() as browser:
        for picture in pictures:
            tree = ElementTree.parse(picture)  # well-formed: nothing broke out of a comment
            assert not [e for e in tree.iter() if e.tag.endswith("script")
                        or any(name.startswith("on") for name in e.attrib)]
            browser.open(picture)
            assert browser.evaluate("window.__pwned === undefined") is True
            assert browser.errors() == []


# --- anchors -----------------------------------------------------------------------------

MIXTURE = json.loads((RESULTS / "mixture.json").read_text())


def named(stem: str) -> Result:
    document = copy.deepcopy(MIXTURE)
    document["scenario"].update(path=f"scenarios/{stem}.toml", title=f"Election: {stem}",
                                group="Election")
    return record(document)


STEMS = ["a b", "a-b", "A-b", "a_b", "Ақ жол", "Ақ-жол", "Нұр", "Нур"]


def test_anchors_of_colliding_names_are_unique_and_the_links_land(tmp_path):
    out = tmp_path / "report.html"
    out.write_text(report_html([named(stem) for stem in STEMS]))
    with Browser() as browser:
        browser.open(out)
        ids = browser.evaluate("[...document.querySelectorAll('article')].map(a => a.id)")
        links = browser.evaluate(
            "[...document.querySelectorAll('nav li li a')].map(a => [a.textContent, "
            "document.getElementById(a.getAttribute('href').slice(1)).querySelector('h3')"
            ".textContent])")
    assert len(set(ids)) == len(STEMS)
    # Each contents entry leads to its own scenario, not to another of the same words.
    assert sorted(links) == sorted([stem, f"Election: {stem}"] for stem in STEMS)


def test_an_anchor_does_not_depend_on_the_other_scenarios():
    alone = report_html([named("a b")])
    beside = report_html([named("a-b"), named("a b")])
    anchor = anchor_for("a b", "scenario-")
    assert f'<article id="{anchor}">' in alone and f'<article id="{anchor}">' in beside
    assert anchor_for("official-polls", "scenario-") == "scenario-official-polls"


@given(st.text(min_size=1), st.text(min_size=1))
def test_anchor_for_is_one_to_one_and_a_valid_id(first, second):
    a, b = anchor_for(first), anchor_for(second)
    assert (a == b) == (first == second)
    assert a and not any(c.isspace() or c in "<>&\"'#" for c in a)
