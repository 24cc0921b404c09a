"""The detail panel: every field shown, nothing from the data taken as markup."""

from __future__ import annotations

import re

import pytest

from lawreach.ui import detail
from tests.sample_data import SOURCE, STATION

HOSTILE = '<img src=x onerror="alert(1)">[click](javascript:alert(2)) $x$ :red[y] **b**'


def record(**changes):
    rec = dict(STATION, name_zh="罗马站", name_pinyin="Luómǎ zhàn", address="Via Roma 1",
               end_date=None, notes="Opened in 2018?")
    rec.update(changes)
    return rec


def test_names_type_bureau_place_precision_dates_status_confidence():
    html = detail.build(record(), {"fuzhou-psb": "Fuzhou PSB"}).html()
    for text in ("Test station, Rome", "罗马站", "Luómǎ zhàn", "Overseas police service station",
                 "Fuzhou PSB", "Rome, Italy", "Via Roma 1", "city", "Reported", "Read in news"):
        assert detail.escape_text(text) in html, text
    assert "started/opened 2018" in html and "first reported 2022&#45;09" in html


def test_history_dated_in_order_with_authority_and_status():
    history = [
        {"date": "2023-03", "event": "Closed", "authority": "Host police", "status": "closed",
         "source": SOURCE["url"]},
        {"date": None, "event": "Undated event", "authority": "NGO", "status": None, "source": None},
        {"date": "2022-09-12", "event": "Listed", "authority": "NGO", "status": "reported",
         "source": SOURCE["url"]},
    ]
    panel = detail.build(record(history=history))
    assert [re.sub(r"<.*?>", "", h).split(":")[0] for h in panel.history] == [
        "2022&#45;09&#45;12", "2023&#45;03", "date not known"]
    assert "Host police" in panel.history[1] and "Closed or ceased" in panel.history[1]
    assert 'href="https://example.org/report"' in panel.history[1]


def test_every_source_with_publisher_date_kind_and_link():
    sources = [SOURCE, dict(SOURCE, title="Second", publisher="Other Desk", date=None,
                            url="http://example.com/b", reliability="low", kind="ngo_report")]
    panel = detail.build(record(sources=sources))
    assert len(panel.sources) == 2
    assert '<a href="https://example.org/report" target="_blank" rel="noopener noreferrer nofollow">' \
           "Example report</a>" in panel.sources[0]
    assert "Example News" in panel.sources[0] and "2022&#45;10&#45;27" in panel.sources[0]
    assert "low&#45;reliability" in panel.sources[1] or "low-reliability" in panel.sources[1]
    assert "NGO report" in panel.sources[1]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.org/a",
                                 "//evil.org/x", "https://", "http://exa mple.org", "vbscript:x",
                                 " javascript:alert(1)", "JaVaScRiPt:alert(1)", None, 5])
def test_links_only_for_http_with_a_host(url):
    assert detail.safe_href(url) is None
    assert "<a " not in detail.link(url, "label")


def test_link_href_is_quoted_and_escaped():
    out = detail.link('https://e.org/?a=1&b="x"', "t")
    assert 'href="https://e.org/?a=1&amp;b=&quot;x&quot;"' in out


def test_hostile_text_is_inert():
    rec = record(name=HOSTILE, name_zh=HOSTILE, notes=HOSTILE, city=HOSTILE,
                 sources=[dict(SOURCE, title=HOSTILE, publisher=HOSTILE)],
                 history=[{"date": "2022", "event": HOSTILE, "authority": HOSTILE, "status": None,
                           "source": None}])
    html = detail.build(rec, {"fuzhou-psb": HOSTILE}).html()
    assert "<img" not in html and "javascript:" not in html.lower()
    for raw in ("[click]", "](", "$x$", ":red[", "**b**"):
        assert raw not in html
    assert "\n" not in html  # one HTML block: Markdown never starts inside it


def test_blank_lines_in_values_do_not_end_the_html_block():
    assert detail.escape_text("a\n\n\nb\r\nc") == "a<br/>b<br/>c"


def test_uncertain_and_approximate_dates_are_spelled_out():
    assert detail.date_text("2018?") == "2018 (uncertain)"
    assert detail.date_text("2019~") == "about 2019"
    panel = detail.build(record(start_date="2018?"))
    assert "2018 &#40;uncertain&#41;" in panel.html()


def test_missing_values_are_said_not_shown_as_nan():
    html = detail.build(record(start_date=float("nan"), first_reported=None, city=None,
                               name_zh=float("nan"), sources=[], history=None)).html()
    assert "nan" not in html.lower()
    assert "no date in the sources" in html and "Sources (0)" in html


def test_escape_markdown_for_plain_markdown_elements():
    out = detail.escape_markdown("[x](javascript:alert(1)) *y* $z$\nnext")
    assert out == r"\[x\]\(javascript\:alert\(1\)\) \*y\* \$z\$ next"
