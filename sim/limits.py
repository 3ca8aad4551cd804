"""Limits on what the simulator reads, and how it quotes what it refuses.

Scenario files, ``--set`` values, page addresses, uploads and manifests come from people and
from anywhere, so every reader checks size and nesting *before* parsing (a 1 KB file of
brackets must not exhaust the parser's recursion) and every error quotes at most
:data:`MAX_QUOTE` characters of the bad value (a 10 MB value must not become a 10 MB message).
The caps are far above anything a real scenario needs; each error names its cap.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from typing import Any

__all__ = [
    "MAX_SCENARIO_BYTES",
    "MAX_NESTING",
    "MAX_TREATMENTS",
    "MAX_STUDIES",
    "MAX_TEXT_ITEMS",
    "MAX_TREATMENT_EVENTS",
    "MAX_PATH_PARTS",
    "MAX_QUOTE",
    "MAX_COHORT",
    "MAX_FIRST",
    "MAX_NUMBER_CHARS",
    "LimitError",
    "quote",
    "shorten",
    "shorten_path",
    "text_depth",
    "data_depth",
    "check_nesting",
    "check_size",
    "ascii_number",
    "ascii_whole",
]

MAX_SCENARIO_BYTES = 64 * 1024  # the presets are 1-2 KB
MAX_NESTING = 20  # levels of [ ] / { } or of tables; a scenario needs 4
MAX_TREATMENTS = 40  # [[treatment]] entries; the presets use at most 3
MAX_STUDIES = 60  # [[study]] entries: one a year for 40 years fits
MAX_TEXT_ITEMS = 40  # items in each teaching list (notice, try, references)
MAX_TREATMENT_EVENTS = 50_000  # treatment days scheduled over the run: 3 daily doses for 40 years
MAX_PATH_PARTS = 6  # a --set path: treatment.0.titration.rule has 4
MAX_QUOTE = 80  # characters of a bad value quoted in an error
MAX_COHORT = 1_000_000  # patients in one cohort run
MAX_FIRST = 10**12  # index of a cohort's first patient
MAX_NUMBER_CHARS = 40  # a number typed in a link or an argument

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = MAX_QUOTE
_REPR.maxother = MAX_QUOTE
_REPR.maxlong = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


class LimitError(ValueError):
    """Input beyond one of the caps above; the message is one sentence naming the cap."""


def shorten(text: str) -> str:
    """User text for a message: control characters escaped, at most :data:`MAX_QUOTE` long."""
    inner = repr(text[: MAX_QUOTE * 2])[1:-1]
    return inner if len(inner) <= MAX_QUOTE else inner[: MAX_QUOTE - 3] + "..."


def shorten_path(path: Any) -> str:
    """A path for a message, like :func:`shorten` but cut at the start: the file name, the
    part a reader needs, always shows (``.../run1/missing.json``)."""
    inner = repr(str(path)[-MAX_QUOTE * 2:])[1:-1]
    return inner if len(inner) <= MAX_QUOTE else "..." + inner[-(MAX_QUOTE - 3):]


def quote(value: Any) -> str:
    """``repr(value)``, shortened to at most :data:`MAX_QUOTE` characters."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a hostile object's __repr__; say what it is, not what it says
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 3] + "..."


# Tokens that change the bracket depth or start something that may hide a bracket.
_TOML_TOKENS = re.compile(r"\"\"\"|'''|[\"'#\[\]{}]")
_JSON_TOKENS = re.compile(r"[\"\[\]{}]")
_STRING_ENDS = {  # from just after the opening quote (or '#') to just after the end
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})', re.S),
    "'''": re.compile(r"(?:[^']|'(?!''))*'''(?:'{0,2})"),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"[^'\n]*'"),
    "#": re.compile(r"[^\n]*"),
}


def text_depth(text: str, *, toml: bool = True, stop_at: int = MAX_NESTING) -> int:
    """Deepest bracket nesting of TOML (or JSON) text, strings and comments skipped.

    Stops counting once ``stop_at`` is passed, so a hostile text costs one linear scan.
    """
    tokens = _TOML_TOKENS if toml else _JSON_TOKENS
    depth = deepest = pos = 0
    while (m := tokens.search(text, pos)) is not None:
        tok, pos = m.group(), m.end()
        if tok in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop_at:
                break
        elif tok in "]}":
            depth = max(0, depth - 1)
        else:  # a string or a comment: jump past its end (or stop: the parser will say why)
            end = _STRING_ENDS[tok].match(text, pos)
            if end is None:
                break
            pos = end.end()
    return deepest


def data_depth(data: Any, stop_at: int = MAX_NESTING) -> int:
    """Deepest nesting of dicts and lists/tuples in parsed data, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > stop_at:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_nesting(depth: int, what: str, needed: int = 4) -> None:
    """Raise LimitError if ``depth`` is beyond :data:`MAX_NESTING` (``needed``: the depth a
    real file of this kind uses, to show how far off the limit is)."""
    if depth > MAX_NESTING:
        raise LimitError(f"{what} is nested more than {MAX_NESTING} levels deep; "
                         f"it needs at most {needed}.")


def check_size(n_bytes: int, what: str, limit: int = MAX_SCENARIO_BYTES) -> None:
    """Raise LimitError if ``n_bytes`` is beyond ``limit``."""
    if n_bytes > limit:
        raise LimitError(f"{what} is {_size(n_bytes)}; at most {_size(limit)} is allowed.")


def _size(n: int) -> str:
    if n >= 1024**2:
        return f"{n / 1024**2:.0f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_WHOLE = re.compile(r"\+?\d+", re.ASCII)


def ascii_number(text: str) -> float | None:
    """A plain decimal number (ASCII digits only, finite), else None.

    Python's ``float`` also reads '٣', '1_0', 'nan' and 'inf'; a link or an argument that
    says those is a mistake, not a number.
    """
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else None


def ascii_whole(text: str) -> int | None:
    """A whole number written with ASCII digits (no sign but '+', no '_'), else None."""
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS or not _WHOLE.fullmatch(text):
        return None
    return int(text)
