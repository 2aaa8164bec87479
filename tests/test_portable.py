"""sim.portable: exp, log, the quarter-turn sine and cosine, and the small linear algebra,
as accurate as the model needs (a few units in the last place) and exact where they must
be (exp(-inf) = 0, log(0) = -inf, log(1) = 0)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import portable

DTYPES = [np.float32, np.float64]


def ulps(got: np.ndarray, want: np.ndarray) -> float:
    """The largest error in units of the last place of ``got``'s precision."""
    spacing = np.spacing(np.abs(want).astype(got.dtype)).astype(np.float64)
    return float(np.max(np.abs(got.astype(np.float64) - want) / spacing))


@pytest.mark.parametrize("dtype", DTYPES)
def test_exp_and_log_are_within_four_units_in_the_last_place(dtype):
    rng = np.random.default_rng(1)
    x = rng.uniform(-80, 80, 200_000).astype(dtype)
    p = np.exp(rng.uniform(-80, 5, 200_000)).astype(dtype)
    assert ulps(portable.exp(x), np.exp(x.astype(np.float64))) < 4
    assert ulps(portable.log(p), np.log(p.astype(np.float64))) < 4


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_edges_are_exact(dtype):
    x = np.array([-np.inf, 0, 1, np.inf, -1], dtype=dtype)
    assert portable.exp(x[:2]).tolist() == [0.0, 1.0]
    assert portable.exp(np.array([1000], dtype=dtype)).tolist() == [np.inf]
    logs = portable.log(x[1:])
    assert logs[:3].tolist() == [-np.inf, 0.0, np.inf] and np.isnan(logs[3])
    assert portable.exp(x).dtype == portable.log(np.abs(x)).dtype == dtype


@given(st.floats(-80, 80, width=32))
def test_log_undoes_exp(value):
    x = np.array([value], dtype=np.float32)
    assert abs(float(portable.log(portable.exp(x))[0]) - value) <= 4e-7 * max(1, abs(value))


def test_the_quarter_turn_sine_and_cosine():
    t = np.arange(2**16, dtype=np.float32) / 2**16
    sine, cosine = portable.quarter_sin_cos(t)
    angle = t.astype(np.float64) * np.pi / 2
    assert np.abs(sine - np.sin(angle)).max() < 3e-7
    assert np.abs(cosine - np.cos(angle)).max() < 3e-7


def test_dot_cholesky_and_inverse_agree_with_lapack():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((9, 9))
    spd = a @ a.T + np.eye(9)
    assert np.allclose(portable.dot(a, spd), a @ spd, rtol=0, atol=1e-12)
    assert np.allclose(portable.dot(a[0], spd), a[0] @ spd, rtol=0, atol=1e-12)
    assert float(portable.dot(a[0], a[1])) == pytest.approx(a[0] @ a[1], abs=1e-13)
    assert np.allclose(portable.cholesky(spd), np.linalg.cholesky(spd), rtol=0, atol=1e-13)
    assert np.allclose(portable.spd_inverse(spd), np.linalg.inv(spd), rtol=0, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        portable.cholesky(-spd)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_arguments_skip_the_range_reduction_with_the_same_bits(dtype, monkeypatch):
    # Within +-0.34 the reduction's k is 0: the series alone must give the reduced path's bits.
    x = np.concatenate([np.linspace(-0.34, 0.34, 50_001), [0.0, -0.0, 1e-30, -1e-30]])
    x = x.astype(dtype)
    fast = portable.exp(x)
    monkeypatch.setattr(portable, "_NO_REDUCTION", -1.0)  # every block takes the reduction
    assert np.array_equal(fast, portable.exp(x))
    assert np.array_equal(np.signbit(fast), np.signbit(portable.exp(x)))
