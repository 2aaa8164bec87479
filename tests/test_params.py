"""Uncertain parameters: draws in range, and every bad parameter named."""

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.params import Param, ParamDraws, param_labels, read_param
from sim.tables import Table


def param(value, **bounds):
    return read_param(Table({"x": value}, "f.toml", "count"), "x", **bounds)


@pytest.mark.parametrize("value, mean", [
    (0.4, 0.4), ({"normal": [0.5, 0.1]}, 0.5), ({"uniform": [0.2, 0.6]}, 0.4),
    ({"beta": [2, 6]}, 0.25), ({"triangular": [0.1, 0.4, 0.7]}, 0.4),
])
def test_each_kind_draws_per_draw_values_in_range(value, mean):
    p = param(value, low=0.0, high=1.0)
    draws = p.draw(100_000, rng=np.random.default_rng(0))
    assert draws.shape == (100_000,)
    assert draws.min() >= 0 and draws.max() <= 1
    # Standard error of a mean of 100,000 draws with sd <= 0.5 is below 0.0016.
    assert draws.mean() == pytest.approx(mean, abs=0.01)


def test_a_fixed_value_uses_no_random_numbers():
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    assert param(0.3).draw(5, rng=rng).tolist() == [0.3] * 5
    assert rng.bit_generator.state == state


@pytest.mark.parametrize("value, bounds, message", [
    ({"normal": [0.5, -0.1]}, {}, "count.x.normal = [0.5, -0.1]: the sd must not be negative"),
    ({"uniform": [0.6, 0.2]}, {}, "count.x.uniform = [0.6, 0.2]: low must not exceed high"),
    ({"beta": [0, 1]}, {}, "count.x.beta = [0, 1]: a and b must be positive"),
    ({"triangular": [0.1, 0.9, 0.5]}, {},
     "count.x.triangular = [0.1, 0.9, 0.5]: must be ordered low <= mode <= high"),
    ({"uniform": [0.5, 1.5]}, {"low": 0.0, "high": 1.0},
     "count.x.uniform = [0.5, 1.5]: must be between 0 and 1"),
    (1.5, {"low": 0.0, "high": 1.0}, "count.x = 1.5: must be between 0 and 1"),
    ({"normal": [0.5]}, {}, "count.x.normal = [0.5]: must be 2 numbers"),
    ({"gauss": [0, 1]}, {}, "count.x = {'gauss': [0, 1]}: must be a number or one of"),
])
def test_bad_parameters_are_named(value, bounds, message):
    with pytest.raises(ScenarioError) as error:
        param(value, **bounds)
    assert str(error.value).startswith(f"f.toml: {message}")


@pytest.mark.parametrize("distribution", [
    Param("fixed", (0.3,), -np.inf, np.inf), Param("normal", (0.2, 0.05), -np.inf, np.inf),
    Param("uniform", (0.1, 0.4), -np.inf, np.inf), Param("beta", (2.0, 5.0), -np.inf, np.inf),
    Param("triangular", (0.0, 0.1, 0.5), -np.inf, np.inf)], ids=lambda p: p.kind)
def test_moments_match_the_draws(distribution):
    # 400,000 draws, seed fixed: the sample mean is within 5 standard errors, the variance
    # within 2% (its relative standard error is about 0.3% here).
    values = distribution.draw(400_000, rng=np.random.default_rng(11))
    mean, variance = distribution.moments()
    assert abs(values.mean() - mean) <= 5 * np.sqrt(variance / values.size) + 1e-12
    assert values.var() == pytest.approx(variance, rel=0.02, abs=1e-12)


def test_a_new_kind_is_a_class_and_a_registry_line(monkeypatch):
    """Reading, checking, drawing, moments and the list of kinds in the error all come from
    the registry: a kind added there needs nothing else."""
    from sim import params

    class Exponential(params.Kind):
        name, form, arity = "exponential", "{ exponential = [scale] }", 1

        def check(self, args, low, high):
            return "the scale must be positive" if args[0] <= 0 else None

        def sample(self, args, n, rng):
            return rng.exponential(args[0], n)

        def moments(self, args):
            return args[0], args[0] ** 2

    monkeypatch.setitem(params.KINDS, "exponential", Exponential())
    p = param({"exponential": [2.0]}, low=0.0, high=5.0)
    assert p.uncertain and p.moments() == (2.0, 4.0) and p.describe() == "exponential(2)"
    draws = p.draw(1000, rng=np.random.default_rng(3))
    assert draws.min() >= 0 and draws.max() <= 5
    with pytest.raises(ScenarioError, match="x.exponential = \\[-1\\]: the scale must be"):
        param({"exponential": [-1]})
    with pytest.raises(ScenarioError, match="\\{ exponential = \\[scale\\] \\}$"):
        param({"gamma": [1, 2]})


def test_a_parameter_knows_its_key_path_and_label():
    table = Table({"x": {"uniform": [0.1, 0.2]}, "y": 0.5}, "f.toml", "count.inflation")
    x = read_param(table, "x", low=0.0, high=1.0, label="the x share")
    y = read_param(table, "y", low=0.0, high=1.0)
    assert (x.key, x.label) == ("count.inflation.x", "the x share")
    assert (y.key, y.label) == ("count.inflation.y", None)
    # Where it was read is no part of what it draws.
    assert x == Param("uniform", (0.1, 0.2), 0.0, 1.0)


def test_draws_are_recorded_under_the_key_path_and_partial_draws_are_nan_elsewhere():
    table = Table({"x": {"uniform": [0.1, 0.2]}, "fixed": 0.5}, "f.toml", "campaign")
    x = read_param(table, "x", low=0.0, high=1.0)
    recorder = ParamDraws(6, np.random.default_rng(0))
    recorder.draw(read_param(table, "fixed"))
    some = recorder.draw(x, np.array([1, 4]))
    assert list(recorder.values) == ["campaign.x"]  # a fixed value is not recorded
    kept = recorder.values["campaign.x"]
    assert kept[[1, 4]].tolist() == some.tolist()
    assert np.isnan(kept[[0, 2, 3, 5]]).all()
    again = recorder.draw(x, np.array([4, 5]))  # the value used last is kept
    assert kept[[1, 4, 5]].tolist() == [some[0], *again]


def test_an_unnamed_uncertain_parameter_is_refused_when_recorded():
    with pytest.raises(ValueError, match="without a key path"):
        ParamDraws(3, np.random.default_rng(0)).draw(Param("uniform", (0, 1), 0, 1))


def test_labels_are_found_wherever_a_parameter_sits():
    table = Table({"x": {"uniform": [0, 1]}, "y": {"uniform": [0, 1]}}, "f.toml", "count")
    x = read_param(table, "x", label="words")
    y = read_param(table, "y")
    assert param_labels({"a": (x, [None, y])}, None) == {"count.x": "words",
                                                         "count.y": "count.y"}


def listed(value, **bounds):
    return read_param(Table({"x": value}, "f.toml", "model.error"), "x", listed=True, **bounds)


def test_posterior_draws_are_a_kind_written_as_a_list():
    p = listed([0.2, 0.4, 0.4, 0.6], low=0.0, high=5.0)
    assert (p.kind, p.uncertain, p.key) == ("draws", True, "model.error.x")
    assert p.moments() == pytest.approx((0.4, 0.02))
    assert p.describe().startswith("draws(4: median 0.4, 90% ")
    values = p.draw(40_000, rng=np.random.default_rng(5))
    # Each of the four values is a quarter of the draws: sd of a share 0.0022, so 5 sds.
    for value, share in ((0.2, 0.25), (0.4, 0.5), (0.6, 0.25)):
        assert np.mean(values == value) == pytest.approx(share, abs=0.011)


def test_draws_take_one_integer_per_draw_and_nothing_else():
    """The same single call as the sds' draws always made, so results do not move."""
    p = listed([0.1, 0.2, 0.3])
    expected = np.array([0.1, 0.2, 0.3])[np.random.default_rng(2).integers(3, size=50)]
    assert p.draw(50, rng=np.random.default_rng(2)).tolist() == expected.tolist()


@pytest.mark.parametrize("value, message", [
    ([], "model.error.x = []: as draws, must be a list of 1 to 10000 numbers between 0 and 5"),
    ([0.1, 6.0], "model.error.x = [0.1, 6.0]: as draws, must be a list of 1 to 10000 numbers "
                 "between 0 and 5"),
    ([0.1, "a"], "model.error.x = [0.1, 'a']: as draws"),
    ([0.1] * 10_001, "model.error.x = '[10001 values]': as draws"),
])
def test_bad_draws_are_named(value, message):
    with pytest.raises(ScenarioError) as error:
        listed(value, low=0.0, high=5.0)
    assert str(error.value).startswith(f"f.toml: {message}")


def test_a_list_is_refused_where_its_reader_does_not_take_draws():
    """A campaign parameter written [0.3, 0.4] is more likely a uniform meant than two
    equally likely values: only readers that ask for it (the calibrated sds) take a list."""
    with pytest.raises(ScenarioError) as error:
        param([0.3, 0.4])
    assert "must be a number or one of" in str(error.value)
    assert "a list of draws" not in str(error.value)
    with pytest.raises(ScenarioError, match="a list of draws"):
        listed({"gauss": [0, 1]})
