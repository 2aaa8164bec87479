"""The ``elsim`` click group: every :class:`~sim.errors.SimError` below it becomes one line
on stderr and its exit code (2 for bad input), and Ctrl-C one line and exit code 130, with
no traceback."""

from __future__ import annotations

import click

from sim import __version__
from sim.errors import SimError


class _Group(click.Group):
    """Turns a user error anywhere below into one line and its exit code, no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:  # click's own handling would say "Aborted!", exit code 1
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="elsim")
def main():
    """elsim: what poll assumptions mean in seats, under the real electoral law."""
