"""lawreach dashboard (placeholder until the dashboard lands): record counts."""

import streamlit as st

from lawreach import coverage, provenance
from lawreach.load import DEFAULT_DATA_DIR, load_dataset

st.set_page_config(page_title="lawreach", layout="wide")
data = load_dataset(DEFAULT_DATA_DIR)
st.title(provenance.TITLE)
st.write(f"{len(data.records)} valid records; "
         f"{coverage.station_coverage(data.records, data.totals).sentence()}.")
if data.problems:
    st.warning(f"{len(data.problems)} problem(s) in the data files")
st.caption(provenance.credit_line(DEFAULT_DATA_DIR))
