"""One self-contained HTML file: the interactive map, offline, safe to open from disk.

The page is pydeck's ``to_html(offline=True)`` (deck.gl inlined) of the same deck
the app draws (``layers.build_deck``), with four changes made here:

* Tooltip values are HTML-escaped (``escape_html=True``): pydeck's standalone
  page interpolates raw values into HTML, so a record named
  ``<img src=x onerror=alert(1)>`` would run (tech brief §3). The deck JSON
  also has ``<``, ``>`` and ``&`` as unicode escapes, so no value can close the
  ``<script>`` it sits in.
* The CDN ``<script>``/``<link>`` tags of pydeck's template are removed: the page
  needs none of them to draw, and a file opened offline should ask for nothing.
* A Content-Security-Policy allows only the page's own inline scripts (by
  hash) and no network at all, a second wall should escaping ever fail.
* Title and filter sentence above the map, legend, credit line, data version and
  export date below it (escaped HTML, never over the records), and the export
  metadata as a JSON block.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pandas as pd

from lawreach.export.tabular import ExportMeta
from lawreach.map import layers, view

MIME = "text/html"
# Fit the records to the map area of a typical laptop window (header and legend take ~250 px).
FIT_WIDTH, FIT_HEIGHT = 1100, 520
_REMOTE_TAG = re.compile(
    r"""<script[^>]*\bsrc=["']?https?://[^>]*>\s*</script>\s*"""
    r"""|<link[^>]*\bhref=["']?https?://[^>]*>\s*""",
    re.IGNORECASE,
)
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)

_CSS = """
html,body{height:100%}
body{display:flex;flex-direction:column;height:100vh;font:13px/1.45 system-ui,-apple-system,"Segoe UI",
 Roboto,"DejaVu Sans",Arial,sans-serif;color:#222;background:#fff}
#deck-container{position:relative;flex:1 1 auto;min-height:200px;width:100vw;height:auto}
.lr-bar{flex:0 0 auto;padding:8px 14px;border-color:#ccc;border-style:solid;border-width:0}
#lr-header{border-bottom-width:1px}
#lr-header h1{font-size:20px;margin:0 0 2px;line-height:1.25}
#lr-header p{margin:0;font-size:14px}
#lr-legend{border-top-width:1px;max-height:30vh;overflow:auto}
#lr-footer{padding-top:0;font-size:11px;color:#444}
"""


def _csp_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(page: str) -> str:
    """Allow exactly the page's inline scripts (by hash), inline styles, and no network."""
    hashes = sorted({_csp_hash(m.group("body")) for m in _INLINE_SCRIPT.finditer(page)
                     if "application/json" not in m.group("attrs")})
    return ("default-src 'none'; "
            f"script-src {' '.join(hashes)}; "
            "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
            "worker-src blob:; connect-src data: blob:; base-uri 'none'; form-action 'none'")


def _header(meta: ExportMeta) -> str:
    esc = html.escape
    return (f'<header id="lr-header" class="lr-bar"><h1>{esc(meta.title)}</h1>'
            f"<p>{esc(meta.sentence)}</p></header>")


def _footer(records: pd.DataFrame, bureaus: pd.DataFrame, meta: ExportMeta) -> str:
    esc = html.escape
    return (
        f'<section id="lr-legend" class="lr-bar" aria-label="Map legend">'
        f"{layers.legend_html(records, bureaus)}</section>"
        f'<footer id="lr-footer" class="lr-bar">{esc(meta.credit)} Data version '
        f"{esc(meta.data_version)} · exported {esc(meta.export_date.isoformat())} · Cite as: "
        f"{esc(meta.citation)}</footer>"
    )


def _metadata_block(records: pd.DataFrame, meta: ExportMeta) -> str:
    text = json.dumps(meta.as_dict(len(records)), ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="lawreach-metadata">{text}</script>'


def to_html(records: pd.DataFrame, bureaus: pd.DataFrame, meta: ExportMeta, *,
            world: bool = False) -> bytes:
    """The standalone interactive map of ``records`` as UTF-8 HTML bytes."""
    initial = dict(layers.DEFAULT_VIEW) if world or records.empty else view.fit(
        records, width=FIT_WIDTH, height=FIT_HEIGHT)
    deck = layers.build_deck(records, bureaus, escape_html=True, view=initial)
    page = deck.to_html(as_string=True, offline=True, notebook_display=False,
                        css_background_color="#ffffff")
    if not isinstance(page, str):  # pydeck returns None in Colab; we never run there
        raise RuntimeError("pydeck did not return the page as a string")
    page = _REMOTE_TAG.sub("", page)
    page = page.replace("<html>", '<html lang="en">', 1)
    page = re.sub(r"<title>.*?</title>", lambda _: f"<title>{html.escape(meta.title)}</title>",
                  page, count=1, flags=re.DOTALL)
    page = page.replace("</style>", _CSS + "</style>", 1)
    # Header above and legend below the map, never over it: no record is hidden.
    page = re.sub(r'<div id="deck-container">\s*</div>',
                  lambda _: _header(meta) + '<div id="deck-container" role="img" aria-label="'
                  + html.escape(meta.sentence) + '"></div>' + _footer(records, bureaus, meta),
                  page, count=1)
    page = page.replace("</head>", _metadata_block(records, meta) + "\n</head>", 1)
    csp = content_security_policy(page)
    page = page.replace(
        "<head>",
        f'<head>\n    <meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}" />'
        f'\n    <meta name="description" content="{html.escape(meta.sentence)}" />', 1)
    return page.encode("utf-8")
