"""Map view: fitting to records and the URL round trip."""

from __future__ import annotations

import pandas as pd
import pytest

from lawreach.map import view
from lawreach.map.layers import DEFAULT_VIEW


def frame(points):
    return pd.DataFrame(points, columns=["lon", "lat"])


def test_fit_centres_on_the_records_and_zooms_in_for_a_small_area():
    europe = view.fit(frame([(2.35, 48.86), (12.5, 41.9)]))
    world = view.fit(frame([(-79.4, 43.7), (159.9, -9.4), (2.35, 48.86)]))
    assert 6 < europe["longitude"] < 9 and 44 < europe["latitude"] < 47
    assert europe["zoom"] > world["zoom"] + 2
    assert view.MIN_ZOOM <= world["zoom"] < 2


def test_fit_single_point_and_empty():
    assert view.fit(frame([(2.35, 48.86)])) == {"longitude": 2.35, "latitude": 48.86,
                                                "zoom": view.SINGLE_POINT_ZOOM}
    assert view.fit(frame([])) == DEFAULT_VIEW


def test_url_round_trip():
    v = {"longitude": 12.4964, "latitude": 41.9028, "zoom": 6.25}
    params = view.to_query_params(v)
    assert params == {"lat": "41.903", "lon": "12.496", "zoom": "6.25"}
    back, notices = view.from_query_params({k: [val] for k, val in params.items()})
    assert notices == [] and back == {"longitude": 12.496, "latitude": 41.903, "zoom": 6.25}


@pytest.mark.parametrize("params", [
    {"lat": "abc", "lon": "2"}, {"lat": "91", "lon": "2"}, {"lat": "1", "lon": "nan"},
    {"lat": "1", "lon": "2", "zoom": "99"}, {"zoom": "3"}, {"lat": ["1", "inf"], "lon": "2"},
])
def test_malformed_view_gives_a_notice(params):
    back, notices = view.from_query_params(params)
    assert back is None and len(notices) == 1


def test_no_view_params_no_notice():
    assert view.from_query_params({"bureau": ["mps"]}) == (None, [])


def test_trim_ignores_outliers_for_the_opening_view():
    points = [(10 + i * 0.1, 45) for i in range(40)] + [(-157.4, 1.9)]  # Europe + Kiribati
    assert view.fit(frame(points), trim=0.05)["zoom"] > view.fit(frame(points))["zoom"] + 3
