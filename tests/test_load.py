"""The loader's invariant: records in the files = records loaded + records reported invalid."""

from __future__ import annotations

import json

from lawreach.cli import main
from lawreach.contract.load import load_dataset
from tests.sample_data import feature, write_geojson, write_patrols


def _mixed_dir(mini_dir, station, patrol):
    good2 = dict(station, id="st-ita-rome-2")
    bad_country = dict(station, id="st-ita-rome-3", country="ITALY")
    bad_url = json.loads(json.dumps(station))
    bad_url["id"] = "st-ita-rome-4"
    bad_url["sources"][0]["url"] = "javascript:alert(1)"
    bad_url["history"] = []
    nogeom = feature(dict(station, id="st-ita-rome-5"))
    nogeom["geometry"] = None
    write_geojson(mini_dir / "stations.geojson",
                  [feature(station), feature(good2), feature(bad_country), feature(bad_url), nogeom])
    write_patrols(mini_dir / "patrols.csv",
                  [patrol, dict(patrol, id="jp-hrv-2019-zadar", lon="north"),
                   dict(patrol, id="jp-hrv-2019-split")])
    with (mini_dir / "patrols.csv").open("a", encoding="utf-8") as handle:
        handle.write('jp-extra,"too",many,cells\n')
    return mini_dir


def test_invariant_on_mixed_files(mini_dir, station, patrol):
    data = load_dataset(_mixed_dir(mini_dir, station, patrol))
    assert data.in_files == {"stations.geojson": 5, "patrols.csv": 4}
    for name, total in data.in_files.items():
        assert data.loaded(name) + data.invalid[name] == total
    assert sorted(data.records["id"]) == ["jp-hrv-2019-split", "jp-hrv-2019-zagreb",
                                         "st-ita-rome-1", "st-ita-rome-2"]
    reported = {(p.file, p.record) for p in data.problems if p.record}
    assert reported == {("stations.geojson", "feature 2"), ("stations.geojson", "feature 3"),
                        ("stations.geojson", "feature 4"), ("patrols.csv", "line 3"),
                        ("patrols.csv", "line 5")}


def test_unbalanced_quote_reports_the_rest(mini_dir, patrol):
    write_patrols(mini_dir / "patrols.csv", [patrol])
    with (mini_dir / "patrols.csv").open("a", encoding="utf-8") as handle:
        handle.write('jp-broken,"unterminated\nmore,lines\n')
    data = load_dataset(mini_dir)
    assert data.loaded("patrols.csv") == 1
    assert any(p.rule == "csv_shape" and p.record == "line 3" for p in data.problems)


def test_validate_cli_exit_codes_and_messages(mini_dir, station, patrol, capsys):
    assert main(["validate", str(mini_dir)]) == 0
    assert "OK" in capsys.readouterr().out
    _mixed_dir(mini_dir, station, patrol)
    assert main(["validate", str(mini_dir)]) == 1
    err = capsys.readouterr().err
    assert "stations.geojson, feature 2 (id st-ita-rome-3), field 'country', value 'ITALY'" in err
    assert "http(s)" in err


def test_validate_single_file(mini_dir, station, capsys):
    broken = mini_dir / "fork.geojson"
    write_geojson(broken, [feature(dict(station, status="maybe"))])
    assert main(["validate", str(broken)]) == 1
    assert "fork.geojson, feature 0" in capsys.readouterr().err


def test_validate_missing_path(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2


def test_bad_totals_row_is_reported_not_used(mini_dir):
    with (mini_dir / "reported_totals.csv").open("a", encoding="utf-8") as handle:
        handle.write("bad-row,planet,,,,many,,,2022,T,P,2022,javascript:x,sure,\n")
    data = load_dataset(mini_dir)
    assert {(p.file, p.record, p.field) for p in data.problems} == {
        ("reported_totals.csv", "line 3", "scope"), ("reported_totals.csv", "line 3", "stations"),
        ("reported_totals.csv", "line 3", "url"), ("reported_totals.csv", "line 3", "confidence"),
    }
    assert list(data.totals["id"]) == ["pp-total"]
