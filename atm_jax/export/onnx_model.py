"""An ONNX graph of a fine-tuned intent and slot run, through jax2onnx.

The graph takes the four int32 inputs [batch, length] (both dynamic) and
returns the logits and the decisions; tokenization stays outside, in the
shipped `predict_onnx.py` (numpy, sentencepiece and onnxruntime only). The
encoder's einsums become MatMuls (`onnx_matmul`), which ONNX Runtime runs
about twice as fast.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil

import jax
import jax.numpy as jnp

from atm_jax import fs
from atm_jax.export import onnx_client, onnx_matmul, parity, serving
from atm_jax.prediction.nlu import INPUT_FEATURES, NluPredictor

MODEL_FILE = "model.onnx"
CLIENT_FILE = "predict_onnx.py"
OUTPUTS = ("intent_logits", "slot_logits", "intent", "intent_probability",
           "slot_ids")


@contextlib.contextmanager
def _quiet(*names: str):
  """Silences the converter's warnings while it runs: one per plugin for a
  library it supports but that is not installed, one per shape value whose
  type onnx_ir does not record."""
  loggers = [logging.getLogger(name) for name in names]
  levels = [log.level for log in loggers]
  for log in loggers:
    log.setLevel(logging.ERROR)
  try:
    yield
  finally:
    for log, level in zip(loggers, levels):
      log.setLevel(level)


def write(predictor: NluPredictor, vocabulary_path: str, folder: str) -> dict:
  """Writes model.onnx, the vocabulary and the client into `folder`; returns
  the serving.json entry that names them."""
  function, params = serving.model_function(predictor)

  def graph(*inputs):
    outputs = function(params, *inputs)
    return tuple(outputs[name] for name in OUTPUTS)

  shape = jax.export.symbolic_shape("batch, length")
  with _quiet("jax2onnx", "onnx_ir"):
    import jax2onnx  # pylint: disable=g-import-not-at-top  (slow to import)
    proto = jax2onnx.to_onnx(
        graph, [jax.ShapeDtypeStruct(shape, jnp.int32)] * len(INPUT_FEATURES),
        model_name="atm_jax_nlu", input_names=list(INPUT_FEATURES),
        output_names=list(OUTPUTS))
  proto, rewritten = onnx_matmul.rewrite(proto)
  with fs.open(os.path.join(folder, MODEL_FILE), "wb") as f:
    f.write(proto.SerializeToString())
  with fs.open(vocabulary_path, "rb") as source, fs.open(
      os.path.join(folder, serving.VOCABULARY_FILE), "wb") as target:
    target.write(source.read())
  shutil.copyfile(onnx_client.__file__, os.path.join(folder, CLIENT_FILE))
  return {"model": MODEL_FILE, "client": CLIENT_FILE,
          "opset": proto.opset_import[0].version,
          "einsums_as_matmul": rewritten,
          "inputs": list(INPUT_FEATURES), "outputs": list(OUTPUTS)}


def labeller(folder: str) -> parity.Labeller:
  """The shipped client's decisions and the graph's logits, for the parity
  check."""
  client = onnx_client.Model(folder)
  intents, tags = client.spec["intents"], client.spec["slot_tags"]

  def label(texts):
    outputs, words, kept = client.run(list(texts))
    labelled = []
    for row, matches in enumerate(words):
      seen = kept[row]
      row_tags = [tags[i] for i in outputs["slot_ids"][row][:seen]]
      labelled.append(parity.Labelled(
          intents[int(outputs["intent"][row])],
          tuple(row_tags + ["O"] * (len(matches) - seen)),
          outputs["intent_logits"][row], outputs["slot_logits"][row, :seen]))
    return labelled
  return label
