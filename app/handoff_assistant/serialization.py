"""JSON round trip for the core's frozen dataclasses (reports, assessments, manifests)."""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Callable, TypeVar, Union, get_args, get_origin, get_type_hints

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
    return _converter(cls)(data)


Converter = Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


@functools.cache
def _converter(tp: Any) -> Converter:
    """A function that rebuilds JSON data as ``tp``, made once per type: resolving the annotations for every
    value (``get_type_hints`` evaluates them anew each time) made loading the scan cache of 3,000 files take
    over a second. ``None`` stays ``None`` at every level."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _identity
    if dataclasses.is_dataclass(tp):
        return _none_kept(functools.partial(_build_dataclass, tp))
    if origin in (list, typing.List):
        (item,) = get_args(tp) or (Any,)
        convert_item = _converter(item)
        return _none_kept(lambda data: [convert_item(v) for v in data])
    if origin in (tuple, typing.Tuple):
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            convert_item = _converter(args[0])
            return _none_kept(lambda data: tuple(convert_item(v) for v in data))
        converters = [_converter(a) for a in args]
        return _none_kept(lambda data: tuple(c(v) for c, v in zip(converters, data)))
    if origin in (dict, typing.Dict):
        _, value_type = get_args(tp) or (Any, Any)
        convert_value = _converter(value_type)
        return _none_kept(lambda data: {k: convert_value(v) for k, v in data.items()})
    return _identity


def _none_kept(convert: Converter) -> Converter:
    return lambda data: None if data is None else convert(data)


def _build_dataclass(cls: type, data: dict) -> Any:
    fields = _field_converters(cls)
    return cls(**{k: fields[k](v) for k, v in data.items() if k in fields})


@functools.cache
def _field_converters(cls: type) -> dict[str, Converter]:
    """Resolved on first use, not when the converter is made, so a dataclass may refer to itself."""
    hints = get_type_hints(cls)
    return {f.name: _converter(hints[f.name]) for f in dataclasses.fields(cls) if f.init}
