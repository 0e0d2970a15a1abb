"""Template parameters as JSON: what `enqueue` stores and the dispatcher renders later.

The templates take `str`, `int`, `date`, aware `datetime` and `Term`; JSON has none of the last
three, so they are stored tagged: {"$date": "2026-03-02"}, {"$datetime": "2026-03-02T01:00:00
+00:00"}, {"$term": ["attendance_issue", "late_in"]}. Anything else is a programming error in
the calling service and is refused at enqueue time, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from notifications.templates import ParamValue, Term


def encode_params(params: Mapping[str, ParamValue]) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"parameter names are non-empty strings, got {name!r}")
        encoded[name] = encode_value(name, value)
    return encoded


def encode_value(name: str, value: ParamValue) -> Any:
    if isinstance(value, bool):  # a bool is an int to Python, but never a template value
        raise ValueError(f"parameter {name!r}: booleans cannot be rendered")
    if isinstance(value, str | int):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"parameter {name!r}: datetimes must be timezone-aware")
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Term):
        return {"$term": [value.group, value.code]}
    raise ValueError(f"parameter {name!r}: cannot store a {type(value).__name__}")


def decode_params(stored: Mapping[str, Any]) -> dict[str, ParamValue]:
    return {name: decode_value(value) for name, value in stored.items()}


def decode_value(value: Any) -> ParamValue:
    if isinstance(value, dict):
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$term" in value:
            group, code = value["$term"]
            return Term(str(group), str(code))
        raise ValueError(f"unknown stored parameter {value!r}")
    if isinstance(value, str | int):
        return value
    raise ValueError(f"unknown stored parameter {value!r}")
