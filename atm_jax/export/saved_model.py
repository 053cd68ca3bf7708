"""A TensorFlow SavedModel of a fine-tuned intent and slot run: strings in,
intents and per-word slot tags out, the tokenizer inside the graph.

The model goes through jax2tf (its computation is kept as one serialized
StableHLO module, run by TensorFlow's XlaCallModule op) with the weights as
tf.Variables, so the graph stays small whatever the model's size. Loading it
needs TensorFlow and tensorflow-text only.
"""
from __future__ import annotations

import os

import tensorflow as tf
from jax.experimental import jax2tf

from atm_jax import fs
from atm_jax.export import parity, serving, tf_tokenizer
from atm_jax.prediction.nlu import NluPredictor

SIGNATURE = "serving_default"
OUTPUTS = ("intent", "intent_probability", "intent_logits", "words",
           "slot_tags", "slot_logits", "words_cut")


class NluServing(tf.Module):
  """The exported module: `serve(texts)` is its one signature."""

  def __init__(self, predictor: NluPredictor, sentencepiece_model: bytes):
    super().__init__()
    function, params = serving.model_function(predictor)
    self.params = tf.nest.map_structure(tf.Variable, params)
    self.model = tf.function(jax2tf.convert(
        function, polymorphic_shapes=[None] + ["(b, t)"] * 4,
        with_gradient=False), autograph=False, jit_compile=False)
    self.encoder = tf_tokenizer.Encoder(sentencepiece_model,
                                        predictor.sequence_length,
                                        predictor.by_character)
    self.intents = tf.constant(predictor.labels.intents)
    self.slot_tags = tf.constant(predictor.labels.slot_tags)

  @tf.function(input_signature=[tf.TensorSpec([None], tf.string, "texts")])
  def serve(self, texts):
    inputs, words, kept = self.encoder(texts)
    outputs = self.model(self.params, inputs["tokens"], inputs["segment_ids"],
                         inputs["positions"], inputs["word_positions"])
    dense_words = words.to_tensor("")
    width = tf.shape(dense_words)[1]
    column = tf.range(width)[None, :]
    seen = column < kept[:, None]
    slot_ids = _columns(outputs["slot_ids"], width)
    tags = tf.where(seen, tf.gather(self.slot_tags, slot_ids),
                    tf.where(dense_words != "", "O", ""))
    slot_logits = _columns(outputs["slot_logits"], width)
    return {
        "intent": tf.gather(self.intents, outputs["intent"]),
        "intent_probability": outputs["intent_probability"],
        "intent_logits": outputs["intent_logits"],
        "words": dense_words,
        "slot_tags": tags,
        "slot_logits": slot_logits * tf.cast(seen, tf.float32)[..., None],
        "words_cut": tf.cast(words.row_lengths(), tf.int32) - kept,
    }


def _columns(values: tf.Tensor, width: tf.Tensor) -> tf.Tensor:
  """The first `width` entries of axis 1, zero-padded when there are fewer."""
  missing = tf.maximum(width - tf.shape(values)[1], 0)
  padding = [[0, 0], [0, missing]] + [[0, 0]] * (len(values.shape) - 2)
  return tf.pad(values, padding)[:, :width]


def write(predictor: NluPredictor, vocabulary_path: str, folder: str) -> None:
  """Saves the SavedModel into `folder`, the vocabulary file beside it."""
  with fs.open(vocabulary_path, "rb") as f:
    model_proto = f.read()
  module = NluServing(predictor, model_proto)
  tf.saved_model.save(module, folder,
                      signatures={SIGNATURE: module.serve.get_concrete_function()})
  with fs.open(os.path.join(folder, serving.VOCABULARY_FILE), "wb") as f:
    f.write(model_proto)


def labeller(folder: str) -> parity.Labeller:
  """The saved signature's decisions and logits, for the parity check."""
  serve = tf.saved_model.load(folder).signatures[SIGNATURE]

  def label(texts):
    out = {name: value.numpy()
           for name, value in serve(texts=tf.constant(list(texts))).items()}
    labelled = []
    for row in range(len(texts)):
      words = int((out["words"][row] != b"").sum())
      seen = words - int(out["words_cut"][row])
      labelled.append(parity.Labelled(
          out["intent"][row].decode(),
          tuple(tag.decode() for tag in out["slot_tags"][row][:words]),
          out["intent_logits"][row], out["slot_logits"][row, :seen]))
    return labelled
  return label
