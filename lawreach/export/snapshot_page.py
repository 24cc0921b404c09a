"""Snapshot page sizes and the text wrapping used to lay text on them.

Kept apart from the drawing so the figure core, the legend and the city labels
agree on one pixel grid (96 dpi at scale 1) and one wrapping rule without
importing each other.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

BASE_DPI = 96
SCALES = (1, 2, 4)


@dataclass(frozen=True)
class Preset:
    name: str
    width_px: int
    height_px: int
    label: str
    title_pt: float = 24.0
    legend: str = "right"  # "right" of the map, or "bottom" (a square has no room beside it)

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / BASE_DPI, self.height_px / BASE_DPI

    def pixels(self, scale: int) -> tuple[int, int]:
        return self.width_px * scale, self.height_px * scale


PRESETS: dict[str, Preset] = {
    "slide": Preset("slide", 1280, 720, "16:9 slide, 1280 × 720 px at 1×"),
    "square": Preset("square", 1080, 1080, "1:1 social, 1080 × 1080 px at 1×", legend="bottom"),
    "a4": Preset("a4", 1123, 794, "A4 landscape print, 297 × 210 mm", title_pt=20.0),
}


def wrap_text(text: str, width_in: float, size_pt: float, max_lines: int | None = None) -> list[str]:
    """Wrap by an average DejaVu Sans glyph width (0.55 em): deterministic, no renderer."""
    chars = max(10, int(width_in * 72 / (0.55 * size_pt)))
    lines = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, chars - 1)].rstrip() + "…"
    return lines
