"""Pictures embedded in the report as small PNGs: a chart has a few hundred colours (its
own and their anti-aliased edges), so a palette of 256 (octree, no dithering) keeps it sharp
and true at about a third of matplotlib's full-colour size."""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure
from PIL import Image

from sim.output import plots
from sim.output.report.base import escape

COLORS = 256
# The page shows a picture at most about 1000 pixels wide: a little below the files' 100 dpi
# keeps the report small (about 80 KB a scenario) and the text readable.
DPI = 85


def compressed_png(figure: Figure) -> bytes:
    """The figure as a palette PNG; the same figure gives the same bytes."""
    image = Image.open(io.BytesIO(plots.image_bytes(figure, "png", DPI, compress=False))
                       ).convert("RGB")
    palette = image.quantize(COLORS, method=Image.Quantize.FASTOCTREE,
                             dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def image_tag(figure: Figure, alt: str) -> str:
    """An ``<img>`` with the picture inline (a data URI) and its size in pixels, so that the
    page does not move while it loads."""
    data = compressed_png(figure)
    width, height = Image.open(io.BytesIO(data)).size
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<img alt="{escape(alt)}" width={width} height={height} '
            f'src="data:image/png;base64,{encoded}">')
