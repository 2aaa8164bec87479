"""The README's short tour, run top to bottom as a reader types it (through click's
CliRunner), in a copy of the repository's scenarios and results: every step succeeds, and
nothing is written outside results/, so that a checkout's `git status` stays clean.

The copy keeps, of the two folders the tour runs, the scenarios it names and one more (with
their baselines), at fewer draws: every step runs as typed, on fewer files, so that the
test takes seconds rather than minutes (`plot` and `report` draw every result).
"""

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main
from sim.cli.check import NOT_CHECKED

ROOT = Path(__file__).parent.parent
DRAWS = 4000  # per scenario here: the steps, not the numbers, are under test
KEPT = {"kz-2021": ("mixture", "official-polls", "barometer"), "kz-2023": ("qogamdyq-pikir",)}
OUTSIDE = "/tmp/"  # where the tour puts a file of the reader's own, outside the checkout


def tour() -> list[list[str]]:
    """The elsim commands of the README's "A short tour" block, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    words = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [line[1:] for line in words if line and line[0] == "elsim"]


def files_outside_results(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "results"}


def test_the_tour_runs_top_to_bottom_and_writes_only_into_results(tmp_path, monkeypatch):
    checkout, own = tmp_path / "checkout", tmp_path / "own"
    shutil.copytree(ROOT / "scenarios", checkout / "scenarios")
    (checkout / "results").mkdir()
    for folder in (checkout / "scenarios").iterdir():  # only the elections the tour runs
        if folder.is_dir() and folder.name not in (*KEPT, *NOT_CHECKED):
            shutil.rmtree(folder)
    for folder, kept in KEPT.items():
        for path in (checkout / "scenarios" / folder).glob("[!_]*.toml"):
            if path.stem not in kept:
                path.unlink()
        for result in (ROOT / "results").glob("*.*"):
            if result.stem.removesuffix("-sweep") in kept:
                shutil.copy(result, checkout / "results")
    for path in (checkout / "scenarios").rglob("*.toml"):  # fewer draws, same steps
        path.write_text(re.sub(r"(?m)^draws = \d+$", f"draws = {DRAWS}", path.read_text()))
    monkeypatch.chdir(checkout)
    # Fewer draws make other scenarios (elsim check refuses a baseline of another digest):
    # their baselines are re-made at those draws first, as a user's CI would once.
    updated = CliRunner().invoke(main, ["check", "--update", "--quiet"])
    assert updated.exit_code == 0, updated.output
    before = files_outside_results(checkout)
    steps = tour()
    assert [step[0] for step in steps] == ["check", "run", "run", "compare", "coalitions",
                                           "plot", "report", "report", "allocate", "new",
                                           "validate"]
    for step in steps:
        args = [str(own / word.removeprefix(OUTSIDE)) if word.startswith(OUTSIDE) else word
                for word in step]
        if "--draws" in args:
            at = args.index("--draws") + 1
            args[at] = str(min(int(args[at]), DRAWS))
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (step, result.output)
        if step[0] == "check":  # it guards what shipped: the baselines, not the tour's runs
            assert "4 scenarios match their baselines in results" in result.output
    assert files_outside_results(checkout) == before
    assert (checkout / "results" / "report.html").is_file()
    assert sorted(p.name for p in own.iterdir()) == ["my.toml"]


def test_a_report_goes_beside_the_results_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a folder with no results/ yet: the report makes it
    scenario = str(ROOT / "scenarios" / "kz-2021" / "official-polls.toml")
    result = CliRunner().invoke(main, ["report", scenario, "--draws", "1000"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote results/report.html\n"
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")] == [
        "results", "results/report.html"]
