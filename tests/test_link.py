"""The dashboard's link: what the URL holds for a state, a selection and a view."""

from __future__ import annotations

from datetime import date

from lawreach.query.filters import FilterState
from lawreach.ui.link import url_params

DEFAULT = {"longitude": 10.0, "latitude": 30.0, "zoom": 1.5}


def test_opening_state_gives_an_empty_link():
    assert url_params(FilterState(), None, dict(DEFAULT), DEFAULT) == {}


def test_every_value_is_a_list():
    state = FilterState(bureaus=("fuzhou-psb", "mps"), as_of=date(2022, 12, 31), years=(2018, 2022),
                        search="  Rome ")
    assert url_params(state, "st-ita-rome-1", DEFAULT, DEFAULT) == {
        "bureau": ["fuzhou-psb", "mps"], "as_of": ["2022-12-31"], "from": ["2018"], "to": ["2022"],
        "q": ["Rome"], "sel": ["st-ita-rome-1"],
    }


def test_moved_view_is_written_rounded():
    moved = {"longitude": 12.49641, "latitude": 41.90279, "zoom": 9.0}
    assert url_params(FilterState(), None, moved, DEFAULT) == {
        "lat": ["41.903"], "lon": ["12.496"], "zoom": ["9.00"],
    }


def test_nudged_default_view_is_not_written():
    # The app nudges the latitude by 1e-5 to make deck.gl re-apply an equal view.
    nudged = dict(DEFAULT, latitude=DEFAULT["latitude"] + 1e-5)
    assert url_params(FilterState(), None, nudged, DEFAULT) == {}


def test_empty_selection_is_not_written():
    assert "sel" not in url_params(FilterState(), "", DEFAULT, DEFAULT)
