"""One-sentence messages for invalid scenarios, read from pydantic's validation errors.

A lecturer writes scenarios by hand, so a mistake must come back as one sentence naming the
file, the field and what is allowed. Turning pydantic's error records into that sentence means
walking the error location back through the schema to find the field's limits and the keys it
accepts; that machinery lives here, apart from the schema in :mod:`sim.scenario`. The schema
class is passed in, so this module does not import :mod:`sim.scenario`.
"""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError

from . import treatments
from .limits import quote, shorten

__all__ = ["ScenarioError", "one_sentence"]


class ScenarioError(ValueError):
    """A scenario (file, override or URL value) is invalid; the message is one clear sentence."""


def _walk(loc: tuple[Any, ...], root: Any) -> tuple[tuple[Any, ...], Any, Any, str | None]:
    """Follow an error location through the schema, starting at the model ``root``.

    Returns the path as the user wrote it (the union tag pydantic adds under ``treatment.N``
    dropped), the model whose field the last part names, that field's info, and the
    treatment kind of the entry (or None).
    """
    cls: Any = root
    parent: Any = None
    info: Any = None
    kind: str | None = None
    shown: list[Any] = []
    for part in loc:
        if isinstance(part, int):
            shown.append(part)
            continue
        if kind is None and shown[:1] == ["treatment"] and part in treatments.REGISTRY:
            kind, cls = part, treatments.REGISTRY[part].Spec
            continue
        shown.append(part)
        parent, fields = cls, getattr(cls, "model_fields", None) or {}
        info = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        cls = _inner_model(info.annotation) if info is not None else None
    return tuple(shown), parent, info, kind


def _describe_limits(info: Any) -> str:
    """The allowed range and unit of a field, for error messages."""
    if info is None:
        return ""
    lo = hi = None
    lo_op = hi_op = ""
    for m in info.metadata:
        if isinstance(m, Ge):
            lo, lo_op = m.ge, ""
        elif isinstance(m, Gt):
            lo, lo_op = m.gt, "above "
        elif isinstance(m, Le):
            hi, hi_op = m.le, ""
        elif isinstance(m, Lt):
            hi, hi_op = m.lt, "below "
    unit = f" ({info.description})" if info.description else ""
    if lo is not None and hi is not None:
        return f"allowed: {lo_op}{_fmt(lo)} to {hi_op}{_fmt(hi)}{unit}"
    if lo is not None:
        return f"allowed: {lo_op}{_fmt(lo)} or more{unit}"
    if hi is not None:
        return f"allowed: up to {hi_op}{_fmt(hi)}{unit}"
    return ""


def _inner_model(ann: Any) -> Any:
    for arg in (ann, *getattr(ann, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for sub in getattr(arg, "__args__", ()):
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                return sub
    return None


def _fmt(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _given(value: Any) -> str:
    """The bad value as the file spells it (``true``, not ``True``), shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return quote(value)


# Wrong-type errors in the words of a TOML file (pydantic's own are about Python types).
_TYPE_WORDS = {
    "float_type": "is not a number (a number has no quotes, and true/false is not one)",
    "int_type": "is not a whole number (write 3, not 3.0, \"3\" or true)",
    "bool_type": "is not true or false (write them without quotes)",
    "string_type": "is not text (put text in quotes)",
    "finite_number": "is not a finite number",
    "tuple_type": "is not a list (write [ ... ])",
    "list_type": "is not a list (write [ ... ])",
    "model_type": "is not a table (write a [section] or { ... })",
    "model_attributes_type": "is not a table (write a [section] or { ... })",
    "dict_type": "is not a table (write a [section] or { ... })",
}


def _field_names(cls: Any) -> list[str]:
    return [(f.alias or n) for n, f in cls.model_fields.items()] if cls is not None else []


def one_sentence(err: ValidationError, source: str, root: type[BaseModel]) -> str:
    """The first error of ``err`` as one sentence naming ``source``, the field and what is
    allowed; ``root`` is the model that was validated (the scenario schema)."""
    e = err.errors()[0]
    loc, parent, info, treatment_kind = _walk(tuple(e["loc"]), root)
    path = ".".join(shorten(str(p)) for p in loc) or "(top level)"
    where = f"{source}: " if source else ""
    kind = e["type"]
    given = e.get("input")
    if kind == "value_error" and not loc:  # a rule about the whole scenario
        msg = str(e.get("ctx", {}).get("error", e["msg"]))
        return f"{where}{msg}."
    if kind == "extra_forbidden" and treatment_kind is not None and len(loc) == 3:
        takes = sorted(n for n in _field_names(parent) if n not in ("kind", "start_day"))
        return (f"{where}{'.'.join(map(str, loc[:2]))}: '{shorten(str(loc[-1]))}' does not "
                f"apply to kind "
                f"'{treatment_kind}' (it takes: start_day, {', '.join(takes)}).")
    if kind == "extra_forbidden":
        allowed = ", ".join(_field_names(parent))
        return f"{where}unknown key '{path}'; allowed keys here: {allowed}."
    if kind in {"missing", "union_tag_not_found"}:
        return f"{where}'{path}{'.kind' if kind == 'union_tag_not_found' else ''}' is required."
    if kind == "union_tag_invalid":
        expected = ", ".join(repr(k) for k in treatments.kinds())
        return f"{where}{path}.kind = {_given(given.get('kind'))} is not allowed; choose one " \
               f"of {expected}."
    limits = _describe_limits(info)
    too_big = kind == "float_type" and isinstance(given, int) and not isinstance(given, bool)
    if too_big or kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return f"{where}{path} = {_given(given)} is out of range; {limits}."
    if kind == "literal_error":
        expected = e.get("ctx", {}).get("expected", "")
        return f"{where}{path} = {_given(given)} is not allowed; choose one of {expected}."
    if kind == "too_long" and isinstance(given, list | tuple):
        most = e.get("ctx", {}).get("max_length")
        return f"{where}{path} has {len(given)} entries; at most {most} are allowed."
    if kind == "value_error":
        msg = str(e.get("ctx", {}).get("error", e["msg"]))
        return f"{where}{path or 'entry'}: {msg}."
    tail = f"; {limits}" if limits else ""
    if kind in _TYPE_WORDS:
        return f"{where}{path} = {_given(given)} {_TYPE_WORDS[kind]}{tail}."
    return f"{where}{path} = {_given(given)}: {e['msg'].lower()}{tail}."
