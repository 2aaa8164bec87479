"""The error types: one line each, naming the file, the key, the value and the rule."""

from sim.errors import FileProblem, ScenarioError
from sim.tables import read_toml


def test_a_problem_of_a_whole_file_names_the_file_and_no_key(tmp_path):
    error = FileProblem("file not found", file="scenarios/x.toml")
    assert str(error) == "scenarios/x.toml: file not found"
    assert isinstance(error, ScenarioError) and error.key == "" and error.value is None


def test_a_missing_scenario_file_is_such_a_problem(tmp_path):
    try:
        read_toml(tmp_path / "missing.toml")
    except FileProblem as error:
        assert str(error) == f"{tmp_path / 'missing.toml'}: file not found"
    else:
        raise AssertionError("a missing file was read")
