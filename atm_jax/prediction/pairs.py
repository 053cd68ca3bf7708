"""Entailment, neutral or contradiction for sentence pairs, from a run
fine-tuned on XNLI (gin_configs/runs/finetune_xnli.gin). Pairs are encoded
as the XNLI task encodes them (`tasks.xnli.pair_tokens`)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import gin
import jax
import numpy as np
import tensorflow as tf

from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.data import xnli_tsv
from atm_jax.models.nlu import PairClassifierModel
from atm_jax.prediction import runs
from atm_jax.vocab.vocabulary import load_vocabulary
from tasks import xnli

FEATURES = ("tokens", "token_types", "segment_ids", "positions")


@dataclasses.dataclass
class PairPrediction:
  premise: str
  hypothesis: str
  label: str
  label_score: float

  def as_dict(self) -> dict:
    return {"premise": self.premise, "hypothesis": self.hypothesis,
            "label": self.label, "label_score": round(self.label_score, 6)}


class PairPredictor:
  """An XNLI run, loaded once, that labels batches of sentence pairs."""

  def __init__(self, run_dir: str, step: int | None = None,
               bindings: Sequence[str] = ()):
    runs.load_config_of(run_dir, bindings, PairClassifierModel.__name__,
                        "a sentence-pair (XNLI)", "finetune_xnli.gin")
    evaluate = gin.get_bindings("evaluate")
    self.model = evaluate["model"]
    self.sequence_length = int(evaluate["sequence_length"])
    self.vocabulary = load_vocabulary(
        gin.get_bindings("register_xnli_tasks")["vocab_path"])
    self.step, self.params, self.partitioner = runs.restore(
        run_dir, step, self.model, self.sequence_length)
    self._predict = jax.jit(self.model.predict,
                            out_shardings=self.partitioner.replicated())
    self.truncated = 0

  def _encode(self, premise: str, hypothesis: str) -> dict[str, np.ndarray]:
    pieces = [tf.constant(self.vocabulary.encode(text), tf.int32)
              for text in (premise, hypothesis)]
    tokens, types = (t.numpy() for t in xnli.pair_tokens(
        *pieces, self.sequence_length))
    self.truncated += int(len(tokens) < sum(len(p) for p in pieces) + 3)
    row = {name: np.zeros(self.sequence_length, np.int32) for name in FEATURES}
    row["tokens"][:len(tokens)] = tokens
    row["token_types"][:len(tokens)] = types
    row["segment_ids"][:len(tokens)] = 1
    row["positions"][:len(tokens)] = np.arange(len(tokens))
    return row

  def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 64
              ) -> Iterator[PairPrediction]:
    """Predictions in input order, `batch_size` pairs a call."""
    divisor = self.partitioner.batch_divisor
    rows = -(-batch_size // divisor) * divisor
    for start in range(0, len(pairs), batch_size):
      batch = pairs[start:start + batch_size]
      encoded = [self._encode(*pair) for pair in batch]
      arrays = {name: np.zeros((rows, self.sequence_length), np.int32)
                for name in FEATURES}
      for index, row in enumerate(encoded):
        for name in FEATURES:
          arrays[name][index] = row[name]
      with self.partitioner.activate():
        predicted = jax.device_get(self._predict(
            self.params, self.partitioner.global_batch(arrays)))
      for index, (premise, hypothesis) in enumerate(batch):
        yield PairPrediction(
            premise, hypothesis, xnli_tsv.LABELS[int(predicted["label"][index])],
            float(predicted["label_probability"][index]))
