"""``elsim examples`` and ``elsim new``: what ships with elsim, and a file to start from."""

from __future__ import annotations

from pathlib import Path

import click

from sim import __version__
from sim.cli.group import main
from sim.errors import SimError
from sim.output.files import atomic_write
from sim.packaged import Example, data_folder, describe, example, examples
from sim.standalone import standalone_text

DEFAULT_EXAMPLE = "kz-2021/mixture"
HEADINGS = {
    "scenario": "Scenarios: start from one with `elsim new FILE --from NAME`",
    "tally": "Official counts: `elsim new FILE --from NAME` copies one for `elsim allocate`",
    "data": "Data files (in the folder below)",
}
NEXT_STEPS = {
    "scenario": "Edit it, check it with `elsim validate {file}` and run it with "
                "`elsim run {file}`.",
    "tally": "Edit it and allocate its seats with `elsim allocate {file}`.",
}


@main.command("examples")
@click.option("--path", "folder_only", is_flag=True,
              help="Print only the folder the shipped files are installed in.")
def examples_command(folder_only):
    """List the scenarios, official counts and data files that ship with elsim."""
    if folder_only:
        click.echo(data_folder())
        return
    items = examples()
    width = max((len(shown_name(item)) for item in items), default=0)
    for kind, heading in HEADINGS.items():
        names = [f"  {shown_name(item):<{width}}  {item.title}".rstrip()
                 for item in items if item.kind == kind]
        if names:
            click.echo("\n".join([heading, *names, ""]))
    click.echo(f"Installed in {data_folder()}")


def shown_name(item: Example) -> str:
    """A scenario or a count by the name ``--from`` takes (``.toml`` dropped); a data file,
    which is looked up in the folder, by its file name (``calibration/kazakhstan.toml``)."""
    if item.kind in NEXT_STEPS or item.name.endswith(item.path.suffix):
        return item.name
    return item.name + item.path.suffix


@main.command("new")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "origin", default=DEFAULT_EXAMPLE, show_default=True,
              help="A name from `elsim examples`, or a scenario file of your own.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new_command(file, origin, force):
    """Write FILE, a scenario to edit, from a shipped example.

    The example's comments (sources, assumptions) are kept, and the base file it extends
    is merged in, so FILE stands alone. With --from PATH, makes a stand-alone copy of a
    scenario file of your own.
    """
    target = Path(file)
    if target.exists() and not force:
        raise SimError(f"{file}: exists already; choose another name, or add --force")
    source = describe(Path(origin), origin) if Path(origin).is_file() else example(origin)
    if source.kind not in NEXT_STEPS:
        raise SimError(f"{origin!r} is a data file, not a scenario or a count: find it in "
                       f"the folder `elsim examples --path` prints")
    merged = standalone_text(source.path)
    header = [f"# Written by `elsim new` (elsim {__version__}) from {source.name}."]
    if merged != source.path.read_text(encoding="utf-8"):
        header.append("# The file it extends is merged in below: this file stands alone.")
    header.append("# " + NEXT_STEPS[source.kind].format(file=target.name))
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, "\n".join(header) + "\n\n" + merged)
    click.echo(f"wrote {file} from {source.name}" + (f" ({source.title})" if source.title
                                                     else ""))
    click.echo(NEXT_STEPS[source.kind].format(file=file))
