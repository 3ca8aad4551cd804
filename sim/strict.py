"""The base of every scenario section: frozen, unknown keys refused, types strict; text types.

It lives apart from ``scenario`` so that treatment modules can declare their own scenario
spec without importing the scenario schema (which imports them).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["Line", "Strict", "Text", "entries"]


class Strict(BaseModel):
    """A lecturer's typo must be an error, and a parsed scenario must never change.

    Strict types: ``true`` or ``"5"`` is not a number and ``2.0`` is not a count (a whole
    number may stand for a decimal one); ``nan`` and ``inf`` are not numbers either.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, strict=True, allow_inf_nan=False
    )


def entries(default: Any = (), *, max_length: int, **kwargs: Any) -> Any:
    """A field holding a list (a TOML array) as a tuple, at most ``max_length`` long.

    Strict mode would take only a Python tuple; the list is still checked item by item.
    """
    return Field(default, max_length=max_length, strict=False, **kwargs)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and line feed are allowed in text
_LINE_BREAK = re.compile(r"[\n\r\t]")


def _no_control(text: str) -> str:
    if (m := _CONTROL.search(text)) is not None:
        raise ValueError(f"must not contain control characters (found {m.group()!r})")
    return text


def _one_line(text: str) -> str:
    if (m := _LINE_BREAK.search(text)) is not None:
        raise ValueError(f"must be one line of text (found {m.group()!r})")
    return _no_control(text)


# Text a person wrote (names, labels, teaching): printed on terminals and pages, so no control
# characters (an escape sequence could rewrite a terminal; a carriage return, hide a line).
Line = Annotated[str, AfterValidator(_one_line)]
Text = Annotated[str, AfterValidator(_no_control)]
