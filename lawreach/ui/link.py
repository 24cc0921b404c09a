"""The dashboard's link: filters, selected record and map view as URL parameters.

The URL is the app's shareable state. Building it here, apart from Streamlit,
keeps the link testable and keeps a plain visit's URL clean: only what differs
from the opening state is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from lawreach.map import view
from lawreach.query import filters
from lawreach.query.filters import FilterState


def _rounded(v: Mapping[str, float]) -> dict[str, float]:
    return {k: round(float(x), 3) for k, x in v.items()}


def url_params(
    state: FilterState,
    selected: str | None,
    current_view: Mapping[str, float],
    default_view: Mapping[str, float],
) -> dict[str, list[str]]:
    """Every parameter as a list of values (the form Streamlit's query params compare
    equal to). The view is written only when it differs from the opening view at three
    decimals, so going back to the world view (which the app nudges by 1e-5 degrees to
    make deck.gl re-apply it) leaves no view in the link."""
    params: dict[str, list[str]] = {
        k: (v if isinstance(v, list) else [v]) for k, v in filters.to_query_params(state).items()
    }
    if selected:
        params["sel"] = [selected]
    if _rounded(current_view) != _rounded(default_view):
        params.update({k: [v] for k, v in view.to_query_params(current_view).items()})
    return params


#: Streamlit ignores a whole query string of more than 1,000 parameters or 512 KiB
#: (``streamlit.runtime.state.query_params.sanitize_query_string``) before the app sees
#: it, so Python cannot tell such a link from a plain visit. This fixed script (no data
#: text goes into it) checks the address bar on a visit whose link looked empty and says
#: so, instead of silently showing the default view.
DROPPED_LINK_CHECK_HTML = """
<div id="lr-dropped-link" role="status" style="display:none;padding:0.75em 1em;border-radius:0.5em;
background:#e8f0fe;color:#1a3d7c;margin-bottom:0.5em">This link is too long for the dashboard
(over 1,000 parameters or 512 KiB), so none of it was applied: you are seeing the default view.</div>
<script>
(() => {
  const query = window.location.search.replace(/^\\?/, "");
  if (!query) return;
  if (query.length > 512 * 1024 || query.split("&").length > 1000) {
    const box = document.getElementById("lr-dropped-link");
    if (box) box.style.display = "block";
  }
})();
</script>
"""
