"""Checks of gin bindings that gin itself does not make, as one-sentence
UserErrors that name the nearest known names.

gin accepts `--gin.TRAIN_STEPZ=5` as the definition of a new macro that
nothing uses, so a misspelt setting is silently ignored; `check_bindings`
refuses it. gin does refuse an unknown configurable or parameter
(`--gin.TrainConfg.train_steps=5`), but without saying what was meant;
`raise_if_unknown_name` turns its message into one sentence with the nearest
known names.
"""
import difflib
import re
from collections.abc import Iterable, Sequence

from atm_jax.errors import UserError

# gin's messages (gin/config.py, 0.5.0) for an unknown configurable, reference
# or parameter; `utils.augment_exception_message_and_reraise` appends the
# location as "\n  In file "<path>", line N\n    <line>" or
# "\n  In bindings string line N\n    <line>".
_UNKNOWN_CONFIGURABLE = re.compile(r"No configurable matching '([^']+)'\.")
_UNKNOWN_REFERENCE = re.compile(
    r"No configurable matching reference '@([^'(]+)(\(\))?'\.")
_UNKNOWN_PARAMETER = re.compile(
    r"Configurable '([^']+)' doesn't have a parameter named '([^']+)'\.")
_LOCATION = re.compile(
    r'In (?:file "(?P<file>.+?)", line (?P<line>\d+)|bindings string line '
    r'\d+)\n    (?P<text>.*)')


def _nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
  """Up to `n` candidates closest to `name`, case-insensitively: difflib's
  close matches, else those sharing a word (`peak_lr` -> peak_learning_rate)."""
  by_lower = {}
  for candidate in sorted(set(candidates)):
    by_lower.setdefault(candidate.lower(), candidate)
  name = name.lower()
  matches = difflib.get_close_matches(name, list(by_lower), n=n)
  if not matches:
    words = {word for word in re.split(r"[_./]", name) if len(word) >= 3}
    sharing = [candidate for candidate in by_lower
               if words & set(re.split(r"[_./]", candidate))]
    matches = sorted(sharing, key=lambda candidate: -difflib.SequenceMatcher(
        None, name, candidate).ratio())[:n]
  return [by_lower[match] for match in matches]


def _sentence(problem: str, suggestions: Sequence[str], fix: str) -> str:
  """"<problem>; did you mean A, B or C? <Fix>" or "<problem>; <fix>" when
  nothing is close."""
  if not suggestions:
    return f"{problem}; {fix}"
  listed = (suggestions[0] if len(suggestions) == 1 else
            f"{', '.join(suggestions[:-1])} or {suggestions[-1]}")
  return f"{problem}; did you mean {listed}? {fix[0].upper()}{fix[1:]}"


# -- macros ---------------------------------------------------------------


def referenced_macros() -> set[str]:
  """Names of the macros that the parsed gin config uses as `%NAME`.

  gin has no public API for this, so it reads gin 0.5.0's internals: after
  parsing, `gin.config._CONFIG` maps `(scope, configurable selector)` to the
  bound `{parameter: value}`; a `%NAME` anywhere in a value (also nested in a
  list, tuple or dict) is parsed to a `gin.config.ConfigurableReference` to
  the `gin.macro` configurable in scope NAME (scoped selector
  `NAME/gin.macro`), and `gin.config.iterate_references` walks the nested
  values. A macro's definition `NAME = value` is itself stored under
  `("NAME", "gin.macro")["value"]`, so a macro used only in another macro's
  value (`LANGUAGE_REGEX = %OTHER`) counts as used. A `%NAME` that names a
  `gin.constant` (e.g. `%DEFAULT_LANGUAGE_REGEX`) refers to `gin.constant`,
  not to a macro, and is not counted.
  """
  from gin import config as gin_config  # pylint: disable=g-import-not-at-top
  names = set()
  for reference in gin_config.iterate_references(gin_config._CONFIG):  # pylint: disable=protected-access
    if reference.configurable.wrapped is gin_config.macro:
      names.add("/".join(reference.scopes))
  return names


class _Placeholders:
  """A gin parser delegate that only reads bindings' names (the values are
  not needed and their references are not looked up)."""

  def configurable_reference(self, scoped_name, evaluate):
    del evaluate
    return scoped_name

  def macro(self, name):
    return name


def _macro_definitions(bindings: Sequence[str]) -> list[str]:
  """The macros that `bindings` define (`NAME = value`), in order.

  A name with a `/` (a scoped macro) is left alone, as are parameter
  bindings, `include` and `import` lines.
  """
  from gin import config_parser  # pylint: disable=g-import-not-at-top
  parser = config_parser.ConfigParser("\n".join(bindings), _Placeholders())
  return [statement.selector for statement in parser
          if isinstance(statement, config_parser.BindingStatement)
          and not statement.arg_name and not statement.scope]


def check_bindings(typed: Sequence[str]) -> None:
  """Refuses a typed binding that defines a macro the parsed config never uses.

  Called by `cli.parse_gin` right after gin parsed the files and bindings,
  so gin's config holds every file (includes too) and every binding. A macro
  binding `NAME = value` must name a macro that some loaded file, or another
  binding, references as `%NAME`; otherwise gin keeps it as a new macro that
  nothing reads (`--gin.TRAIN_STEPZ=5` trains the default number of steps).
  Parameter bindings (`Configurable.param = value`) are checked by gin itself
  (see `unknown_name_error`).

  Only `typed`, the bindings a user gave, are checked. Bindings a library
  builds are exempt, as they must be: the pipeline
  (`atm_jax.pipeline.stages`) hands every training stage the same data
  macros (IN_DOMAIN_GLOB, SPOKEN_SHARE, ...) whether or not the stage's run
  file reads them, and the planner (`atm_jax.planning.run_config`) sets
  placeholders for macros a config may not have.
  """
  if not typed:
    return
  used = referenced_macros()
  for name in _macro_definitions(typed):
    if name in used:
      continue
    raise UserError(_sentence(
        f"--gin.{name} is not a setting of this config (no gin file uses "
        f"%{name})", _nearest(name, used - {name}),
        "see the header of the run's gin file for the settings it takes."))


# -- unknown configurables and parameters ---------------------------------


def _known_configurables() -> list[str]:
  """The shortest unambiguous name of every registered configurable (gin
  0.5.0's registry, `gin.config._REGISTRY`; there is no public listing)."""
  from gin import config as gin_config  # pylint: disable=g-import-not-at-top
  registry = gin_config._REGISTRY  # pylint: disable=protected-access
  return [registry.minimal_selector(selector)
          for selector, _ in registry.items()
          if not selector.startswith("gin.")]


def _nearest_configurables(selector: str) -> list[str]:
  names = _known_configurables()
  return (_nearest(selector, names) or
          _nearest(selector.rsplit(".", 1)[-1], names))


def _parameters(selector: str) -> list[str]:
  """The parameters gin lets a binding set on the configurable `selector`
  (looked up in gin 0.5.0's registry, `gin.config._REGISTRY`)."""
  import inspect  # pylint: disable=g-import-not-at-top
  from gin import config as gin_config  # pylint: disable=g-import-not-at-top
  try:
    configurable = gin_config._REGISTRY.get_match(selector)  # pylint: disable=protected-access
    signature = inspect.signature(configurable.wrapped)
  except (KeyError, TypeError, ValueError, AttributeError):
    return []
  names = [name for name, parameter in signature.parameters.items()
           if name != "self" and parameter.kind not in (
               parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)]
  if configurable.allowlist:
    names = [name for name in names if name in configurable.allowlist]
  if configurable.denylist:
    names = [name for name in names if name not in configurable.denylist]
  return names


def _binding_key(message: str) -> str | None:
  """What is left of `=` on the line gin's message points at."""
  location = _LOCATION.search(message)
  return location.group("text").split("=", 1)[0].strip() if location else None


def _where(message: str) -> str:
  """The binding gin's message points at: `--gin.KEY` for a command-line
  binding, `KEY in <file> line N` for one in a gin file."""
  location = _LOCATION.search(message)
  if not location:
    return "a gin binding"
  key = _binding_key(message)
  if location.group("file"):
    return (f"{key} in {location.group('file')} line "
            f"{location.group('line')}")
  return f"--gin.{key}"


def unknown_name_error(error: Exception) -> UserError | None:
  """gin's error for an unknown configurable, reference or parameter as one
  sentence naming the nearest known ones; None for any other error."""
  message = str(error)
  where = _where(message)
  match = _UNKNOWN_PARAMETER.search(message)
  if match:
    configurable, parameter = match.groups()
    key = _binding_key(message)
    prefix = (key.rsplit(".", 1)[0] if key and key.endswith(f".{parameter}")
              else configurable)
    return UserError(_sentence(
        f"{where} sets {parameter}, which is not a parameter of "
        f"{configurable}",
        [f"{prefix}.{name}" for name in
         _nearest(parameter, _parameters(configurable))],
        f"check the spelling against {configurable}'s parameters."))
  match = _UNKNOWN_REFERENCE.search(message)
  if match:
    name, call = match.group(1), match.group(2) or ""
    return UserError(_sentence(
        f"{where} refers to @{name}{call}, which is not a known configurable",
        [f"@{n}{call}" for n in _nearest_configurables(name)],
        "check the spelling, or import the module that registers it."))
  match = _UNKNOWN_CONFIGURABLE.search(message)
  if match:
    name = match.group(1)
    return UserError(_sentence(
        f"{where} names {name}, which is not a known configurable",
        _nearest_configurables(name),
        "check the spelling, or import the module that registers it."))
  return None


def raise_if_unknown_name(error: Exception) -> None:
  """Raises `unknown_name_error(error)` (from `error`) when there is one."""
  friendly = unknown_name_error(error)
  if friendly is not None:
    raise friendly from error
