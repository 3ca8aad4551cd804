"""``--set KEY=VALUE`` overrides: parsed as TOML values, applied along a dotted field path.

Why its own module: an override is typed on a command line or built from a link, so every
malformed path or value must come back as one sentence naming it, never be dropped or read as
something else. ``scenario.years=1\\nx=2`` is refused (not read as 1), ``treatment.².kind`` is
refused (not an index), and a path that runs through a plain value
(``scenario.name.x``) says so.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from typing import Any

from .limits import MAX_NESTING, MAX_PATH_PARTS, LimitError, check_nesting, quote, text_depth
from .scenario_errors import ScenarioError

__all__ = ["parse_override", "set_dotted"]

_INDEX = re.compile(r"[0-9]{1,6}", re.ASCII)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]{1,6}", re.ASCII)
# A raw value that starts like TOML structure or a quoted string must parse as TOML; other
# text that is not TOML (e.g. female, My case) is taken as a bare string.
_STRUCTURED = tuple("[{\"'")


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` with the value read as a TOML value (bare words become strings)."""
    if "=" not in text:
        raise ScenarioError(f"--set {quote(text)} must look like KEY=VALUE, e.g. "
                            "scenario.years=5.")
    key, raw = (s.strip() for s in text.split("=", 1))
    if any(c in raw for c in "\n\r\x00"):
        raise ScenarioError(f"--set {quote(text)}: the value holds a line break or a NUL "
                            "character; give one value per --set.")
    try:
        check_nesting(text_depth(raw, stop_at=MAX_NESTING), f"--set {quote(key)}: the value")
    except LimitError as err:
        raise ScenarioError(str(err)) from None
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as err:
        if raw.startswith(_STRUCTURED) or not raw:
            raise ScenarioError(f"--set {quote(key)}: {quote(raw)} is not a TOML value "
                                f"({err}); quote text, e.g. scenario.name=\"My case\".") from None
        value = raw
    except (ValueError, RecursionError):  # e.g. an integer of more than 4300 digits
        raise ScenarioError(f"--set {quote(key)}: the value {quote(raw)} cannot be read as a "
                            "number or text.") from None
    return key, value


def set_dotted(data: dict[str, Any], key: str, value: Any, source: str,
               sections: Collection[str]) -> None:
    """Set ``value`` at the dotted ``key`` in a scenario dict, or raise ScenarioError.

    ``treatment.0.every_days`` addresses the first treatment entry; an index one past the end
    adds an entry. ``sections`` are the scenario's top-level sections.
    """
    parts = key.split(".")
    if len(parts) < 2 or not all(_KEY.fullmatch(p) for p in parts):
        raise ScenarioError(
            f"{source}: {quote(key)} is not a field path; use SECTION.FIELD, "
            "e.g. disease.lesion_rate_per_year or treatment.0.every_days."
        )
    if len(parts) > MAX_PATH_PARTS:
        raise ScenarioError(f"{source}: {quote(key)} has {len(parts)} parts; a field path has "
                            f"at most {MAX_PATH_PARTS} (e.g. treatment.0.titration.rule).")
    if parts[0] not in sections:
        raise ScenarioError(
            f"{source}: {quote(key)} starts with an unknown section {quote(parts[0])}; "
            f"sections are {', '.join(sections)}."
        )
    node: Any = data
    for i in range(len(parts) - 1):
        node = _step(node, parts, i, source, key)
    if isinstance(node, list):
        raise ScenarioError(f"{source}: {quote(key)} must name one entry, "
                            "e.g. treatment.0.every_days.")
    node[parts[-1]] = value


def _step(node: Any, parts: list[str], i: int, source: str, key: str) -> Any:
    """The child ``parts[i]`` of ``node``, made (as an entry list or a table) if missing."""
    part = parts[i]
    if isinstance(node, list):
        # An index one past the end adds an entry (e.g. study.0.day=730 adds a study).
        if not _INDEX.fullmatch(part) or int(part) > len(node):
            raise ScenarioError(
                f"{source}: {quote(key)} names entry {part} of '{parts[i - 1]}', which "
                f"has {len(node)} entries; use 0 to {len(node)} (the last adds one)."
            )
        if int(part) == len(node):
            node.append({})
        child = node[int(part)]
    elif isinstance(node, dict):
        if part not in node:
            node[part] = [] if i == 0 and part in {"treatment", "study"} else {}
        child = node[part]
    else:
        raise _through_value(parts, i, source, key)
    if not isinstance(child, dict | list):
        raise _through_value(parts, i + 1, source, key)
    return child


def _through_value(parts: list[str], i: int, source: str, key: str) -> ScenarioError:
    where = ".".join(parts[:i])
    return ScenarioError(f"{source}: {quote(key)} goes through '{where}', which is a value, "
                         f"not a section or an entry; set '{where}' itself.")
