"""User text shown on a page as itself: never as HTML, a link, an image or a directive.

Streamlit renders the body of ``st.markdown``, ``st.info``, ``st.error`` and friends as
markdown (raw HTML is off, but links, images and ``:red[...]`` are on). A scenario's name,
summary and teaching text, an uploaded file's name and a link's values are typed by someone
else, so every page passes them through :func:`plain` before they reach markdown: a name like
``![x](http://host/track.png)`` shows those characters instead of fetching an image.
"""

from __future__ import annotations

import re

__all__ = ["WORD_JOINER", "plain"]

# CommonMark lets any ASCII punctuation be escaped with a backslash. Escaped here: what makes
# links and images ([ ]), HTML (< > &), Streamlit's directives (:red[...]), LaTeX ($) and the
# backslash itself. Emphasis characters (* _) are left alone: harmless, and common in names.
_SPECIAL = re.compile(r"([\\\[\]<>&:$])")
# Bare URLs and e-mail addresses are linked after escapes are resolved, so escaping cannot stop
# them; an invisible word joiner (U+2060) after the scheme or 'www' and before '@' does.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(?=\\?[:.])|(?=@)")
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """``text`` with every link-, HTML- or directive-making character made inert, so it
    renders as typed (a bare URL stays readable but is not a link)."""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, escaped)
