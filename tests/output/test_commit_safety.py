"""Writers never lose newer files to an old journal, two writers into one folder never mix
their files, and a write that stops says truly what it changed."""

import errno
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ResultError
from sim.output import files
from sim.output.files import commit_files, folder_lock, json_text, recover
from sim.output.posterior import write_posterior
from sim.output.results import csv_text
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler catches it."""


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run(folder: Path, *scenarios, seed=1):
    return invoke("run", *scenarios, "--out", folder, "--quiet", "--seed", seed)


def kill_after_renames(monkeypatch, count: int) -> None:
    """The next commit dies after ``count`` of its renames: its journal stays behind."""
    real_replace = os.replace
    done = []

    def replace(source, target):
        if str(source).endswith(".part"):
            if len(done) == count:
                monkeypatch.setattr(files.os, "replace", real_replace)
                raise Killed
            done.append(target)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace)


def pending(folder: Path) -> list[Path]:
    return list(folder.glob(".elsim-*.journal"))


@pytest.fixture
def killed_run(tmp_path, monkeypatch):
    """A folder with scenario's seed-1 result and a journal of its seed-2 run, killed after
    its first rename; and the scenario."""
    scenario = write_scenario(tmp_path)
    out = tmp_path / "out"
    assert run(out, scenario).exit_code == 0
    kill_after_renames(monkeypatch, 1)
    with pytest.raises(Killed):
        run(out, scenario, seed=2)
    assert pending(out)
    return out, scenario


def newer_document(scenario: Path, seed: int = 3) -> sim.Result:
    return sim.result_record(sim.simulate(sim.load_scenario(scenario), seed=seed))


def test_write_result_recovers_a_pending_journal_first(killed_run, tmp_path):
    out, scenario = killed_run
    document = newer_document(scenario)
    sim.write_result(document, out)
    assert not pending(out)
    # The next run of another scenario into the folder replays nothing over it.
    assert run(out, write_scenario(tmp_path, MINIMAL, "other.toml")).exit_code == 0
    assert (out / "scenario.json").read_text() == json_text(document.to_dict())
    assert (out / "scenario.csv").read_text() == csv_text(document)


def test_check_update_recovers_a_pending_journal_first(killed_run, tmp_path):
    out, scenario = killed_run
    assert invoke("check", "--update", "--baseline", out, "--quiet", "--seed", 3,
                  scenario).exit_code == 0
    made = (out / "scenario.json").read_bytes(), (out / "scenario.csv").read_bytes()
    assert run(out, write_scenario(tmp_path, MINIMAL, "other.toml")).exit_code == 0
    assert ((out / "scenario.json").read_bytes(), (out / "scenario.csv").read_bytes()) == made


def test_a_journal_never_replaces_a_file_newer_than_itself(killed_run):
    out, scenario = killed_run
    journal = pending(out)[0]
    document = newer_document(scenario)
    # Written after the journal by something that did not recover it (an older elsim).
    (out / "scenario.json").write_text(json_text(document.to_dict()))
    later = journal.stat().st_mtime + 5
    os.utime(out / "scenario.json", (later, later))
    recover(out)
    assert not list(out.glob(".elsim-*"))
    assert (out / "scenario.json").read_text() == json_text(document.to_dict())


def test_a_posterior_and_its_picture_are_replaced_together(tmp_path, monkeypatch):
    document = {"scenario": {"path": "x.toml"}, "format": "elsim-posterior", "parameters": [],
                "derived": [], "sources": []}
    out = tmp_path / "out"
    monkeypatch.setattr("sim.output.posterior.posterior_csv", lambda d: f"csv {d['n']}\n")
    write_posterior({**document, "n": 1}, out, b"old picture")
    kill_after_renames(monkeypatch, 2)  # the new CSV and picture renamed, not the JSON
    with pytest.raises(Killed):
        write_posterior({**document, "n": 2}, out, b"new picture")
    assert json.loads((out / "x-posterior.json").read_text())["n"] == 1
    recover(out)  # what the next writer into the folder does first
    assert json.loads((out / "x-posterior.json").read_text())["n"] == 2
    assert (out / "plots" / "x-posterior.png").read_bytes() == b"new picture"
    assert not list(out.rglob(".elsim-*"))


def _commit_slowly(folder: str, tag: str, ready, delay: float, before_journal: float,
                   after_csv: float) -> None:
    """A commit of a.csv and a.json holding ``tag``, ``delay`` after both processes are
    ready, pausing before its journal and after its first rename."""
    real_replace, real_write = os.replace, files.atomic_write

    def replace(source, target):
        real_replace(source, target)
        if str(target).endswith("a.csv"):
            time.sleep(after_csv)

    def write(path, content):
        if path.name.endswith(".journal"):
            time.sleep(before_journal)
        real_write(path, content)

    files.os.replace, files.atomic_write = replace, write
    ready.wait()
    time.sleep(delay)
    commit_files(Path(folder), {"a.csv": tag, "a.json": tag})


def test_two_processes_committing_into_one_folder_do_not_mix_files(tmp_path):
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(2)
    # Unlocked, this would be: slow's journal and CSV at 0.5 s, quick's CSV and JSON at
    # 0.8 s (its journal after slow's was looked for), slow's JSON at 1.5 s: mixed files.
    slow = context.Process(target=_commit_slowly,
                           args=(str(tmp_path), "slow", ready, 0.0, 0.5, 1.0))
    quick = context.Process(target=_commit_slowly,
                            args=(str(tmp_path), "quick", ready, 0.2, 0.6, 0.0))
    slow.start()
    quick.start()
    slow.join(60)
    quick.join(60)
    assert slow.exitcode == 0 and quick.exitcode == 0
    # Locked, quick waits for slow's commit and replaces both files after it.
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "a.json").read_text() == "quick"


def test_a_busy_folder_is_one_line_after_a_bounded_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "LOCK_SECONDS", 0.2)
    scenario = write_scenario(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):  # another writer in the middle of its commit
        with pytest.raises(ResultError, match="another elsim has been writing into this"):
            commit_files(out, {"a.json": "{}"})
        result = run(out, scenario)
    assert result.exit_code != 0
    assert "another elsim has been writing into this folder for over 0.2 s" in result.stderr
    assert "Traceback" not in result.output


def test_a_write_stopped_during_the_renames_does_not_claim_nothing_changed(tmp_path,
                                                                           monkeypatch):
    scenario = write_scenario(tmp_path)
    out = tmp_path / "out"
    assert run(out, scenario).exit_code == 0
    real_replace = os.replace
    done = []

    def replace(source, target):
        if str(source).endswith(".part") and done:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        done.append(target)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    result = run(out, scenario, seed=2)
    assert result.exit_code == 1
    assert "nothing of it was changed" not in result.stderr
    assert (f"{out}: some files were replaced, then writing stopped (Input/output error); "
            "the next elsim writing into this folder finishes the rest") in result.stderr
    monkeypatch.setattr(files.os, "replace", real_replace)
    recover(out)
    document = json.loads((out / "scenario.json").read_text())
    assert document["run"]["seed_entropy"] == "2"
    assert (out / "scenario.csv").read_text() == csv_text(record(document))


@pytest.mark.parametrize("text", ["[ 1 ]", "[1,  2]", "a [ 0.5 ,\t1 ] b"])
def test_json_text_keeps_user_text_as_written(tmp_path, text):
    document = {"title": text, "numbers": [1, 2, 3], "nested": {"notes": [text, text]}}
    assert json.loads(json_text(document)) == document
    assert '"numbers": [1, 2, 3]' in json_text(document)
    scenario = write_scenario(tmp_path, MINIMAL.replace('title = "Test"',
                                                        f"title = {json.dumps(text)}"))
    folder = tmp_path / "baselines"
    assert invoke("check", "--update", "--baseline", folder, "--quiet", scenario).exit_code == 0
    assert json.loads((folder / "scenario.json").read_text())["scenario"]["title"] == text
    result = invoke("check", "--baseline", folder, "--quiet", scenario)
    assert result.exit_code == 0, result.output


def test_infer_into_a_folder_that_cannot_be_written_stops_before_the_inference(
        tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    def never(*args, **kwargs):
        raise AssertionError("the inference ran")

    root = Path(__file__).parents[2] / "scenarios"
    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr("sim.cli.infer.infer", never)
    out = tmp_path / "out"
    result = invoke("infer", root / "kz-2021" / "mixture.toml", "--observed",
                    root / "history" / "kz-2021.toml", "--out", out)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {out}: cannot write there (Read-only file system)\n"


def test_a_relative_output_folder_is_committed_and_recovered(tmp_path, monkeypatch):
    scenario = write_scenario(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(Path("out"), scenario).exit_code == 0
    kill_after_renames(monkeypatch, 1)
    with pytest.raises(Killed):
        run(Path("out"), scenario, seed=2)
    recover(Path("out"))
    document = json.loads((tmp_path / "out" / "scenario.json").read_text())
    assert document["run"]["seed_entropy"] == "2" and not pending(tmp_path / "out")
