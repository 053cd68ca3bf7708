"""What `atm_jax.predict` reads: raw utterances one a line, a MASSIVE .jsonl
file (its `utt` field) or JointBERT's `seq.in`, and how a text splits into
words with their character offsets."""
from __future__ import annotations

import dataclasses
import json
import os
import re
import sys

from atm_jax import fs
from atm_jax.errors import UserError

_WORD = re.compile(r"\S+")


@dataclasses.dataclass(frozen=True)
class Utterance:
  """A text and its words; `spans[i]` is word i's [start, end) in `text`."""

  text: str
  words: tuple[str, ...]
  spans: tuple[tuple[int, int], ...]


def split_words(text: str, *, characters: bool = False) -> Utterance:
  """Words separated by white space, or every non-space character for the
  locales MASSIVE annotates by character (ja-JP, zh-CN, zh-TW)."""
  pattern = re.compile(r"\S") if characters else _WORD
  matches = list(pattern.finditer(text))
  return Utterance(text, tuple(m.group() for m in matches),
                   tuple((m.start(), m.end()) for m in matches))


def _lines(path: str) -> list[str]:
  """The input's lines, decoded: a non-UTF-8 byte is one sentence."""
  if path == "-":
    data = sys.stdin.buffer.read()
  else:
    if not fs.isfile(path):
      raise UserError(f"Input {path} does not exist; give a text file, a "
                      "MASSIVE .jsonl file, JointBERT's seq.in or - for "
                      "standard input.")
    with fs.open(path, "rb") as f:
      data = f.read()
  try:
    text = data.decode("utf-8")
  except UnicodeDecodeError as error:
    line = data[:error.start].count(b"\n") + 1
    raise UserError(
        f"Input {path} is not UTF-8 (byte 0x{data[error.start]:02x} on line "
        f"{line}); convert it, e.g. iconv -f latin1 -t utf-8.") from error
  return text.splitlines()


def _massive_text(line: str, where: str) -> str:
  try:
    row = json.loads(line)
  except json.JSONDecodeError as error:
    raise UserError(f"{where} is not valid JSON ({error.msg}); a .jsonl input "
                    "holds one MASSIVE object a line.") from error
  if not isinstance(row, dict) or not isinstance(row.get("utt"), str):
    raise UserError(f"{where} has no text field 'utt'; a .jsonl input holds "
                    "MASSIVE lines.")
  return row["utt"]


def read_texts(path: str) -> list[str]:
  """Utterances of the input; an empty line is refused (it has nothing to
  classify, and skipping it would shift every later output line)."""
  if path != "-" and fs.isdir(path):
    path = os.path.join(path, "seq.in")  # a JointBERT split folder
  massive = path.endswith(".jsonl")
  texts = []
  for number, line in enumerate(_lines(path), start=1):
    where = f"Line {number} of {'standard input' if path == '-' else path}"
    text = _massive_text(line, where) if massive else line
    if not text.strip():
      raise UserError(f"{where} is empty; give one utterance a line.")
    texts.append(text)
  if not texts:
    raise UserError(f"Input {path} holds no utterance; give one a line.")
  return texts


def read_pairs(path: str) -> list[tuple[str, str]]:
  """Sentence pairs of the input, one `premise<TAB>hypothesis` a line."""
  pairs = []
  for number, line in enumerate(_lines(path), start=1):
    where = f"Line {number} of {'standard input' if path == '-' else path}"
    fields = line.split("\t")
    if len(fields) != 2 or not all(field.strip() for field in fields):
      raise UserError(f"{where} is not a premise and a hypothesis separated "
                      "by one tab; give one pair a line.")
    pairs.append((fields[0], fields[1]))
  if not pairs:
    raise UserError(f"Input {path} holds no sentence pair; give one a line.")
  return pairs
