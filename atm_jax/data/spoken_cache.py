"""Text files converted to spoken form once, ahead of training.

`to_spoken` is Python run per line: inside tf.data it would hold the input
pipeline to one core's Python speed for every epoch. Converting each file once
into a cache folder lets the spoken tasks read plain text at tf.data speed.
A cached file is redone only when its source or the spoken-form code changed;
it is written under a temporary name and renamed, so a killed conversion
leaves nothing a later run would trust. Line i of a cached file is line i of
its source (blank lines stay blank), so written and spoken tasks split
train/validation on the same sentences.
"""
import hashlib
import importlib.metadata
import json
import os
import re
import sys
import time
from typing import Iterable, Iterator, Sequence

import gin

from atm_jax import fs
from atm_jax import hosts
from atm_jax.data import spoken_form
from atm_jax.errors import UserError

# ISO 639-2/3 codes (Tatoeba, FLORES and most corpora name files by them) to
# the ISO 639-1 codes `to_spoken` takes.
_ISO_639_1 = {
    "ara": "ar", "ben": "bn", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs",
    "cmn": "zh", "dan": "da", "deu": "de", "ger": "de", "ell": "el", "gre": "el",
    "eng": "en", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr",
    "heb": "he", "hin": "hi", "hun": "hu", "ind": "id", "ita": "it", "jpn": "ja",
    "kan": "kn", "kor": "ko", "mal": "ml", "mar": "mr", "nld": "nl", "dut": "nl",
    "nob": "nb", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru",
    "spa": "es", "swe": "sv", "swa": "sw", "tam": "ta", "tel": "te", "tha": "th",
    "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi", "zho": "zh", "chi": "zh",
}


def spoken_language(language: str) -> str | None:
  """The `to_spoken` code for a file's language code (`deu`, `de`, `de-DE`),
  or None when `to_spoken` has no rules for that language."""
  primary = re.split(r"[-_]", language.lower())[0]
  code = _ISO_639_1.get(primary, primary)
  try:
    spoken_form.to_spoken("1", code)
  except UserError:
    return None
  return code


def _converter_fingerprint() -> str:
  """Changes whenever the spoken-form code or num2words does, to redo caches."""
  digest = hashlib.sha256(importlib.metadata.version("num2words").encode())
  for name in sorted(sys.modules):
    module_file = getattr(sys.modules[name], "__file__", None)
    if name.startswith("atm_jax.data.spoken_") and name != __name__ and module_file:
      with fs.open(module_file, "rb") as f:
        digest.update(f.read())
  return digest.hexdigest()[:16]


def _cached_path(source: str, language: str, cache_dir: str) -> str:
  """`{cache_dir}/{language}/{name}.{hash of the source path}.txt`: the hash
  keeps two sources with the same name (in other folders) apart."""
  path_hash = hashlib.sha256(fs.absolute(source).encode()).hexdigest()[:8]
  return os.path.join(cache_dir, language,
                      f"{os.path.basename(source)}.{path_hash}.txt")


def _source_stamp(source: str, code: str, fingerprint: str) -> dict:
  size, mtime_ns = fs.size_and_mtime_ns(source)
  return {"source": fs.absolute(source), "size": size,
          "mtime_ns": mtime_ns, "language": code,
          "converter": fingerprint}


def _is_up_to_date(cached: str, stamp: dict) -> bool:
  try:
    with fs.open(cached + ".json", encoding="utf-8") as f:
      return json.load(f) == stamp and fs.isfile(cached)
  except (OSError, ValueError):
    return False


def _spoken_lines(source: str, code: str) -> Iterator[str]:
  """Yields the spoken form of each line; errors name the file and line."""
  with fs.open(source, "rb") as f:
    for line_number, raw in enumerate(f, start=1):
      try:
        text = raw.decode("utf-8").rstrip("\r\n")
        yield " ".join(spoken_form.to_spoken(text, code).split()) if text.strip() else ""
      except UnicodeDecodeError as error:
        raise UserError(f"{source}:{line_number} is not UTF-8 ({error.reason}); "
                        "re-encode the file as UTF-8.") from error
      except (UserError, ValueError, ArithmeticError, NotImplementedError) as error:
        raise UserError(f"{source}:{line_number}: the spoken form of this line "
                        f"failed ({error}); fix or remove the line.") from error


def _write_atomically(path: str, lines: Iterable[str]) -> int:
  """Writes the lines under a temporary name, then renames; returns the count."""
  temporary = os.path.join(os.path.dirname(path),
                           f".{os.path.basename(path)}.tmp-{os.getpid()}")
  count = 0
  try:
    with fs.open(temporary, "w", encoding="utf-8") as f:
      for count, line in enumerate(lines, start=1):
        f.write(line + "\n")
    fs.replace(temporary, path)
  finally:
    if fs.exists(temporary):
      fs.remove(temporary)
  return count


def _convert(source: str, cached: str, stamp: dict) -> int:
  lines = _write_atomically(cached, _spoken_lines(source, stamp["language"]))
  _write_atomically(cached + ".json", [json.dumps(stamp, sort_keys=True)])
  return lines


def cache_spoken(files: Sequence[str], language: str, cache_dir: str) -> list[str]:
  """Converts the files of one language to spoken form (once); returns the
  cached files in the same order. The language must be one `to_spoken`
  handles (see `spoken_language`)."""
  code = spoken_language(language)
  if code is None:
    raise UserError(f"Spoken form has no rules for language {language!r}; "
                    "give its text as written text only.")
  missing = [path for path in files if not fs.isfile(path)]
  if missing:
    raise UserError(f"Text file {missing[0]} does not exist; fix the path or "
                    "the glob that produced it.")
  folder = os.path.join(cache_dir, language)
  try:
    fs.makedirs(folder)
  except OSError as error:
    raise UserError(f"Cannot create the spoken-form cache {folder} "
                    f"({error.strerror}); set a writable cache dir.") from error
  fingerprint = _converter_fingerprint()
  cached = [_cached_path(source, language, cache_dir) for source in files]
  stamps = [_source_stamp(source, code, fingerprint) for source in files]
  stale = [i for i, (path, stamp) in enumerate(zip(cached, stamps))
           if not _is_up_to_date(path, stamp)]
  prefix = f"Spoken form of {language}: "
  if not stale:
    if hosts.is_lead():  # the others find what process 0 just wrote
      print(f"{prefix}{len(files)} file(s) up to date in {folder}.",
            flush=True)
    return cached
  print(f"{prefix}converting {len(stale)} of {len(files)} file(s) into {folder} ...",
        end="", flush=True)
  start = time.monotonic()
  try:
    lines = sum(_convert(files[i], cached[i], stamps[i]) for i in stale)
  except BaseException:
    print(" failed.", flush=True)
    raise
  print(f" {lines} lines in {time.monotonic() - start:.1f} s.", flush=True)
  return cached


@gin.configurable
def spoken_cache_dir(model_dir: str = gin.REQUIRED) -> str:
  """`{model_dir}/spoken_cache`: a run's own cache when none is shared."""
  return os.path.join(model_dir, "spoken_cache")
