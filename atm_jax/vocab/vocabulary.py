"""Train, check and load the SentencePiece vocabularies every atm_jax model shares.

The special pieces sit at the ids in `special_tokens`, so masking, padding and
distillation between models can rely on them. Training and checking use
sentencepiece alone; only `load_vocabulary` imports SeqIO (and with it
TensorFlow, 4 s), so the vocab CLI starts fast.

A multilingual vocabulary is trained on lines drawn per language as XLM-R does
(p_l proportional to (n_l / N)^alpha): with alpha < 1 rare languages get more
pieces than their share of the text would give them. A file's language comes
from its name (`language_regex`).
"""
from __future__ import annotations

import os
import random
import re
import tempfile
import time
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

import gin
import sentencepiece as spm

from atm_jax import fs
from atm_jax.errors import UserError
from atm_jax.vocab import files as vocab_files
from atm_jax.vocab import special_tokens

if TYPE_CHECKING:
  import seqio

# Tatoeba's `tatoeba.deu-eng.deu` -> deu, `de.txt` -> de; matched on the base name.
DEFAULT_LANGUAGE_REGEX = r"^(?:tatoeba\.[a-z]+-[a-z]+\.)?([a-z]{2,3})(?:\.txt)?$"
gin.constant("DEFAULT_LANGUAGE_REGEX", DEFAULT_LANGUAGE_REGEX)  # %DEFAULT_LANGUAGE_REGEX
# ISO 639's code for "undetermined": the language of files the regex does not match.
UNDETERMINED_LANGUAGE = "und"

_SPECIAL_IDS = {
    special_tokens.PAD_PIECE: special_tokens.PAD_ID,
    special_tokens.EOS_PIECE: special_tokens.EOS_ID,
    special_tokens.UNK_PIECE: special_tokens.UNK_ID,
    special_tokens.MASK_PIECE: special_tokens.MASK_ID,
    special_tokens.CLS_PIECE: special_tokens.CLS_ID,
    special_tokens.SEP_PIECE: special_tokens.SEP_ID,
}
# SentencePiece puts user-defined symbols right after pad, eos and unk.
_USER_DEFINED_PIECES = [
    special_tokens.MASK_PIECE, special_tokens.CLS_PIECE, special_tokens.SEP_PIECE]


def _language_pattern(language_regex: str) -> re.Pattern:
  try:
    pattern = re.compile(language_regex)
  except re.error as error:
    raise UserError(f"language_regex {language_regex!r} is not a regular "
                    f"expression ({error}); fix it.") from error
  if pattern.groups != 1:
    raise UserError(
        f"language_regex {language_regex!r} has {pattern.groups} groups; it "
        "needs exactly one, around the language code, e.g. "
        r"'^([a-z]+)\.txt$'.")
  return pattern


def files_by_language(
    files: Sequence[str],
    language_regex: str = DEFAULT_LANGUAGE_REGEX,
    languages: Sequence[str] | None = None,
) -> dict[str, list[str]]:
  """Groups files by the language code the regex finds in their base names.

  Files whose names it does not match form one language, `und`. `languages`
  keeps only those (in that order); one with no file is an error.
  """
  pattern = _language_pattern(language_regex)
  groups: dict[str, list[str]] = {}
  for path in files:
    match = pattern.search(os.path.basename(path))
    language = match.group(1) if match and match.group(1) else UNDETERMINED_LANGUAGE
    groups.setdefault(language, []).append(path)
  if languages is None:
    return dict(sorted(groups.items()))
  missing = [language for language in languages if language not in groups]
  if missing:
    raise UserError(
        f"No file of language(s) {', '.join(missing)} among "
        f"{_describe(list(files))} (language_regex {language_regex!r} finds "
        f"{', '.join(sorted(groups))}); fix LANGUAGES or the regex.")
  return {language: groups[language] for language in languages}


def temperature_shares(line_counts: Mapping[str, int],
                       alpha: float) -> dict[str, float]:
  """XLM-R's language sampling: p_l proportional to (n_l / N)^alpha.

  alpha=1 keeps the text's own proportions, alpha=0 makes languages equal; a
  language without lines gets 0.
  """
  if not 0 <= alpha <= 1:
    raise UserError(f"alpha={alpha} is outside [0, 1]; use e.g. 0.3 (XLM-R) "
                    "or 1 to keep the text's own language proportions.")
  total = sum(line_counts.values())
  if not total:
    raise UserError(f"No lines in languages {', '.join(line_counts)}; give "
                    "files with one sentence per line.")
  weights = {language: (count / total) ** alpha if count else 0.0
             for language, count in line_counts.items()}
  norm = sum(weights.values())
  return {language: weight / norm for language, weight in weights.items()}


def _numbered_lines(files: Sequence[str]) -> Iterator[tuple[int, bytes]]:
  """Non-blank lines of the files, in order, numbered from 0 across them."""
  number = 0
  for path in files:
    with fs.open(path, "rb") as f:
      for line in f:
        if line.strip():
          yield number, line.rstrip(b"\r\n")
          number += 1


def _is_held_out(number: int, held_out_every: int) -> bool:
  return bool(held_out_every) and number % held_out_every == 0


def held_out_lines(files: Sequence[str], held_out_every: int) -> list[str]:
  """The lines `train_sentencepiece(..., held_out_every=k)` kept out: every k-th
  non-blank line of the files (of one language), counted from the first."""
  return [line.decode("utf-8", errors="replace")
          for number, line in _numbered_lines(files)
          if _is_held_out(number, held_out_every)]


def _training_line_count(num_lines: int, held_out_every: int) -> int:
  return num_lines - (-(-num_lines // held_out_every) if held_out_every else 0)


def count_text_lines(path: str) -> int:
  """Non-blank lines: what the language shares and the progress line count."""
  with fs.open(path, "rb") as f:
    return sum(1 for line in f if line.strip())


def _describe(input_files: Sequence[str]) -> str:
  """Names a few of the files and counts the rest, for messages."""
  more = f" and {len(input_files) - 2} more" if len(input_files) > 2 else ""
  return ", ".join(input_files[:2]) + more


def _check_training_input(input_files: Sequence[str], output_path: str,
                          held_out_every: int) -> dict[str, int]:
  """Fails in one sentence on input SentencePiece would reject less clearly;
  returns the non-blank lines per file."""
  if not output_path.endswith(".model"):
    raise UserError(
        f"Vocabulary output path {output_path} must end in .model; "
        "give a path like /path/vocab/spm.model.")
  if held_out_every == 1 or held_out_every < 0:
    raise UserError(f"held_out_every={held_out_every} leaves no training "
                    "lines; use 0 (hold out nothing) or 2 or more.")
  if not input_files:
    raise UserError("No text files were given to train the vocabulary on; "
                    "pass at least one file.")
  missing = [path for path in input_files if not fs.isfile(path)]
  if missing:
    raise UserError(f"Text file {missing[0]} does not exist; fix the path or "
                    "the glob that produced it.")
  line_counts = {path: count_text_lines(path) for path in input_files}
  if not sum(line_counts.values()):
    raise UserError(f"The text files {_describe(input_files)} hold no text; "
                    "give files with one sentence per line.")
  return line_counts


def _lines_to_draw(groups: Mapping[str, Sequence[str]],
                   file_line_counts: Mapping[str, int], held_out_every: int,
                   alpha: float, max_sentences: int) -> dict[str, tuple[int, int]]:
  """(training lines, lines to draw) per language: at most `max_sentences`
  (and no more than there are) in all, shared out by temperature."""
  available = {
      language: _training_line_count(
          sum(file_line_counts[path] for path in files), held_out_every)
      for language, files in groups.items()}
  shares = temperature_shares(available, alpha)
  budget = min(max_sentences, sum(available.values()))
  return {language: (available[language], round(budget * shares[language]))
          for language in groups}


def _write_drawn_lines(groups: Mapping[str, Sequence[str]],
                       plan: Mapping[str, tuple[int, int]], held_out_every: int,
                       seed: int, output_file: str) -> None:
  """Writes each language's training lines `draw // available` times, plus
  `draw % available` of them once more, chosen by selection sampling (exact
  count, one pass, nothing held in memory, fixed by the seed)."""
  rng = random.Random(seed)
  with fs.open(output_file, "wb") as out:
    for language, files in groups.items():
      available, draw = plan[language]
      if not available:
        continue
      copies, extra = divmod(draw, available)
      remaining = available
      for number, line in _numbered_lines(files):
        if _is_held_out(number, held_out_every):
          continue
        take = copies
        if rng.random() * remaining < extra:
          take += 1
          extra -= 1
        remaining -= 1
        out.write((line + b"\n") * take)


def _progress_message(vocab_size: int, file_line_counts: Mapping[str, int],
                      groups: Mapping[str, Sequence[str]],
                      plan: Mapping[str, tuple[int, int]], alpha: float) -> str:
  num_lines = sum(file_line_counts.values())
  drawn = sum(draw for _, draw in plan.values())
  held_out = num_lines - sum(available for available, _ in plan.values())
  unmatched = len(groups.get(UNDETERMINED_LANGUAGE, ()))
  note = (f" ({unmatched} file(s) whose names the language regex does not "
          f"match count as language {UNDETERMINED_LANGUAGE})" if unmatched else "")
  held = f", {held_out} held out" if held_out else ""
  return (f"Training a {vocab_size}-piece vocabulary on {num_lines} lines in "
          f"{len(file_line_counts)} file(s) of {len(groups)} language(s){note}, "
          f"{drawn} drawn with alpha={alpha}{held} ...")


def _training_error(error: RuntimeError, vocab_size: int,
                    input_files: Sequence[str]) -> UserError:
  """Turns SentencePiece's internal error into a sentence with its own advice."""
  reason = str(error).split("] ", 1)[-1].strip() or str(error)
  if "Vocabulary size too high" in reason:
    return UserError(
        f"vocab_size={vocab_size} is too large for the text in "
        f"{_describe(input_files)} (SentencePiece: \"{reason}\"); lower "
        "vocab_size or train on more text.")
  chars = re.search(r"smaller than required_chars\. \d+ vs (\d+)", reason)
  if chars:
    return UserError(
        f"vocab_size={vocab_size} cannot cover the {chars.group(1)} distinct "
        f"characters of {_describe(input_files)}; set the vocabulary size "
        f"(VOCAB_SIZE) to more than {chars.group(1)} or train on fewer "
        "scripts.")
  return UserError(f"SentencePiece could not train a {vocab_size}-piece "
                   f"vocabulary on {_describe(input_files)}: {reason}")


def _run_trainer(training_file: str, model_prefix: str, vocab_size: int,
                 character_coverage: float, max_sentences: int, seed: int) -> None:
  spm.set_random_generator_seed(seed)
  spm.SentencePieceTrainer.train(
      input=training_file, model_prefix=model_prefix,
      vocab_size=vocab_size, model_type="unigram",
      character_coverage=character_coverage,
      input_sentence_size=max_sentences, shuffle_input_sentence=True,
      pad_id=special_tokens.PAD_ID, eos_id=special_tokens.EOS_ID,
      unk_id=special_tokens.UNK_ID, bos_id=-1,
      user_defined_symbols=_USER_DEFINED_PIECES,
      byte_fallback=True, minloglevel=2)


def train_sentencepiece(
    input_files: Sequence[str],
    vocab_size: int,
    output_path: str,
    *,
    character_coverage: float = 0.9995,
    max_sentences: int = 2_000_000,
    seed: int = 0,
    language_regex: str = DEFAULT_LANGUAGE_REGEX,
    alpha: float = 1.0,
    held_out_every: int = 0,
) -> str:
  """Trains a unigram model with atm_jax's special ids; returns `output_path`.

  Up to `max_sentences` lines are drawn per language by temperature `alpha`
  (see `temperature_shares`), repeating a rare language's lines when its share
  asks for more than it has. `held_out_every=k` keeps every k-th line of each
  language out of training, for `held_out_lines` and the vocabulary report.
  Training happens under a temporary name in the output folder and is renamed
  into place (.vocab first, .model last), so a killed run never leaves a
  truncated model that a resumed run would trust.
  """
  file_line_counts = _check_training_input(input_files, output_path, held_out_every)
  groups = files_by_language(input_files, language_regex)
  plan = _lines_to_draw(groups, file_line_counts, held_out_every, alpha,
                        max_sentences)
  output_dir = os.path.dirname(fs.absolute(output_path))
  fs.makedirs(output_dir)
  print(_progress_message(vocab_size, file_line_counts, groups, plan, alpha),
        end="", flush=True)
  start = time.monotonic()
  # SentencePiece writes local files: next to the output when it is local (so
  # the rename is atomic), in the machine's temporary folder when it is not.
  local_dir = None if fs.is_remote(output_dir) else output_dir
  with tempfile.TemporaryDirectory(dir=local_dir, prefix=".spm-train-") as tmp:
    tmp_prefix = os.path.join(tmp, "spm")
    training_file = os.path.join(tmp, "drawn.txt")
    _write_drawn_lines(groups, plan, held_out_every, seed, training_file)
    try:
      _run_trainer(training_file, tmp_prefix, vocab_size, character_coverage,
                   max_sentences, seed)
    except RuntimeError as error:
      print(" failed.", flush=True)
      raise _training_error(error, vocab_size, input_files) from error
    fs.replace(tmp_prefix + ".vocab", output_path[:-len(".model")] + ".vocab")
    fs.replace(tmp_prefix + ".model", output_path)
  print(f" done in {time.monotonic() - start:.1f} s.", flush=True)
  return output_path


def check_vocabulary(path: str) -> None:
  """Fails unless `path` is a SentencePiece model with atm_jax's special ids
  or the vocabulary of a checkpoint imported by atm_jax.convert.hf."""
  if vocab_files.descriptor_path(path):  # a run's vocab/ or vocabulary.json
    return
  if not fs.isfile(path):
    raise UserError(f"Vocabulary file {path} does not exist; fix the path or "
                    "train one with `python -m atm_jax.vocab`.")
  try:
    processor = load_processor(path)
  except (OSError, RuntimeError) as error:
    raise UserError(f"{path} is not a SentencePiece model ({error}); give the "
                    ".model file written by `python -m atm_jax.vocab`.") from error
  found = _pieces_at(processor)
  if found != _SPECIAL_IDS:
    raise UserError(
        f"{path} was not trained by atm_jax.vocab; atm_jax needs the special "
        f"pieces at ids {_SPECIAL_IDS} but this model has {found}, so train a "
        "new one with `python -m atm_jax.vocab`.")


def load_processor(path: str) -> spm.SentencePieceProcessor:
  """A SentencePiece model read through `fs` (SentencePiece itself reads
  local files only)."""
  with fs.open(path, "rb") as f:
    return spm.SentencePieceProcessor(model_proto=f.read())


def _pieces_at(processor: spm.SentencePieceProcessor) -> dict[str, int]:
  """The pieces a model has at the special ids, for the mismatch message."""
  return {processor.IdToPiece(i): i for i in sorted(_SPECIAL_IDS.values())
          if i < processor.GetPieceSize()}


def load_vocabulary(path: str) -> seqio.Vocabulary:
  """Checks the special ids, then wraps the model for SeqIO tasks; a vocab/
  folder written by atm_jax.convert.hf gives its ConvertedVocabulary."""
  if vocab_files.descriptor_path(path):
    from atm_jax.vocab import converted as vocabulary  # pylint: disable=g-import-not-at-top
    return vocabulary.ConvertedVocabulary(path)
  check_vocabulary(path)
  import seqio  # pylint: disable=g-import-not-at-top  (TensorFlow: see module doc)
  return seqio.SentencePieceVocabulary(path)


@gin.configurable
def ensure_vocabulary(
    vocab_path: str | None = None,
    text_glob: str = gin.REQUIRED,
    model_dir: str = gin.REQUIRED,
    vocab_size: int = gin.REQUIRED,
    language_regex: str = DEFAULT_LANGUAGE_REGEX,
    languages: Sequence[str] | None = None,
    alpha: float = 1.0,
) -> str:
  """Returns the vocabulary a run uses, training it into the run dir if needed.

  A trained vocabulary is kept at `{model_dir}/vocab/spm.model`, so a resumed
  run reuses it instead of training a different one. `languages` (codes
  found by `language_regex`) limits training to the run's languages.
  """
  if vocab_path:
    check_vocabulary(vocab_path)
    return vocab_path
  vocab_path = os.path.join(model_dir, "vocab", "spm.model")
  if not fs.exists(vocab_path):
    input_files = sorted(fs.glob(text_glob))
    if not input_files:
      raise UserError(f"TEXT_GLOB {text_glob!r} matches no file, so no vocabulary "
                      "can be trained; set TEXT_GLOB to your text files or give "
                      "ensure_vocabulary.vocab_path a trained vocabulary.")
    groups = files_by_language(input_files, language_regex, languages)
    train_sentencepiece([path for files in groups.values() for path in files],
                        vocab_size, vocab_path, language_regex=language_regex,
                        alpha=alpha)
  check_vocabulary(vocab_path)
  return vocab_path
