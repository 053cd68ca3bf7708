"""How well a vocabulary fits each language, measured on held-out lines.

The paper chose its vocabulary size by the split ratio (pieces per word: more
pieces per word means longer sequences and weaker pieces for that language)
and the unknown-piece rate. With byte fallback nothing is `<unk>`; a character
the vocabulary lacks becomes one byte piece per UTF-8 byte instead, so the
byte-fallback rate is the telling number. Words are whitespace-separated, so
for scripts written without spaces (Japanese, Chinese, Thai) the split ratio is
per chunk between spaces and only comparable between vocabularies.
"""
import dataclasses
import json
import os
from typing import Mapping, Sequence

import sentencepiece as spm

from atm_jax import fs
from atm_jax.errors import UserError
from atm_jax.vocab.vocabulary import load_processor

# The row that sums every language.
ALL_LANGUAGES = "all"


@dataclasses.dataclass(frozen=True)
class LanguageFit:
  """Counts over one language's held-out lines, and the rates they give."""

  lines: int
  words: int
  pieces: int
  unknown_pieces: int
  byte_pieces: int

  @property
  def pieces_per_word(self) -> float:
    return self.pieces / self.words if self.words else 0.0

  @property
  def unknown_rate(self) -> float:
    return self.unknown_pieces / self.pieces if self.pieces else 0.0

  @property
  def byte_fallback_rate(self) -> float:
    return self.byte_pieces / self.pieces if self.pieces else 0.0

  def __add__(self, other: "LanguageFit") -> "LanguageFit":
    return LanguageFit(*(getattr(self, field.name) + getattr(other, field.name)
                         for field in dataclasses.fields(self)))

  def as_dict(self) -> dict[str, float]:
    return {**dataclasses.asdict(self),
            "pieces_per_word": round(self.pieces_per_word, 4),
            "unknown_rate": round(self.unknown_rate, 6),
            "byte_fallback_rate": round(self.byte_fallback_rate, 6)}


def _fit(processor: spm.SentencePieceProcessor, lines: Sequence[str]) -> LanguageFit:
  ids = [piece for encoded in processor.EncodeAsIds(list(lines)) for piece in encoded]
  return LanguageFit(
      lines=len(lines), words=sum(len(line.split()) for line in lines),
      pieces=len(ids), unknown_pieces=sum(map(processor.IsUnknown, ids)),
      byte_pieces=sum(map(processor.IsByte, ids)))


def measure(model_path: str,
            lines_by_language: Mapping[str, Sequence[str]]) -> dict[str, LanguageFit]:
  """Fit of the vocabulary per language, plus the `all` row summing them."""
  processor = load_processor(model_path)
  fits = {language: _fit(processor, lines)
          for language, lines in lines_by_language.items()}
  fits[ALL_LANGUAGES] = sum(fits.values(), LanguageFit(0, 0, 0, 0, 0))
  return fits


def format_table(fits: Mapping[str, LanguageFit]) -> str:
  """A fixed-width table for the terminal, one row per language."""
  header = (f"{'language':<10}{'lines':>8}{'words':>9}{'pieces':>9}"
            f"{'pieces/word':>13}{'unk rate':>10}{'byte rate':>11}")
  rows = [f"{language:<10}{fit.lines:>8}{fit.words:>9}{fit.pieces:>9}"
          f"{fit.pieces_per_word:>13.3f}{fit.unknown_rate:>10.4f}"
          f"{fit.byte_fallback_rate:>11.4f}" for language, fit in fits.items()]
  return "\n".join([header, *rows])


def write_json(fits: Mapping[str, LanguageFit], model_path: str, path: str) -> None:
  """Writes the report atomically, so a reader never sees half of it."""
  vocab_size = load_processor(model_path).GetPieceSize()
  report = {"vocabulary": fs.absolute(model_path), "vocab_size": vocab_size,
            "languages": {language: fit.as_dict() for language, fit in fits.items()}}
  temporary = f"{path}.tmp-{os.getpid()}"
  try:
    fs.makedirs(os.path.dirname(fs.absolute(path)))
    with fs.open(temporary, "w", encoding="utf-8") as f:
      json.dump(report, f, indent=2)
    fs.replace(temporary, path)
  except OSError as error:
    raise UserError(f"Cannot write the vocabulary report to {path} "
                    f"({error.strerror}); give a writable --report path.") from error
  finally:
    if fs.exists(temporary):
      fs.remove(temporary)
