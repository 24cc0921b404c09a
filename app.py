"""lawreach dashboard: the filters, the map, the sentence, the charts and the table.

This file only wires Streamlit widgets and the URL to the package: everything
shown is computed by ``lawreach`` from one filtered frame. Run it with
``streamlit run app.py`` (``make run``). ``LAWREACH_DATA_DIR`` points it at
another data folder (a fork's corrections, a test fixture).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from lawreach import coverage, detail, filters, layers, link, provenance, selection, summary, table, view
from lawreach.filters import FilterState, country_name, status_label
from lawreach.load import DEFAULT_DATA_DIR, Dataset, load_dataset
from lawreach.schema import ACTIVITY_TYPES
from lawreach.stamp import Stamp, data_stamp

DATA_DIR = Path(os.environ.get("LAWREACH_DATA_DIR") or DEFAULT_DATA_DIR)
MAP_HEIGHT = 560
LIST_FILTERS = {  # widget key -> (FilterState field, records column, URL key)
    "f_bureau": ("bureaus", "operating_bureau", "bureau"),
    "f_type": ("types", "activity_type", "type"),
    "f_country": ("countries", "country", "country"),
    "f_status": ("statuses", "status", "status"),
}
LOG = logging.getLogger("lawreach.app")
ss = st.session_state

st.set_page_config(page_title="lawreach — China's overseas police presence", layout="wide")


# --- data -------------------------------------------------------------------------


@st.cache_data(show_spinner="Loading the data…", max_entries=4)
def load(data_dir: str, stamp: Stamp) -> tuple[Dataset, pd.DataFrame]:
    """Validated data plus the display frame (layer columns computed once)."""
    data = load_dataset(Path(data_dir))
    return data, layers.prepare(data.records, data.bureaus)


data, prepared = load(str(DATA_DIR), data_stamp(DATA_DIR))
records = data.records
bureau_names: dict[str, str] = {b: (n or b) for b, n in zip(data.bureaus.get("id", []),
                                                          data.bureaus.get("name", []), strict=False)}
ALL_IDS = set(prepared["id"])
YEARS = filters.year_bounds(records)
# The opening view shows where most records are (5% outliers on each side left out);
# "Fit map to results" shows every one.
DEFAULT_VIEW = view.fit(prepared, trim=0.05) if len(prepared) else dict(layers.DEFAULT_VIEW)


# --- session state: seeded once from the URL ----------------------------------------


def seed_from_url() -> None:
    """First run of a session: read filters, selection and view from the link."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    allowed = filters.allowed_values(records, bureau_names)
    state = filters.from_query_params(params, allowed)
    notices = list(state.notices)
    link_view, view_notices = view.from_query_params(params)
    notices += view_notices
    set_filters(state, filters.clamp_years(state.years, YEARS))
    sel = (params.get("sel") or [None])[-1]
    if sel is not None and sel not in ALL_IDS:
        notices.append(f"Ignored the selected record “{str(sel)[:40]}”: no record has that id.")
        sel = None
    ss["selected"], ss["sel_group"], ss["sel_source"] = sel, [sel] if sel else [], "link"
    ss["view"] = link_view or dict(DEFAULT_VIEW)
    ss["_notices"] = notices
    ss["_map_sig"], ss["_table_sig"], ss["_bump"] = (), (), False
    for key in layers.TOGGLES:
        ss[f"layer_{key}"] = True
    ss["_seeded"] = True


def set_filters(state: FilterState, years: tuple[int, int] | None) -> None:
    for key, (attr, _column, _url) in LIST_FILTERS.items():
        ss[key] = list(getattr(state, attr))
    ss["f_asof"] = state.as_of
    ss["f_years"] = years or YEARS
    ss["f_q"] = state.search


def reset_all() -> None:
    """The one-click reset: filters, selection and view back to the start."""
    set_filters(FilterState(), None)
    ss["selected"], ss["sel_group"], ss["sel_source"] = None, [], "reset"
    ss["view"] = dict(DEFAULT_VIEW)
    ss["_notices"] = []


def current_state() -> FilterState:
    years = tuple(ss["f_years"])
    return FilterState(
        bureaus=tuple(ss["f_bureau"]), types=tuple(ss["f_type"]),
        countries=tuple(ss["f_country"]), statuses=tuple(ss["f_status"]),
        as_of=ss["f_asof"], years=None if years == YEARS else (int(years[0]), int(years[1])),
        search=str(ss["f_q"] or "").strip()[:100],
    )


if not ss.get("_seeded"):
    seed_from_url()


# --- selection: the last map click or table row wins ---------------------------------


def reconcile_selection(filtered: pd.DataFrame) -> None:
    """Compare this run's map and table selections with the last run's."""
    map_sig = selection.signature(ss.get("map"))
    if map_sig != ss.get("_map_sig"):
        ss["_map_sig"] = map_sig
        ids = [i for i in map_sig if i in ALL_IDS]
        if ids:
            ss["selected"], ss["sel_group"], ss["sel_source"] = ids[0], ids, "map"
        elif ss.get("sel_source") == "map":
            ss["selected"], ss["sel_group"] = None, []
    rows = tuple(selection.selected_rows(ss.get(selection.table_key(filtered["id"]))))
    if rows != ss.get("_table_sig"):
        ss["_table_sig"] = rows
        if rows and rows[0] < len(filtered):
            rid = str(filtered["id"].iloc[rows[0]])
            ss["selected"], ss["sel_group"], ss["sel_source"] = rid, [rid], "table"
        elif ss.get("sel_source") == "table":
            ss["selected"], ss["sel_group"] = None, []
    if ss.get("selected") not in ALL_IDS:
        ss["selected"], ss["sel_group"] = None, []


# --- sidebar --------------------------------------------------------------------------


def sidebar(state: FilterState) -> None:
    sb = st.sidebar
    sb.page_link("app.py", label="Map and data")
    sb.page_link("pages/1_About.py", label="About and methodology")
    sb.header("Filters")
    sb.button("Reset all filters", on_click=reset_all, width="stretch", key="reset",
              help="Clear every filter, the selected record and the map position.")
    sb.text_input("Search", key="f_q", max_chars=100,
                  placeholder="name, pinyin, Chinese, city, notes",
                  help="Matches English, pinyin and Chinese names, cities, addresses and notes; "
                       "accents and tone marks are ignored.")
    names = {
        "f_bureau": lambda b: bureau_names.get(b, b),
        "f_type": lambda t: ACTIVITY_TYPES.get(t, t),
        "f_country": country_name,
        "f_status": status_label,
    }
    labels = {"f_bureau": "Operating bureau", "f_type": "Activity type", "f_country": "Country",
              "f_status": "Status"}
    for key, (attr, column, _url) in LIST_FILTERS.items():
        counts = filters.facet_counts(prepared, state, attr, column)
        present = set(records[column].dropna()) | set(ss[key])
        options = sorted(present, key=lambda v, f=names[key]: f(v).casefold())
        sb.multiselect(
            labels[key], options, key=key,
            format_func=lambda v, f=names[key], c=counts: f"{f(v)} ({c.get(v, 0)})",
            placeholder="All",
        )
    sb.date_input("As of", key="f_asof", min_value=date(filters.YEAR_MIN, 1, 1),
                  max_value=date(filters.YEAR_MAX, 12, 31), format="YYYY-MM-DD",
                  help="Only what was open (stations) or running (patrols) on that day. "
                       "Records with no date are left out. Clear the box to see all.")
    if YEARS[0] < YEARS[1]:
        sb.slider("Years active or reported", min_value=YEARS[0], max_value=YEARS[1],
                  key="f_years", help="Records active or first reported in this range.")
    with sb.expander("Map layers", expanded=False):
        for key, label in layers.TOGGLES.items():
            st.checkbox(label, key=f"layer_{key}")


# --- the page ---------------------------------------------------------------------------


def problems_banner(dataset: Dataset) -> None:
    if not dataset.problems:
        return
    st.error(summary.problems_message(dataset))
    with st.expander(f"Show the {len(dataset.problems)} problem(s)"):
        st.code("\n".join(summary.problem_lines(dataset)), language=None, wrap_lines=True)


def metric_tiles(filtered: pd.DataFrame) -> None:
    tiles = summary.tiles(filtered, len(records))
    for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, help=help_text, border=True)


def detail_panel(filtered: pd.DataFrame) -> None:
    selected = ss.get("selected")
    if not selected:
        st.markdown("**Record details**")
        st.caption("Click a marker on the map or a row in the table to see a record's names, "
                   "dates, status history and every source.")
        return
    group = [i for i in ss.get("sel_group", []) if i in ALL_IDS] or [selected]
    if len(group) > 1:
        by_id = prepared.set_index("id")
        selected = st.selectbox(
            f"{len(group)} deployments here", group, key=f"pick_{'_'.join(group)[:80]}",
            format_func=lambda i: str(by_id.at[i, "name"]),
        )
    row = prepared.loc[prepared["id"] == selected].iloc[0].to_dict()
    if selected not in set(filtered["id"]):
        st.caption("This record is outside the current filter.")
    st.markdown(detail.build(row, bureau_names).html(), unsafe_allow_html=True)
    left, right = st.columns(2)
    if left.button("Zoom to it", key="zoom_sel", width="stretch"):
        set_view(view.around(row["x"], row["y"]))
        st.rerun()
    if right.button("Close", key="close_sel", width="stretch"):
        ss["selected"], ss["sel_group"], ss["sel_source"] = None, [], "closed"
        st.rerun()


def set_view(new_view: dict[str, float]) -> None:
    """Change the map's view. A tiny alternating nudge makes deck.gl re-apply a view
    equal to the previous one (it only resets when the initial view changes)."""
    ss["_bump"] = not ss.get("_bump")
    nudged = dict(new_view)
    nudged["latitude"] = float(nudged["latitude"]) + (1e-5 if ss["_bump"] else 0.0)
    ss["view"] = nudged


def map_area(filtered: pd.DataFrame, sentence: str) -> None:
    top = st.columns([1.4, 1, 2.6])
    if top[0].button("Fit map to results", key="fit", width="stretch",
                     help="Zoom and pan the map to show every record in the filter."):
        set_view(view.fit(filtered))
    if top[1].button("World view", key="world", width="stretch"):
        set_view(DEFAULT_VIEW)
    on = [key for key in layers.TOGGLES if ss.get(f"layer_{key}", True)]
    selected = ss.get("selected") if ss.get("selected") in set(filtered["id"]) else None
    deck = layers.build_deck(filtered, data.bureaus, view=ss["view"], layers_on=on,
                             selected=selected)
    st.pydeck_chart(deck, key="map", on_select="rerun", selection_mode="single-object",
                    height=MAP_HEIGHT, alt=summary.alt_text(sentence))
    st.markdown(layers.legend_html(filtered, data.bureaus), unsafe_allow_html=True)
    st.caption("Map description: " + detail.escape_markdown(summary.alt_text(sentence)))


def charts(filtered: pd.DataFrame) -> None:
    left, right = st.columns(2)
    with left:
        bar_chart(coverage.counts_by(filtered, "country").head(25), "Country", country_name,
                  "**Records by country** (top 25)", row_px=22, what="country")
    with right:
        bar_chart(coverage.counts_by(filtered, "operating_bureau"), "Bureau",
                  lambda b: bureau_names.get(b, b), "**Records by operating bureau**", row_px=28,
                  what="operating bureau")


def bar_chart(counts: pd.Series, label: str, name_of, heading: str, row_px: int, what: str) -> None:
    """A horizontal bar chart of record counts, or a caption when there are none."""
    st.markdown(heading)
    if not len(counts):
        st.caption("No records.")
        return
    frame = pd.DataFrame({label: [name_of(v) for v in counts.index], "Records": counts.to_numpy()})
    st.bar_chart(frame, x=label, y="Records", horizontal=True, sort="-Records",
                 height=max(160, row_px * len(frame)),
                 alt=f"Bar chart of the filtered records by {what}")


def records_table(filtered: pd.DataFrame) -> None:
    st.markdown(f"**The {len(filtered)} records** — click a row to open it; click a column "
                "heading to sort.")
    helps = table.column_help()
    st.dataframe(
        table.table_frame(filtered, bureau_names), key=selection.table_key(filtered["id"]),
        on_select="rerun", selection_mode="single-row",
        hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(filtered), 1)),
        column_config={
            "Sources": st.column_config.NumberColumn(help=helps["Sources"]),
            "Precision": st.column_config.TextColumn(help=helps["Precision"]),
            "Confidence": st.column_config.TextColumn(help=helps["Confidence"]),
        },
    )


def export_area(filtered: pd.DataFrame, state: FilterState, sentence: str) -> None:
    """The colleague-owned export UI, if installed; the app works without it."""
    if importlib.util.find_spec("app_export") is None:
        return
    try:
        import app_export

        app_export.render(filtered=records.loc[filtered.index], state=state, sentence=sentence,
                          dataset=data, data_dir=DATA_DIR)
    except Exception:  # the map must survive a broken export module
        LOG.exception("export area failed")
        st.warning("The export area could not be shown; the map and table are unaffected.")


def sync_url(state: FilterState) -> None:
    """Write filters, selection and (a set) view into the URL, only when changed."""
    params = link.url_params(state, ss.get("selected"), ss["view"], DEFAULT_VIEW)
    now = {key: st.query_params.get_all(key) for key in st.query_params}
    if now != params:
        st.query_params.from_dict(params)


# --- run --------------------------------------------------------------------------------

state = current_state()
sidebar(state)
state = current_state()
filtered = filters.apply(prepared, state)
reconcile_selection(filtered)
sentence = filters.describe(state, filtered, bureau_names)

st.title("China's overseas police presence")
st.caption(detail.escape_markdown(provenance.credit_line(DATA_DIR)))
for notice in ss.get("_notices", []):
    st.info(detail.escape_markdown(notice))
ss["_notices"] = []  # said once: the next interaction clears them
problems_banner(data)
st.markdown(f"### {detail.escape_markdown(sentence)}")
cover = coverage.station_coverage(records, data.totals)
st.markdown(f"**Coverage:** {detail.escape_markdown(cover.sentence())}. "
            "Stations the reports count but nobody has located are not on the map.")
metric_tiles(filtered)

map_col, detail_col = st.columns([3.2, 1.2], gap="medium")
with detail_col:
    detail_panel(filtered)
with map_col:
    map_area(filtered, sentence)

charts(filtered)
records_table(filtered)
export_area(filtered, state, sentence)

st.divider()
with st.expander("How to cite this data"):
    st.code(provenance.citation(DATA_DIR), language=None, wrap_lines=True)
st.caption(f"Data version {detail.escape_markdown(provenance.data_version(DATA_DIR))} · "
           "Methodology, sources and licence: see the About page.")
sync_url(state)
