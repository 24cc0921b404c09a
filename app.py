"""lawreach dashboard: the filters, the map, the sentence, the charts and the table.

This file only wires Streamlit widgets and the URL to the package: everything
shown is computed by ``lawreach`` from one filtered frame. Run it with
``streamlit run app.py`` (``make run``). ``LAWREACH_DATA_DIR`` points it at
another data folder (a fork's corrections, a test fixture).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from lawreach.contract import coverage, provenance, regions
from lawreach.contract.load import DEFAULT_DATA_DIR, Dataset, load_dataset
from lawreach.contract.schema import ACTIVITY_TYPES
from lawreach.contract.stamp import Stamp, data_stamp
from lawreach.contract.text import plain_text
from lawreach.map import layers, view
from lawreach.query import filters, search
from lawreach.query.filters import STATUS_ON, FilterState, country_name, status_label
from lawreach.ui import detail, link, selection, summary, table

DATA_DIR = Path(os.environ.get("LAWREACH_DATA_DIR") or DEFAULT_DATA_DIR)
MAP_HEIGHT = 560
LIST_FILTERS = {  # state key -> (FilterState field, records column, URL key)
    "f_bureau": ("bureaus", "operating_bureau", "bureau"),
    "f_type": ("types", "activity_type", "type"),
    "f_region": ("regions", "country", "region"),
    "f_country": ("countries", "country", "country"),
    "f_status": ("statuses", "status", "status"),
}
LIST_LABELS = {"f_bureau": "Operating bureau", "f_type": "Activity type", "f_region": "Region",
               "f_country": "Country", "f_status": "Status"}
TIME_MODES = {"any": "Any time", "on": "On a date", "between": "Between years"}
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
BUREAU_FORMS = search.bureau_name_maps(data.bureaus)[1] if len(data.bureaus) else {}
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
    ss["_check_dropped_link"] = not params  # Streamlit may have dropped an over-long link
    ss["_map_sig"], ss["_table_sig"], ss["_bump"] = (), (), False
    ss["_seeded"] = True


def set_filters(state: FilterState, years: tuple[int, int] | None) -> None:
    """Put a whole state into the widgets (link, reset). List filters are stored as ids
    under their state key; the widgets showing them are keyed by their labels (see
    ``id_multiselect``), so their old instances are dropped here."""
    for key, (attr, _column, _url) in LIST_FILTERS.items():
        ss[key] = list(getattr(state, attr))
        for stale in [k for k in ss if str(k).startswith(f"w_{key}_")]:
            del ss[stale]
    ss["f_asof"] = state.as_of
    ss["f_asof_text"] = state.as_of.isoformat() if state.as_of else ""
    ss["_asof_error"] = None
    ss["f_years"] = years or YEARS
    ss["f_time"] = "on" if state.as_of is not None else "between" if years else "any"
    ss["f_q"] = state.search
    for key in layers.TOGGLES:
        ss[f"layer_{key}"] = key not in state.hidden


def reset_all() -> None:
    """The one-click reset: filters, selection and view back to the start."""
    set_filters(FilterState(), None)
    ss["selected"], ss["sel_group"], ss["sel_source"] = None, [], "reset"
    ss["view"] = dict(DEFAULT_VIEW)
    ss["_notices"] = []


def current_state() -> FilterState:
    """The filter state from the widgets: ids only. One time control applies at a time:
    the mode says which (a date, or a year range), so they can never contradict."""
    mode = ss.get("f_time", "any")
    years = tuple(ss["f_years"])
    return FilterState(
        bureaus=tuple(ss["f_bureau"]), types=tuple(ss["f_type"]),
        countries=tuple(ss["f_country"]), statuses=tuple(ss["f_status"]),
        regions=tuple(ss["f_region"]),
        as_of=ss["f_asof"] if mode == "on" else None,
        years=(int(years[0]), int(years[1])) if mode == "between" and years != YEARS else None,
        search=plain_text(str(ss["f_q"] or "")).strip()[:filters.MAX_SEARCH],
        hidden=tuple(k for k in layers.TOGGLES if not ss.get(f"layer_{k}", True)),
    )


if not ss.get("_seeded") or any(k not in ss for k in ("f_asof_text", "f_years", "f_time", "f_q")):
    seed_from_url()  # first run, or back from another page (its widgets' state is gone)
for _key in LIST_FILTERS:
    ss.setdefault(_key, [])


# --- selection: the last map click or table row wins ---------------------------------


def table_rows(filtered: pd.DataFrame) -> pd.DataFrame:
    """The table's rows in display order: a record picked on the map or in a link comes
    first (a row picked in the table stays where it was clicked)."""
    if ss.get("sel_source") in ("map", "link"):
        return table.selected_first(filtered, ss.get("selected"))
    return filtered


def reconcile_selection(filtered: pd.DataFrame) -> None:
    """Compare this run's map and table selections with the last run's.

    ``filtered`` is in the table's display order (``table_rows``), since a table
    selection is a row position."""
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


def _name_of(key: str):
    return {
        "f_bureau": lambda b: bureau_names.get(b, b),
        "f_type": lambda t: ACTIVITY_TYPES.get(t, t),
        "f_region": regions.region_label,
        "f_country": country_name,
        "f_status": status_label,
    }[key]


def _options(key: str, column: str) -> list[str]:
    """Every value a filter can take on this data (plus what is selected, so a choice
    never silently disappears)."""
    if key == "f_bureau":
        present = set(bureau_names) | set(records[column].dropna())
    elif key == "f_type":
        present = set(ACTIVITY_TYPES)
    elif key == "f_status":
        present = set(filters.STATUSES)
    elif key == "f_region":
        present = set(regions.codes_for(records["country"].dropna().unique()))
    else:
        present = set(records[column].dropna())
    return list(present | set(ss[key]))


def id_multiselect(key: str, counts: dict[str, int]) -> None:
    """A multiselect whose state is ids, with live counts in its labels.

    Streamlit's multiselect sends back the *labels* the browser shows; a label that
    changed since (its count did) no longer maps to its option and the choice was
    dropped. So the ids live under ``key`` and the widget is keyed by its labels:
    when a count changes, a fresh widget starts from the stored ids. Options with a
    match come first (most first), those with none last.
    """
    name_of = _name_of(key)
    options = _options(key, LIST_FILTERS[key][1])
    if key == "f_region":
        order = {code: i for i, code in enumerate(regions.all_codes())}
        options.sort(key=lambda v: (counts.get(v, 0) == 0, order.get(v, 10**6)))
    else:
        options.sort(key=lambda v: (counts.get(v, 0) == 0, -counts.get(v, 0), name_of(v).casefold()))
    labels = {v: f"{name_of(v)} ({counts.get(v, 0)})" for v in options}
    digest = hashlib.blake2s("\x1f".join(f"{v}\x1e{labels[v]}" for v in options).encode(),
                             digest_size=6).hexdigest()
    widget = f"w_{key}_{digest}"

    def commit() -> None:
        ss[key] = [v for v in ss[widget] if v in labels]

    st.sidebar.multiselect(
        LIST_LABELS[key], options, default=[v for v in ss[key] if v in labels], key=widget,
        format_func=labels.__getitem__, on_change=commit, placeholder="All", select_all=False,
    )


def _time_changed(mode: str) -> None:
    ss["f_time"] = mode


def _as_of_typed() -> None:
    """A typed date applies on Enter or on leaving the box (one Tab). It is read as ISO
    8601 ("2022" means its last day); a date that is not one is said, and the last good
    date stays."""
    day, error = filters.parse_as_of(ss["f_asof_text"])
    ss["_asof_error"] = error
    if error is None:
        ss["f_asof"] = day
        ss["f_asof_text"] = day.isoformat() if day else ""
        ss["f_time"] = "on" if day else ss.get("f_time", "any")


def sidebar(state: FilterState) -> None:
    sb = st.sidebar
    sb.page_link("app.py", label="Map and data")
    sb.page_link("pages/1_About.py", label="About and methodology")
    sb.header("Filters")
    sb.button("Reset all filters", on_click=reset_all, width="stretch", key="reset",
              help="Clear every filter, the selected record and the map position.")
    sb.text_input("Search", key="f_q", max_chars=filters.MAX_SEARCH,
                  placeholder="place, name, bureau, Chinese or pinyin",
                  help="Every word must match somewhere: names (English, Chinese, pinyin), "
                       "places (local or English spelling), bureaus, notes. Best matches first.")
    for key, (attr, column, _url) in LIST_FILTERS.items():
        id_multiselect(key, filters.facet_counts(prepared, state, attr, column, bureau_names,
                                                 BUREAU_FORMS))
    sb.radio("Time", list(TIME_MODES), key="f_time", format_func=TIME_MODES.__getitem__,
             horizontal=True,
             help="One time filter applies at a time. Changing the date or the years "
                  "switches to it.")
    # A text box, not st.date_input: Streamlit's date field commits a typed date only when
    # focus leaves the whole widget (two Tabs); a text box commits on Enter or one Tab.
    sb.text_input("As of (YYYY-MM-DD)", key="f_asof_text", max_chars=10, placeholder="e.g. 2022-12-31",
                  on_change=_as_of_typed,
                  help="Only what was open (stations) or running (patrols) on that day, with "
                       "its status on that day. Records with no date are left out. "
                       "“2022” means 2022-12-31.")
    if ss.get("_asof_error"):
        sb.warning(ss["_asof_error"])
    if YEARS[0] < YEARS[1]:
        sb.slider("Years active or reported", min_value=YEARS[0], max_value=YEARS[1],
                  key="f_years", on_change=_time_changed, args=("between",),
                  help="Records active or first reported in this range; status at its end.")
    mode = ss.get("f_time", "any")
    sb.caption({"any": "Time: all records, latest status.",
                "on": f"Time: as of {ss['f_asof']} (the year range is not applied)."
                if ss.get("f_asof") else "Time: pick a date (no date: all records).",
                "between": "Time: between {} and {} (the date is not applied).".format(
                    *ss["f_years"])}[mode])
    with sb.expander("Map layers", expanded=bool(state.hidden)):
        for key, label in layers.TOGGLES.items():
            st.checkbox(label, key=f"layer_{key}",
                        help="Hidden layers' records leave the counts, table, exports and link too.")


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


def detail_panel(filtered: pd.DataFrame, state: FilterState) -> None:
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
    st.markdown(detail.build(row, bureau_names, state.status_day).html(), unsafe_allow_html=True)
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
    if not len(filtered):
        st.warning("No record matches these filters. Remove one (or press “Reset all "
                   "filters”) to see records again.")
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


def records_table(rows: pd.DataFrame, state: FilterState) -> None:
    """The records in ``table_rows`` order; the selected record's row is highlighted."""
    st.markdown(f"**The {len(rows)} records** — click a row to open it; click a column "
                "heading to sort.")
    helps = table.column_help()
    frame = table.table_frame(rows, bureau_names)
    selected = ss.get("selected")
    shown = frame
    if selected in set(frame["id"]):
        shown = frame.style.apply(
            lambda r: ["background-color: #fff3b0" if r["id"] == selected else ""] * len(r), axis=1)
    day = state.status_day
    st.dataframe(
        shown, key=selection.table_key(rows["id"]),
        on_select="rerun", selection_mode="single-row",
        hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(rows), 1)),
        column_config={
            "Name": st.column_config.TextColumn(width="large", pinned=True),
            "Status": st.column_config.TextColumn(
                f"Status on {day.isoformat()}" if day else "Status",
                help="Status on the filter's date (from each record's dated history)"
                if day else "Latest status"),
            "Sources": st.column_config.NumberColumn(help=helps["Sources"]),
            "Precision": st.column_config.TextColumn(help=helps["Precision"]),
            "Confidence": st.column_config.TextColumn(help=helps["Confidence"]),
        },
    )


def export_area(filtered: pd.DataFrame, state: FilterState, sentence: str) -> None:
    """The Export area (``app_export.py``: download buttons for slides, print, HTML and
    data files). It is loaded guarded so that a failure there never takes the map down."""
    if importlib.util.find_spec("app_export") is None:
        return
    try:
        import app_export

        chosen = records.loc[filtered.index].assign(**{STATUS_ON: filtered[STATUS_ON]})
        app_export.render(filtered=chosen, state=state, sentence=sentence,
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
filtered = filters.apply(prepared, state, bureau_names, BUREAU_FORMS)
reconcile_selection(table_rows(filtered))
rows = table_rows(filtered)
sentence = filters.describe(state, filtered, bureau_names)

st.title("China's overseas police presence")
st.caption(detail.escape_markdown(provenance.credit_line(DATA_DIR)))
for notice in ss.get("_notices", []):
    st.info(detail.escape_markdown(notice))
ss["_notices"] = []  # said once: the next interaction clears them
if ss.pop("_check_dropped_link", False):
    st.html(link.DROPPED_LINK_CHECK_HTML, unsafe_allow_javascript=True)
problems_banner(data)
st.markdown(f"### {detail.escape_markdown(sentence)}")
cover = coverage.station_coverage(records, data.totals)
st.markdown(f"**Coverage:** {detail.escape_markdown(cover.sentence())}. "
            "Stations the reports count but nobody has located are not on the map.")
metric_tiles(filtered)

map_col, detail_col = st.columns([3.2, 1.2], gap="medium")
with detail_col:
    detail_panel(filtered, state)
with map_col:
    map_area(filtered, sentence)

charts(filtered)
records_table(rows, state)
export_area(filtered, state, sentence)

st.divider()
with st.expander("How to cite this data"):
    st.code(provenance.citation(DATA_DIR), language=None, wrap_lines=True)
st.caption(f"Data version {detail.escape_markdown(provenance.data_version(DATA_DIR))} · "
           "Methodology, sources and licence: see the About page.")
sync_url(state)
