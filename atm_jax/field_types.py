"""Checks a dataclass's field values against their annotations, so a value
of the wrong type (`--gin.TRAIN_STEPS="'abc'"`) ends in one sentence instead
of a TypeError deep in a run.

Pure Python (no jax, TensorFlow or gin import), so model code may use it.
"""
import collections.abc
import dataclasses
import functools
import numbers
import sys
import types
import typing

from atm_jax.errors import UserError

_SEQUENCE_ORIGINS = (tuple, list, collections.abc.Sequence,
                     collections.abc.MutableSequence)
_MAPPING_ORIGINS = (dict, collections.abc.Mapping,
                    collections.abc.MutableMapping)


def check_field_types(instance) -> None:
  """Raises a UserError for the first field whose value does not match its
  annotation.

  Checked: int, float (an int is accepted), bool (not accepted for an int or
  float), str, `X | None` and `Optional[X]`, unions, tuple[X, Y] and
  tuple[X, ...] (a list is accepted too, as gin writes `[...]` for either),
  Sequence[X] and list[X] (not a str), dict/Mapping, Literal, Callable,
  dataclasses. Any other annotation, or one that cannot be resolved, accepts
  every value.
  """
  cls = type(instance)
  hints = _type_hints(cls)
  for field in dataclasses.fields(instance):
    hint = hints.get(field.name)
    value = getattr(instance, field.name)
    if hint is None or _is_gin_required(value) or _matches(value, hint):
      continue
    raise UserError(_message(cls, field, value, hint))


@functools.lru_cache(maxsize=None)
def _type_hints(cls) -> dict:
  """The resolved annotations of `cls` (`from __future__ import annotations`
  makes them strings); a field whose annotation does not resolve is left
  out, i.e. not checked."""
  try:
    return typing.get_type_hints(cls)
  except Exception:  # pylint: disable=broad-except
    pass
  hints = {}
  module = sys.modules.get(cls.__module__)
  namespace = dict(vars(module)) if module else {}
  for field in dataclasses.fields(cls):
    hint = field.type
    if isinstance(hint, str):
      try:
        hint = eval(hint, namespace, dict(vars(cls)))  # pylint: disable=eval-used
      except Exception:  # pylint: disable=broad-except
        continue
    hints[field.name] = hint
  return hints


def _is_gin_required(value) -> bool:
  """`gin.REQUIRED`, a default that gin itself reports when left unbound (gin
  is looked up, not imported)."""
  gin = sys.modules.get("gin")
  return gin is not None and value is getattr(gin, "REQUIRED", None)


def _is_bool(value) -> bool:
  return isinstance(value, bool) or type(value).__name__ == "bool_"


def _matches(value, hint) -> bool:  # pylint: disable=too-many-return-statements
  """Whether `value` fits the annotation `hint` (lenient where unsure)."""
  if hint is typing.Any or hint is object:
    return True
  if hint is None or hint is type(None):
    return value is None
  if hint is bool:
    return _is_bool(value)
  if hint is int:
    return isinstance(value, numbers.Integral) and not _is_bool(value)
  if hint is float:
    return isinstance(value, numbers.Real) and not _is_bool(value)
  if hint is str:
    return isinstance(value, str)
  if hint is bytes:
    return isinstance(value, bytes)
  if isinstance(hint, type) and dataclasses.is_dataclass(hint):
    return isinstance(value, hint)
  origin, args = typing.get_origin(hint), typing.get_args(hint)
  if origin is typing.Union or origin is types.UnionType:
    return any(_matches(value, arg) for arg in args)
  if origin is typing.Literal:
    return value in args
  if hint is collections.abc.Callable or origin is collections.abc.Callable:
    return callable(value)
  if hint in _SEQUENCE_ORIGINS or origin in _SEQUENCE_ORIGINS:
    return _matches_sequence(value, origin or hint, args)
  if hint in _MAPPING_ORIGINS or origin in _MAPPING_ORIGINS:
    return (isinstance(value, collections.abc.Mapping) and
            (len(args) != 2 or all(
                _matches(k, args[0]) and _matches(v, args[1])
                for k, v in value.items())))
  return True  # Unknown or complex: gin and the code that uses it decide.


def _is_fixed_tuple(origin, args) -> bool:
  """tuple[X, Y] (not tuple[X, ...])."""
  return origin is tuple and bool(args) and not (
      len(args) == 2 and args[1] is Ellipsis)


def _matches_sequence(value, origin, args) -> bool:
  if not isinstance(value, (list, tuple)):
    return False
  if not args:
    return True
  if _is_fixed_tuple(origin, args):
    if args == ((),):  # tuple[()]
      return not value
    return (len(value) == len(args) and
            all(_matches(v, a) for v, a in zip(value, args)))
  return all(_matches(v, args[0]) for v in value)


# -- the message ----------------------------------------------------------


def _describe(hint) -> str:  # pylint: disable=too-many-return-statements
  """An annotation in words: "an int", "a tuple of str", "a str or None"."""
  if hint is None or hint is type(None):
    return "None"
  if hint is bool:
    return "a bool (True or False)"
  if hint is int:
    return "an int"
  if hint is float:
    return "a number"
  if hint is str:
    return "a str"
  if isinstance(hint, type) and dataclasses.is_dataclass(hint):
    return _with_article(hint.__name__)
  origin, args = typing.get_origin(hint), typing.get_args(hint)
  if origin is typing.Union or origin is types.UnionType:
    words = [_describe(arg) for arg in args if arg is not type(None)]
    if type(None) in args:
      words.append("None")
    return " or ".join(words)
  if origin is typing.Literal:
    return "one of " + ", ".join(repr(arg) for arg in args)
  if hint is collections.abc.Callable or origin is collections.abc.Callable:
    return "a callable (a gin @reference)"
  if hint in _SEQUENCE_ORIGINS or origin in _SEQUENCE_ORIGINS:
    kind = "a tuple" if (origin or hint) is tuple else "a list"
    if not args:
      return kind
    if _is_fixed_tuple(origin, args):
      return f"{kind} ({', '.join(_bare(arg) for arg in args)})"
    element = args[0]
    if _is_fixed_tuple(typing.get_origin(element), typing.get_args(element)):
      return f"{kind} of {_bare(element).removeprefix('tuple ')} tuples"
    return f"{kind} of {_bare(element)}"
  if hint in _MAPPING_ORIGINS or origin in _MAPPING_ORIGINS:
    return (f"a dict of {_bare(args[0])} to {_bare(args[1])}"
            if len(args) == 2 else "a dict")
  return getattr(hint, "__name__", str(hint))


def _bare(hint) -> str:
  """An element's type without its article: "str", "str or None"."""
  parts = _describe(hint).split(" or ")
  return " or ".join(part.removeprefix("an ").removeprefix("a ")
                     for part in parts)


def _with_article(name: str) -> str:
  return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _kind(value) -> str:
  """"a str", "an int", "None"."""
  return "None" if value is None else _with_article(type(value).__name__)


def _number_in(value, hint):
  """The number a str holds, when `hint` wants a number (`'200'` -> 200)."""
  if not isinstance(value, str):
    return None
  for kind in (int, float):
    if _matches(0 if kind is int else 0.5, hint):
      try:
        return kind(value.strip())
      except ValueError:
        continue
  return None


def _wants_number(hint) -> bool:
  return any(_matches(example, hint) for example in (0, 0.5))


def _example(field: dataclasses.Field, value, hint) -> str:
  """A value of the right type for the hint, as typed after `--gin.X=`."""
  number = _number_in(value, hint)
  if number is None and isinstance(value, float) and value.is_integer():
    number = int(value) if _matches(0, hint) else None  # 2.0 -> 2
  if number is not None:
    return repr(number)
  default = field.default
  if (default is not dataclasses.MISSING and default is not None and
      not _is_gin_required(default) and _matches(default, hint) and
      isinstance(default, (bool, int, float))):
    return repr(default)
  for example in (0.1, 100, True):  # a float, an int, a bool field
    if _matches(example, hint):
      return repr(example)
  if _matches("", hint):
    return "\"'...'\""
  return ""


def _gin_setting(cls, name: str) -> str:
  """What sets the field on the command line: `--gin.MACRO` when gin binds
  it to a macro, else `--gin.Class.field`.

  Asks gin only when it is already loaded (this module imports no gin): the
  value bound to `Class.field` (in the scope gin is calling in, else
  unscoped) is a `gin.config.ConfigurableReference` to `gin.macro` for a
  `%MACRO` (gin 0.5.0's representation; see `gin_checks.referenced_macros`).
  """
  fallback = f"--gin.{cls.__name__}.{name}"
  gin_config = sys.modules.get("gin.config")
  if gin_config is None:
    return fallback
  try:
    scope = gin_config.current_scope_str()
    keys = [f"{scope}/{cls.__name__}.{name}"] if scope else []
    for key in [*keys, f"{cls.__name__}.{name}"]:
      try:
        bound = gin_config.query_parameter(key)
      except ValueError:
        continue
      if (isinstance(bound, gin_config.ConfigurableReference) and
          bound.configurable.wrapped is gin_config.macro):
        return f"--gin.{'/'.join(bound.scopes)}"
      return f"--gin.{key}"
  except Exception:  # pylint: disable=broad-except
    pass
  return fallback


def _message(cls, field: dataclasses.Field, value, hint) -> str:
  wanted = _describe(hint)
  setting = _gin_setting(cls, field.name)
  example = _example(field, value, hint)
  shown = f"{setting}={example}" if example else setting
  if isinstance(value, str) and _wants_number(hint):
    fix = f"set it without quotes, e.g. {shown}"
  elif _matches("", hint) and not isinstance(value, str):
    fix = f"quote it, e.g. {shown}"
  else:
    fix = f"set it to {wanted}, e.g. {shown}" if example else (
        f"set it to {wanted} with {setting}")
  shown_value = repr(value)
  if len(shown_value) > 60:
    shown_value = shown_value[:57] + "..."
  got = "None" if value is None else f"{shown_value} ({_kind(value)})"
  return (f"{cls.__name__}.{field.name} must be {wanted}, got {got}; {fix}, "
          "or fix the gin file that binds it.")
