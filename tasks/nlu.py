"""SeqIO task for intent classification and slot filling (MASSIVE, SNIPS, ATIS).

The data sets are small, so they are read into Python lists at registration,
which also checks every line before a run starts. Examples keep their words,
gold intent and tags as strings beside the model inputs, for prediction files.
"""
from __future__ import annotations

import functools
import os
from typing import Callable, Sequence

import gin
import numpy as np
import seqio
import tensorflow as tf

from atm_jax.data import nlu_features
from atm_jax.data import registry
from atm_jax.data.nlu_features import LabelVocab
from atm_jax.data.nlu_formats import NluExample, read_jointbert, read_massive
from atm_jax.errors import UserError
from atm_jax.vocab.vocabulary import load_vocabulary

FORMATS = ("massive", "jointbert")
# Task split -> the data set's own name for it.
_SOURCE_SPLITS = {"train": "train", "validation": "dev", "test": "test"}
_STRING = tf.TensorSpec([], tf.string)
_STRINGS = tf.TensorSpec([None], tf.string)
_SOURCE_SIGNATURE = {"id": _STRING, "locale": _STRING, "text": _STRING,
                     "words": _STRINGS, "gold_tags": _STRINGS,
                     "gold_intent": _STRING}


def _only_locale(partitions: dict[str, list[NluExample]],
                 locale: str) -> dict[str, list[NluExample]]:
  kept = {name: [example for example in examples if example.locale == locale]
          for name, examples in partitions.items()}
  if not any(kept.values()):
    found = sorted({example.locale for examples in partitions.values()
                    for example in examples})
    raise UserError(f"The MASSIVE data hold no locale {locale!r}; use one of "
                    f"{found} or set locale to None for all.")
  return kept


def _massive_path(data_dir: str, locale: str | None) -> str:
  """With a locale, only MASSIVE's own `<locale>.jsonl` of a folder is read."""
  if locale is not None:
    locale_file = os.path.join(data_dir, f"{locale}.jsonl")
    if os.path.isfile(locale_file):
      return locale_file
  return data_dir


def read_splits(data_dir: str, data_format: str,
                locale: str | None = None) -> dict[str, list[NluExample]]:
  """The train, validation and test examples of an NLU data set."""
  if data_format == "massive":
    partitions = read_massive(_massive_path(data_dir, locale))
    if locale is not None:
      partitions = _only_locale(partitions, locale)
    splits = {split: partitions.get(source, [])
              for split, source in _SOURCE_SPLITS.items()}
  elif data_format == "jointbert":
    if locale is not None:
      raise UserError(f"locale={locale!r} applies to MASSIVE only; leave it "
                      "unset for jointbert data.")
    splits = {split: read_jointbert(data_dir, source)
              for split, source in _SOURCE_SPLITS.items()}
  else:
    raise UserError(f"Unknown NLU data format {data_format!r}; set NLU_FORMAT "
                    f"to one of {', '.join(FORMATS)}.")
  empty = [_SOURCE_SPLITS[split] for split, examples in splits.items()
           if not examples]
  if empty:
    raise UserError(f"{data_dir} has no {empty[0]!r} examples; an NLU data "
                    "set needs train, dev and test.")
  return splits


def _labels(train: list[NluExample], label_dir: str | None) -> LabelVocab:
  """Saved labels win, so a resumed or evaluated run keeps its ids."""
  if label_dir is None:
    return nlu_features.build_labels(train)
  if os.path.exists(os.path.join(label_dir, nlu_features.LABELS_FILE)):
    return nlu_features.load_labels(label_dir)
  labels = nlu_features.build_labels(train)
  nlu_features.save_labels(labels, label_dir)
  return labels


def _source(splits: dict[str, list[NluExample]]) -> seqio.FunctionDataSource:
  """Examples in file order; the pipeline does the shuffling."""

  def dataset_fn(split: str, shuffle_files: bool,
                 seed: int | None = None) -> tf.data.Dataset:
    del shuffle_files, seed
    examples = splits[split]

    def generate():
      for example in examples:
        yield {"id": example.id, "locale": example.locale,
               "text": " ".join(example.words), "words": example.words,
               "gold_tags": example.tags, "gold_intent": example.intent}

    return tf.data.Dataset.from_generator(
        generate, output_signature=_SOURCE_SIGNATURE)

  return seqio.FunctionDataSource(
      dataset_fn, splits=tuple(splits),
      num_input_examples={split: len(examples) for split, examples in splits.items()})


def _encode_preprocessor(pieces_of: Callable[[str], Sequence[int]],
                         labels: LabelVocab):
  """A SeqIO preprocessor adding nlu_features' model inputs to each example."""
  names = nlu_features.SEQUENCE_FEATURES + nlu_features.SCALAR_FEATURES

  def encode_numpy(words: np.ndarray, tags: np.ndarray, intent: bytes,
                   length: int) -> list[np.ndarray]:
    example = NluExample(words=tuple(w.decode() for w in words),
                         tags=tuple(t.decode() for t in tags),
                         intent=intent.decode())
    arrays = nlu_features.encode_example(example, pieces_of, labels, int(length))
    return [arrays[name] for name in names]

  def encode(dataset: tf.data.Dataset,
             sequence_length: dict[str, int] | None) -> tf.data.Dataset:
    if not sequence_length or "tokens" not in sequence_length:
      raise UserError("The NLU task needs sequence_length={'tokens': N}; use "
                      "atm_jax.data.nlu_batches or pass it to get_dataset.")
    length = sequence_length["tokens"]
    nlu_features.check_sequence_length(length)

    def add_inputs(example: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
      values = tf.numpy_function(
          encode_numpy, [example["words"], example["gold_tags"],
                         example["gold_intent"], length],
          [tf.int32] * len(names), stateful=False)
      shapes = {name: [length] for name in nlu_features.SEQUENCE_FEATURES}
      return {**example, **{name: tf.ensure_shape(value, shapes.get(name, []))
                            for name, value in zip(names, values)}}

    return dataset.map(add_inputs, num_parallel_calls=tf.data.AUTOTUNE)

  return encode


@gin.configurable
def register_nlu_task(
    data_dir: str = gin.REQUIRED,
    data_format: str = gin.REQUIRED,
    vocab_path: str = gin.REQUIRED,
    label_dir: str | None = None,
    name: str = "nlu",
    locale: str | None = None,
) -> registry.RegisteredTask:
  """Registers (or re-registers) the task `name`; returns it with its
  vocabulary and label vocabularies (which size the model's heads).

  `label_dir` (the run's MODEL_DIR) keeps labels.json: built from the train
  split on the first run, read back by every later one.
  """
  splits = read_splits(data_dir, data_format, locale)
  labels = _labels(splits["train"], label_dir)
  vocabulary = load_vocabulary(vocab_path)
  pieces_of = functools.lru_cache(maxsize=None)(
      lambda word: tuple(vocabulary.encode(word)))
  registry.reregister(
      seqio.TaskRegistry, name,
      source=_source(splits),
      preprocessors=[_encode_preprocessor(pieces_of, labels)],
      output_features={"tokens": seqio.Feature(
          vocabulary, add_eos=False, dtype=tf.int32)},
      shuffle_buffer_size=max(len(examples) for examples in splits.values()),
  )
  return registry.RegisteredTask(name, vocabulary, labels, data_dir=data_dir,
                                 data_format=data_format)
