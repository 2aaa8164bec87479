"""``exp``, ``log`` and the Box-Muller angle whose every bit is the same on any CPU.

numpy computes ``np.exp``, ``np.log``, ``np.sin``... with kernels chosen for the CPU at run
time (AVX2, AVX-512 or plain SSE), and they differ in the last bit (float32 from the AVX2
level, float64 from the AVX-512 level). Where such a value decides an integer (a vote count
rounded from a share, a district's winner), results would then depend on the machine. The
functions here use only ``+``, ``-``, ``*``, ``/``, ``rint`` and exact exponent handling
(``frexp``, ``ldexp``), which IEEE 754 rounds correctly on every CPU, in a fixed order. They
keep the input's precision (float32 or float64) to within a few units in the last place;
the model needs no more, only the same bits everywhere.
"""

from __future__ import annotations

from math import factorial

import numpy as np
from numpy.typing import ArrayLike

# Cody-Waite splits of log(2): k * LN2_HI is exact for the exponents k that occur.
_LN2_HI = {np.dtype(np.float32): 0.693359375, np.dtype(np.float64): 6.93147180369123816490e-01}
_LN2_LO = {np.dtype(np.float32): -2.12194440e-4, np.dtype(np.float64): 1.90821492927058770002e-10}
# exp(x) is exactly 0 below and inf above these (ldexp rounds subnormals correctly).
_EXP_RANGE = {np.dtype(np.float32): (-200.0, 89.0), np.dtype(np.float64): (-800.0, 710.0)}
# Taylor terms of exp(r), |r| <= log(2)/2: the first left out is below 2e-7 (float32) or
# 1e-17 (float64) relative.
_EXP_TERMS = {np.dtype(np.float32): 7, np.dtype(np.float64): 14}
# log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.172: terms 2 s**(2k+1) / (2k+1).
_LOG_TERMS = {np.dtype(np.float32): 5, np.dtype(np.float64): 11}


def _horner(x: np.ndarray, coefficients: list[float]) -> np.ndarray:
    """``sum(c[k] * x**k)`` by Horner's rule, in place on one array."""
    # x * c[-1] is the first step's c[-1] * x: the same bits, one pass fewer.
    result = x * x.dtype.type(coefficients[-1])
    result += x.dtype.type(coefficients[-2])
    for c in reversed(coefficients[:-2]):
        result *= x
        result += x.dtype.type(c)
    return result


# Elements per block: the temporaries of a block stay in cache and are reused by malloc,
# instead of being fresh pages (page faults) for every step over a whole chunk's array.
BLOCK = 16_384


def _blockwise(function, x: np.ndarray) -> np.ndarray:
    """``function`` (elementwise) applied to ``x`` block by block."""
    x = np.ascontiguousarray(x)
    if x.size <= BLOCK:
        return function(x)
    result = np.empty_like(x)
    flat, out = x.reshape(-1), result.reshape(-1)
    for start in range(0, flat.size, BLOCK):
        out[start:start + BLOCK] = function(flat[start:start + BLOCK])
    return result


def exp(x: np.ndarray) -> np.ndarray:
    """``e**x`` elementwise, float32 or float64 as ``x``; the same bits on any CPU."""
    return _blockwise(_exp, np.asarray(x))


def log(x: np.ndarray) -> np.ndarray:
    """The natural logarithm elementwise, float32 or float64 as ``x`` (``-inf`` at 0, nan
    below); the same bits on any CPU."""
    return _blockwise(_log, np.asarray(x))


# Below this magnitude x / log(2) rounds to k = 0: the range reduction leaves x as it is and
# the Taylor series alone gives the same bits (a campaign's daily drift steps).
_NO_REDUCTION = 0.34


def _exp(x: np.ndarray) -> np.ndarray:
    dtype = x.dtype
    if x.size and x.max() <= _NO_REDUCTION and x.min() >= -_NO_REDUCTION:
        return _horner(x, [1 / factorial(n) for n in range(_EXP_TERMS[dtype])])
    low, high = _EXP_RANGE[dtype]
    r = np.clip(x, low, high)
    k = r * dtype.type(1 / np.log(2))
    np.rint(k, out=k)  # exp(x) = 2**k * exp(r), |r| <= log(2) / 2
    r -= k * dtype.type(_LN2_HI[dtype])
    r -= k * dtype.type(_LN2_LO[dtype])
    result = _horner(r, [1 / factorial(n) for n in range(_EXP_TERMS[dtype])])
    with np.errstate(over="ignore"):
        return np.ldexp(result, k.astype(np.int32), out=result)


def _log(x: np.ndarray) -> np.ndarray:
    dtype = x.dtype
    mantissa, exponent = np.frexp(x)  # x = mantissa * 2**exponent, mantissa in [0.5, 1)
    low = mantissa < dtype.type(np.sqrt(0.5))
    mantissa = np.where(low, mantissa * dtype.type(2), mantissa)  # now in [0.707, 1.414)
    power = (exponent - low).astype(dtype)
    f = mantissa - dtype.type(1)  # exact
    with np.errstate(divide="ignore", invalid="ignore"):  # 0, inf and nan: replaced below
        s = f / (f + dtype.type(2))
    series = _horner(s * s, [2 / (2 * k + 1) for k in range(_LOG_TERMS[dtype])])
    series *= s
    series += power * dtype.type(_LN2_LO[dtype])
    series += power * dtype.type(_LN2_HI[dtype])
    with np.errstate(invalid="ignore"):
        return np.where(x > 0, np.where(np.isfinite(x), series, x),
                        np.where(x == 0, dtype.type(-np.inf), dtype.type(np.nan)))


def quarter_sin_cos(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of ``t * pi / 2`` for float32 ``t`` in ``[0, 1)`` (a quarter
    turn); the same bits on any CPU. Taylor series to the term below 1e-8."""
    angle = t * np.float32(np.pi / 2)
    square = angle * angle
    sine = _horner(square, [(-1) ** k / factorial(2 * k + 1) for k in range(7)])
    sine *= angle
    cosine = _horner(square, [(-1) ** k / factorial(2 * k) for k in range(8)])
    return sine, cosine



def dot(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """``a @ b`` for 1-d or 2-d float arrays, summed term by term in index order: a BLAS
    product's last bits depend on its kernel (``OPENBLAS_CORETYPE``) and thread count."""
    first, second = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    left = first if first.ndim == 2 else first[None, :]
    right = second if second.ndim == 2 else second[:, None]
    result = np.zeros((left.shape[0], right.shape[1]))
    for k in range(left.shape[1]):
        result += left[:, k, None] * right[None, k, :]
    return result.reshape(first.shape[:-1] + second.shape[1:])


def cholesky(a: ArrayLike) -> np.ndarray:
    """The lower-triangular ``L`` with ``L @ L.T == a`` for a symmetric positive definite
    ``a``, in a fixed order (LAPACK's last bits depend on its kernel)."""
    matrix = np.asarray(a, dtype=np.float64)
    lower = np.zeros_like(matrix)
    for j in range(len(matrix)):
        pivot = matrix[j, j] - float(dot(lower[j, :j], lower[j, :j]))
        if not pivot > 0:
            raise np.linalg.LinAlgError("matrix is not positive definite")
        lower[j, j] = np.sqrt(pivot)
        lower[j + 1:, j] = (matrix[j + 1:, j] - dot(lower[j + 1:, :j], lower[j, :j])) / lower[j, j]
    return lower


def spd_inverse(a: ArrayLike) -> np.ndarray:
    """The inverse of a symmetric positive definite matrix, through :func:`cholesky`."""
    lower = cholesky(a)
    inverse_lower = np.zeros_like(lower)
    for i in range(len(lower)):
        inverse_lower[i, i] = 1 / lower[i, i]
        for j in range(i):
            inverse_lower[i, j] = -float(dot(lower[i, j:i], inverse_lower[j:i, j])) / lower[i, i]
    return dot(inverse_lower.T, inverse_lower)
