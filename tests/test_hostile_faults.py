"""Faults: a kill during a write, an interrupt mid-sweep, a folder that cannot be written, a
dead worker, tampered baselines and result files, hostile names, limits."""

import csv
import errno
import io
import json
import math
import os
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine import executors
from sim.engine.executors import ProcessExecutor, WorkerDied
from sim.engine.statistics import FIXED_POINT, fraction_stats
from sim.engine.summary import Layout, SeatSummary
from sim.errors import FileProblem, InvalidValue, ScenarioError
from sim.inference.history import read_polls
from sim.output import files
from sim.output.files import commit_files, recover
from sim.output.regression import Metric, tolerance
from sim.output.results import csv_text
from sim.scenario import build_scenario
from tests.hostile_cases import SWEPT
from tests.records import record
from tests.scenario_text import MINIMAL, write_scenario


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run(folder: Path, *scenarios, seed=1):
    return invoke("run", *scenarios, "--out", folder, "--quiet", "--seed", seed)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler catches it."""


def test_a_kill_during_the_renames_is_finished_by_the_next_run(tmp_path, monkeypatch):
    scenario = write_scenario(tmp_path, SWEPT, "x.toml")
    out = tmp_path / "out"
    assert run(out, scenario).exit_code == 0
    before = snapshot(out)
    renamed = []
    real_replace = os.replace

    def replace_then_die(source, target):
        if str(source).endswith(".part") and len(renamed) == 2:
            raise Killed  # the process dies after the first file of the result
        renamed.append(target)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace_then_die)
    with pytest.raises(Killed):
        run(out, scenario, seed=2)
    monkeypatch.setattr(files.os, "replace", real_replace)
    assert len(renamed) == 2 and list(out.glob(".elsim-*.journal"))  # journal, then one file
    # Readers ignore the debris: the folder still reports and plots.
    report = invoke("report", out, "--out", tmp_path / "report.html")
    assert report.exit_code == 0, report.output
    recover(out)
    assert not list(out.glob(".elsim-*"))
    after = snapshot(out)
    assert after["x.json"] != before["x.json"]  # every file of the seed-2 run, together
    document = json.loads(after["x.json"])
    assert after["x.csv"].decode() == csv_text(record(document))
    assert json.loads(after["x-sweep.json"])["rows"] != json.loads(before["x-sweep.json"])["rows"]


def test_stale_temporaries_are_removed_when_a_run_starts(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale, fresh = out / ".elsim-old.part", out / ".elsim-new.part"
    stale.write_text("half a fil")
    fresh.write_text("being written")
    os.utime(stale, (0, 0))
    assert invoke("plot", out / "nothing.json").exit_code == 2
    assert run(out, write_scenario(tmp_path)).exit_code == 0
    assert not stale.exists() and fresh.exists()


def test_an_interrupt_mid_sweep_changes_nothing(tmp_path, monkeypatch):
    scenario = write_scenario(tmp_path, SWEPT, "x.toml")
    other = write_scenario(tmp_path, MINIMAL, "first.toml")
    out = tmp_path / "out"
    assert run(out, other, scenario).exit_code == 0
    before = snapshot(out)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.cli.run.run_sweep", interrupted)
    result = run(out, other, scenario, seed=5)
    assert result.exit_code == 130
    assert "1 of 2 scenarios finished and written" in result.stderr
    after = snapshot(out)
    assert after["first.json"] != before["first.json"]  # the finished one was written
    for name in ("x.json", "x.csv", "x-sweep.json", "x-sweep.csv"):
        assert after[name] == before[name], name


def test_an_interrupt_during_the_renames_finishes_them(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old")
    (out / "a.json").write_text("old")
    real_replace = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        if str(target).endswith("a.csv") and len(calls) == 2:
            raise KeyboardInterrupt  # after the journal, before the first rename
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        commit_files(out, {"a.csv": "new", "a.json": "new"})
    assert (out / "a.csv").read_text() == "new" == (out / "a.json").read_text()
    assert not list(out.glob(".elsim-*"))


@pytest.mark.parametrize("code, words", [(errno.EROFS, "Read-only file system"),
                                         (errno.ENOSPC, "No space left on device")])
def test_a_folder_that_cannot_be_written_is_one_line_and_the_batch_goes_on(
        tmp_path, monkeypatch, code, words):
    first, second = write_scenario(tmp_path, MINIMAL, "a.toml"), \
        write_scenario(tmp_path, MINIMAL, "b.toml")
    real = tempfile.NamedTemporaryFile
    failed = []

    def temporary(*args, **kwargs):
        handle = real(*args, **kwargs)
        if not failed:
            failed.append(handle.name)
            handle.close()
            raise OSError(code, os.strerror(code))
        return handle

    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", temporary)
    out = tmp_path / "out"
    result = run(out, first, second)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {first}: cannot write its results to {out} ({words}); "
                      "nothing of it was changed"]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".elsim")) == \
        ["b.csv", "b.json", "run-log.jsonl"]


def test_a_symlinked_run_log_is_not_followed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    (out / "run-log.jsonl").symlink_to(target)
    result = run(out, write_scenario(tmp_path))
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert target.read_text() == "keep me\n" and not (out / "scenario.json").exists()


def test_a_sweep_table_over_an_earlier_result_is_refused(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    assert run(out, write_scenario(tmp_path / "one", MINIMAL, "x-sweep.toml")).exit_code == 0
    result = run(out, write_scenario(tmp_path / "two", SWEPT, "x.toml"))
    assert result.exit_code == 2 and "would overwrite another scenario's" in result.stderr


def _dies_once(marker: str, value: int) -> int:
    if value == 3 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return value * 10


def _always_dies(value: int) -> int:
    if value == 3:
        os._exit(1)
    return value


def test_a_dead_worker_is_retried_on_a_fresh_pool(tmp_path):
    executor = ProcessExecutor(2)
    try:
        marker = str(tmp_path / "died")
        assert list(executor.map(_dies_once, [(marker, v) for v in range(8)])) == \
            [v * 10 for v in range(8)]
        assert os.path.exists(marker)
        with pytest.raises(WorkerDied, match="died twice"):
            list(executor.map(_always_dies, [(v,) for v in range(8)]))
        # The next scenario runs on a fresh pool.
        assert list(executor.map(_dies_once, [(marker, v) for v in range(4)])) == \
            [0, 10, 20, 30]
    finally:
        executor.close()


def test_a_dead_worker_fails_only_its_scenario(tmp_path, monkeypatch):
    calls = []

    class Dying(executors.SerialExecutor):
        def map(self, function, tasks):
            calls.append(1)
            if len(calls) == 1:
                raise WorkerDied("a local worker process died twice")
            return super().map(function, tasks)

    monkeypatch.setattr("sim.cli.common.local_executor", lambda workers: Dying())
    a, b = write_scenario(tmp_path, MINIMAL, "a.toml"), write_scenario(tmp_path, MINIMAL, "b.toml")
    result = run(tmp_path / "out", a, b)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: {a}: a local worker process died twice"
    assert (tmp_path / "out" / "b.json").exists() and not (tmp_path / "out" / "a.json").exists()


@pytest.fixture
def baseline(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL.replace("draws = 1000", "draws = 20000"))
    folder = tmp_path / "baselines"
    assert invoke("check", "--update", "--baseline", folder, "--quiet", scenario).exit_code == 0
    return scenario, folder / "scenario.json"


@pytest.mark.parametrize("tamper, field", [
    (lambda d: d["summary"]["lists"][0]["seats"].update(mean=float("nan")),
     "summary.lists[0].seats.mean = nan"),
    (lambda d: d["summary"]["lists"][0]["seats"].update(sd=1e300),
     "summary.lists[0].seats.sd = 1e+300"),
    (lambda d: d["summary"]["lists"][0]["seats"].update(mean=11.0),
     "summary.lists[0].seats.mean = 11.0"),
    (lambda d: d["summary"]["lists"][1].update(p_threshold=1.5),
     "summary.lists[1].p_threshold = 1.5"),
    (lambda d: d["summary"]["lists"][1].pop("p_threshold"), "summary.lists[1].p_threshold = None"),
    (lambda d: d["summary"].update(draws=0), "summary.draws = 0"),
    (lambda d: d["summary"].update(draws="many"), "summary.draws = 'many'"),
    (lambda d: d["summary"].update(lists={}), "summary.lists = {}"),
    (lambda d: d["summary"]["blocs"][0]["majorities"].update(majority=-0.1),
     "summary.blocs[0].majorities.majority = -0.1"),
    (lambda d: d["summary"]["parliament"].update(p_runner_up=float("inf")),
     "summary.parliament.p_runner_up = inf"),
    (lambda d: d.pop("summary"), "result.summary = None"),
])
def test_a_tampered_baseline_is_refused(baseline, tamper, field):
    scenario, path = baseline
    document = json.loads(path.read_text())
    tamper(document)
    path.write_text(json.dumps(document))
    result = invoke("check", "--baseline", path.parent, "--quiet", scenario)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]
    assert result.stderr.startswith(f"error: {path}: {field}: must be")


def test_a_baseline_cannot_widen_its_own_tolerance(baseline):
    scenario, path = baseline
    document = json.loads(path.read_text())
    seats = document["summary"]["lists"][0]["seats"]
    seats.update(mean=seats["mean"] + 1.0, sd=5.0)  # sd 5 of 10 seats: possible, but false
    path.write_text(json.dumps(document))
    result = invoke("check", "--baseline", path.parent, "--quiet", scenario)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: summary.lists[0].seats.mean = ")
    assert result.stderr.rstrip().endswith(
        f"must be the mean of its histogram ({seats['mean'] - 1.0:g})")


def test_the_baselines_standard_error_is_bounded():
    now = Metric("x", 10.0, 0.01, 0.0)
    assert tolerance(Metric("x", 10.0, 1.0, 0.0), now) == pytest.approx(4 * math.hypot(0.02, 0.01))
    assert tolerance(Metric("x", 10.0, 0.015, 0.0), now) == \
        pytest.approx(4 * math.hypot(0.015, 0.01))


HOSTILE = {"a": '=HYPERLINK("http://x","y")', "b": "<script>alert(1)</script> $x$",
           "c": "@SUM(1+1)"}


def test_hostile_names_are_text_in_csv_report_and_pictures(tmp_path):
    text = MINIMAL
    for list_id, name in HOSTILE.items():
        text = text.replace(f'name = "{list_id.upper()}"', f"name = {json.dumps(name)}")
    text = text.replace('[lists.a]', '[lists."-a"]').replace("a = 0.5,", '"-a" = 0.5,')
    scenario = write_scenario(tmp_path, text, "=cmd.toml")
    out = tmp_path / "out"
    assert run(out, scenario).exit_code == 0
    rows = list(csv.reader(io.StringIO((out / "=cmd.csv").read_text())))
    assert [row[:3] for row in rows[1:]] == [
        ["'=cmd", "'-a", "'" + HOSTILE["a"]], ["'=cmd", "b", HOSTILE["b"]],
        ["'=cmd", "c", "'" + HOSTILE["c"]]]
    assert float(rows[1][4]) >= 0  # numbers stay numbers
    document = json.loads((out / "=cmd.json").read_text())
    # Free text only: a seed or digest that is not one is refused when the file is read.
    document["scenario"]["notes"] = "<img src=x onerror=alert(2)>"
    document["run"]["versions"]["elsim"] = "<script>alert(3)</script>"
    document["run"]["versions"]["numpy"] = "<i>" * 10
    (out / "=cmd.json").write_text(json.dumps(document))
    result = invoke("report", out, "--out", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text()
    assert "<script" not in page and "<img src=x" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$" in page
    pictures = invoke("plot", out, "--out", tmp_path / "plots")
    assert pictures.exit_code == 0, pictures.output


MALFORMED = [
    (lambda d: d["run"].update(draws="many"),
     "run.draws = 'many': must be a whole number between 1 and inf"),
    (lambda d: d["summary"]["lists"][0]["seats"].update(histogram="broken"),
     "summary.lists[0].seats.histogram = 'broken': must be a list"),
    (lambda d: d["summary"]["lists"][0]["seats"].update(histogram=[]),
     "summary.lists[0].seats.histogram = []: must be a list of at most 11 whole numbers"),
    (lambda d: d["summary"]["lists"][1]["share"].update(mean=5),
     "summary.lists[1].share.mean = 5: must be a finite number between 0 and 1"),
    (lambda d: d["summary"]["lists"][1].pop("name"),
     "summary.lists[1].name = None: must be a text"),
    (lambda d: d["summary"]["parliament"].update(compositions={"a": 1}),
     "summary.parliament.compositions = {'a': 1}: must be a list"),
    (lambda d: d["summary"]["blocs"][0].update(name=3),
     "summary.blocs[0].name = 3: must be a text"),
    (lambda d: d["assumptions"].update(rules="all"), "assumptions.rules = 'all': must be a list"),
    (lambda d: d["scenario"].update(title=["x"]), "scenario.title = ['x']: must be a text"),
]


@pytest.mark.parametrize("tamper, message", MALFORMED)
def test_a_malformed_result_is_one_line_naming_the_field_in_every_reader(tmp_path, tamper,
                                                                        message):
    out = tmp_path / "out"
    scenario = write_scenario(tmp_path)
    assert invoke("check", "--update", "--baseline", out, "--quiet", scenario).exit_code == 0
    path = out / "scenario.json"
    document = json.loads(path.read_text())
    tamper(document)
    path.write_text(json.dumps(document))
    for command in (["report", path, "--out", tmp_path / "r.html"],
                    ["plot", path, "--out", tmp_path / "plots"], ["compare", path, path],
                    ["coalitions", path, "a+b"], ["check", "--baseline", out, scenario]):
        result = invoke(*command)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith(f"error: {path}: {message}"), (command, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and "Error(" not in result.stderr


def test_a_malformed_sweep_table_is_one_line(tmp_path):
    out = tmp_path / "out"
    assert run(out, write_scenario(tmp_path, SWEPT, "x.toml")).exit_code == 0
    path = out / "x-sweep.json"
    document = json.loads(path.read_text())
    document["rows"][1]["lists"]["a"]["p_threshold"] = "high"
    path.write_text(json.dumps(document))
    result = invoke("plot", path, "--out", tmp_path / "plots")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}: rows[1].lists.a.p_threshold = 'high': must be a "
                             "finite number between 0 and 1\n")


def test_a_full_disk_while_drawing_names_the_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run(out, write_scenario(tmp_path)).exit_code == 0

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # no file name, as a write's

    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", full)
    for command, target in (["report", tmp_path / "r.html"], ["plot", tmp_path / "plots"]):
        result = invoke(command, out, "--out", target)
        assert result.exit_code == 2
        # A progress bar may come before it (report shows one when it takes a moment).
        line = f"error: {target}: cannot write (No space left on device)\n"
        assert result.stderr.endswith(line) and result.stderr.count("error:") == 1


def test_report_and_plot_run_scenarios_and_refuse_an_empty_folder(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    write_scenario(folder, MINIMAL, "one.toml")
    result = invoke("report", folder, "--draws", "2000", "--out", tmp_path / "r.html")
    assert result.exit_code == 0 and ">Test<" in (tmp_path / "r.html").read_text()
    result = invoke("plot", folder, "--draws", "2000", "--out", tmp_path / "plots")
    assert result.exit_code == 0 and (tmp_path / "plots" / "one-seats.png").exists()
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".elsim-x.part").write_text("{}")
    for command in ("report", "plot"):
        result = invoke(command, tmp_path / "empty")
        assert result.exit_code == 2 and "nothing to show" in result.stderr


def test_draws_beyond_the_maximum_say_how_to_go_further(tmp_path):
    result = invoke("run", write_scenario(tmp_path), "--draws", 10**11, "--out", tmp_path)
    assert result.exit_code == 2
    assert "must be at most 1e+10 per run" in result.stderr and "--dask" in result.stderr


def test_share_sums_stay_exact_far_beyond_int64():
    layout = Layout.from_scenario(build_scenario(tomllib.loads(MINIMAL), "m.toml"))
    total = SeatSummary(layout)
    part = SeatSummary(layout)
    draws = 3 * 10**9  # past the ~2.1e9 draws where int64 sums of shares near 1 wrapped
    part.draws = draws
    part.share_sum[:] = [FIXED_POINT * draws * 7 // 10, FIXED_POINT * draws * 2 // 10,
                         FIXED_POINT * draws // 10]
    for _ in range(4):  # 1.2e10 draws in all
        total.merge(part)
    histogram = np.zeros(2048, dtype=np.int64)
    histogram[1433] = total.draws
    stats = fraction_stats(total.share_sum[0], histogram, total.draws)
    assert stats["mean"] == 0.7 and total.share_sum[0] == 4 * (FIXED_POINT * draws * 7 // 10)


def test_a_count_that_leaves_a_draw_without_valid_votes_names_the_file(tmp_path):
    scenario = write_scenario(tmp_path, MINIMAL.replace("[run]", "[count]\nregistered = 1000\n"
                                                        "turnout = { uniform = [0.0, 0.0005] }"
                                                        "\n\n[run]"))
    result = invoke("run", scenario, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {scenario}: count: a draw has no valid votes; turnout, "
                             "invalid and turnout_multipliers must leave some\n")
    assert not list((tmp_path / "out").glob("*.json"))


def test_a_polls_file_that_cannot_be_read_is_a_problem_of_the_file(tmp_path):
    with pytest.raises(FileProblem) as error:
        read_polls(tmp_path)  # a folder: open() fails
    assert str(error.value).startswith(f"{tmp_path}: cannot be read (")


def test_compare_refuses_a_result_with_an_impossible_figure(tmp_path):
    out = tmp_path / "out"
    assert run(out, write_scenario(tmp_path)).exit_code == 0
    document = json.loads((out / "scenario.json").read_text())
    document["summary"]["lists"][0]["p_threshold"] = float("nan")
    (out / "scenario.json").write_text(json.dumps(document))
    result = invoke("compare", out / "scenario.json", out / "scenario.json")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {out / 'scenario.json'}: summary.lists[0].p_threshold = "
                             "nan: must be a finite number between 0 and 1\n")


def test_check_update_into_a_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", refuse)
    scenario = write_scenario(tmp_path)
    result = invoke("check", "--update", "--baseline", tmp_path / "b", "--quiet", scenario)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'b'}: cannot write the baseline of {scenario}"
                             " (Read-only file system)\n")


def test_an_extends_chain_of_a_thousand_files_is_one_line(tmp_path):
    (tmp_path / "f0.toml").write_text(MINIMAL)
    for i in range(1, 1000):
        (tmp_path / f"f{i}.toml").write_text(f'extends = "f{i - 1}.toml"\n')
    result = invoke("validate", tmp_path / "f999.toml")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'f999.toml'}: extends = '{tmp_path / 'f983.toml'}': is a chain of "
        "more than 16 files extending one another; merge some of them"]


def test_a_chain_of_sixteen_files_still_reads(tmp_path):
    (tmp_path / "f0.toml").write_text(MINIMAL)
    for i in range(1, 16):
        (tmp_path / f"f{i}.toml").write_text(f'extends = "f{i - 1}.toml"\n')
    assert invoke("validate", tmp_path / "f15.toml").exit_code == 0


def test_a_loop_of_symbolic_links_is_one_line(tmp_path):
    os.symlink(tmp_path / "two.toml", tmp_path / "one.toml")
    os.symlink(tmp_path / "one.toml", tmp_path / "two.toml")
    (tmp_path / "x.toml").write_text('extends = "one.toml"\n' + MINIMAL)
    result = invoke("validate", tmp_path / "x.toml")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'x.toml'}: extends = "
                                    f"'{tmp_path / 'one.toml'}': is a loop of symbolic links")
    with pytest.raises(ScenarioError, match="is a loop of symbolic links"):
        sim.load_scenario(tmp_path / "one.toml")


def test_a_nul_in_a_scenario_path_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="must be a path \\(it holds a NUL character\\)"):
        sim.load_scenario("scen\x00ario.toml")


@pytest.mark.parametrize("options, message", [
    ({"draws": 2.5}, "draws = 2.5: must be a whole number of at least 1"),
    ({"draws": "10"}, "draws = '10': must be a whole number of at least 1"),
    ({"draws": 0}, "draws = 0: must be a whole number of at least 1"),
    ({"draws": True}, "draws = True: must be a whole number of at least 1"),
    ({"seed": -1}, "seed = -1: must be a whole number from 0 to 2**128 - 1"),
    ({"seed": 1.5}, "seed = 1.5: must be a whole number from 0 to 2**128 - 1"),
    ({"seed": 2**128}, "seed = 340282366920938463463374607431768211456: must be a whole "
                       "number from 0 to 2**128 - 1"),
    ({"workers": 0}, "workers = 0: must be a whole number of at least 1"),
    ({"chunk_draws": 0.5}, "chunk_draws = 0.5: must be a whole number of at least 1"),
])
def test_simulate_with_bad_arguments_is_a_clear_error(tmp_path, options, message):
    scenario = sim.load_scenario(write_scenario(tmp_path))
    with pytest.raises(InvalidValue) as caught:
        sim.simulate(scenario, **options)
    assert str(caught.value) == message


def test_simulate_takes_numpy_integers(tmp_path):
    scenario = sim.load_scenario(write_scenario(tmp_path))
    assert sim.simulate(scenario, draws=np.int64(500), seed=np.uint32(3)).draws == 500


def test_a_pooled_model_validate_accepts_also_runs(tmp_path):
    text = MINIMAL.replace("n = 1000", "n = 1").replace(
        "a = 0.5, b = 0.3, c = 0.2", "a = 1.0, b = 0.0, c = 0.0").replace(
        "[run]", '[model]\ncombine = "pooled"\nflat_prior = FLAT\n\n[run]')
    refused = write_scenario(tmp_path, text.replace("FLAT", "1e-6"), "tiny.toml")
    result = invoke("validate", refused)
    assert result.exit_code == 2 and "model.flat_prior = 1e-06: must be at least 0.01" in \
        result.stderr
    accepted = write_scenario(tmp_path, text.replace("FLAT", "0.01"), "small.toml")
    assert invoke("validate", accepted).exit_code == 0
    assert run(tmp_path / "out", accepted).exit_code == 0
