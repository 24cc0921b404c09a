"""How the vocabularies read: country names, short status labels, type nouns.

Shared by the map (tooltips, legend), the exports (snapshot legend) and the UI
(filters, table), so they live with the contract, not with any one of them.
"""

from __future__ import annotations

import pycountry

from lawreach.contract.schema import STATUSES

# Plural nouns for the sentence, by activity type.
TYPE_NOUNS: dict[str, tuple[str, str]] = {
    "service_station": ("service station", "service stations"),
    "joint_patrol": ("joint patrol deployment", "joint patrol deployments"),
    "training": ("training site", "training sites"),
    "riverine_patrol": ("Mekong patrol site", "Mekong patrol sites"),
    "liaison": ("liaison post", "liaison posts"),
    "cooperation": ("cooperation centre", "cooperation centres"),
}

def country_name(iso3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso3) if isinstance(iso3, str) else None
    if country is None:
        return str(iso3)
    return getattr(country, "common_name", None) or country.name


def status_label(status: str) -> str:
    """A status's short name ("Active" rather than "Active (running when last reported)"), for the
    filter options and the table, which have no room for the dictionary's gloss."""
    return STATUSES.get(status, status).split(" (")[0]
