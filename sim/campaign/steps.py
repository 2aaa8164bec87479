"""Random-walk steps for the campaign drift: normal numbers by the Box-Muller transform.

The drift needs one normal number per option and per draw each time something happens to a
draw, more numbers than any other stage of a campaign. numpy's ziggurat
(``Generator.standard_normal``) costs several times a uniform draw, while Box-Muller turns
pairs of single-precision uniforms into pairs of independent standard normals with a
logarithm, a square root and a sine and cosine. These come from :mod:`sim.portable`, so that
the steps have the same bits on any CPU (numpy's own ``log``, ``sin`` and ``cos`` do not).
In single precision the uniforms are multiples of ``2**-24``, so no step lies beyond 5.8
standard deviations (probability 7e-9 under the normal law): nothing a daily drift of a few
per cent can show.
"""

from __future__ import annotations

import numpy as np

from sim import portable


def standard_normal(shape: tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Independent standard normal numbers (float32) of ``shape``."""
    size = int(np.prod(shape))
    half = (size + 1) // 2
    uniform = rng.random(2 * half, dtype=np.float32)
    # 1 - u lies in (0, 1] (exactly, as u is a multiple of 2**-24): its logarithm is finite.
    radius = portable.log(np.float32(1) - uniform[:half])
    radius *= -2
    np.sqrt(radius, out=radius)
    # The angle 2 pi v as a quarter turn (v * 4 = quarter + t, both exact) and the quarter:
    # its two bits give the signs of the cosine and sine of the angle t * pi / 2.
    turn = uniform[half:]
    turn *= 4
    quarter = np.floor(turn)
    turn -= quarter
    sine, cosine = portable.quarter_sin_cos(turn)
    quarter_bits = quarter.astype(np.uint8)
    normal = np.empty(2 * half, dtype=np.float32)
    np.multiply(cosine, radius, out=normal[:half])
    np.multiply(sine, radius, out=normal[half:])
    np.negative(normal[:half], out=normal[:half], where=(quarter_bits & 1).astype(bool))
    np.negative(normal[half:], out=normal[half:], where=quarter_bits >= 2)
    return normal[:size].reshape(shape)


def log_normal_factors(scale: np.ndarray, shape: tuple[int, int], *,
                       rng: np.random.Generator) -> np.ndarray:
    """``exp(scale * Z)`` for standard normal ``Z`` of ``shape`` ``(n_rows, n_draws)``;
    ``scale`` has one value per draw."""
    step = standard_normal(shape, rng=rng)
    step *= scale.astype(np.float32)
    return portable.exp(step)
