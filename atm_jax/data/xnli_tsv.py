"""XNLI premise/hypothesis/label files, as laid out in a folder per split.

`{data_dir}/{split}/{split}-{language}.tsv`, one pair a line,
`premise<TAB>hypothesis<TAB>label`, no header. Pure Python, so the checks
(every line, before a run starts) are testable without TensorFlow.
"""
from __future__ import annotations

import dataclasses
import os

from atm_jax import fs
from atm_jax.errors import UserError

LANGUAGES = ("ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th",
             "tr", "ur", "vi", "zh")
# Label ids are positions here (TFDS's xnli ClassLabel has the same order).
LABELS = ("entailment", "neutral", "contradiction")
EVAL_SPLITS = ("dev", "test")


@dataclasses.dataclass(frozen=True)
class XnliPair:
  premise: str
  hypothesis: str
  label: int


def tsv_path(data_dir: str, split: str, language: str) -> str:
  return os.path.join(data_dir, split, f"{split}-{language}.tsv")


def _pair(line: str, where: str) -> XnliPair:
  columns = line.split("\t")
  if len(columns) != 3:
    raise UserError(f"{where} has {len(columns)} tab-separated columns; an XNLI "
                    "line needs 3: premise, hypothesis, label.")
  premise, hypothesis, label = columns
  if label.strip() not in LABELS:
    raise UserError(f"{where} has the label {label.strip()!r}; use one of "
                    f"{', '.join(LABELS)}.")
  return XnliPair(premise.strip(), hypothesis.strip(), LABELS.index(label.strip()))


def read_tsv(path: str) -> list[XnliPair]:
  """Every pair of one file; blank lines are skipped, any other bad line stops."""
  if not fs.isfile(path):
    raise UserError(f"XNLI file {path} does not exist; give the folder holding "
                    "dev/dev-<language>.tsv (and test/, if any) for all 15 "
                    "languages.")
  pairs = []
  with fs.open(path, encoding="utf-8") as lines:
    for number, line in enumerate(lines, start=1):
      line = line.rstrip("\r\n")
      if line.strip():
        pairs.append(_pair(line, f"{path} line {number}"))
  if not pairs:
    raise UserError(f"XNLI file {path} holds no pairs; give premise, hypothesis "
                    "and label on each line, separated by tabs.")
  return pairs


def eval_splits(data_dir: str) -> list[str]:
  """The evaluation splits whose folder exists (dev, test)."""
  if not fs.isdir(data_dir):
    raise UserError(f"XNLI folder {data_dir} does not exist; set it to the "
                    "folder holding dev/ (and test/) with <split>-<language>.tsv.")
  splits = [split for split in EVAL_SPLITS
            if fs.isdir(os.path.join(data_dir, split))]
  if not splits:
    raise UserError(f"XNLI folder {data_dir} has neither dev/ nor test/; lay it "
                    "out as dev/dev-<language>.tsv, test/test-<language>.tsv.")
  return splits
