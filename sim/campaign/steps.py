"""Random-walk steps for the campaign drift: normal numbers by the Box-Muller transform.

The drift needs one normal number per option and per draw each time something happens to a
draw, more numbers than any other stage of a campaign. numpy's ziggurat
(``Generator.standard_normal``) costs several times a uniform draw, while Box-Muller turns
pairs of single-precision uniforms into pairs of independent standard normals with a
logarithm, a square root and a sine or cosine, which numpy vectorises. In single precision
the uniforms are multiples of ``2**-24``, so no step lies beyond 5.8 standard deviations
(probability 7e-9 under the normal law): nothing a daily drift of a few per cent can show.
"""

from __future__ import annotations

import numpy as np


def standard_normal(shape: tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Independent standard normal numbers (float32) of ``shape``."""
    size = int(np.prod(shape))
    half = (size + 1) // 2
    uniform = rng.random(2 * half, dtype=np.float32)
    # 1 - u lies in (0, 1]: its logarithm is finite.
    radius = np.log1p(-uniform[:half])
    radius *= -2
    np.sqrt(radius, out=radius)
    angle = uniform[half:]
    angle *= np.float32(2 * np.pi)
    normal = np.empty(2 * half, dtype=np.float32)
    np.multiply(np.cos(angle), radius, out=normal[:half])
    np.multiply(np.sin(angle, out=angle), radius, out=normal[half:])
    return normal[:size].reshape(shape)


def log_normal_factors(scale: np.ndarray, shape: tuple[int, int], *,
                       rng: np.random.Generator) -> np.ndarray:
    """``exp(scale * Z)`` for standard normal ``Z`` of ``shape`` ``(n_rows, n_draws)``;
    ``scale`` has one value per draw."""
    step = standard_normal(shape, rng=rng)
    step *= scale.astype(np.float32)
    return np.exp(step, out=step)
