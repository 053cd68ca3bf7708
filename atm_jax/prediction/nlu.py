"""Intent and slots of raw utterances from a fine-tuned NLU run.

Everything comes from the run folder: its config.gin (the model and its
shape), labels.json (the heads' labels), the vocabulary its config names and
a checkpoint. The task's data is not read: predicting needs none of it.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence

import gin
import jax
import numpy as np

from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.data import nlu_features
from atm_jax.data.nlu_formats import CHARACTER_LOCALES, NluExample
from atm_jax.models.nlu import JointNluModel
from atm_jax.prediction import runs
from atm_jax.prediction.inputs import Utterance, split_words
from atm_jax.vocab.vocabulary import load_vocabulary

INPUT_FEATURES = ("tokens", "segment_ids", "positions", "word_positions")


@dataclasses.dataclass
class Prediction:
  """One utterance's intent and slots, as `atm_jax.predict` prints them."""

  utterance: Utterance
  intent: str
  intent_score: float
  tags: tuple[str, ...]

  def as_dict(self) -> dict:
    return {"text": self.utterance.text, "intent": self.intent,
            "intent_score": round(self.intent_score, 6),
            "slots": slot_spans(self.utterance, self.tags)}


def slot_spans(utterance: Utterance, tags: Sequence[str]) -> list[dict]:
  """BIO tags as slots: their name, text, first and last word, and the
  [start, end) character offsets of that text in the utterance. An `I-`
  tag that does not continue its slot starts one, as seqeval reads it."""
  spans: list[dict] = []
  for index, tag in enumerate(tags):
    if tag == "O":
      continue
    name = tag[2:]
    if (tag.startswith("I-") and spans and spans[-1]["slot"] == name
        and spans[-1]["last_word"] == index - 1):
      spans[-1]["last_word"] = index
      continue
    spans.append({"slot": name, "first_word": index, "last_word": index})
  for span in spans:
    start = utterance.spans[span["first_word"]][0]
    end = utterance.spans[span["last_word"]][1]
    span.update(text=utterance.text[start:end], start=start, end=end)
  return [{key: span[key] for key in ("slot", "text", "start", "end",
                                      "first_word", "last_word")}
          for span in spans]


class NluPredictor:
  """A fine-tuned run, loaded once, that labels batches of utterances."""

  def __init__(self, run_dir: str, step: int | None = None,
               bindings: Sequence[str] = ()):
    runs.load_config_of(run_dir, bindings, JointNluModel.__name__,
                        "an intent and slot", "finetune_nlu.gin")
    evaluate = gin.get_bindings("evaluate")
    task = gin.get_bindings("register_nlu_task")
    self.labels = nlu_features.load_labels(run_dir)
    self.model = dataclasses.replace(
        evaluate["model"], num_intents=len(self.labels.intents),
        num_slot_tags=len(self.labels.slot_tags))
    self.sequence_length = int(evaluate["sequence_length"])
    self.by_character = task.get("locale") in CHARACTER_LOCALES
    self.task_bindings = task
    self.vocab_path = task["vocab_path"]
    vocabulary = load_vocabulary(self.vocab_path)
    self.pieces_of = functools.lru_cache(maxsize=None)(
        lambda word: tuple(vocabulary.encode(word)))
    self.step, self.params, self.partitioner = runs.restore(
        run_dir, step, self.model, self.sequence_length)
    self._serve = jax.jit(self.model.serve,
                          out_shardings=self.partitioner.replicated())
    self.truncated = 0

  def _inputs(self, utterances: Sequence[Utterance], rows: int
              ) -> tuple[dict, list[int]]:
    """Model inputs of the utterances, padded with empty rows to `rows` and
    to the batch's length bucket, and how many words of each fit in the
    maximum length."""
    arrays = {name: np.zeros((rows, self.sequence_length), np.int32)
              for name in INPUT_FEATURES}
    kept = []
    for row, utterance in enumerate(utterances):
      example = NluExample(words=utterance.words,
                           tags=("O",) * len(utterance.words),
                           intent=self.labels.intents[0])
      encoded = nlu_features.encode_example(example, self.pieces_of,
                                            self.labels, self.sequence_length)
      self.truncated += int(encoded["dropped_words"] > 0)
      kept.append(len(utterance.words) - int(encoded["dropped_words"]))
      for name in INPUT_FEATURES:
        arrays[name][row] = encoded[name]
    width = nlu_features.length_bucket(int(arrays["segment_ids"].sum(1).max()),
                          self.sequence_length)
    return {name: array[:, :width] for name, array in arrays.items()}, kept

  def predict(self, texts: Sequence[str], batch_size: int = 64
              ) -> Iterator[Prediction]:
    """Predictions in input order, `batch_size` utterances a call."""
    for utterances, kept, outputs in self.outputs(texts, batch_size):
      yield from self.decode(utterances, kept, outputs)

  def outputs(self, texts: Sequence[str], batch_size: int = 64
              ) -> Iterator[tuple[list[Utterance], list[int], dict]]:
    """Per batch: the utterances, how many words of each fit, and the
    model's outputs (`JointNluModel.serve`: decisions and logits)."""
    divisor = self.partitioner.batch_divisor
    rows = -(-batch_size // divisor) * divisor
    for start in range(0, len(texts), batch_size):
      utterances = [split_words(text, characters=self.by_character)
                    for text in texts[start:start + batch_size]]
      inputs, kept = self._inputs(utterances, rows)
      with self.partitioner.activate():
        outputs = jax.device_get(self._serve(
            self.params, self.partitioner.global_batch(inputs)))
      yield utterances, kept, outputs

  def decode(self, utterances: Sequence[Utterance], kept: Sequence[int],
              outputs: dict) -> Iterator[Prediction]:
    for row, utterance in enumerate(utterances):
      tags = [self.labels.slot_tags[i]
              for i in outputs["slot_ids"][row][:kept[row]]]
      # Words past the maximum length were not seen: no slot.
      tags += ["O"] * (len(utterance.words) - len(tags))
      intent = int(outputs["intent"][row])
      yield Prediction(utterance, self.labels.intents[intent],
                       float(outputs["intent_probability"][row]),
                       tuple(tags))
