"""Properties of the hardening: what passes validation is finite and in range, draws from
any accepted parameter are finite, a commit is all or nothing wherever it stops, and the
limits keep exact integer comparisons exact."""

import math
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.law.thresholds import reaches as _passes_threshold
from sim.limits import MAX_REGISTERED, THRESHOLD_DECIMALS
from sim.output import files
from sim.output.files import commit_files, recover
from sim.params import DISTRIBUTIONS, read_param
from sim.tables import MAX_MAGNITUDE, Table

any_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(-10**30, 10**30))
bound = st.one_of(st.none(), st.floats(-1e6, 1e6))


@given(any_number, bound, bound)
def test_an_accepted_number_is_finite_and_in_range(value, low, high):
    table = Table({"x": value}, "f.toml")
    try:
        number = table.number("x", low=low, high=high)
    except ScenarioError as error:
        assert str(error).startswith("f.toml: x = ")
        return
    assert math.isfinite(number)
    assert (low is None or number >= low) and (high is None or number <= high)
    assert high is not None or abs(number) <= MAX_MAGNITUDE


@given(st.sampled_from(sorted(DISTRIBUTIONS)), st.lists(any_number, min_size=1, max_size=3),
       st.sampled_from([(0.0, 1.0), (0.0, 10.0), (-100.0, 100.0), (0.0, math.inf)]))
def test_an_accepted_parameter_draws_finite_values_in_range(kind, args, limits):
    low, high = limits
    table = Table({"p": {kind: args}}, "f.toml")
    try:
        param = read_param(table, "p", low=low, high=high)
    except ScenarioError as error:
        assert str(error).startswith("f.toml: p")
        return
    values = param.draw(200, rng=np.random.default_rng(0))
    assert np.isfinite(values).all() and (values >= low).all() and (values <= high).all()


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


@given(st.integers(1, 4), st.data())
def test_a_commit_is_all_or_nothing_wherever_it_stops(n_files, data):
    # Renames: the journal's, then one per file; the kill comes before rename number `stop`.
    stop = data.draw(st.integers(0, n_files + 1))
    names = [f"f{i}.txt" for i in range(n_files)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for file in names:
            (folder / file).write_text("old")
        real, calls = os.replace, []

        def replace(source, target):
            if len(calls) == stop:
                raise Killed
            calls.append(target)
            real(source, target)

        files.os.replace = replace
        try:
            commit_files(folder, dict.fromkeys(names, "new"))
        except Killed:
            pass
        finally:
            files.os.replace = real
        for temporary in folder.glob(".elsim-*.part"):
            os.utime(temporary, (0, 0))  # as old as debris from a killed run
        recover(folder)
        contents = {(folder / file).read_text() for file in names}
        assert contents == ({"old"} if stop == 0 else {"new"})
        assert not list(folder.glob(".elsim-*"))


@given(st.integers(0, MAX_REGISTERED), st.integers(1, MAX_REGISTERED),
       st.integers(1, 10**THRESHOLD_DECIMALS - 1))
def test_the_threshold_comparison_is_exact_up_to_the_limits(votes, base, millionths):
    fraction = Fraction(millionths, 10**THRESHOLD_DECIMALS)
    exact = Fraction(votes) >= fraction * base
    assert bool(_passes_threshold(np.array([votes]), np.array([base]), fraction)[0]) == exact


@pytest.mark.parametrize("text", [b"\xff\xfe\x00b", "title = 'caf\xe9'".encode("latin-1")])
def test_a_file_that_is_not_utf8_is_named_without_its_contents(tmp_path, text):
    from sim.tables import read_toml
    path = tmp_path / "x.toml"
    path.write_bytes(text)
    with pytest.raises(ScenarioError) as error:
        read_toml(path)
    assert str(error.value).startswith(f"{path}: is not UTF-8 text (byte 0x")
    assert "caf" not in str(error.value)
