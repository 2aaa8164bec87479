"""Pictures and the HTML report, from the shipped results."""

import json
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.records import record

RESULTS = Path(__file__).parents[2] / "results"
SHIPPED = sorted(p for p in RESULTS.glob("*.json")
                 if not p.name.endswith(("-sweep.json", "-posterior.json")))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_plot_writes_every_picture_at_its_size(tmp_path):
    sweep = RESULTS / "barometer-weight-sweep.json"
    mixture, official = RESULTS / "mixture.json", RESULTS / "official-polls.json"
    result = invoke("plot", mixture, official, sweep, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    sizes = {path.name: png_size(path) for path in tmp_path.glob("*.png")}
    # Saved with a tight box around every artist: near the figure size, never cut.
    nominal = {
        "mixture-seats.png": (1200, 840), "official-polls-seats.png": (1200, 840),
        "mixture-hemicycle.png": (900, 520), "official-polls-hemicycle.png": (900, 520),
        "comparison.png": (1000, 600), "barometer-weight-sweep.png": (1200, 450)}
    assert set(sizes) == set(nominal)
    for name, (width, height) in nominal.items():
        assert 0.7 * width < sizes[name][0] < 1.2 * width, name
        # Seat panels only for lists that can win seats: official-polls has fewer rows.
        low = 0.4 if name.endswith("-seats.png") else 0.7
        assert low * height < sizes[name][1] < 1.3 * height, name
    assert all(path.stat().st_size > 20_000 for path in tmp_path.glob("*.png"))


def test_plot_svg(tmp_path):
    result = invoke("plot", RESULTS / "demoscope.json", "--out", tmp_path, "--format", "svg")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "demoscope-hemicycle.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


@pytest.mark.parametrize("command", ["plot", "report"])
def test_an_older_result_format_is_one_line_exit_2(tmp_path, command):
    old = json.loads((RESULTS / "mixture.json").read_text())
    old["format_version"] = 0
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    result = invoke(command, path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == (f"error: {path}: result format version 0 is older than this "
                             "elsim reads (2); re-run its scenario to write it anew (elsim run "
                             "SCENARIO, or elsim check --update for baselines)\n")


@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_missing_result_is_one_line_exit_2(tmp_path, command):
    result = invoke(command, tmp_path / "none.json", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'none.json'}: no such result file\n"


SIXTEEN = "".join(f'[lists.p{i:02d}]\nname = "Party number {i} with a long name"\n'
                  for i in range(16))


def test_sixteen_lists_fit_in_their_pictures(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.engine.simulate import simulate
    from sim.output import plots
    from sim.output.results import result_document
    from sim.scenario import load_scenario

    shares = ", ".join(f"p{i:02d} = {0.3 if i == 0 else 0.7 / 15:.4f}" for i in range(16))
    text = f"""[system]\nseats = 120\nthreshold = 0.03\n{SIXTEEN}
[sources.poll]\n[[poll]]\nsource = "poll"\nn = 2000\nshares = {{ {shares} }}
[run]\ndraws = 2000\nseed = 1\n"""
    path = tmp_path / "sixteen.toml"
    path.write_text(text)
    document = result_document(simulate(load_scenario(path)))
    document = record(document)
    colors = plots.list_colors([document])
    assert len(set(colors.values())) == 16  # distinct colours for sixteen lists
    figure = plots.hemicycle(document, colors)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # lays the figure out as saving will
    renderer = canvas.get_renderer()
    legend = figure.legends[0].get_window_extent(renderer)
    title = figure.axes[0].title.get_window_extent(renderer)
    out = tmp_path / "hemicycle.png"
    out.write_bytes(plots.image_bytes(figure))
    width, height = png_size(out)
    # The image spans from the legend's bottom to the title's top, and the legend's width.
    assert height >= title.y1 - legend.y0
    assert width >= legend.width


def test_a_seat_histogram_is_one_artist_not_a_bar_per_seat():
    # A bar per seat made thousands of artists for the shipped results, and drawing them
    # was most of the time elsim plot and elsim report took.
    from sim.output import plots

    document = json.loads((RESULTS / "demoscope.json").read_text())
    figure = plots.seat_distributions(record(document), plots.list_colors([record(document)]))
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert len(panels) == 9  # seven lists with seats, two blocs of the 98-seat house
    # The histogram, and the 90% interval's band.
    assert all(len(ax.patches) == 2 for ax in panels)


@pytest.mark.parametrize("command, unit, total", [("plot", "picture", 5),
                                                  ("report", "document", 2)])
def test_plot_and_report_show_progress_on_stderr(tmp_path, command, unit, total):
    out = tmp_path / ("plots" if command == "plot" else "report.html")
    result = invoke(command, RESULTS / "mixture.json", RESULTS / "demoscope.json",
                    "--out", out)
    assert result.exit_code == 0, result.output
    # Shown once the work takes more than half a second, as elsim run's is.
    assert f"{total}/{total}" in result.stderr and unit in result.stderr
