"""Shared plumbing of the command-line tools: gin flags, set-up, clean errors.

Nothing below the CLIs parses flags; these helpers turn flags into a parsed
gin config and turn any `UserError` into one line on stderr and exit code 2.
"""
import logging as std_logging
import os
import re
import sys
import tokenize
from collections.abc import Callable, Sequence

from absl import flags, logging

from atm_jax import distributed, host_memory, paths
from atm_jax.errors import UserError

flags.DEFINE_bool(
    "reuse_host_memory", True,
    "Keep the host memory a CPU step frees for the next step (glibc heap, "
    "synchronous CPU dispatch); see atm_jax/host_memory.py. Off: every step "
    "maps its temporaries afresh.")

# The repository root: gin files and their `include` paths resolve against
# it wherever the command is started from (the package is installed with
# `pip install -e .`, which keeps it beside gin_configs/).
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_GIN_FLAG = re.compile(r"^--gin\.([^=]+)=(.*)$", re.DOTALL)
_REQUIRED_MACRO = re.compile(r"(\w+)/macro\.value set to `%gin\.REQUIRED`")
_REQUIRED = re.compile(r"Required bindings for `(.+?)` not provided in "
                       r"config: \[(.+?)\]")


def define_gin_flags() -> None:
  flags.DEFINE_multi_string("gin_file", [], "Gin config files, in order.")
  flags.DEFINE_multi_string("gin_bindings", [],
                            "Extra gin bindings, e.g. \"TRAIN_STEPS = 50\".")


def rewrite_gin_args(argv: Sequence[str]) -> list[str]:
  """`--gin.NAME=VALUE` (T5X's shorthand) -> `--gin_bindings=NAME = VALUE`."""
  rewritten = []
  for arg in argv:
    match = _GIN_FLAG.match(arg)
    rewritten.append(f"--gin_bindings={match.group(1)} = {match.group(2)}"
                     if match else arg)
  return rewritten


def bound_value(selector: str):
  """The value gin binds to `selector`, following macros (`%TRAIN_STEPS`)."""
  import gin  # pylint: disable=g-import-not-at-top
  value = gin.query_parameter(selector)
  while (isinstance(value, gin.config.ConfigurableReference)
         and value.configurable.name in ("macro", "gin.macro")):
    value = gin.query_parameter(f"{value.scoped_selector}.value")
  return value


def parse_gin(gin_files: Sequence[str], bindings: Sequence[str], *,
              typed: Sequence[str] | None = None) -> None:
  """Parse files then bindings; a bad file or binding is a UserError.

  `typed` are the bindings a user gave (all of `bindings` unless a library
  adds its own): each macro they set must be one the config uses. Path
  settings given relative are made absolute against the working directory
  here, once (`atm_jax.paths`).
  """
  import gin  # pylint: disable=g-import-not-at-top
  from atm_jax import gin_checks  # pylint: disable=g-import-not-at-top
  gin.add_config_file_search_path(PROJECT_ROOT)
  if not gin_files:
    raise UserError("No --gin_file given; pass an experiment such as "
                    "--gin_file=gin_configs/experiments/pretrain_tiny.gin.")
  gin_files = [_gin_file(path) for path in gin_files]
  try:
    gin.parse_config_files_and_bindings(gin_files, bindings,
                                        skip_unknown=False)
  except (ValueError, ImportError, SyntaxError, tokenize.TokenError) as error:
    macro = _REQUIRED_MACRO.search(str(error))
    if macro:
      name = macro.group(1)
      raise UserError(
          f"{name} is required but not set (see the header of the run's gin "
          f"file); add --gin.{name}=... to the command, e.g. "
          f"--gin.{name}=\"'/path'\" for a path.") from error
    gin_checks.raise_if_unknown_name(error)
    first_line = str(error).strip().splitlines()[0]
    raise UserError(f"The gin config could not be parsed: {first_line}; fix "
                    "the file or the --gin binding it names.") from error
  gin_checks.check_bindings(bindings if typed is None else typed)
  paths.resolve_path_macros()


def _gin_file(path: str) -> str:
  """A gin file named relative to the working directory, else to the
  repository, as an absolute path."""
  for candidate in (path, os.path.join(PROJECT_ROOT, path)):
    if os.path.isfile(candidate):
      return os.path.abspath(candidate)
  raise UserError(f"Gin file {path} does not exist; check the path.")


def required_macro_error(error: Exception) -> UserError | None:
  """Gin's message for an unset %gin.REQUIRED value, as one helpful sentence."""
  match = _REQUIRED.search(str(error))
  if not match:
    return None
  configurable, params = match.groups()
  return UserError(
      f"Required setting {params} of {configurable} is not set (a "
      "%gin.REQUIRED macro, listed in the header of the run's gin file); "
      "set it on the command line, e.g. --gin.MODEL_DIR=\"'/path/to/run'\".")


def run_cleanly(main: Callable[[], object]) -> None:
  """Call `main`; print a UserError (or unset gin macro) as one line, exit 2.
  In a multi-host job, every process then leaves it together."""
  try:
    main()
  except UserError as error:
    _fail(error)
  except (ValueError, RuntimeError) as error:
    friendly = required_macro_error(error)
    if friendly is None:
      friendly = _lost_process(error)
    if friendly is None:
      raise
    _fail(friendly)
  distributed.leave(0)


def _lost_process(error: Exception) -> UserError | None:
  """A collective that failed because another process of the job died."""
  sentence = distributed.lost_process(error)
  return UserError(sentence) if sentence else None


def _fail(error: Exception) -> None:
  message = str(error).strip().splitlines()[0]
  print(f"error: {message}", file=sys.stderr, flush=True)
  distributed.leave(2)
  sys.exit(2)


# Warnings that say nothing actionable about an atm_jax run.
_SILENCED = ("Using an uncached FunctionDataset",)


def _keep_record(record) -> bool:
  # Orbax logs a failed background save as several tracebacks; the trainer
  # reports that failure itself, once, as one sentence.
  if record.levelno >= std_logging.ERROR and "/orbax/" in record.pathname:
    return False
  # gin first looks for an `include`d file as a Python resource and logs an
  # error when it is not one, then finds it on its search path.
  if record.pathname.endswith(os.path.join("gin", "resource_reader.py")):
    return False
  return not any(text in record.getMessage() for text in _SILENCED)


def quiet_libraries() -> None:
  """Keep the terminal for our progress lines: libraries log warnings only."""
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
  logging.set_verbosity(logging.WARNING)
  logging.get_absl_logger().addFilter(_keep_record)
  std_logging.getLogger().addFilter(_keep_record)  # gin logs on the root


def show_usage(doc: str | None) -> None:
  """Make `doc` what --help prints: absl prints the __main__ module's
  docstring, which is a stub when the tool runs as a console script or
  through a package's __main__.py."""
  sys.modules["__main__"].__doc__ = doc


def launch(run: Callable[[], object], doc: str | None = None, *,
           runs_steps: bool = True) -> None:
  """Entry point of a gin CLI: quiet libraries, `--gin.X=V` flags, clean
  errors, `doc` as the --help text; `run` parses gin and does the work.
  A command that `runs_steps` keeps freed host memory for the next step
  (--reuse_host_memory); the planner, which only compiles, sets XLA's fake
  devices before JAX starts and must not start it here."""
  from absl import app  # pylint: disable=g-import-not-at-top
  if doc:
    show_usage(doc)

  def main(argv: list[str]) -> None:
    del argv
    quiet_libraries()
    if runs_steps and flags.FLAGS.reuse_host_memory:
      host_memory.reuse_freed_memory()
    run_cleanly(run)

  quiet_libraries()
  app.run(main, argv=rewrite_gin_args(sys.argv))
