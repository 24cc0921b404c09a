"""Selection events (map clicks, table rows) -> record ids.

Streamlit hands the map's selection back as a ``PydeckState`` object in a real
session but as a plain dict when a test injects it through session state, so
everything here reads with ``[]``/``.get`` and never with attributes. The
payload comes from the browser: it is untrusted, so anything malformed reads as
"nothing selected" and ids are checked against the data by the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from lawreach.map.layers import PICKABLE_LAYERS

MAX_ID_LENGTH = 200


def _get(obj: Any, key: str) -> Any:
    """``obj[key]`` for a Mapping or Streamlit's state objects; None if absent."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(key)
    try:
        return obj[key]
    except (KeyError, TypeError, IndexError, AttributeError):
        return None


def _selection(event: Any) -> Any:
    """Accept the whole event ({"selection": ...}) or the selection itself."""
    inner = _get(event, "selection")
    return inner if inner is not None else event


def _ids_of(obj: Any) -> list[str]:
    if not isinstance(obj, Mapping):
        return []
    ids: list[str] = []
    group = obj.get("ids")
    if isinstance(group, str) and group:
        ids += [part for part in group.split(",") if part]
    single = obj.get("id")
    if isinstance(single, str) and single and single not in ids:
        ids.insert(0, single)
    return [i for i in ids if len(i) <= MAX_ID_LENGTH]


def selected_ids(event: Any, layers: Iterable[str] = PICKABLE_LAYERS) -> list[str]:
    """Record ids picked on the map, in the layers that hold records.

    A joint-patrol circle stands for several deployments: its ids come newest
    first. Unknown layers (basemap, labels) are ignored.
    """
    objects = _get(_selection(event), "objects")
    if not isinstance(objects, Mapping) and objects is not None:
        try:
            objects = dict(objects)
        except (TypeError, ValueError):
            return []
    if not objects:
        return []
    found: list[str] = []
    for layer in layers:
        picked = objects.get(layer)
        if not isinstance(picked, list | tuple):
            continue
        for obj in picked:
            for rid in _ids_of(obj):
                if rid not in found:
                    found.append(rid)
    return found


def selected_id(event: Any) -> str | None:
    """The first picked record id, or None."""
    ids = selected_ids(event)
    return ids[0] if ids else None


def selected_rows(event: Any) -> list[int]:
    """Row positions selected in ``st.dataframe`` (``{"selection": {"rows": [...]}}``)."""
    rows = _get(_selection(event), "rows")
    if not isinstance(rows, list | tuple):
        return []
    return [r for r in rows if isinstance(r, int) and not isinstance(r, bool) and r >= 0]


def signature(event: Any) -> tuple[str, ...]:
    """A comparable fingerprint of a map selection, to tell a new click from a rerun."""
    return tuple(selected_ids(event))


def table_key(ids: Iterable[str]) -> str:
    """A widget key for the records table that changes with its rows.

    A table row selection is a row *position*; kept across a filter change it would
    point at another record (or be ignored when the same position is ticked again).
    Keying the table by its content gives each filtered result a fresh selection.
    """
    digest = hashlib.sha1("\x1f".join(ids).encode("utf-8")).hexdigest()[:12]
    return f"table-{digest}"
