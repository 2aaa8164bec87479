"""Random-walk steps for the campaign drift: single-precision normal numbers.

The drift needs one normal number per option and per draw each time something happens to a
draw, more numbers than any other stage of a campaign. They are numpy's single-precision
ziggurat (``Generator.standard_normal(dtype=float32)``): plain C, whose rare tail
``exp``/``log`` calls go to the C library rather than numpy's CPU-dispatched kernels, so the
steps have the same bits on any CPU. It is also the cheapest way to them: a Box-Muller
transform of single-precision uniforms with :mod:`sim.portable`'s logarithm, sine and cosine
took 2.5 times as long (6.9 against 2.7 ms for 300,000 numbers), and 20 bits of a step are
more than a daily drift of a few per cent can show. The factors' exponential is
:func:`sim.portable.exp`, for the same reason.
"""

from __future__ import annotations

import numpy as np

from sim import portable


def standard_normal(shape: tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Independent standard normal numbers (float32) of ``shape``."""
    return rng.standard_normal(shape, dtype=np.float32)


def log_normal_factors(scale: np.ndarray, shape: tuple[int, int], *,
                       rng: np.random.Generator) -> np.ndarray:
    """``exp(scale * Z)`` for standard normal ``Z`` of ``shape`` ``(n_rows, n_draws)``;
    ``scale`` has one value per draw."""
    step = standard_normal(shape, rng=rng)
    step *= scale.astype(np.float32)
    return portable.exp(step)
