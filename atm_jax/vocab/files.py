"""The files of a converted vocabulary: `vocab/vocabulary.json` beside the
checkpoint's own tokenizer file. Kept free of TensorFlow, so checking a path
stays fast; convert.vocabulary holds the SeqIO wrapper.
"""
from __future__ import annotations

import json
import os

import numpy as np

from atm_jax import fs
from atm_jax.errors import UserError

DESCRIPTOR = "vocabulary.json"
FORMAT = "atm_jax.converted_vocabulary/1"
BACKENDS = ("tokenizers", "sentencepiece")


def descriptor_path(path: str) -> str | None:
  """The descriptor that `path` (a vocab dir or the descriptor) names, if any."""
  if fs.isdir(path):
    path = os.path.join(path, DESCRIPTOR)
  if os.path.basename(path) == DESCRIPTOR and fs.isfile(path):
    return path
  return None


def write_descriptor(vocab_dir: str, backend: str, tokenizer_file: str,
                     hf_ids: np.ndarray, piece_offset: int = 0,
                     piece_unk: int = 0) -> str:
  """Writes vocabulary.json; ids that keep their number are not listed.

  For a SentencePiece model, checkpoint id = piece id + `piece_offset`, and
  the model's unknown piece (id 0) is `piece_unk` (fairseq's numbering, used
  by XLM-R).
  """
  moved = [[i, int(h)] for i, h in enumerate(hf_ids) if i != h]
  descriptor = {"format": FORMAT, "backend": backend,
                "tokenizer_file": tokenizer_file, "size": len(hf_ids),
                "moved": moved, "piece_offset": piece_offset,
                "piece_unk": piece_unk}
  path = os.path.join(vocab_dir, DESCRIPTOR)
  with fs.open(path, "w", encoding="utf-8") as f:
    json.dump(descriptor, f, indent=0)
  return path


def read_descriptor(path: str) -> dict:
  try:
    with fs.open(path, encoding="utf-8") as f:
      descriptor = json.load(f)
    if descriptor["format"] != FORMAT or descriptor["backend"] not in BACKENDS:
      raise ValueError(f"format {descriptor['format']!r}, backend "
                       f"{descriptor['backend']!r}")
    return descriptor
  except (OSError, ValueError, KeyError, TypeError) as error:
    raise UserError(f"{path} is not a vocabulary written by "
                    f"atm_jax.convert.hf ({error!r}); convert the checkpoint "
                    "again.") from error
