"""The dashboard's "Export" area: the current view as PNG, SVG, PDF, HTML, CSV or GeoJSON.

``app.py`` calls ``render`` with the filtered records, so every download holds
exactly what the map shows. Files are made only when a button is clicked: each
``st.download_button`` gets a zero-argument callable (Streamlit >= 1.50 runs it on
click, in a worker thread) and ``on_click="ignore"``, so the page does not rerun
and no snapshot is drawn on ordinary reruns. The options live in a fragment, so
typing a title or picking a preset reruns only this area, not the whole app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st  # noqa: TID251 - a UI module beside app.py, like app.py itself

from lawreach.contract import provenance
from lawreach.contract.load import Dataset
from lawreach.export.tabular import ExportMeta, suggested_name, to_csv, to_geojson
from lawreach.query.filters import FilterState

FORMATS: dict[str, tuple[str, str, str]] = {
    # format: (button label, mime type, what it is for)
    "png": ("PNG", "image/png", "Image for slides and documents"),
    "svg": ("SVG", "image/svg+xml", "Vector image: sharp at any size, text stays editable"),
    "pdf": ("PDF", "application/pdf", "Print-ready vector page"),
    "html": ("HTML map", "text/html", "Interactive map in one file; works offline"),
    "csv": ("CSV", "text/csv", "Exactly these records, for spreadsheets"),
    "geojson": ("GeoJSON", "application/geo+json", "Exactly these records, for GIS tools"),
}
PRESET_LABELS = {"slide": "16:9 slide", "square": "1:1 social", "a4": "A4 print (landscape)"}


def make_file(fmt: str, records: pd.DataFrame, bureaus: pd.DataFrame, data_dir: Path,
              sentence: str, options: dict) -> Callable[[], bytes]:
    """A zero-argument callable that builds one export when the button is clicked.

    No Streamlit calls inside: Streamlit runs it outside the script run.
    """

    def build() -> bytes:
        meta = ExportMeta.for_data(data_dir, sentence, title=options["title"],
                                   export_date=date.today())
        if fmt in ("png", "svg", "pdf"):
            from lawreach.export import snapshot

            return snapshot.snapshot_bytes(records, bureaus, meta, fmt, scale=options["scale"],
                                           preset=options["preset"], world=options["world"],
                                           arcs=options["arcs"])
        if fmt == "html":
            from lawreach.export import html as export_html

            return export_html.to_html(records, bureaus, meta, world=options["world"])
        return to_csv(records, meta) if fmt == "csv" else to_geojson(records, meta)

    return build


def render(*, filtered: pd.DataFrame, state: FilterState, sentence: str, dataset: Dataset,
           data_dir: Path | str) -> None:
    """Draw the Export area for the current filter (called by app.py)."""
    st.subheader("Export this view", anchor="export")
    _export_fragment(filtered, state, sentence, dataset.bureaus, Path(data_dir))


@st.fragment
def _export_fragment(filtered: pd.DataFrame, state: FilterState, sentence: str,
                     bureaus: pd.DataFrame, data_dir: Path) -> None:
    from lawreach.export.snapshot import PRESETS

    n = len(filtered)
    st.caption(f"Every file holds exactly the {n} record{'s' if n != 1 else ''} of this view "
               f"({sentence}), with the filter, data version, citation and date written in.")
    left, right = st.columns([3, 2])
    title = left.text_input("Title on images and the HTML map", value=provenance.TITLE,
                            max_chars=120, key="export_title")
    preset = right.selectbox("Image layout", list(PRESETS), key="export_preset",
                             format_func=lambda p: f"{PRESET_LABELS[p]} · {PRESETS[p].width_px}"
                                                   f"×{PRESETS[p].height_px}")
    base = PRESETS[preset]
    scale = left.radio("PNG resolution", [1, 2, 4], index=1, horizontal=True, key="export_scale",
                       format_func=lambda s: f"{s}× ({base.width_px * s}×{base.height_px * s})")
    world = right.toggle("World view (not fitted to the records)", key="export_world")
    arcs = right.toggle("Arcs from the home bureau", key="export_arcs")
    options = {"title": title, "preset": preset, "scale": scale, "world": world, "arcs": arcs}
    if filtered.empty:
        st.info("No records match the filters, so there is nothing to export.")
    parts = [*state.bureaus, *state.countries, *state.types]
    columns = st.columns(len(FORMATS))
    for column, (fmt, (label, mime, purpose)) in zip(columns, FORMATS.items(), strict=True):
        column.download_button(
            label, data=make_file(fmt, filtered, bureaus, data_dir, sentence, options),
            file_name=suggested_name(parts, fmt, date.today()), mime=mime, help=purpose,
            on_click="ignore", disabled=filtered.empty, key=f"export_{fmt}", icon=":material/download:",
            width="stretch",
        )
