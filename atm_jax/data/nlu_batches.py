"""Fixed-shape numpy batches of NLU examples (intent + slots) for fine-tuning.

The NLU data sets are small, so a split is encoded once, held in memory and
reshuffled every epoch. Every host reads the whole split and yields whole
batches (`data.stream`), so order depends only on the seed: a resumed run
restores the stream's saved state (or skips `start_batch` batches) and goes on
exactly where it was, on any number of hosts.
"""
from __future__ import annotations

import functools

import seqio
import tensorflow as tf

from atm_jax.data import pipeline_options, registry, rows as batch_rows
from atm_jax.data.stream import BatchStream
from atm_jax.data.nlu_features import SCALAR_FEATURES, SEQUENCE_FEATURES
from atm_jax.errors import UserError

# Per-row strings for prediction files; the gold tags joined by spaces, like
# `text` joins the words.
TEXT_FEATURES = ("id", "locale", "text", "gold_intent", "gold_tags")


def nlu_task(task_name: str, split: str) -> seqio.Task:
  """A registered NLU task that has `split`, else one sentence saying so."""
  task = registry.provider(task_name)
  if not isinstance(task, seqio.Task) or "tokens" not in task.output_features:
    raise UserError(f"{task_name!r} is not an NLU task; register one with "
                    "tasks.nlu.register_nlu_task.")
  if split not in task.splits:
    raise UserError(f"{task_name!r} has no split {split!r}; use one of "
                    f"{list(task.splits)}.")
  return task


def _batch_features(example: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
  kept = {name: example[name]
          for name in SEQUENCE_FEATURES + SCALAR_FEATURES + TEXT_FEATURES
          if name != "gold_tags"}
  kept["gold_tags"] = tf.strings.reduce_join(example["gold_tags"], separator=" ")
  kept["example_mask"] = tf.constant(1, tf.int32)
  return kept


def nlu_batches(
    task_name: str,
    split: str,
    sequence_length: int,
    batch_size: int,
    *,
    shuffle: bool,
    seed: int,
    num_epochs: int | None,
    start_batch: int = 0,
) -> BatchStream:
  """Yields whole batches.

  int32 [rows, sequence_length]: tokens, segment_ids, positions,
  word_positions, word_mask, slot_ids; int32 [rows]: intent, dropped_words,
  example_mask; str [rows]: id, locale, text, gold_intent, gold_tags.
  `num_epochs=None` repeats forever and drops nothing; a set `num_epochs` ends
  with a batch filled up by empty rows (example_mask 0), so shapes never change.
  """
  task = nlu_task(task_name, split)
  dataset = task.get_dataset(
      {"tokens": sequence_length}, split=split, shuffle=False, num_epochs=1)
  try:
    dataset = dataset.map(_batch_features).cache()
  except KeyError as error:
    raise UserError(f"{task_name!r} is not an NLU task (its examples have no "
                    f"{error}); register one with "
                    "tasks.nlu.register_nlu_task.") from error
  if shuffle:
    dataset = dataset.shuffle(task.num_input_examples(split), seed=seed,
                              reshuffle_each_iteration=True)
  dataset = dataset.repeat(num_epochs).batch(
      batch_size, drop_remainder=num_epochs is None)
  options = pipeline_options.pipeline_options()
  dataset = dataset.skip(start_batch).prefetch(2).with_options(options)
  return BatchStream(dataset, functools.partial(
      batch_rows.fill_rows, rows=batch_size, text_features=TEXT_FEATURES))
