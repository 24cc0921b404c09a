"""Text from the data made safe to show: it is never trusted as HTML or Markdown.

Every part that puts data text on a page (the map's legend and tooltips, the detail
panel, notices) escapes it here, so one function decides what "safe" means.
"""

from __future__ import annotations

import math
import re
from typing import Any

# Characters that Markdown or Streamlit's Markdown extensions give a meaning to.
# One pass maps each character: HTML specials to named entities, Markdown specials
# to numeric ones (a second pass would mangle the entities of the first).
_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~$:^="}
_ENTITIES.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def missing(value: Any) -> bool:
    """None, NaN, NaT and blank strings all mean 'not known'."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        return bool(value != value)  # NaT
    except (TypeError, ValueError):
        return False


def escape_text(value: Any) -> str:
    """Text safe inside HTML that Streamlit renders as Markdown: no tags, no
    Markdown syntax, no blank lines (which would end the HTML block)."""
    if missing(value):
        return ""
    text = _CONTROL.sub(" ", str(value)).replace("\r", "\n").strip()
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return re.sub(r"\s*\n\s*", "<br/>", text)


def escape_markdown(value: Any) -> str:
    """Plain text for a Markdown-only Streamlit element (st.info, st.caption):
    every ASCII punctuation character is backslash-escaped, newlines flattened."""
    if missing(value):
        return ""
    text = _CONTROL.sub(" ", str(value)).replace("\r", " ").replace("\n", " ")
    return _ASCII_PUNCT.sub(r"\\\1", text)


#: Characters that are not plain visible text: every C0 control, DEL, the Unicode line
#: and paragraph separators, and the bidi embeddings, overrides and isolates.
HIDDEN = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain_text(value: str) -> str:
    """User text (a search, a link parameter) without control or bidi-override characters,
    which would otherwise be echoed in headings in another order than they were typed."""
    return HIDDEN.sub("", value)
