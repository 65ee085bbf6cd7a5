"""JSON round trip for the core's frozen dataclasses (reports, assessments, manifests)."""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Dataclasses become dicts, tuples become lists; everything else must already be JSON-safe."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def from_jsonable(cls: type[T], data: Any) -> T:
    """Rebuild ``cls`` from what ``to_jsonable`` produced; unknown keys are ignored (newer writers)."""
    return _convert(cls, data)


def _convert(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _convert(options[0], data) if len(options) == 1 else data
    if dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _convert(hints[k], v) for k, v in data.items() if k in known})
    if origin in (list, typing.List):
        (item,) = get_args(tp) or (Any,)
        return [_convert(item, v) for v in data]
    if origin in (tuple, typing.Tuple):
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in data)
        return tuple(_convert(a, v) for a, v in zip(args, data))
    if origin in (dict, typing.Dict):
        _, value_type = get_args(tp) or (Any, Any)
        return {k: _convert(value_type, v) for k, v in data.items()}
    return data
