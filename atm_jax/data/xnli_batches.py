"""Fixed-shape numpy batches of XNLI sentence pairs, for fine-tuning and
zero-shot evaluation over the 15 languages.

The tasks themselves (`tasks.xnli`) turn a pair into `<cls>` premise `<sep>`
hypothesis `</s>` with token types; here their examples are padded and
batched (whole batches on every host, `data.stream`) and, for the evaluation
mixture, read whole one language after another.
"""
from __future__ import annotations

import functools

import gin
import seqio
import tensorflow as tf

from atm_jax.data import pipeline_options, registry, rows as batch_rows
from atm_jax.data.stream import BatchStream
from atm_jax.errors import UserError

# Every task and mixture tasks.xnli registers is named xnli_<something>.
XNLI_PREFIX = "xnli_"
# <cls>, <sep>, </s> and one piece of each sentence.
MIN_SEQUENCE_LENGTH = 5
SEQUENCE_FEATURES = ("tokens", "token_types", "segment_ids", "positions")


def check_sequence_length(sequence_length: int) -> None:
  if sequence_length < MIN_SEQUENCE_LENGTH:
    raise UserError(f"sequence_length={sequence_length} is too short for an "
                    "XNLI pair (<cls> premise <sep> hypothesis </s>); set it "
                    f"to {MIN_SEQUENCE_LENGTH} or more.")


def _tasks_with_split(name: str, split: str) -> list[seqio.Task]:
  if not name.startswith(XNLI_PREFIX):
    raise UserError(f"{name!r} is not an XNLI task; register them with "
                    "tasks.xnli.register_xnli_tasks and use xnli_train, "
                    "xnli_eval or xnli_<language>.")
  provider = registry.provider(name)
  tasks = provider.tasks if isinstance(provider, seqio.Mixture) else [provider]
  with_split = [task for task in tasks if split in task.splits]
  if not with_split:
    raise UserError(f"{name!r} has no split {split!r}; use one of "
                    f"{sorted(provider.splits)}.")
  return with_split


def _fixed_length(sequence_length: int):
  """Pads one example's sequences to `sequence_length`; marks it as real."""

  def pad(example: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    size = tf.size(example["tokens"])
    padding = [[0, sequence_length - size]]
    sequences = {
        "tokens": example["tokens"], "token_types": example["token_types"],
        "segment_ids": tf.ones([size], tf.int32),
        "positions": tf.range(size, dtype=tf.int32)}
    return {**{name: tf.ensure_shape(tf.pad(values, padding), [sequence_length])
               for name, values in sequences.items()},
            "label": example["label"], "language": example["language"],
            "example_mask": tf.constant(1, tf.int32)}

  return pad


@gin.configurable(module="atm_jax.data")
def xnli_batches(
    task_or_mixture: str,
    split: str,
    sequence_length: int,
    batch_size: int,
    *,
    shuffle: bool,
    seed: int,
    num_epochs: int | None,
    start_batch: int = 0,
) -> BatchStream:
  """Yields whole batches of a task or of `xnli_eval`.

  int32 [rows, sequence_length]: tokens, token_types, segment_ids (1 on
  tokens), positions; int32 [rows]: label, example_mask; str [rows]: language.
  A mixture's tasks are read whole, one after another (shuffled together
  when `shuffle`), so evaluation sees every pair of every language once.
  `num_epochs=None` repeats forever and drops nothing; a set `num_epochs` ends
  with a batch filled up by empty rows (example_mask 0).
  """
  check_sequence_length(sequence_length)
  tasks = _tasks_with_split(task_or_mixture, split)
  datasets = [task.get_dataset({"tokens": sequence_length}, split=split,
                               shuffle=False, num_epochs=1)
              for task in tasks]
  dataset = functools.reduce(lambda first, second: first.concatenate(second),
                             datasets)
  dataset = dataset.map(lambda example: {
      name: example[name] for name in ("tokens", "token_types", "label",
                                       "language")}).cache()
  if shuffle:
    rows = sum(task.num_input_examples(split) for task in tasks)
    dataset = dataset.shuffle(rows, seed=seed, reshuffle_each_iteration=True)
  dataset = dataset.repeat(num_epochs).map(
      _fixed_length(sequence_length), num_parallel_calls=tf.data.AUTOTUNE)
  dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)
  options = pipeline_options.pipeline_options()
  dataset = dataset.skip(start_batch).prefetch(2).with_options(options)
  return BatchStream(dataset, functools.partial(
      batch_rows.fill_rows, rows=batch_size, text_features=("language",)))
