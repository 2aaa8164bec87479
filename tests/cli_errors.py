"""The house style of a bad input, as the command line shows it (sim/errors.py)."""


def assert_one_line_error(result, path: str, message: str) -> None:
    """Exit 2 and one line, ``error: <file>: <key> = <value>: <rule>``, no traceback."""
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"error: {path}: ")
    assert message in result.output
    assert "Traceback" not in result.output
