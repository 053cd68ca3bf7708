"""NLU batches have fixed shapes, pad the last batch with masked rows, shuffle
each epoch as a function of the seed, and resume exactly."""
import itertools
import json

import numpy as np
import pytest
import seqio
import tensorflow as tf

from atm_jax.data import nlu_batches
from atm_jax.data import nlu_features
from atm_jax.data import registry
from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import vocabulary
from tasks import nlu
from tasks import text_mlm

NAME = "test_nlu_pipeline"
LENGTH = 16
TRAIN_SIZE = 10


@pytest.fixture(scope="module")
def task(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("nlu_pipeline")
  lines = synthetic.generate_lines(TRAIN_SIZE + 5, seed=3)
  partitions = ["train"] * TRAIN_SIZE + ["dev"] * 3 + ["test"] * 2
  with open(folder / "en-US.jsonl", "w", encoding="utf-8") as f:
    for index, (line, partition) in enumerate(zip(lines, partitions)):
      first, *rest = line.split()
      annotation = f"[thing : {first}] {' '.join(rest)}".strip()
      f.write(json.dumps({"id": f"u{index}", "locale": "en-US", "partition": partition,
                          "intent": f"intent_{index % 3}", "annot_utt": annotation}) + "\n")
  text = synthetic.write_text_file(str(folder / "text.txt"), 1000)
  vocab = vocabulary.train_sentencepiece([text], 400, str(folder / "spm.model"))
  return nlu.register_nlu_task(str(folder), "massive", vocab, name=NAME).name


def _batches(task, split="train", count=None, **kwargs):
  kwargs = {"sequence_length": LENGTH, "batch_size": 4, "shuffle": False,
            "seed": 0, "num_epochs": 1, **kwargs}
  return list(itertools.islice(nlu_batches.nlu_batches(task, split, **kwargs), count))


def _assert_equal_batches(first, second):
  assert len(first) == len(second)
  for a, b in zip(first, second):
    assert a.keys() == b.keys()
    for name in a:
      np.testing.assert_array_equal(a[name], b[name])


def test_one_epoch_pads_the_last_batch_with_masked_rows(task):
  batches = _batches(task, "validation")
  assert len(batches) == 1
  batch = batches[0]
  for name in nlu_features.SEQUENCE_FEATURES:
    assert batch[name].shape == (4, LENGTH) and batch[name].dtype == np.int32
  for name in ("intent", "dropped_words", "example_mask"):
    assert batch[name].shape == (4,) and batch[name].dtype == np.int32
  np.testing.assert_array_equal(batch["example_mask"], [1, 1, 1, 0])
  assert list(batch["id"]) == ["u10", "u11", "u12", ""]
  assert not batch["tokens"][3].any() and not batch["word_mask"][3].any()
  text, tags = batch["text"][0].split(), batch["gold_tags"][0].split()
  assert len(text) == len(tags) and tags[0] == "B-thing"
  assert set(tags[1:]) <= {"O"} and batch["gold_intent"][0] == "intent_1"


def test_training_order_is_a_fresh_permutation_each_epoch(task):
  batches = _batches(task, shuffle=True, seed=7, num_epochs=None, batch_size=5, count=4)
  epochs = [np.concatenate([b["id"] for b in batches[:2]]),
            np.concatenate([b["id"] for b in batches[2:]])]
  assert sorted(epochs[0]) == sorted(epochs[1]) == sorted(f"u{i}" for i in range(10))
  assert list(epochs[0]) != list(epochs[1])
  assert all(b["example_mask"].all() for b in batches)
  _assert_equal_batches(
      batches, _batches(task, shuffle=True, seed=7, num_epochs=None, batch_size=5, count=4))
  other_seed = _batches(task, shuffle=True, seed=8, num_epochs=None, batch_size=5, count=2)
  assert [list(b["id"]) for b in other_seed] != [list(b["id"]) for b in batches[:2]]


def test_skipping_batches_resumes_the_same_stream(task):
  kwargs = {"shuffle": True, "seed": 1, "num_epochs": None}
  whole = _batches(task, count=7, **kwargs)
  _assert_equal_batches(whole[3:], _batches(task, count=4, start_batch=3, **kwargs))


@pytest.mark.parametrize("kwargs, message", [
    ({"task": "no_such_task"},
     "No SeqIO task or mixture is registered as 'no_such_task'"),
    ({"split": "dev"}, "has no split 'dev'"),
])
def test_bad_requests_are_user_errors(task, kwargs, message):
  kwargs = {"task": task, "split": "train", **kwargs}
  with pytest.raises(UserError, match=message):
    _batches(**kwargs)


def _register_tokens_task(name: str, vocab: seqio.Vocabulary) -> None:
  """A task with a `tokens` feature but none of the NLU labels (as XNLI's)."""
  source = seqio.FunctionDataSource(
      lambda split, shuffle_files, seed=None: tf.data.Dataset.from_tensors(
          {"tokens": tf.constant([5, 6, 7], tf.int32)}),
      splits=("train",), num_input_examples={"train": 1})
  registry.reregister(seqio.TaskRegistry, name, source=source,
                      preprocessors=[], output_features={"tokens": seqio.Feature(
                          vocab, add_eos=False, dtype=tf.int32)})


def test_tasks_that_are_not_nlu_are_refused_by_name(task, tmp_path):
  vocab = seqio.get_mixture_or_task(task).output_features["tokens"].vocabulary
  mlm = text_mlm.register_text_mlm(
      synthetic.write_text_file(str(tmp_path / "text.txt"), 20),
      vocab.sentencepiece_model_file, name="test_nlu_pipeline_mlm").name
  with pytest.raises(UserError, match="'test_nlu_pipeline_mlm' is not an NLU task"):
    _batches(mlm)
  _register_tokens_task("test_nlu_pipeline_tokens", vocab)
  with pytest.raises(UserError, match="'test_nlu_pipeline_tokens' is not an NLU "
                     "task"):
    _batches("test_nlu_pipeline_tokens")
