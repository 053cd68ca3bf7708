"""Training read in blocks: the task's own lines and tokens, its mixture's
rates, nothing lost; other tasks and `block_lines = 0` read per example."""
import itertools

import numpy as np
import pytest
import seqio
import tensorflow as tf

from atm_jax.data import mlm_batches, registry, synthetic, text_blocks
from atm_jax.data.text_blocks import BlockSettings
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens, vocabulary
from tasks import text_mlm

LENGTH = 64


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, str]:
  """Lower-case text in two files (with empty lines), upper-case in a third,
  and one file of exactly 80 training lines (89, every 10th validation)."""
  folder = tmp_path_factory.mktemp("blocks")
  lines = synthetic.generate_lines(900, seed=3)
  (folder / "lower_1.txt").write_text("\n".join(lines[:300]) + "\n\n\n")
  (folder / "lower_2.txt").write_text("\n".join(lines[300:500]) + "\n")
  (folder / "upper.txt").write_text(
      "\n".join(line.upper() for line in lines[500:800]) + "\n")
  (folder / "eighty.txt").write_text("\n".join(lines[800:889]) + "\n")
  text = synthetic.write_text_file(str(folder / "vocab" / "text.txt"), 2000)
  vocab = vocabulary.train_sentencepiece([text], 450, str(folder / "spm.model"))
  names = {}
  for name, pattern in [("lower", "lower_*.txt"), ("upper", "upper.txt"),
                        ("eighty", "eighty.txt")]:
    names[name] = text_mlm.register_text_mlm(
        str(folder / pattern), vocab, name=f"blocks_{name}",
        validation_every=10).name
  names["mixed"] = registry.reregister(
      seqio.MixtureRegistry, "blocks_mixed",
      [(names["lower"], 3.0), (names["upper"], 1.0)]).name
  names["nested"] = registry.reregister(
      seqio.MixtureRegistry, "blocks_nested",
      [(names["mixed"], 1.0), (names["eighty"], 1.0)]).name
  return names


def _examples(task: str, split: str) -> list[list[int]]:
  dataset = seqio.get_mixture_or_task(task).get_dataset(
      {"targets": LENGTH}, split, shuffle=False, num_epochs=1)
  return [example["targets"].tolist() for example in dataset.as_numpy_iterator()]


def _packed_examples(task: str, batches: int, **kwargs) -> list[list[int]]:
  """The examples of the first training batches, read back by segment."""
  stream = mlm_batches.mlm_batches(task, "train", LENGTH, 8, **kwargs)
  examples = []
  for batch in itertools.islice(stream, batches):
    for tokens, segments in zip(batch["tokens"], batch["segment_ids"]):
      for segment in range(1, segments.max() + 1):
        examples.append(tokens[segments == segment].tolist())
  return examples


def test_blocks_hold_the_training_lines_in_file_order(corpus):
  source = seqio.get_mixture_or_task(corpus["lower"]).source
  blocks = [line.decode() for block in source.training_blocks(7).as_numpy_iterator()
            for line in block]
  lines = [example["text"].decode() for example in
           source.get_dataset("train", shuffle=False).as_numpy_iterator()]
  assert blocks == lines and len(lines) == 450  # 500 less 50 validation, empties out


def test_one_epoch_holds_every_training_example_once(corpus):
  settings = BlockSettings(block_lines=8, blocks_per_group=1)
  packed = _packed_examples(corpus["eighty"], 40, blocks=settings)
  training = _examples(corpus["eighty"], "train")
  assert len(training) == 80
  assert sorted(packed[:80]) == sorted(training)
  assert packed[:80] != training  # shuffled


def test_examples_are_the_tasks_tokens_with_eos(corpus):
  packed = _packed_examples(corpus["lower"], 20)
  training = {tuple(example) for example in _examples(corpus["lower"], "train")}
  assert len(packed) > 100
  assert all(tuple(example) in training for example in packed)
  assert all(example[-1] == special_tokens.EOS_ID for example in packed)


def test_validation_lines_never_reach_training(corpus):
  training = {tuple(example) for example in _examples(corpus["lower"], "train")}
  only_validation = {tuple(example) for example in
                     _examples(corpus["lower"], "validation")} - training
  assert only_validation
  assert not only_validation & set(map(tuple, _packed_examples(corpus["lower"], 40)))


def test_mixture_rates_hold_per_example(corpus):
  vocab = registry.registered(corpus["mixed"]).vocabulary
  packed = _packed_examples(corpus["mixed"], 120, seed=1)
  upper = [vocab.decode(example[:-1]).isupper() for example in packed]
  assert len(upper) > 1500
  assert abs(np.mean(upper) - 0.25) < 0.05


def test_nested_mixture_rates_are_the_products(corpus):
  rates = {task.name: rate for task, rate in text_blocks.text_tasks(
      seqio.get_mixture_or_task(corpus["nested"]))}
  assert rates == pytest.approx({corpus["lower"]: 0.75,
                                 corpus["upper"]: 0.25,
                                 corpus["eighty"]: 1.0})


def test_a_task_not_read_from_text_lines_is_read_per_example(corpus):
  registry.reregister(
      seqio.TaskRegistry, "blocks_other",
      source=seqio.FunctionDataSource(
          lambda split, shuffle_files, seed=None: tf.data.Dataset.from_tensor_slices(
              {"targets": ["one two", "three"]}), splits=("train",)),
      preprocessors=[seqio.preprocessors.tokenize,
                     seqio.preprocessors.append_eos_after_trim],
      output_features={"targets": seqio.Feature(
          registry.registered(corpus["lower"]).vocabulary, dtype=tf.int32)})
  assert text_blocks.text_tasks(seqio.get_mixture_or_task("blocks_other")) is None
  assert len(_packed_examples("blocks_other", 1)) > 2


def test_a_vocabulary_other_than_sentencepiece_is_read_per_example(corpus):
  files = seqio.get_mixture_or_task(corpus["eighty"]).source.files
  registry.reregister(
      seqio.TaskRegistry, "blocks_bytes",
      source=text_blocks.TextLineSource(files, validation_every=10),
      preprocessors=[seqio.preprocessors.tokenize,
                     seqio.preprocessors.append_eos_after_trim],
      output_features={"targets": seqio.Feature(seqio.ByteVocabulary(),
                                                dtype=tf.int32)})
  assert text_blocks.text_tasks(seqio.get_mixture_or_task("blocks_bytes")) is None
  assert len(_packed_examples("blocks_bytes", 1)) > 2


def test_block_lines_zero_reads_the_task_per_example(corpus):
  provider = seqio.get_mixture_or_task(corpus["lower"])
  per_example = mlm_batches._examples(  # pylint: disable=protected-access
      provider, "train", LENGTH, seed=4, shuffle=True, num_epochs=None,
      pack=True).batch(8)
  expected = next(iter(per_example))["targets"].numpy()
  batch = next(mlm_batches.mlm_batches(corpus["lower"], "train", LENGTH, 8,
                                       seed=4, blocks=BlockSettings(0)))
  np.testing.assert_array_equal(batch["tokens"], expected)


def test_a_task_without_training_lines_is_refused(corpus, tmp_path):
  (tmp_path / "one.txt").write_text("held out for validation\n\n")
  vocab = registry.registered(corpus["lower"]).vocabulary
  empty = text_mlm.register_text_mlm(
      str(tmp_path / "one.txt"), vocab.sentencepiece_model_file,
      name="blocks_empty", validation_every=10).name
  registry.reregister(seqio.MixtureRegistry, "blocks_with_empty",
                      [(empty, 1.0), (corpus["lower"], 1.0)])
  for name in (empty, "blocks_with_empty"):
    with pytest.raises(UserError, match="'blocks_empty' has no training line "
                       r"in 1 file.*every 10th line\); add text"):
      mlm_batches.mlm_batches(name, "train", LENGTH, 8)


@pytest.mark.parametrize("settings", [dict(block_lines=-1),
                                      dict(blocks_per_group=0)])
def test_bad_settings_are_refused(settings):
  with pytest.raises(UserError, match="BlockSettings.*is invalid; set"):
    BlockSettings(**settings)
