"""Unit paths: the record is stored as *units* addressed by slash-separated paths
(``answers/E1.Q1/parties/A``, ``data_items/D1``, ``decision/outcome``).

A path ends either at a plain value inside a section or at a whole collection item;
:func:`unit_type` resolves a path to the type its value must have, so every write is
validated before it reaches the store, and :func:`assemble` / :func:`flatten` turn units
into a record and back.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    TypeAdapter,
    ValidationError,
)

from pim_workbook.errors import RecordError
from pim_workbook.i18n import _
from pim_workbook.record.model import Record, Section

# Fields set when an assessment is created and never through a path write.
FIXED_FIELDS = frozenset({"id", "content_version", "created_at"})  # the header
# Paths written only by dedicated store operations (with their own rules).
GUARDED_ROOTS = frozenset({"parties", "signoffs", "archived"})


# -- paths ---------------------------------------------------------------------------------
def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional wrappers, keep the core type."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _field_type(field: Any) -> Any:
    """A model field's full type, with the validators pydantic keeps apart as metadata."""
    if field.metadata:
        return Annotated[(field.annotation, *field.metadata)]
    return field.annotation


@lru_cache(maxsize=256)
def _resolve(pattern: tuple[str, ...]) -> Any:
    annotation: Any = Record
    for seg in pattern:
        core = _unwrap(annotation)
        if isinstance(core, type) and issubclass(core, Section):
            if seg not in core.model_fields:
                raise RecordError(_("unknown field {field}").format(field=repr(seg)))
            annotation = _field_type(core.model_fields[seg])
        elif typing.get_origin(core) is dict:
            annotation = typing.get_args(core)[1]
        else:
            raise RecordError(_("{segment} goes below a single value")
                              .format(segment=repr(seg)))
    core = _unwrap(annotation)
    if isinstance(core, type) and issubclass(core, Section):
        raise RecordError(_("a section is written field by field"))
    if typing.get_origin(core) is dict:
        raise RecordError(_("a collection is written item by item"))
    return annotation


@lru_cache(maxsize=32)
def _id_adapter(key_type: Any) -> TypeAdapter[str]:
    return TypeAdapter(key_type)


def _pattern(path: str) -> tuple[str, ...]:
    """Replace collection keys by '*' so paths of one shape share a type.

    Each key must be an id of the form the workbook gives that collection: keys end up in
    links and file names.
    """
    out: list[str] = []
    annotation: Any = Record
    for seg in path.split("/"):
        core = _unwrap(annotation)
        if typing.get_origin(core) is dict:
            key_type, annotation = typing.get_args(core)
            try:
                _id_adapter(key_type).validate_python(seg)
            except ValidationError as exc:
                raise RecordError(_("{id} is not a valid id here ({reason})")
                                  .format(id=repr(seg), reason=exc.errors()[0]["msg"])) \
                    from None
            out.append("*")
        elif isinstance(core, type) and issubclass(core, Section) and seg in core.model_fields:
            out.append(seg)
            annotation = core.model_fields[seg].annotation
        else:
            out.append(seg)
            break
    return tuple(out) + tuple(path.split("/")[len(out):])


_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-]+$")


def split_path(path: str) -> list[str]:
    parts = path.split("/")
    if not path or any(not _SEGMENT.match(p) for p in parts):
        raise RecordError(_("invalid path {path}").format(path=repr(path)))
    return parts


@lru_cache(maxsize=256)
def _adapter(pattern: tuple[str, ...]) -> TypeAdapter[Any]:
    return TypeAdapter(_resolve(pattern))


def unit_type(path: str) -> Any:
    """The type a value stored at ``path`` must have (raises RecordError if not a unit)."""
    split_path(path)
    try:
        return _resolve(_pattern(path))
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from None


def validate_unit(path: str, value: Any) -> Any:
    """Validate ``value`` for ``path``; return its JSON-ready form."""
    unit_type(path)
    adapter = _adapter(_pattern(path))
    try:
        parsed = adapter.validate_python(value)
    except ValidationError as exc:
        raise RecordError(f"{path}: {_explain(exc)}") from None
    return adapter.dump_python(parsed, mode="json")


def _explain(exc: ValidationError) -> str:
    msgs = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        value = repr(err.get("input"))
        # one whole sentence each, with the field (a key) when the error is inside the value
        if err["type"].startswith("date"):
            msg = (_("{field} invalid date {value} (use YYYY-MM-DD)") if where else
                   _("invalid date {value} (use YYYY-MM-DD)")).format(field=where, value=value)
        elif err["type"] in ("string_too_short", "too_short") and isinstance(
            err.get("input"), str
        ):
            msg = (_("{field} must not be empty") if where else
                   _("must not be empty")).format(field=where)
        elif err["type"] == "missing":
            msg = (_("{field} is required") if where else _("is required")).format(field=where)
        elif err["type"] in ("literal_error", "enum"):
            msg = (_("{field} must be {expected} (got {value})") if where else
                   _("must be {expected} (got {value})")).format(
                       field=where, expected=err["ctx"]["expected"], value=value)
        else:  # pydantic's own words, after the field
            msg = f"{where} {err['msg']}"
        msgs.append(msg.strip())
    return "; ".join(msgs)


def assemble(header: dict[str, Any], units: list[tuple[str, Any]]) -> Record:
    """Build the record from its header and its stored units (in stored order)."""
    data: dict[str, Any] = dict(header)
    for path, value in units:
        node = data
        parts = path.split("/")
        for seg in parts[:-1]:
            node = node.setdefault(seg, {})
        node[parts[-1]] = value
    return Record.model_validate(data)


def flatten(record: Record) -> list[tuple[str, Any]]:
    """Every unit of a record, defaults included, in record order (inverse of assemble)."""
    out: list[tuple[str, Any]] = []

    def walk(model: type[Section], prefix: str, data: dict[str, Any]) -> None:
        for name, field in model.model_fields.items():
            if not prefix and name in FIXED_FIELDS:
                continue
            core = _unwrap(field.annotation)
            value = data[name]
            if isinstance(core, type) and issubclass(core, Section):
                walk(core, f"{prefix}{name}/", value)
            elif typing.get_origin(core) is dict:
                item_type = _unwrap(typing.get_args(core)[1])
                for key, item in value.items():
                    if isinstance(item_type, type) and issubclass(item_type, Section):
                        walk(item_type, f"{prefix}{name}/{key}/", item)
                    else:
                        out.append((f"{prefix}{name}/{key}", item))
            else:
                out.append((f"{prefix}{name}", value))

    walk(Record, "", record.model_dump(mode="json"))
    return out


