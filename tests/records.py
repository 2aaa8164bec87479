"""Result records for tests from documents edited by hand."""

from sim.output.records import Result


def record(document: dict) -> Result:
    """The record of ``document`` with its types checked but not the rules across fields
    (:meth:`Result.from_dict` checks both): a test edits a result to what a reader must
    cope with, such as a seat sample alone."""
    rest = {key: value for key, value in document.items()
            if key not in ("format", "format_version")}
    return Result.from_plain(rest, "result", "test document")
