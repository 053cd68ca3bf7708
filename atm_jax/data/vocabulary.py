"""Train, check and load the SentencePiece vocabularies every atm_jax model shares.

The special pieces sit at the ids in `special_tokens`, so masking, padding and
distillation between models can rely on them. Training and checking use
sentencepiece alone; only `load_vocabulary` imports SeqIO (and with it
TensorFlow, 4 s), so the vocab CLI starts fast.
"""
from __future__ import annotations

import glob
import os
import re
import tempfile
import time
from typing import TYPE_CHECKING, Sequence

import gin
import sentencepiece as spm

from atm_jax.data import special_tokens
from atm_jax.errors import UserError

if TYPE_CHECKING:
  import seqio

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


def _count_text_lines(input_files: Sequence[str]) -> int:
  """Counts non-blank lines, for the progress line and to refuse empty input."""
  count = 0
  for path in input_files:
    with open(path, "rb") as f:
      count += sum(1 for line in f if line.strip())
  return count


def _describe(input_files: Sequence[str]) -> str:
  """Names a few of the files and counts the rest, for messages."""
  more = f" and {len(input_files) - 2} more" if len(input_files) > 2 else ""
  return ", ".join(input_files[:2]) + more


def _check_training_input(input_files: Sequence[str], output_path: str) -> int:
  """Fails in one sentence on input SentencePiece would reject less clearly."""
  if not output_path.endswith(".model"):
    raise UserError(
        f"Vocabulary output path {output_path} must end in .model; "
        "give a path like /path/vocab/spm.model.")
  if not input_files:
    raise UserError("No text files were given to train the vocabulary on; "
                    "pass at least one file.")
  missing = [path for path in input_files if not os.path.isfile(path)]
  if missing:
    raise UserError(f"Text file {missing[0]} does not exist; fix the path or "
                    "the glob that produced it.")
  num_lines = _count_text_lines(input_files)
  if not num_lines:
    raise UserError(f"The text files {_describe(input_files)} hold no text; "
                    "give files with one sentence per line.")
  return num_lines


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


def train_sentencepiece(
    input_files: Sequence[str],
    vocab_size: int,
    output_path: str,
    *,
    character_coverage: float = 0.9995,
    max_sentences: int = 2_000_000,
    seed: int = 0,
) -> str:
  """Trains a unigram model with atm_jax's special ids; returns `output_path`.

  Training happens under a temporary name in the output folder and is renamed
  into place (.vocab first, .model last), so a killed run never leaves a
  truncated model that a resumed run would trust.
  """
  num_lines = _check_training_input(input_files, output_path)
  output_dir = os.path.dirname(os.path.abspath(output_path))
  os.makedirs(output_dir, exist_ok=True)
  print(f"Training a {vocab_size}-piece vocabulary on {num_lines} lines in "
        f"{len(input_files)} file(s) ...", end="", flush=True)
  start = time.monotonic()
  with tempfile.TemporaryDirectory(dir=output_dir, prefix=".spm-train-") as tmp:
    tmp_prefix = os.path.join(tmp, "spm")
    spm.set_random_generator_seed(seed)
    try:
      spm.SentencePieceTrainer.train(
          input=list(input_files), model_prefix=tmp_prefix,
          vocab_size=vocab_size, model_type="unigram",
          character_coverage=character_coverage,
          input_sentence_size=max_sentences, shuffle_input_sentence=True,
          pad_id=special_tokens.PAD_ID, eos_id=special_tokens.EOS_ID,
          unk_id=special_tokens.UNK_ID, bos_id=-1,
          user_defined_symbols=_USER_DEFINED_PIECES,
          byte_fallback=True, minloglevel=2)
    except RuntimeError as error:
      print(" failed.", flush=True)
      raise _training_error(error, vocab_size, input_files) from error
    os.replace(tmp_prefix + ".vocab", output_path[:-len(".model")] + ".vocab")
    os.replace(tmp_prefix + ".model", output_path)
  print(f" done in {time.monotonic() - start:.1f} s.", flush=True)
  return output_path


def check_vocabulary(path: str) -> None:
  """Fails unless `path` is a SentencePiece model with atm_jax's special ids."""
  if not os.path.isfile(path):
    raise UserError(f"Vocabulary file {path} does not exist; fix the path or "
                    "train one with `python -m atm_jax.vocab`.")
  processor = spm.SentencePieceProcessor()
  try:
    processor.Load(path)
  except (OSError, RuntimeError) as error:
    raise UserError(f"{path} is not a SentencePiece model ({error}); give the "
                    ".model file written by `python -m atm_jax.vocab`.") from error
  found = _pieces_at(processor)
  if found != _SPECIAL_IDS:
    raise UserError(
        f"{path} was not trained by atm_jax.vocab; atm_jax needs the special "
        f"pieces at ids {_SPECIAL_IDS} but this model has {found}, so train a "
        "new one with `python -m atm_jax.vocab`.")


def _pieces_at(processor: spm.SentencePieceProcessor) -> dict[str, int]:
  """The pieces a model has at the special ids, for the mismatch message."""
  return {processor.IdToPiece(i): i for i in sorted(_SPECIAL_IDS.values())
          if i < processor.GetPieceSize()}


def load_vocabulary(path: str) -> seqio.SentencePieceVocabulary:
  """Checks the special ids, then wraps the model for SeqIO tasks."""
  check_vocabulary(path)
  import seqio  # pylint: disable=g-import-not-at-top  (TensorFlow: see module doc)
  return seqio.SentencePieceVocabulary(path)


@gin.configurable
def ensure_vocabulary(
    vocab_path: str | None = None,
    text_glob: str = gin.REQUIRED,
    model_dir: str = gin.REQUIRED,
    vocab_size: int = gin.REQUIRED,
) -> str:
  """Returns the vocabulary a run uses, training it into the run dir if needed.

  A trained vocabulary is kept at `{model_dir}/vocab/spm.model`, so a resumed
  run reuses it instead of training a different one.
  """
  if vocab_path:
    check_vocabulary(vocab_path)
    return vocab_path
  vocab_path = os.path.join(model_dir, "vocab", "spm.model")
  if not os.path.exists(vocab_path):
    input_files = sorted(glob.glob(text_glob))
    if not input_files:
      raise UserError(f"TEXT_GLOB {text_glob!r} matches no file, so no vocabulary "
                      "can be trained; set TEXT_GLOB to your text files or give "
                      "ensure_vocabulary.vocab_path a trained vocabulary.")
    train_sentencepiece(input_files, vocab_size, vocab_path)
  check_vocabulary(vocab_path)
  return vocab_path
