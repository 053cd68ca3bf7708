"""How closely an export reproduces `atm_jax.predict`: the share of
utterances whose intent and every slot tag are the same, and the largest
float32 logit differences over the words both saw."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from atm_jax.prediction.nlu import NluPredictor


class Labelled(NamedTuple):
  """One utterance as a model saw it: its decisions and their logits."""

  intent: str
  tags: tuple[str, ...]
  intent_logits: np.ndarray
  slot_logits: np.ndarray  # [words seen, tags]


# texts -> one Labelled per text, in order.
Labeller = Callable[[Sequence[str]], list[Labelled]]


def jax_labeller(predictor: NluPredictor, batch_size: int = 64) -> Labeller:
  """atm_jax.predict's own decisions and logits: the reference."""
  def label(texts: Sequence[str]) -> list[Labelled]:
    labelled = []
    for utterances, kept, outputs in predictor.outputs(texts, batch_size):
      for row, prediction in enumerate(
          predictor.decode(utterances, kept, outputs)):
        labelled.append(Labelled(
            prediction.intent, prediction.tags, outputs["intent_logits"][row],
            outputs["slot_logits"][row, :kept[row]]))
    return labelled
  return label


def compare(reference: Labeller, export: Labeller, texts: Sequence[str],
            batch_size: int = 64, description: str = "") -> dict:
  """serving.json's parity figures of `export` against `reference`."""
  same, intent_gap, slot_gap = 0, 0.0, 0.0
  for start in range(0, len(texts), batch_size):
    batch = texts[start:start + batch_size]
    for want, got in zip(reference(batch), export(batch)):
      same += int(want.intent == got.intent and want.tags == got.tags)
      intent_gap = max(intent_gap, _gap(want.intent_logits, got.intent_logits))
      slot_gap = max(slot_gap, _gap(want.slot_logits, got.slot_logits))
  return {"input": description, "utterances": len(texts), "equal": same,
          "equal_fraction": round(same / max(len(texts), 1), 6),
          "max_intent_logit_difference": float(intent_gap),
          "max_slot_logit_difference": float(slot_gap)}


def _gap(a: np.ndarray, b: np.ndarray) -> float:
  if a.shape != b.shape:
    return float("inf")
  return float(np.abs(np.asarray(a, np.float32) - b).max()) if a.size else 0.0
