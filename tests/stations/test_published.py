"""Reading published station CSVs: roles, mappings and one-line errors."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.stations.published import read_columns, read_published

GOOD = ("uik,region,registered,invalid,a,b,c\n"
        "1,North,1000,10,300,100,50\n"
        "2,South,800,5,200,200,0\n"
        "3,North,1200,0,100,500,100\n")


def write(tmp_path, text, name="stations.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_default_roles(tmp_path):
    published = read_published(write(tmp_path, GOOD))
    counts = published.counts
    assert published.lists == ("a", "b", "c")  # uik is an identifier, region a role
    assert counts.registered.tolist() == [1000, 800, 1200]
    assert counts.ballots.tolist() == [460, 405, 700]  # valid + invalid
    assert counts.votes[:, 0].tolist() == [300, 100, 50]
    assert published.leader == 1  # b has the most votes: 800
    assert counts.strata == ("North", "South") and counts.stratum.tolist() == [0, 1, 0]
    assert np.array_equal(published.issued, counts.ballots)
    counts.check()


def test_gzip_mapping_and_leader(tmp_path):
    text = GOOD.replace("registered", "voters").replace("invalid", "spoilt")
    path = tmp_path / "s.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    mapping = read_columns("registered=voters, invalid=spoilt,leader=a")
    published = read_published(path, mapping)
    assert published.counts.registered.tolist() == [1000, 800, 1200]
    assert published.lists[published.leader] == "a"


def test_a_toml_mapping_names_the_lists(tmp_path):
    mapping_file = write(tmp_path, '[columns]\nballots = "box"\nlists = ["a", "c"]\n'
                         'issued = "given"\n', "map.toml")
    text = "registered,box,given,a,b,c\n1000,500,510,300,100,50\n"
    published = read_published(write(tmp_path, text), read_columns(str(mapping_file)))
    assert published.lists == ("a", "c")
    assert published.counts.invalid.tolist() == [150]  # ballots - the named lists' votes
    assert published.issued.tolist() == [510]


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("registered", "voters"),
     r"stations.csv: columns.registered = 'registered': names no column of the file "
     r"\(its columns: uik, region, voters, invalid, a, b, c\)$"),
    ("registered,a\n10,5\n", r"need a 'ballots' or an 'invalid' column"),
    (GOOD.replace("1000,10", "1000,ten"), r"line 2, invalid = 'ten': must be a whole number"),
    (GOOD.replace("800,5", "800,-5"), r"line 3, invalid = -5: must not be negative"),
    (GOOD.replace("1200,0,100", "600,0,100"),
     r"line 4, ballots = 700: ballots in the boxes exceed the station's registered voters "
     r"\(registered 600, list votes 700\)"),
    (GOOD.replace("2,South,800,5,200,200,0", "2,South,800,5,200"),
     r"line 3 = 5: has this many fields; the header has 7"),
    ("registered,invalid,a\n", r"needs a header line and at least one station"),
    ("registered,registered,invalid,a\n1,1,0,1\n", r"each column name must appear once"),
    ("uik,registered,invalid\n1,10,0\n", r"no column of list votes is left"),
    (GOOD.replace("1000,10", "1000,1.5"), r"line 2, invalid = '1.5': must be a whole"),
])
def test_bad_files_are_one_line_naming_file_place_value_and_rule(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message) as caught:
        read_published(write(tmp_path, text))
    assert "\n" not in str(caught.value) and str(tmp_path) in str(caught.value)


def test_ballots_and_invalid_must_agree(tmp_path):
    text = "registered,ballots,invalid,a,b\n1000,400,10,300,100\n"
    with pytest.raises(ScenarioError, match=r"line 2, invalid = 10: valid votes and invalid "
                                            r"ballots must add up to the ballots"):
        read_published(write(tmp_path, text))
    text = "registered,ballots,a,b\n1000,390,300,100\n"
    with pytest.raises(ScenarioError, match=r"line 2, ballots = 390: the list votes exceed"):
        read_published(write(tmp_path, text))


def test_more_issued_than_registered(tmp_path):
    text = "registered,issued,invalid,a\n100,101,0,50\n"
    with pytest.raises(ScenarioError, match=r"line 2, issued = 101: ballots issued exceed"):
        read_published(write(tmp_path, text))


@pytest.mark.parametrize("option, message", [
    ("registered", r"each item must be role=column"),
    ("voters=registered", r"'voters': is not a role"),
])
def test_bad_mappings(option, message):
    with pytest.raises(ScenarioError, match=message):
        read_columns(option)


def test_unknown_names_in_a_mapping(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ScenarioError, match=r"leader = 'd': is not a list column"):
        read_published(path, {"leader": "d"})
    with pytest.raises(ScenarioError, match=r"columns.lists = \['z'\]: name no column"):
        read_published(path, {"lists": ["a", "z"]})
    with pytest.raises(ScenarioError, match=r"did you mean 'registered'"):
        read_published(path, {"registered": "registerd"})


def test_not_a_file_and_not_text(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        read_published(tmp_path / "missing.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ScenarioError, match="is not UTF-8 text"):
        read_published(tmp_path / "bin.csv")
