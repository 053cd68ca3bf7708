"""SeqIO tasks for XNLI: one per language, a training task and an evaluation
mixture over the 15 languages (batched by atm_jax.data.xnli_batches).

Pairs come from a folder of TSVs (read whole at registration, which checks
every line before a run starts) or from a prepared TFDS `xnli` (read lazily).
The model input is `<cls>` premise `<sep>` hypothesis `</s>`, token type 0 up
to `<sep>` and 1 after it; a pair too long for `sequence_length` loses pieces
from the end of its longer side first.
"""
from __future__ import annotations

import dataclasses
import os

import gin
import numpy as np
import seqio
import tensorflow as tf

from atm_jax.data import registry, xnli_tsv
from atm_jax.data.xnli_batches import check_sequence_length
from atm_jax.data.xnli_tsv import LABELS, LANGUAGES, XnliPair
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab.vocabulary import load_vocabulary

TRAIN_TASK = "xnli_train"
EVAL_MIXTURE = "xnli_eval"
_TFDS_SPLITS = {"dev": "validation", "test": "test"}


def task_name(language: str) -> str:
  return f"xnli_{language}"


def pair_tokens(premise: tf.Tensor, hypothesis: tf.Tensor,
                sequence_length: int) -> tuple[tf.Tensor, tf.Tensor]:
  """(tokens, token_types) of one pair of piece-id vectors, at most
  `sequence_length` long. Trimming the longer side first keeps as much of
  both sentences as fits (BERT's `_truncate_seq_pair`, ties cut the hypothesis).
  """
  budget = sequence_length - 3
  premise_size, hypothesis_size = tf.size(premise), tf.size(hypothesis)
  keep_premise = tf.minimum(
      premise_size, tf.maximum(budget - hypothesis_size, (budget + 1) // 2))
  keep_hypothesis = tf.minimum(hypothesis_size, budget - keep_premise)
  tokens = tf.concat([[special_tokens.CLS_ID], premise[:keep_premise],
                      [special_tokens.SEP_ID], hypothesis[:keep_hypothesis],
                      [special_tokens.EOS_ID]], axis=0)
  token_types = tf.concat([tf.zeros([keep_premise + 2], tf.int32),
                           tf.ones([keep_hypothesis + 1], tf.int32)], axis=0)
  return tokens, token_types


def _pair_preprocessor(vocabulary: seqio.Vocabulary):
  """A SeqIO preprocessor: text pair -> tokens and token_types."""

  def make_pairs(dataset: tf.data.Dataset,
                 sequence_length: dict[str, int] | None) -> tf.data.Dataset:
    if not sequence_length or "tokens" not in sequence_length:
      raise UserError("XNLI tasks need sequence_length={'tokens': N}; use "
                      "atm_jax.data.xnli_batches or pass it to get_dataset.")
    length = sequence_length["tokens"]
    check_sequence_length(length)

    def add_pair(example: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
      tokens, token_types = pair_tokens(vocabulary.encode_tf(example["premise"]),
                                        vocabulary.encode_tf(example["hypothesis"]),
                                        length)
      return {**example, "tokens": tokens, "token_types": token_types}

    return dataset.map(add_pair, num_parallel_calls=tf.data.AUTOTUNE)

  return make_pairs


def _tsv_source(pairs: dict[str, list[XnliPair]],
                language: str) -> seqio.FunctionDataSource:
  """Pairs held in memory, in file order; batching does the shuffling."""

  def dataset_fn(split: str, shuffle_files: bool,
                 seed: int | None = None) -> tf.data.Dataset:
    del shuffle_files, seed
    rows = pairs[split]
    return tf.data.Dataset.from_tensor_slices({
        "premise": [pair.premise for pair in rows],
        "hypothesis": [pair.hypothesis for pair in rows],
        "label": np.array([pair.label for pair in rows], np.int32),
        "language": [language] * len(rows)})

  return seqio.FunctionDataSource(
      dataset_fn, splits=tuple(pairs),
      num_input_examples={split: len(rows) for split, rows in pairs.items()})


def _tsv_sources(data_dir: str, train_language: str,
                 train_split: str) -> dict[str, seqio.FunctionDataSource]:
  splits = xnli_tsv.eval_splits(data_dir)
  sources = {
      task_name(language): _tsv_source(
          {split: xnli_tsv.read_tsv(xnli_tsv.tsv_path(data_dir, split, language))
           for split in splits}, language)
      for language in LANGUAGES}
  train_path = xnli_tsv.tsv_path(data_dir, train_split, train_language)
  if not os.path.isfile(train_path):
    raise UserError(f"The XNLI training file {train_path} does not exist; set "
                    f"train_split to one of {splits} (or add the file).")
  sources[TRAIN_TASK] = _tsv_source(
      {"train": xnli_tsv.read_tsv(train_path)}, train_language)
  return sources


def _prepared_tfds_xnli(tfds_data_dir: str):
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  builder = tfds.builder("xnli", data_dir=tfds_data_dir)
  if not builder.is_prepared():
    raise UserError(f"The TFDS data dir {tfds_data_dir} holds no prepared "
                    "xnli; prepare it there (tfds build xnli --data_dir=...) "
                    "or give data_dir, a folder of XNLI TSVs.")
  return builder


def _tfds_source(builder, language: str,
                 splits: dict[str, str]) -> seqio.FunctionDataSource:
  """`splits`: task split -> TFDS split. Keeps `language`'s side of each pair."""

  def one_language(example: dict) -> dict[str, tf.Tensor]:
    hypotheses = example["hypothesis"]
    return {"premise": example["premise"][language],
            "hypothesis": tf.boolean_mask(
                hypotheses["translation"],
                tf.equal(hypotheses["language"], language))[0],
            "label": tf.cast(example["label"], tf.int32),
            "language": tf.constant(language)}

  def dataset_fn(split: str, shuffle_files: bool,
                 seed: int | None = None) -> tf.data.Dataset:
    del shuffle_files, seed
    return builder.as_dataset(split=splits[split], shuffle_files=False).map(
        one_language, num_parallel_calls=tf.data.AUTOTUNE)

  return seqio.FunctionDataSource(
      dataset_fn, splits=tuple(splits),
      num_input_examples={split: builder.info.splits[source].num_examples
                          for split, source in splits.items()})


def _tfds_sources(tfds_data_dir: str, train_language: str,
                  train_split: str) -> dict[str, seqio.FunctionDataSource]:
  builder = _prepared_tfds_xnli(tfds_data_dir)
  if train_split not in _TFDS_SPLITS:
    raise UserError(f"TFDS xnli has no {train_split!r} split; set train_split "
                    f"to one of {list(_TFDS_SPLITS)}.")
  sources = {task_name(language): _tfds_source(builder, language, _TFDS_SPLITS)
             for language in LANGUAGES}
  sources[TRAIN_TASK] = _tfds_source(
      builder, train_language, {"train": _TFDS_SPLITS[train_split]})
  return sources


def _add_task(name: str, source: seqio.FunctionDataSource,
              vocabulary: seqio.Vocabulary) -> None:
  registry.reregister(
      seqio.TaskRegistry, name, source=source, preprocessors=[_pair_preprocessor(vocabulary)],
      output_features={"tokens": seqio.Feature(
          vocabulary, add_eos=False, dtype=tf.int32)},
      shuffle_buffer_size=max(source.num_input_examples(split)
                              for split in source.splits))


@gin.configurable
def register_xnli_tasks(
    data_dir: str | None = None,
    vocab_path: str = gin.REQUIRED,
    tfds_data_dir: str | None = None,
    train_language: str = "en",
    train_split: str = "dev",
) -> dict:
  """Registers `xnli_<language>` (15), `xnli_train` and the mixture `xnli_eval`.

  Returns {"train": "xnli_train", "eval": "xnli_eval", "languages":
  {language: task name}, "eval_splits": the splits every language task has}.
  With only dev files, fine-tuning on dev-en (`train_split="dev"`) and
  evaluating on every dev file is the zero-shot recipe our experiments use.
  """
  if (data_dir is None) == (tfds_data_dir is None):
    raise UserError("Give exactly one XNLI source: data_dir (a folder of "
                    "<split>/<split>-<language>.tsv) or tfds_data_dir (a TFDS "
                    "data dir holding a prepared xnli).")
  if train_language not in LANGUAGES:
    raise UserError(f"train_language={train_language!r} is not an XNLI "
                    f"language; use one of {', '.join(LANGUAGES)}.")
  vocabulary = load_vocabulary(vocab_path)
  if data_dir is not None:
    sources = _tsv_sources(data_dir, train_language, train_split)
  else:
    sources = _tfds_sources(tfds_data_dir, train_language, train_split)
  for name, source in sources.items():
    _add_task(name, source, vocabulary)
  language_tasks = [task_name(language) for language in LANGUAGES]
  registry.reregister(seqio.MixtureRegistry, EVAL_MIXTURE, language_tasks,
                      default_rate=1.0)
  return {"train": TRAIN_TASK, "eval": EVAL_MIXTURE,
          "languages": dict(zip(LANGUAGES, language_tasks)),
          "eval_splits": tuple(sources[language_tasks[0]].splits)}


@gin.configurable
def xnli_task(role: str = "train") -> registry.RegisteredTask:
  """Registers the XNLI tasks (as `register_xnli_tasks` is bound) and
  returns the `train` task or the `eval` mixture, for gin."""
  name = register_xnli_tasks()[role]
  return dataclasses.replace(registry.registered(name), labels=LABELS)
