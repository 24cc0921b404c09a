"""Colours and marker shapes shared by the map and every export.

One palette, so a PNG on a slide and the live map mean the same thing. Bureau
colours come from Okabe & Ito's colour-blind-safe set; activity types differ by
marker shape (exports) or outline and size (map), so colour never carries
meaning alone.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

BUREAU_COLOURS: dict[str, RGB] = {
    "fuzhou-psb": (213, 94, 0),  # vermillion
    "qingtian-psb": (0, 114, 178),  # blue
    "wenzhou-psb": (0, 158, 115),  # bluish green
    "nantong-psb": (204, 121, 167),  # reddish purple
    "mps": (230, 159, 0),  # orange
    "yunnan-police": (86, 180, 233),  # sky blue
}
OTHER_BUREAU: RGB = (90, 90, 90)  # any other known Chinese agency
UNKNOWN_BUREAU: RGB = (170, 170, 170)

# Matplotlib marker per activity type; the map uses TYPE_MAP_STYLE.
TYPE_MARKERS: dict[str, str] = {
    "service_station": "o",
    "joint_patrol": "s",
    "training": "^",
    "riverine_patrol": "D",
    "liaison": "P",
    "cooperation": "X",
}
# Map: radius in pixels and outline width; filled vs ring distinguishes precision.
TYPE_MAP_STYLE: dict[str, dict[str, float]] = {
    "service_station": {"radius": 6, "line": 1},
    "joint_patrol": {"radius": 9, "line": 3},
    "training": {"radius": 8, "line": 2},
    "riverine_patrol": {"radius": 7, "line": 2},
    "liaison": {"radius": 7, "line": 2},
    "cooperation": {"radius": 7, "line": 2},
}
BASEMAP_FILL: RGB = (236, 236, 232)
BASEMAP_LINE: RGB = (180, 180, 176)
WATER: RGB = (255, 255, 255)
MEKONG_ROUTE: RGB = (0, 90, 140)


def bureau_colour(bureau_id: str | None) -> RGB:
    """The colour of a bureau; grey for 'unknown' and for minor agencies."""
    if not bureau_id or bureau_id == "unknown":
        return UNKNOWN_BUREAU
    return BUREAU_COLOURS.get(bureau_id, OTHER_BUREAU)


def hex_colour(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
