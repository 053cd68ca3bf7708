"""Label ids and fixed-length model inputs for intent and slot fine-tuning.

Pure Python and numpy, so the encoding is testable without TensorFlow; the
SeqIO task (tasks/nlu.py) calls it. Slot labels belong to words, and a word's
label sits on its first sub-word piece: `word_positions[i]` is the token index
of word i's first piece.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
from typing import Callable, Iterable, Sequence

import numpy as np

from atm_jax import fs
from atm_jax.data.nlu_formats import OUTSIDE_TAG, NluExample
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens

# Id 0 of both label lists: a label the training data never had. The model is
# trained never to predict it, so such a gold label counts as an error.
UNSEEN = "<unseen>"
LABELS_FILE = "labels.json"
# [sequence_length] int32 arrays, then the int32 scalars.
SEQUENCE_FEATURES = ("tokens", "segment_ids", "positions", "word_positions",
                     "word_mask", "slot_ids")
SCALAR_FEATURES = ("intent", "dropped_words")


@dataclasses.dataclass(frozen=True)
class LabelVocab:
  """Intent and BIO slot-tag names in id order; both start with UNSEEN."""
  intents: tuple[str, ...]
  slot_tags: tuple[str, ...]

  def __post_init__(self):
    for kind, names in (("intents", self.intents), ("slot_tags", self.slot_tags)):
      if not names or names[0] != UNSEEN:
        raise ValueError(f"{kind} must start with {UNSEEN!r}, got {names[:1]}")
      if len(set(names)) != len(names):
        raise ValueError(f"{kind} has repeated names")

  @functools.cached_property
  def _intent_ids(self) -> dict[str, int]:
    return {name: index for index, name in enumerate(self.intents)}

  @functools.cached_property
  def _tag_ids(self) -> dict[str, int]:
    return {name: index for index, name in enumerate(self.slot_tags)}

  def intent_id(self, intent: str) -> int:
    return self._intent_ids.get(intent, 0)

  def tag_id(self, tag: str) -> int:
    return self._tag_ids.get(tag, 0)


def build_labels(examples: Iterable[NluExample]) -> LabelVocab:
  """Labels of the training examples: sorted, with `O` as tag 1."""
  intents, tags = set(), set()
  for example in examples:
    intents.add(example.intent)
    tags.update(example.tags)
  tags.discard(OUTSIDE_TAG)
  return LabelVocab(intents=(UNSEEN, *sorted(intents)),
                    slot_tags=(UNSEEN, OUTSIDE_TAG, *sorted(tags)))


def save_labels(labels: LabelVocab, directory: str) -> str:
  """Writes `directory/labels.json` (atomically) and returns its path."""
  fs.makedirs(directory)
  path = os.path.join(directory, LABELS_FILE)
  partial = path + ".partial"
  with fs.open(partial, "w", encoding="utf-8") as f:
    json.dump({"intents": list(labels.intents),
               "slot_tags": list(labels.slot_tags)}, f, ensure_ascii=False,
              indent=1)
  fs.replace(partial, path)
  return path


def load_labels(directory: str) -> LabelVocab:
  """Reads the labels a run saved, so evaluation and resumption keep its ids."""
  path = os.path.join(directory, LABELS_FILE)
  if not fs.isfile(path):
    raise UserError(f"{path} does not exist; give the directory of a "
                    "fine-tuning run, which saves its labels there.")
  try:
    with fs.open(path, encoding="utf-8") as f:
      saved = json.load(f)
    return LabelVocab(intents=tuple(saved["intents"]),
                      slot_tags=tuple(saved["slot_tags"]))
  except (ValueError, KeyError, TypeError) as error:
    raise UserError(f"{path} is not a labels file written by atm_jax "
                    f"({error!r}); delete it to rebuild the labels from the "
                    "training data.") from error


def _kept_pieces(word_pieces: Sequence[Sequence[int]],
                 budget: int) -> list[Sequence[int]]:
  """The longest prefix of words whose pieces all fit in `budget` tokens."""
  kept, used = [], 0
  for pieces in word_pieces:
    if used + len(pieces) > budget:
      break
    kept.append(pieces)
    used += len(pieces)
  return kept


def length_bucket(longest: int, maximum: int, smallest: int = 16) -> int:
  """The padded length of a batch whose longest row has `longest` tokens:
  the next power of two from `smallest`, at most `maximum`. Short
  utterances then cost a short model call, and the model compiles once per
  bucket (a handful), not once per length."""
  width = smallest
  while width < longest:
    width *= 2
  return min(width, maximum)


def check_sequence_length(sequence_length: int) -> None:
  if sequence_length < 3:
    raise UserError(f"sequence_length={sequence_length} leaves no room for a "
                    "word between <cls> and </s>; set it to 3 or more.")


def encode_example(example: NluExample,
                   pieces_of: Callable[[str], Sequence[int]],
                   labels: LabelVocab,
                   sequence_length: int) -> dict[str, np.ndarray]:
  """Model inputs of one example: `<cls>` word pieces `</s>`, zero-padded.

  Each word is encoded on its own (`pieces_of`), so its first piece is known; a
  word with no pieces becomes `<unk>`. Whole words that do not fit are dropped
  from the end and counted in `dropped_words`.
  """
  check_sequence_length(sequence_length)
  word_pieces = [list(pieces_of(word)) or [special_tokens.UNK_ID]
                 for word in example.words]
  kept = _kept_pieces(word_pieces, sequence_length - 2)
  arrays = {name: np.zeros(sequence_length, np.int32)
            for name in SEQUENCE_FEATURES}
  tokens = [special_tokens.CLS_ID]
  for index, pieces in enumerate(kept):
    arrays["word_positions"][index] = len(tokens)
    arrays["word_mask"][index] = 1
    arrays["slot_ids"][index] = labels.tag_id(example.tags[index])
    tokens.extend(pieces)
  tokens.append(special_tokens.EOS_ID)
  arrays["tokens"][:len(tokens)] = tokens
  arrays["segment_ids"][:len(tokens)] = 1
  arrays["positions"][:len(tokens)] = np.arange(len(tokens))
  arrays["intent"] = np.int32(labels.intent_id(example.intent))
  arrays["dropped_words"] = np.int32(len(example.words) - len(kept))
  return arrays
