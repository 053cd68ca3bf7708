"""What every export is made from: the run's model as one function of its
four int32 inputs, float32 throughout, and the serving.json that describes it.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import jax

from atm_jax.models.encoder import unscan_layers
from atm_jax.prediction.nlu import INPUT_FEATURES, NluPredictor
from atm_jax.vocab import special_tokens

VOCABULARY_FILE = "spm.model"
SPEC_FILE = "serving.json"


def model_function(predictor: NluPredictor) -> tuple[Callable, dict]:
  """(fn(params, tokens, segment_ids, positions, word_positions) -> outputs,
  params on the host). The layers are unrolled and the attention is the
  einsum one, so every exporter can trace it; the numbers are the same."""
  model = predictor.model
  config = dataclasses.replace(model.config, attention="einsum",
                               remat_policy="none")
  params = jax.device_get(predictor.params)
  config, encoder = unscan_layers(params["encoder"], config)
  model = dataclasses.replace(model, config=config)
  params = dict(params, encoder=encoder)

  def serve(params, *inputs):
    return model.serve(params, dict(zip(INPUT_FEATURES, inputs)))

  return serve, params


def spec(predictor: NluPredictor, run_dir: str, export_format: str) -> dict:
  """serving.json, less its parity figures (added once they are measured)."""
  return {
      "format": export_format,
      "source_run": run_dir,
      "step": predictor.step,
      "task": "intent_and_slots",
      "intents": list(predictor.labels.intents),
      "slot_tags": list(predictor.labels.slot_tags),
      "vocabulary": VOCABULARY_FILE,
      "max_length": predictor.sequence_length,
      "split_characters": predictor.by_character,
      "special_ids": {"pad": special_tokens.PAD_ID, "eos": special_tokens.EOS_ID,
                      "unk": special_tokens.UNK_ID, "cls": special_tokens.CLS_ID},
      "label_0": "never predicted: it stands for labels training never saw",
  }
