"""User-given paths: made absolute once, and their folders checked early.

Orbax refuses relative checkpoint paths, and a path read later from another
working directory (a pipeline stage, a library call) would name other files;
so the CLIs resolve every path setting against the caller's working directory
as soon as gin is parsed, and the rest of the code only sees absolute paths.
Remote paths (`gs://...`) are left as they are, and reached once here, so
missing credentials or network end the command before any work.
"""
import os
import re
import tempfile

import gin

from atm_jax import fs
from atm_jax.errors import UserError

_WILDCARD = re.compile(r"[*?\[]")

# The gin macros that hold user-given files, folders or globs.
PATH_MACROS = (
    "MODEL_DIR", "WORK_DIR", "DATA_DIR", "TEXT_GLOB", "VOCAB_PATH",
    "INIT_CHECKPOINT", "TEACHER_CHECKPOINT", "CHECKPOINT_PATH",
    "NLU_DATA_DIR", "XNLI_DIR", "IN_DOMAIN_GLOB", "SPOKEN_CACHE_DIR",
    "TEACHER_IMPORT",
)


absolute = fs.absolute
is_remote = fs.is_remote


def resolve_path_macros() -> dict[str, str]:
  """Rebinds each relative path macro of the parsed gin config to its
  absolute form; returns what changed."""
  changed = {}
  for name in PATH_MACROS:
    selector = f"{name}/macro.value"
    try:
      value = gin.query_parameter(selector)
    except ValueError:  # the config does not define this macro
      continue
    if isinstance(value, (int, float)):  # bool is an int too
      raise UserError(
          f"{name} must be a path in quotes, got {value!r}; write it as "
          f"--gin.{name}=\"'/path'\".")
    if isinstance(value, str) and value and absolute(value) != value:
      changed[name] = absolute(value)
      with gin.unlock_config():
        gin.bind_parameter(selector, changed[name])
    if isinstance(value, str) and is_remote(value):
      check_reachable(value, name)
  return changed


def check_reachable(path: str, setting: str) -> None:
  """One sentence if a remote path's filesystem cannot be asked about it (no
  credentials, no network, an unknown scheme); whether it exists is left to
  the code that reads or writes it."""
  fixed_part = _WILDCARD.split(path, maxsplit=1)[0]
  probe = fixed_part if fixed_part == path else os.path.dirname(fixed_part)
  try:
    fs.exists(probe)
  except OSError as error:
    raise UserError(
        f"{setting} {path} cannot be reached ({error.strerror}); give this "
        "machine network access and credentials for it (for gs://, "
        "GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default "
        "login`), or use a local path.") from error


def check_output_macro(name: str) -> None:
  """`check_output_folder` for the folder a path macro names, if it is set:
  CLIs call it before gin builds anything that writes there (a vocabulary,
  a spoken-form cache)."""
  try:
    value = gin.query_parameter(f"{name}/macro.value")
  except ValueError:
    return
  if isinstance(value, str) and value:
    check_output_folder(value, name)


def check_output_folder(path: str, setting: str) -> None:
  """One sentence, before any work, if `path` cannot be a run's folder: it is
  a file, its parent is missing, or it cannot be written."""
  if is_remote(path):
    return
  if os.path.exists(path) and not os.path.isdir(path):
    raise UserError(f"{setting} {path} is a file, not a folder; point "
                    f"{setting} at a folder (a new one for a new run).")
  folder = path if os.path.isdir(path) else os.path.dirname(path)
  if not os.path.isdir(folder):
    what = "is a file" if os.path.exists(folder) else "does not exist"
    raise UserError(
        f"The folder {folder} that should hold {setting} {what}; create it "
        f"(mkdir -p {folder}) or fix the path.")
  _probe_writable(folder, setting, path)


def _probe_writable(folder: str, setting: str, path: str) -> None:
  """Writes and removes a small file: permission bits do not tell a
  read-only mount, nor what root may do."""
  try:
    handle, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    os.close(handle)
    os.remove(probe)
  except OSError as error:
    raise UserError(
        f"{setting} {path} cannot be written ({error.strerror} in {folder}); "
        f"make the folder writable or point {setting} at another one."
    ) from error
