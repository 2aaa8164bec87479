"""Result files: atomic writes and reading back."""

import json

import pytest

from sim.errors import ResultError
from sim.output.files import atomic_write, json_text
from sim.output.results import FORMAT, FORMAT_VERSION, read_result


def test_failed_write_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "result.json"
    target.write_text("old")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_atomic_write_replaces(tmp_path):
    target = tmp_path / "result.json"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two" and len(list(tmp_path.iterdir())) == 1


def test_json_text_keeps_number_arrays_on_one_line():
    text = json_text({"histogram": [0, 1, 2], "names": ["a", "b"]})
    assert '"histogram": [0, 1, 2]' in text
    assert json.loads(text) == {"histogram": [0, 1, 2], "names": ["a", "b"]}


@pytest.mark.parametrize("content, message", [
    (None, "no such result file"),
    ("{not json", "not a readable result file"),
    ('{"format": "something-else"}', "not an elsim result file"),
    (json.dumps({"format": FORMAT, "format_version": 0}),
     rf"result format version 0 is older than this elsim reads \({FORMAT_VERSION}\); re-run "
     r"its scenario to write it anew \(elsim run SCENARIO, or elsim check --update"),
    (json.dumps({"format": FORMAT}), "result format version None is older"),
    (json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION + 1}),
     rf"result format version {FORMAT_VERSION + 1} is newer than this elsim reads "
     rf"\({FORMAT_VERSION}\); upgrade elsim: pip install -U elsim-seats"),
])
def test_read_result_errors(tmp_path, content, message):
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ResultError, match=message):
        read_result(path)
