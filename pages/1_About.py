"""About and methodology: what the data is, where it comes from, what labels mean."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from lawreach.contract import provenance
from lawreach.contract.load import DEFAULT_DATA_DIR, load_dataset
from lawreach.contract.stamp import data_stamp
from lawreach.ui import about

DATA_DIR = Path(os.environ.get("LAWREACH_DATA_DIR") or DEFAULT_DATA_DIR)

st.set_page_config(page_title="About lawreach", layout="wide")


@st.cache_data(show_spinner="Loading the data…", max_entries=4)
def page_text(data_dir: str, stamp: tuple) -> str:
    """The page's Markdown, rebuilt when a data file changes."""
    data = load_dataset(Path(data_dir))
    return about.about_markdown(data.records, data.totals, Path(data_dir))


st.sidebar.page_link("app.py", label="Map and data")
st.sidebar.page_link("pages/1_About.py", label="About and methodology")
st.title("About and methodology")
st.markdown(page_text(str(DATA_DIR), data_stamp(DATA_DIR)))
st.caption(provenance.credit_line(DATA_DIR))
