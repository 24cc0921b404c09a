"""One record -> the detail panel, as escaped HTML pieces.

Nothing from the data is trusted as markup. Every value goes through
``escape_text``, which escapes HTML *and* the characters Markdown (and
Streamlit's extensions: ``$`` maths, ``:colour[...]``) would act on, because the
panel is shown with ``st.markdown(..., unsafe_allow_html=True)``. Links are
emitted only for http(s) URLs with a host, in a quoted, escaped attribute.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

from lawreach.contract import status
from lawreach.contract.schema import (
    ACTIVITY_TYPES,
    CONFIDENCES,
    PRECISIONS,
    REPORTS,
    SOURCE_KINDS,
    STATUSES,
)
from lawreach.contract.text import _CONTROL, escape_markdown, escape_text, missing  # noqa: F401
from lawreach.contract.vocab import country_name


def safe_href(url: Any) -> str | None:
    """The URL escaped for a quoted href, or None unless it is http(s) with a host."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    return html.escape(url, quote=True)


def link(url: Any, text: Any) -> str:
    """An escaped link opening in a new tab, or just the escaped text."""
    href = safe_href(url)
    label = escape_text(text) or escape_text(url)
    if href is None:
        return label
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{label}</a>'


def date_text(value: Any) -> str:
    """'2018?' -> '2018 (uncertain)', '2019~' -> 'about 2019'."""
    if missing(value):
        return ""
    text = str(value)
    if text.endswith("?"):
        return f"{text[:-1]} (uncertain)"
    if text.endswith("~"):
        return f"about {text[:-1]}"
    return text


def _vocab(vocabulary: Mapping[str, str], value: Any) -> str:
    if missing(value):
        return ""
    return vocabulary.get(str(value), str(value))


def _list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping)]
    return []


@dataclass
class DetailPanel:
    """The pieces of the panel, each already escaped HTML."""

    record_id: str
    title: str
    names: list[str] = field(default_factory=list)  # Chinese, pinyin
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value html)
    history: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: str = ""

    def html(self) -> str:
        """One HTML block with no blank lines (so Markdown leaves it alone)."""
        out = ['<div class="lr-detail">', f'<h4 style="margin:0 0 .2em 0">{self.title}</h4>']
        if self.names:
            out.append('<div style="color:#444">' + " · ".join(self.names) + "</div>")
        out.append('<dl style="margin:.5em 0">')
        for label, value in self.facts:
            out.append(f'<dt style="font-weight:600;margin-top:.3em">{escape_text(label)}</dt>'
                       f'<dd style="margin-left:0">{value}</dd>')
        out.append("</dl>")
        if self.history:
            out.append('<div style="font-weight:600">Status history</div><ol style="margin-top:0">')
            out += [f"<li>{item}</li>" for item in self.history]
            out.append("</ol>")
        out.append(f'<div style="font-weight:600">Sources ({len(self.sources)})</div>'
                   '<ol style="margin-top:0">')
        out += [f"<li>{item}</li>" for item in self.sources]
        out.append("</ol>")
        if self.notes:
            out.append(f'<div style="font-weight:600">Notes</div><p>{self.notes}</p>')
        out.append("</div>")
        return "".join(out)


def _event(event: Mapping[str, Any]) -> str:
    when = escape_text(date_text(event.get("date"))) or "date not known"
    text = f"<b>{when}</b>: {escape_text(event.get('event'))}"
    if not missing(event.get("authority")):
        text += f" ({escape_text(event.get('authority'))})"
    if not missing(event.get("status")):
        text += f" → <i>{escape_text(_vocab(STATUSES, event.get('status')))}</i>"
    if safe_href(event.get("source")):
        text += " · " + link(event.get("source"), "source")
    return text


def _source(source: Mapping[str, Any]) -> str:
    parts = [link(source.get("url"), source.get("title") or source.get("url"))]
    meta = [escape_text(source.get("publisher")), escape_text(date_text(source.get("date"))),
            escape_text(_vocab(SOURCE_KINDS, source.get("kind")))]
    parts.append(" — " + ", ".join(m for m in meta if m))
    if source.get("reliability") == "low":
        parts.append(" <b>(low-reliability outlet; corroboration needed)</b>")
    if not missing(source.get("note")):
        parts.append(f"<br/><small>{escape_text(source.get('note'))}</small>")
    return "".join(parts)


def _sorted_history(history: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def key(event: Mapping[str, Any]) -> tuple[int, str]:
        date = event.get("date")
        return (1, "") if missing(date) else (0, str(date).rstrip("?~"))

    return sorted(history, key=key)


def build(
    record: Mapping[str, Any],
    bureau_names: Mapping[str, str] | None = None,
    status_day: date | None = None,
) -> DetailPanel:
    """The detail panel for one record (a row of ``Dataset.records`` as a mapping).

    With ``status_day`` the status shown is the one on that day (``status.status_on_day``),
    with the latest one beside it when they differ, so a reader looking at 2022 is not
    told that a station then under investigation "is closed"."""
    bureau_names = bureau_names or {}
    get = record.get
    panel = DetailPanel(record_id=str(get("id")), title=escape_text(get("name")) or "(unnamed)")
    if not missing(get("name_zh")):
        panel.names.append(f'<span lang="zh">{escape_text(get("name_zh"))}</span>')
    if not missing(get("name_pinyin")):
        panel.names.append(f"<i>{escape_text(get('name_pinyin'))}</i>")

    facts = panel.facts
    facts.append(("Type", escape_text(_vocab(ACTIVITY_TYPES, get("activity_type")))))
    bureau = get("operating_bureau")
    bureau_text = escape_text(bureau_names.get(bureau, bureau) if isinstance(bureau, str) else "")
    if not missing(get("bureau_confidence")):
        bureau_text += f" <small>({escape_text(_vocab(CONFIDENCES, get('bureau_confidence')))})</small>"
    facts.append(("Operating bureau", bureau_text or "not known"))
    if not missing(get("partner_agency")):
        facts.append(("Partner agency", escape_text(get("partner_agency"))))
    if not missing(get("programme")):
        facts.append(("Programme", escape_text(get("programme"))))
    place = ", ".join(p for p in (escape_text(get("city")),
                                  escape_text(country_name(get("country")) if not missing(get("country"))
                                              else "")) if p)
    facts.append(("Place", place or "not known"))
    if not missing(get("address")):
        facts.append(("Address", escape_text(get("address"))))
    precision = get("location_precision")
    facts.append(("Location precision",
                  f"{escape_text(precision)} — {escape_text(_vocab(PRECISIONS, precision))}"
                  if not missing(precision) else "not known"))
    dates = []
    for label, name in (("started/opened", "start_date"), ("first reported", "first_reported"),
                        ("ended/closed", "end_date")):
        if not missing(get(name)):
            dates.append(f"{label} {escape_text(date_text(get(name)))}")
    facts.append(("Dates", "; ".join(dates) if dates else "no date in the sources"))
    latest = escape_text(_vocab(STATUSES, get("status")))
    if status_day is None:
        facts.append(("Status", latest))
    else:
        then = status.status_on_day(str(get("status")), str(get("activity_type")),
                                    _list(get("history")), get("end_earliest"), status_day)
        text = escape_text(_vocab(STATUSES, then))
        if then != get("status"):
            text += f" <small>(latest: {latest})</small>"
        facts.append((f"Status on {status_day.isoformat()}", text))
    facts.append(("Confidence", escape_text(_vocab(CONFIDENCES, get("confidence")))))
    if not missing(get("report")):
        facts.append(("Listed in", escape_text(_vocab(REPORTS, get("report")))))

    panel.history = [_event(e) for e in _sorted_history(_list(get("history")))]
    panel.sources = [_source(s) for s in _list(get("sources"))]
    panel.notes = escape_text(get("notes"))
    return panel
