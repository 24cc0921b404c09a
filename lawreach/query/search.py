"""Relevance search over the records: several words, other scripts and spellings, ranked.

:func:`score` gives each record a relevance (0.0 = no match) for a user's query, so
the caller keeps the rows with a score above zero and orders them by score,
descending, with a stable sort (:func:`rank` does both). The function is pure: it
reads no file, and everything it derives from the data (the folded text, the
Chinese/pinyin pairs of the names) is derived at call time. :func:`build_index`
and :func:`score_index` split the work so a caller can cache the index with the
data, as the app caches its map layers.

The rules, and why
------------------

* **Words, all of them.** The query is cut into words; every word must match
  somewhere in the record (any field): "Prato Fuzhou" narrows, it does not widen.
  Chinese has no spaces, so a run of Chinese characters is matched as a substring;
  when the run as typed occurs nowhere in the data it is split into the known words
  it contains (米兰站 = 米兰 + 站, 青田县公安局 = 青田县 + 公安局), longest first.
* **Filler words.** Stop words ("the", "of", "in", 的) are dropped. Soft words
  (:data:`~lawreach.query.search_aliases.SOFT_WORDS`: "station", "patrol", "police",
  "overseas", 警察, 站 ...) never make a record fail, because almost every record is a
  police station or a patrol and the data phrases them in many ways; but a record
  that has them gains score: half the usual, except in the activity type, where
  they count in full, because there they name what the record is. So "Prato
  station" puts the Prato service station first, then the Prato patrol, then the
  stations whose notes mention Prato; "the Mekong patrol" puts the patrol's sites
  above the Lancang-Mekong centre. Each activity type is searchable by its label
  and by the usual words for it (:data:`~lawreach.query.search_aliases.TYPE_TERMS`). A
  query made only of soft words ("police station") requires them, since nothing
  else would narrow it.
* **Folding.** Case, accents and pinyin tone marks are ignored and punctuation is a
  word break, in the query and in the data alike ("qingtian" finds "Qīngtián",
  "noisy le grand" finds "Noisy-le-Grand"). Pinyin may be typed without its spaces:
  a word of five or more letters also matches the name, pinyin, city and bureau
  fields with their spaces removed ("jingqiao" finds "jǐng qiáo").
* **Other names.** A word that is a form of a place or agency in
  :mod:`lawreach.query.search_aliases` also searches its other forms: local and English
  ("Milano" finds Milan), Chinese and English or pinyin ("湄公河" finds the Mekong
  patrol, "青田" the Qingtian bureau's records). The Chinese and pinyin names of the
  records themselves, and a bureau's Chinese and Latin names, are paired at call
  time, so a name typed in one script finds records that carry only the other.
  Other forms must match a whole word, so "Roma" does not find "Romania".
* **Typos.** A word of four or more letters that matches nothing at all is
  replaced by its closest words in the names, places and bureaus of the data
  (``difflib``, ratio >= 0.8), so "Qingtain" finds Qingtian. Only words that
  would otherwise empty the result are touched.
* **Fields and ranking.** Name (with its Chinese and pinyin forms) weighs 3; city,
  address, country (its ISO code and ISO names), operating bureau (id and names)
  and activity type (label and usual words) weigh 2; notes, programme, partner agency and
  the report weigh 1. Within a field, a whole word counts 1.0, a word start 0.8, a
  spaceless pinyin match 0.6 and a match inside a word 0.4; another form of the word
  counts 0.9 of that, a typo correction 0.6. A word's score is its best field; the
  record's score is the sum over the words, plus half a
  field's weight when the words occur together as a phrase ("Fuzhou Municipal" in
  the bureau's name). Words of one or two letters must be whole words.
* **Hostile input.** The query is user text (also from a URL): it is cut to
  :data:`MAX_QUERY_CHARS` characters and to :data:`MAX_TERMS` words, and is only
  ever matched as literal text, never compiled as a regular expression.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry

from lawreach.contract.schema import ACTIVITY_TYPES, REPORTS
from lawreach.query.search_aliases import (
    ABBREVIATIONS,
    COUNTRIES,
    SOFT_WORDS,
    STOP_WORDS,
    TYPE_TERMS,
    alias_groups,
)

MAX_QUERY_CHARS = 100
MAX_TERMS = 12  # words kept from a query; each costs one pass over the text

NAME_WEIGHT, PLACE_WEIGHT, CONTEXT_WEIGHT = 3.0, 2.0, 1.0
WHOLE, PREFIX, COMPACT, INNER = 1.0, 0.8, 0.6, 0.4
ALIAS_FACTOR, FUZZY_FACTOR = 0.9, 0.6
SOFT_FACTOR, PHRASE_FACTOR = 0.5, 0.5
TYPE_FIELD = "activity_type"  # where a soft word counts in full
COMPACT_MIN_CHARS = 5  # shorter spaceless words would match across word breaks by chance
FUZZY_MIN_CHARS, FUZZY_CUTOFF = 4, 0.8
VECTORISE_FROM = 5_000  # distinct texts from which pandas folds faster than a Python loop

# (column, weight, also matched with spaces removed). country, operating_bureau,
# activity_type and report are searched through derived text (names, labels).
FIELDS: tuple[tuple[str, float, bool], ...] = (
    ("name", NAME_WEIGHT, True),
    ("name_zh", NAME_WEIGHT, False),
    ("name_pinyin", NAME_WEIGHT, True),
    ("city", PLACE_WEIGHT, True),
    ("address", PLACE_WEIGHT, False),
    ("country", PLACE_WEIGHT, False),
    ("operating_bureau", PLACE_WEIGHT, True),
    ("activity_type", PLACE_WEIGHT, False),
    ("notes", CONTEXT_WEIGHT, False),
    ("programme", CONTEXT_WEIGHT, False),
    ("partner_agency", CONTEXT_WEIGHT, False),
    ("report", CONTEXT_WEIGHT, False),
)
# Fields whose words feed the typo correction: names and places, not free text.
_VOCABULARY_FIELDS = frozenset({"name", "name_pinyin", "city", "country", "operating_bureau",
                                "activity_type", "programme", "partner_agency"})

# Patterns for our own processing of text; user text is never part of a pattern.
# They use explicit ranges only (no \s, \w), so pandas runs them on pyarrow's RE2
# when the column is Arrow-backed, and on Python's re otherwise, with one meaning.
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_PUNCTUATION = (r"\x00-\x1f\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f"
                "\u0080-\u00bf\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f\u3000-\u3003\u3008-\u3011"
                "\u3014-\u301f\ufe10-\ufe19\ufe30-\ufe4f\uff5f-\uff65")
_SEPARATORS = r"\x20*[" + _PUNCTUATION + r"][\x20" + _PUNCTUATION + "]*"
_CJK = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
        "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f")
_CJK_CLASS = "[" + _CJK + "]"
_NON_CJK_CLASS = r"[^\x20" + _CJK + "]"
_CJK_RUNS = re.compile("[" + _CJK + "]+|[^" + _CJK + "]+")
_HAS_CJK = re.compile(_CJK_CLASS)
_COMBINING_RE = re.compile(_COMBINING)
_SEPARATORS_RE = re.compile(_SEPARATORS)


def _fold_one(text: str) -> str:
    """:func:`fold_series` for one string, in plain Python (same steps, same result)."""
    if not text.isascii():  # NFKD and the combining marks change nothing in ASCII
        text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))
    return " " + _SEPARATORS_RE.sub(" ", text.casefold()) + " "


def fold_series(values: pd.Series) -> pd.Series:
    """Search form of each value: NFKD, no combining marks, casefolded, punctuation as
    spaces, padded with a space at each end so that " word " finds whole words.

    The steps of ``filters._fold`` plus the punctuation, so a query folded here
    matches text folded here. Up to :data:`VECTORISE_FROM` values are folded one by
    one in Python, above that with pandas string methods (RE2 on Arrow-backed
    columns), each where it is faster (scripts/bench_search.py): on the bundled
    data's ~1,100 distinct texts a pandas call costs more than the work, and at 1e5
    texts the separators pass alone is ~4x faster in RE2 than in Python's ``re``.
    Only non-ASCII values go through NFKD, in either path: most text is ASCII.
    """
    text = values.fillna("").astype(str)
    if len(text) < VECTORISE_FROM:
        return pd.Series([_fold_one(t) for t in text.tolist()], index=values.index, dtype=text.dtype)
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).to_numpy(dtype=bool)
    folded = text.str.lower()  # casefold of ASCII; the non-ASCII rows are redone below
    if wide.any():
        folded[wide] = (text[wide].str.normalize("NFKD").str.replace(_COMBINING, "", regex=True)
                        .str.casefold())
    return " " + folded.str.replace(_SEPARATORS, " ", regex=True) + " "


def fold_text(text: str) -> str:
    """One string folded as :func:`fold_series` folds the data, without the padding."""
    return " ".join(_fold_one(text).split())


def _is_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


@dataclass(frozen=True, eq=False)
class _Field:
    """One searchable field: folded unique values, and each record's position among them."""

    name: str
    weight: float
    codes: np.ndarray  # per record: index into texts
    texts: list[str]  # folded, space-padded unique values
    compact: list[str] | None  # texts without spaces, for pinyin typed without them
    has_cjk: bool
    has_other: bool


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """The records' searchable text and the name forms, ready for many queries.

    Built by :func:`build_index`; holds no reference to the frame itself, only its
    index, so a caller can cache it next to the data.
    """

    index: pd.Index
    fields: tuple[_Field, ...]
    aliases: Mapping[str, frozenset[str]]  # folded form -> its other folded forms
    words: frozenset[str]  # Chinese words known to the segmenter
    longest_word: int
    _vocabulary: list[list[str]] = field(default_factory=list, repr=False)  # lazy cache


@dataclass(frozen=True)
class _Term:
    text: str
    soft: bool
    forms: tuple[str, ...]  # other forms of the word (aliases)


# --- building the index ------------------------------------------------------


@lru_cache(maxsize=1)
def _static_aliases() -> dict[str, frozenset[str]]:
    """The package's alias table, folded like the data (computed once, from code only)."""
    groups = [list(group) for group in alias_groups()]
    for country in COUNTRIES:
        groups.append([*_iso_names(country.iso3), *country.local, *country.zh])
    flat = [form for group in groups for form in group]
    one_way = [(key, forms) for key, forms in ABBREVIATIONS.items()]
    flat += [key for key, _ in one_way] + [form for _, forms in one_way for form in forms]
    folded = dict(zip(flat, (" ".join(t.split()) for t in fold_series(pd.Series(flat, dtype=object))),
                      strict=True))
    aliases: dict[str, set[str]] = {}
    for group in groups:
        forms = {folded[form] for form in group} - {""}
        for form in forms:
            aliases.setdefault(form, set()).update(forms - {form})
    for key, forms in one_way:
        aliases.setdefault(folded[key], set()).update(folded[form] for form in forms)
    return {form: frozenset(others) for form, others in aliases.items()}


def _iso_names(iso3: str) -> list[str]:
    """A country's ISO 3166 names: short, common and official, where pycountry has them."""
    country = pycountry.countries.get(alpha_3=iso3)
    names = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
    return [name for name in names if name]


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    if name in records.columns:
        return records[name]
    return pd.Series("", index=records.index, dtype=object)


def _derived_text(name: str, value: str, bureau_names: Mapping[str, str],
                  extra_bureau_names: Mapping[str, Iterable[str]]) -> str:
    """What a coded column says in words: the country's names, the bureau's names, the
    type's label and usual words, the report's title."""
    if not value:
        return ""
    if name == "country":
        return " ".join([value, *_iso_names(value)])
    if name == "operating_bureau":
        return " ".join([value, bureau_names.get(value, ""), *extra_bureau_names.get(value, ())])
    if name == "activity_type":
        return " ".join([value, ACTIVITY_TYPES.get(value, ""), *TYPE_TERMS.get(value, ())])
    if name == "report":
        return " ".join([value, REPORTS.get(value, "")])
    return value


_DERIVED = frozenset({"country", "operating_bureau", "activity_type", "report"})


def _build_fields(records: pd.DataFrame, bureau_names: Mapping[str, str],
                  extra_bureau_names: Mapping[str, Iterable[str]]) -> dict[str, _Field]:
    """Every field of :data:`FIELDS`, folded.

    Each distinct value is folded once (types, countries, bureaus, programmes and
    the names of station families repeat), and the distinct values of all fields
    are folded together in one :func:`fold_series` call, because on a frame the size
    of the bundled data the cost of a pandas call, not the text, is what counts.
    """
    parts: list[tuple[str, float, bool, np.ndarray, int]] = []
    values: list[object] = []
    for name, weight, compact in FIELDS:
        codes, uniques = pd.factorize(_column(records, name), use_na_sentinel=True)
        distinct = [*uniques.tolist(), ""]  # the last one stands for missing values
        codes = np.where(codes < 0, len(distinct) - 1, codes).astype(np.intp)
        if name in _DERIVED:
            distinct = [_derived_text(name, str(v), bureau_names, extra_bureau_names) if v else ""
                        for v in distinct]
        parts.append((name, weight, compact, codes, len(values)))
        values += distinct
    # dtype=str: Arrow-backed where pandas has pyarrow, so the regex steps run in RE2.
    folded = fold_series(pd.Series(values, dtype=str))
    has_cjk = folded.str.contains(_CJK_CLASS, regex=True).to_numpy(dtype=bool)
    has_other = folded.str.contains(_NON_CJK_CLASS, regex=True).to_numpy(dtype=bool)
    texts = folded.tolist()
    ends = [start for *_, start in parts[1:]] + [len(values)]
    compact_spans = [(start, end) for (_, _, compact, _, start), end in zip(parts, ends, strict=True)
                     if compact]
    squeezed = (pd.concat([folded.iloc[a:b] for a, b in compact_spans])
                .str.replace(" ", "", regex=False).tolist())
    compact_texts: dict[int, list[str]] = {}
    offset = 0
    for a, b in compact_spans:
        compact_texts[a] = squeezed[offset:offset + b - a]
        offset += b - a
    return {
        name: _Field(name=name, weight=weight, codes=codes, texts=texts[start:end],
                     compact=compact_texts.get(start) if compact else None,
                     has_cjk=bool(has_cjk[start:end].any()),
                     has_other=bool(has_other[start:end].any()))
        for (name, weight, compact, codes, start), end in zip(parts, ends, strict=True)
    }


def _data_pairs(fields: dict[str, _Field], bureau_names: Mapping[str, str],
                extra_bureau_names: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """(Chinese, Latin) name pairs the data itself gives: each record's name_zh with its
    name_pinyin, and each bureau's Chinese names with its other names."""
    pairs: list[tuple[str, str]] = []
    zh, pinyin = fields["name_zh"], fields["name_pinyin"]
    for a, b in set(zip(zh.codes.tolist(), pinyin.codes.tolist(), strict=True)):
        pairs.append((zh.texts[a].strip(), pinyin.texts[b].strip()))
    names = [(bureau, text) for bureau in set(bureau_names) | set(extra_bureau_names)
             for text in [bureau_names.get(bureau, ""), *extra_bureau_names.get(bureau, ())]]
    if names:
        folded = fold_series(pd.Series([text for _, text in names], dtype=object))
        by_bureau: dict[str, list[str]] = {}
        for (bureau, _), text in zip(names, folded, strict=True):
            by_bureau.setdefault(bureau, []).append(" ".join(text.split()))
        for forms in by_bureau.values():
            pairs += [(a, b) for a in forms if _is_cjk(a) for b in forms if b and not _is_cjk(b)]
    return [(a, b) for a, b in pairs if a and b and a != b]


def build_index(records: pd.DataFrame, bureau_names: Mapping[str, str],
                extra_bureau_names: Mapping[str, Iterable[str]] | None = None) -> SearchIndex:
    """Fold the records' searchable fields once, for any number of queries.

    ``bureau_names`` maps a bureau id to its English name; ``extra_bureau_names`` maps
    it to further names (Chinese, pinyin), e.g. from :func:`bureau_name_maps`. Missing
    columns count as empty, so a partial frame can be searched too.
    """
    extra = {key: tuple(str(v) for v in values if isinstance(v, str) and v.strip())
             for key, values in (extra_bureau_names or {}).items()}
    fields = _build_fields(records, bureau_names, extra)
    aliases = {form: set(others) for form, others in _static_aliases().items()}
    for chinese, latin in _data_pairs(fields, bureau_names, extra):
        aliases.setdefault(chinese, set()).add(latin)
        aliases.setdefault(latin, set()).add(chinese)
    type_words = {fold_text(w) for words in TYPE_TERMS.values() for w in words}
    words = frozenset(w for w in {*aliases, *SOFT_WORDS, *STOP_WORDS, *type_words}
                      if _is_cjk(w) and " " not in w)
    return SearchIndex(
        index=records.index, fields=tuple(fields.values()),
        aliases={form: frozenset(others) for form, others in aliases.items()},
        words=words, longest_word=max((len(w) for w in words), default=1),
    )


def bureau_name_maps(bureaus: pd.DataFrame) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """``bureau_names`` and ``extra_bureau_names`` from the bureaus frame (``name``, and
    ``name_zh`` / ``name_pinyin`` where the file has those columns)."""
    names = {str(b): str(n) for b, n in zip(bureaus["id"], bureaus["name"].fillna(""), strict=True)}
    columns = [c for c in ("name_zh", "name_pinyin") if c in bureaus.columns]
    extra: dict[str, tuple[str, ...]] = {}
    for row in bureaus[["id", *columns]].itertuples(index=False):
        values = tuple(str(v) for v in row[1:] if isinstance(v, str) and v.strip())
        if values:
            extra[str(row[0])] = values
    return names, extra


# --- reading the query -------------------------------------------------------


def _occurs(index: SearchIndex, text: str) -> bool:
    return any(text in t for f in index.fields if f.has_cjk for t in f.texts)


def _segment(run: str, index: SearchIndex) -> list[str]:
    """Cut a run of Chinese characters into known words, longest first; unknown
    characters between them stay together as one piece."""
    pieces, pending, i = [], "", 0
    while i < len(run):
        for size in range(min(index.longest_word, len(run) - i), 0, -1):
            if run[i:i + size] in index.words:
                break
        else:
            size = 0
        if size:
            if pending:
                pieces.append(pending)
                pending = ""
            pieces.append(run[i:i + size])
            i += size
        else:
            pending += run[i]
            i += 1
    return pieces + ([pending] if pending else [])


def _parse(query: str, index: SearchIndex) -> tuple[list[_Term], str]:
    """The query's terms (hard ones first) and the phrase its plain words make."""
    tokens = [run for word in fold_text((query or "")[:MAX_QUERY_CHARS]).split()
              for run in _CJK_RUNS.findall(word)]
    units: list[str] = []
    i = 0
    while i < len(tokens):
        if _is_cjk(tokens[i]):
            run = tokens[i]
            units += [run] if run in index.aliases or _occurs(index, run) else _segment(run, index)
            i += 1
            continue
        for size in range(min(4, len(tokens) - i), 1, -1):  # "den haag", "public security bureau"
            phrase = " ".join(tokens[i:i + size])
            if not _is_cjk(phrase) and phrase in index.aliases:
                units.append(phrase)
                i += size
                break
        else:
            units.append(tokens[i])
            i += 1
    units = list(dict.fromkeys(units))
    hard = [u for u in units if u not in STOP_WORDS and u not in SOFT_WORDS]
    soft = [u for u in units if u in SOFT_WORDS]
    if not hard:  # "police station": nothing else to narrow by, so require them
        hard, soft = soft or [u for u in units if u in STOP_WORDS], []
    terms = [_Term(u, False, tuple(sorted(index.aliases.get(u, ())))) for u in hard]
    terms += [_Term(u, True, tuple(sorted(index.aliases.get(u, ())))) for u in soft]
    plain = [u for u in units if u not in STOP_WORDS and not _is_cjk(u)]
    phrase = " ".join(plain) if len(" ".join(plain).split()) >= 2 else ""
    return terms[:MAX_TERMS], phrase


# --- matching ----------------------------------------------------------------


def _contains(texts: list[str], needle: str) -> np.ndarray:
    """Which texts contain ``needle``, literally.

    Python's ``in`` over the distinct texts, measured faster than
    ``Series.str.contains(regex=False)`` on both the Arrow and the object path, from
    158 to 1e5 texts (scripts/bench_search.py): the work is the substring search,
    which ``in`` does in C, and it needs no conversion of the column.
    """
    return np.fromiter((needle in text for text in texts), dtype=bool, count=len(texts))


def _quality(texts: list[str], form: str, literal: bool) -> np.ndarray:
    """Per folded text: 1.0 whole word, 0.8 word start, 0.4 inside a word, 0 none.

    Other forms of a word (``literal`` false) and words of one or two letters count
    only as whole words; Chinese counts wherever it occurs.
    """
    quality = np.zeros(len(texts))
    hit = np.flatnonzero(_contains(texts, form))
    if not len(hit):
        return quality
    if _is_cjk(form):
        quality[hit] = WHOLE
        return quality
    found = [texts[i] for i in hit]
    whole = _contains(found, f" {form} ")
    if literal and len(form) > 2:
        start = _contains(found, f" {form}")
        quality[hit] = np.select([whole, start], [WHOLE, PREFIX], INNER)
    else:
        quality[hit] = np.where(whole, WHOLE, 0.0)
    return quality


def _match(index: SearchIndex, forms: list[tuple[str, float, bool]], compact: str | None,
           soft: bool = False) -> np.ndarray:
    """Best weighted quality per record over all fields and all forms of one word."""
    best = np.zeros(len(index.index))
    for fld in index.fields:
        weight = fld.weight * (SOFT_FACTOR if soft and fld.name != TYPE_FIELD else 1.0)
        quality = np.zeros(len(fld.texts))
        for form, factor, literal in forms:
            if (fld.has_cjk if _is_cjk(form) else fld.has_other):
                quality = np.maximum(quality, factor * _quality(fld.texts, form, literal))
        if compact and fld.compact is not None:
            quality = np.maximum(quality, COMPACT * _contains(fld.compact, compact))
        if quality.any():
            best = np.maximum(best, weight * quality[fld.codes])
    return best


def _vocabulary(index: SearchIndex) -> list[str]:
    if not index._vocabulary:
        words = {w for f in index.fields if f.name in _VOCABULARY_FIELDS
                 for w in " ".join(f.texts).split()
                 if len(w) >= FUZZY_MIN_CHARS and w.isalpha() and not _is_cjk(w)}
        index._vocabulary.append(sorted(words))
    return index._vocabulary[0]


def _closest(word: str, vocabulary: list[str]) -> list[str]:
    """The vocabulary words nearest to ``word`` (difflib ratio >= FUZZY_CUTOFF), keeping
    only those as near as the nearest: "qingtain" is 0.875 from "qingtian" and 0.8
    from "qinglai", and only the first is meant."""
    matcher = difflib.SequenceMatcher(b=word)
    scored = []
    for candidate in vocabulary:
        matcher.set_seq1(candidate)
        if (matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF
                and (ratio := matcher.ratio()) >= FUZZY_CUTOFF):
            scored.append((ratio, candidate))
    best = max((ratio for ratio, _ in scored), default=0.0)
    return sorted(candidate for ratio, candidate in scored if ratio >= best - 1e-9)


def _term_score(index: SearchIndex, term: _Term) -> np.ndarray:
    # A word that is a known name (it has other forms) means that place or agency,
    # so it too must match a whole word: "Roma" is Rome, not the start of "Romania".
    forms = [(term.text, 1.0, not term.forms), *((f, ALIAS_FACTOR, False) for f in term.forms)]
    latin_word = not _is_cjk(term.text) and " " not in term.text
    compact = term.text if latin_word and len(term.text) >= COMPACT_MIN_CHARS else None
    scores = _match(index, forms, compact, term.soft)
    if not term.soft and latin_word and len(term.text) >= FUZZY_MIN_CHARS and not scores.any():
        close = _closest(term.text, _vocabulary(index))
        if close:
            scores = _match(index, [(w, FUZZY_FACTOR, False) for w in close], None)
    return scores


def score_index(index: SearchIndex, query: str) -> pd.Series:
    """Relevance of each indexed record for ``query``: 0.0 = no match.

    An empty or blank query scores every record 1.0, so "keep > 0, sort descending"
    leaves the frame as it was. A query with nothing searchable in it (only
    punctuation) matches nothing, as the literal search did.
    """
    if not (query or "").strip():
        return pd.Series(1.0, index=index.index, name="score")
    terms, phrase = _parse(query, index)
    if not terms:
        return pd.Series(0.0, index=index.index, name="score")
    total = np.zeros(len(index.index))
    matched = np.ones(len(index.index), dtype=bool)
    for term in terms:
        scores = _term_score(index, term)
        if not term.soft:
            matched &= scores > 0
        total += scores
    if phrase:  # the words side by side, as typed: "Fuzhou Municipal" in the bureau's name
        total += PHRASE_FACTOR * _match(index, [(phrase, 1.0, False)], None)
    return pd.Series(np.where(matched, total, 0.0), index=index.index, name="score")


def score(records: pd.DataFrame, query: str, bureau_names: Mapping[str, str],
          extra_bureau_names: Mapping[str, Iterable[str]] | None = None) -> pd.Series:
    """Relevance of each record for ``query`` (index aligned with ``records``; 0.0 = no
    match). See the module docstring for the rules."""
    return score_index(build_index(records, bureau_names, extra_bureau_names), query)


def rank(records: pd.DataFrame, query: str, bureau_names: Mapping[str, str],
         extra_bureau_names: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """The matching records, most relevant first; equal scores keep their input order."""
    scores = score(records, query, bureau_names, extra_bureau_names).to_numpy()
    order = np.argsort(-scores, kind="stable")
    return records.iloc[order[scores[order] > 0]]
