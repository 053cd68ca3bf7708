"""Readers for NLU data sets (MASSIVE, and SNIPS/ATIS in the JointBERT layout).

Both give the same `NluExample`: words, one BIO slot tag per word, an intent.

Words of a MASSIVE annotation are its whitespace-separated tokens once the
brackets and `slot :` markers are removed, which for the space-separated
locales equals `utt.split()`. A word that is only partly inside a slot (a
bracket glued to other letters, as in `[time : five am]'s`) takes that slot's
tag; a word touching two slots takes the first. For ja-JP, zh-CN and zh-TW,
which MASSIVE does not separate with spaces, every character of a token that is
not pure ASCII is a word of its own (MASSIVE's own convention).
"""
from __future__ import annotations

import dataclasses
import json
import os
import re

from atm_jax import fs
from atm_jax.errors import UserError

OUTSIDE_TAG = "O"
CHARACTER_LOCALES = ("ja-JP", "zh-CN", "zh-TW")
_MASSIVE_FIELDS = ("id", "locale", "partition", "intent", "annot_utt")
_BIO_TAG = re.compile(r"O|[BI]-\S+")


@dataclasses.dataclass(frozen=True)
class NluExample:
  words: tuple[str, ...]
  tags: tuple[str, ...]  # BIO, one per word
  intent: str
  id: str = ""
  locale: str = ""


class AnnotationError(ValueError):
  """A MASSIVE annotation that cannot be parsed; the reader adds file and line."""


def _slot_value(annotation: str, start: int) -> tuple[str, str, int]:
  """Parses the `[label : value]` at `start`: (label, value, index after `]`)."""
  end = annotation.find("]", start)
  nested = annotation.find("[", start + 1)
  if end < 0 or 0 <= nested < end:
    raise AnnotationError(f"the '[' at character {start} is never closed")
  label, separator, value = annotation[start + 1:end].partition(" : ")
  label, value = label.strip(), value.strip()
  if not separator or not label or len(label.split()) > 1:
    raise AnnotationError(f"the slot at character {start} does not start with "
                          "'[slot_name : '")
  if not value:
    raise AnnotationError(f"the slot {label!r} at character {start} is empty")
  return label, value, end + 1


def _characters_and_slots(
    annotation: str) -> tuple[list[str], list[int | None], list[str]]:
  """The plain text, each character's slot index (None outside) and slot labels."""
  characters, slot_of, labels = [], [], []
  position = 0
  while position < len(annotation):
    character = annotation[position]
    if character == "]":
      raise AnnotationError(f"the ']' at character {position} has no '['")
    if character != "[":
      characters.append(character)
      slot_of.append(None)
      position += 1
      continue
    label, value, position = _slot_value(annotation, position)
    characters.extend(value)
    slot_of.extend([len(labels)] * len(value))
    labels.append(label)
  return characters, slot_of, labels


def _words_with_slots(characters: list[str], slot_of: list[int | None],
                      split_characters: bool) -> list[tuple[str, int | None]]:
  """Whitespace-separated words, each with the first slot any of its letters is in."""
  words: list[tuple[str, int | None]] = []
  letters: list[str] = []
  slots: list[int | None] = []

  def end_word() -> None:
    word = "".join(letters)
    if split_characters and not word.isascii():
      words.extend(zip(letters, slots))
    elif word:
      words.append((word, next((s for s in slots if s is not None), None)))
    letters.clear()
    slots.clear()

  for character, slot in zip(characters, slot_of):
    if character.isspace():
      end_word()
    else:
      letters.append(character)
      slots.append(slot)
  end_word()
  return words


def parse_annotation(annotation: str, *, split_characters: bool = False
                     ) -> tuple[tuple[str, ...], tuple[str, ...]]:
  """Words and BIO tags of a MASSIVE `annot_utt` such as `wake me [time : at five]`.

  Raises AnnotationError on an unbalanced bracket, a slot without ` : ` and a
  label, or an empty slot.
  """
  characters, slot_of, labels = _characters_and_slots(annotation)
  words, tags = [], []
  previous_slot = None
  for word, slot in _words_with_slots(characters, slot_of, split_characters):
    words.append(word)
    if slot is None:
      tags.append(OUTSIDE_TAG)
    else:
      tags.append(("I-" if slot == previous_slot else "B-") + labels[slot])
    previous_slot = slot
  if not words:
    raise AnnotationError("it has no words")
  return tuple(words), tuple(tags)


def _massive_files(path: str) -> list[str]:
  if fs.isfile(path):
    return [path]
  if not fs.isdir(path):
    raise UserError(f"MASSIVE data {path} does not exist; give a .jsonl file "
                    "or a folder of them (NLU_DATA_DIR).")
  files = sorted(os.path.join(path, name) for name in fs.listdir(path)
                 if name.endswith(".jsonl"))
  if not files:
    raise UserError(f"The folder {path} holds no .jsonl file; give the folder "
                    "of MASSIVE's <locale>.jsonl files.")
  return files


def _massive_row(line: str, where: str) -> dict:
  try:
    row = json.loads(line)
  except json.JSONDecodeError as error:
    raise UserError(f"{where} is not valid JSON ({error}); MASSIVE files hold "
                    "one JSON object a line.") from error
  missing = [field for field in _MASSIVE_FIELDS
             if not isinstance(row, dict) or field not in row]
  if missing:
    raise UserError(f"{where} lacks the field {missing[0]!r}; every MASSIVE "
                    f"line needs {', '.join(_MASSIVE_FIELDS)}.")
  return row


def _massive_example(row: dict, where: str) -> NluExample:
  annotation = row["annot_utt"]
  try:
    words, tags = parse_annotation(
        annotation, split_characters=row["locale"] in CHARACTER_LOCALES)
  except AnnotationError as error:
    raise UserError(f"{where}: malformed annotation {annotation!r}: {error}; "
                    "mark slots as [slot_name : words].") from error
  return NluExample(words=words, tags=tags, intent=row["intent"],
                    id=str(row["id"]), locale=row["locale"])


def read_massive(path: str) -> dict[str, list[NluExample]]:
  """Examples of a MASSIVE .jsonl file, or of every .jsonl in a folder (sorted),
  grouped by their `partition` (train, dev, test)."""
  partitions: dict[str, list[NluExample]] = {}
  for file in _massive_files(path):
    with fs.open(file, encoding="utf-8") as lines:
      for line_number, line in enumerate(lines, start=1):
        if not line.strip():
          continue
        where = f"{file} line {line_number}"
        row = _massive_row(line, where)
        partitions.setdefault(row["partition"], []).append(
            _massive_example(row, where))
  return partitions


def _read_lines(path: str) -> list[str]:
  if not fs.isfile(path):
    raise UserError(f"{path} does not exist; a JointBERT split folder holds "
                    "seq.in, seq.out and label.")
  with fs.open(path, encoding="utf-8") as f:
    return f.read().splitlines()


def _jointbert_example(words: list[str], tags: list[str], intent: str,
                       split_dir: str, index: int) -> NluExample:
  line = f"line {index + 1}"
  if not words:
    raise UserError(f"{os.path.join(split_dir, 'seq.in')} {line} is empty; "
                    "remove that line from seq.in, seq.out and label.")
  seq_out = os.path.join(split_dir, "seq.out")
  if len(words) != len(tags):
    raise UserError(f"{seq_out} {line} has {len(tags)} tags but seq.in has "
                    f"{len(words)} words there; give one BIO tag per word.")
  bad = next((tag for tag in tags if not _BIO_TAG.fullmatch(tag)), None)
  if bad is not None:
    raise UserError(f"{seq_out} {line} has the tag {bad!r}, which is not BIO; "
                    "use O, B-<slot> or I-<slot>.")
  return NluExample(words=tuple(words), tags=tuple(tags), intent=intent,
                    id=str(index))


def read_jointbert(folder: str, split: str) -> list[NluExample]:
  """Examples of `folder/split/{seq.in,seq.out,label}` (SNIPS and ATIS as
  JointBERT ships them); ids are line indices from 0."""
  split_dir = os.path.join(folder, split)
  if not fs.isdir(split_dir):
    raise UserError(f"The folder {split_dir} does not exist; NLU_DATA_DIR must "
                    "hold train/, dev/ and test/ with seq.in, seq.out, label.")
  names = ("seq.in", "seq.out", "label")
  columns = [_read_lines(os.path.join(split_dir, name)) for name in names]
  counts = [len(column) for column in columns]
  if len(set(counts)) > 1:
    raise UserError(f"{split_dir} has {counts[0]} lines in seq.in, {counts[1]} "
                    f"in seq.out and {counts[2]} in label; they must align "
                    "line by line.")
  return [_jointbert_example(words.split(), tags.split(), intent.strip(),
                             split_dir, index)
          for index, (words, tags, intent) in enumerate(zip(*columns))]
