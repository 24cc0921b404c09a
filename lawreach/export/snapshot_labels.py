"""City labels on a snapshot, placed so they never cover a record or each other.

Placement is greedy (most records first) over four spots around each city and
a label is dropped rather than allowed to collide with a marker, another label
or the map frame: on a slide a missing label is harmless, a hidden record is not.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox

from lawreach.export.snapshot_map import HOLLOW_PRECISIONS
from lawreach.export.snapshot_page import BASE_DPI, Preset
from lawreach.export.tabular import is_missing


def place_labels(
    fig: Figure, ax: Axes, canvas: FigureCanvasAgg, records: pd.DataFrame, points: pd.DataFrame,
    preset: Preset,
) -> list[tuple[str, Bbox]]:
    """Greedy city labels: biggest cities first, kept only where they collide with nothing.

    Boxes are in pixels at 1x from the top left; collisions are tested with numpy
    against every marker box and every label already placed.
    """
    renderer = canvas.get_renderer()
    height_px = preset.height_px
    xs, ys = points["x"].to_numpy(dtype=float), points["y"].to_numpy(dtype=float)
    half = 6.0  # marker box half-size in px
    m = ax.get_window_extent(renderer)
    inside = (m.x0 + 3, height_px - m.y1 + 3, m.x1 - 3, height_px - m.y0 - 3)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, (city, country, precision) in enumerate(zip(
            records["city"], records["country"], records["location_precision"], strict=True)):
        if precision in HOLLOW_PRECISIONS or is_missing(city):
            continue
        groups.setdefault((str(city), str(country)), []).append(index)
    order = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    font = FontProperties(family=mpl.rcParams["font.family"], size=8.0)
    _, line_h, _ = renderer.get_text_width_height_descent("Ag", font, ismath=False)
    placed: list[tuple[str, Bbox]] = []
    boxes = np.empty((0, 4))  # placed labels: x0, y0, x1, y1
    for (city, _country), members in order:
        cx, cy = float(xs[members].mean()), float(ys[members].mean())
        spread = float(np.hypot(xs[members] - cx, ys[members] - cy).max())
        text = city if len(members) == 1 else f"{city} ({len(members)})"
        tw, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        th = line_h
        reach = spread + half + 4  # clear of the marker box and the padding
        for x0, y0 in ((cx + reach, cy - th / 2), (cx - reach - tw, cy - th / 2),
                       (cx - tw / 2, cy - reach - th), (cx - tw / 2, cy + reach)):
            x1, y1 = x0 + tw, y0 + th
            if x0 < inside[0] or y0 < inside[1] or x1 > inside[2] or y1 > inside[3]:
                continue
            px0, py0, px1, py1 = x0 - 2, y0 - 2, x1 + 2, y1 + 2
            if np.any((xs + half > px0) & (xs - half < px1) & (ys + half > py0) & (ys - half < py1)):
                continue
            if len(boxes) and np.any((boxes[:, 2] > px0) & (boxes[:, 0] < px1)
                                     & (boxes[:, 3] > py0) & (boxes[:, 1] < py1)):
                continue
            fig.text(x0 / BASE_DPI / fig.get_figwidth(), 1 - y1 / height_px, text,
                     fontproperties=font, va="bottom", ha="left", parse_math=False, color="#222222",
                     zorder=5, gid=f"label-{len(placed) + 1}",
                     path_effects=[withStroke(linewidth=2.5, foreground="white")])
            placed.append((text, Bbox.from_extents(x0, y0, x1, y1)))
            boxes = np.vstack([boxes, [x0, y0, x1, y1]])
            break
    return placed

