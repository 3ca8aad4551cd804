"""User text shown on a page as itself: never as HTML, a link, an image or a directive.

Streamlit renders the body of ``st.markdown``, ``st.info``, ``st.error`` and friends as
markdown (raw HTML is off, but links, images and ``:red[...]`` are on). A scenario's name,
summary and teaching text, an uploaded file's name and a link's values are typed by someone
else, so every page passes them through :func:`plain` before they reach markdown: a name like
``![x](http://host/track.png)`` shows those characters instead of fetching an image.
"""

from __future__ import annotations

import re

__all__ = ["plain"]

# CommonMark lets any ASCII punctuation be escaped with a backslash. Escaped here: what makes
# links and images ([ ]), HTML and autolinks (< > &), Streamlit's directives and icons (:), the
# ':' of http:// and the '@' of an e-mail (bare autolinks), LaTeX ($) and the backslash itself.
# Emphasis characters (* _) are left alone: harmless, and common in field names.
_SPECIAL = re.compile(r"([\\\[\]<>&:@$])")
_WWW = re.compile(r"(?i)\b(www)\.")


def plain(text: str) -> str:
    """``text`` with every link-, HTML- or directive-making character escaped, so it renders
    as typed."""
    return _WWW.sub(r"\1\\.", _SPECIAL.sub(r"\\\1", str(text)))
