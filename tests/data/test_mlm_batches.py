"""Batches are packed without losing tokens, deterministic, resumable and fixed-shape."""
import itertools

import gin
import numpy as np
import pytest
import seqio

from atm_jax.data import mlm_batches, registry
from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary
from tasks import text_mlm

VOCAB_SIZE = 450
LENGTH = 64


@pytest.fixture(scope="module")
def task(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("pipeline")
  text = synthetic.write_text_file(str(folder / "text.txt"), 2000)
  vocab = vocabulary.train_sentencepiece([text], VOCAB_SIZE, str(folder / "spm.model"))
  return text_mlm.register_text_mlm(text, vocab, name="test_pipeline",
                                    validation_every=10).name


def _take(task: str, count: int, **kwargs) -> list[dict[str, np.ndarray]]:
  kwargs = {"split": "train", "sequence_length": LENGTH, "global_batch_size": 8, **kwargs}
  return list(itertools.islice(mlm_batches.mlm_batches(task, **kwargs), count))


def _segments(batches: list[dict[str, np.ndarray]]) -> list[list[int]]:
  """The examples in the batches, in order, read back through the segment ids."""
  examples = []
  for batch in batches:
    for tokens, segment_ids in zip(batch["tokens"], batch["segment_ids"]):
      for segment in range(1, segment_ids.max() + 1):
        examples.append(tokens[segment_ids == segment].tolist())
  return examples


def _assert_equal_batches(first, second):
  assert len(first) == len(second)
  for a, b in zip(first, second):
    assert a.keys() == b.keys()
    for name in a:
      np.testing.assert_array_equal(a[name], b[name])


def test_num_pieces_is_the_vocabulary_size(task):
  assert registry.num_pieces(task) == VOCAB_SIZE


def test_batches_are_int32_rows_of_the_sequence_length(task):
  for batch in _take(task, 3):
    assert set(batch) == {"tokens", "segment_ids", "positions"}
    for values in batch.values():
      assert values.shape == (8, LENGTH) and values.dtype == np.int32


def test_packed_rows_have_consistent_segments_and_positions(task):
  batches = _take(task, 6)
  for batch in batches:
    for tokens, segment_ids, positions in zip(*(batch[k] for k in ("tokens", "segment_ids", "positions"))):
      used = segment_ids > 0
      np.testing.assert_array_equal(used, tokens != special_tokens.PAD_ID)
      assert used[:used.sum()].all()  # padding only at the end
      assert segment_ids[0] == 1 and set(np.diff(segment_ids[used])) <= {0, 1}
      starts = np.flatnonzero(np.diff(segment_ids[used], prepend=0))
      assert (positions[starts] == 0).all()
      for segment in range(1, segment_ids.max() + 1):
        np.testing.assert_array_equal(positions[segment_ids == segment],
                                      np.arange((segment_ids == segment).sum()))
      assert (positions[~used] == 0).all()
  assert np.mean([(b["segment_ids"] > 0).mean() for b in batches]) > 0.7
  assert max(b["segment_ids"].max() for b in batches) > 2  # really packed


def test_packing_loses_no_token(task):
  """One unshuffled epoch packed holds exactly the task's examples, in order."""
  examples = [ex["targets"].tolist() for ex in seqio.get_mixture_or_task(task).get_dataset(
      {"targets": LENGTH}, "validation", shuffle=False).as_numpy_iterator()]
  batches = list(mlm_batches.mlm_batches(task, "validation", LENGTH, 8, shuffle=False, num_epochs=1))
  assert _segments(batches) == examples
  assert all(example[-1] == special_tokens.EOS_ID for example in examples)


def test_unpacked_rows_hold_one_example_each(task):
  batches = _take(task, 3, pack=False, shuffle=False)
  for batch in batches:
    used = batch["tokens"] != special_tokens.PAD_ID
    np.testing.assert_array_equal(batch["segment_ids"], used.astype(np.int32))
    np.testing.assert_array_equal(batch["positions"], np.where(used, np.cumsum(used, axis=1) - 1, 0))
  packed = _take(task, 1, shuffle=False)
  assert _segments(batches)[:8] == _segments(packed)[:8]


def test_same_seed_same_batches_other_seed_other_batches(task):
  _assert_equal_batches(_take(task, 4, seed=7), _take(task, 4, seed=7))
  assert not np.array_equal(_take(task, 1, seed=7)[0]["tokens"], _take(task, 1, seed=8)[0]["tokens"])


def test_resuming_at_start_batch_continues_the_same_stream(task):
  uninterrupted = _take(task, 30, seed=3)
  resumed = _take(task, 5, seed=3, start_batch=25)
  _assert_equal_batches(resumed, uninterrupted[25:])


def test_final_eval_batch_is_padded_with_empty_rows(task):
  batches = list(mlm_batches.mlm_batches(task, "validation", LENGTH, 24, shuffle=False,
                                         num_epochs=1, pack=False))
  num_examples = 200  # every 10th of 2000 lines
  assert len(batches) == -(-num_examples // 24)
  last = batches[-1]
  real_rows = num_examples % 24
  assert all(batch["tokens"].shape == (24, LENGTH) for batch in batches)
  assert (last["segment_ids"][:real_rows, 0] == 1).all()
  for values in last.values():
    assert not values[real_rows:].any()


def test_restored_position_continues_the_same_stream(task):
  uninterrupted = _take(task, 30, seed=3)
  stream = mlm_batches.mlm_batches(task, "train", LENGTH, 8, seed=3)
  for _ in range(25):
    next(stream)
  position = stream.state()
  restored = mlm_batches.mlm_batches(task, "train", LENGTH, 8, seed=3)
  restored.restore(position)
  _assert_equal_batches([next(restored) for _ in range(5)], uninterrupted[25:])


@pytest.mark.parametrize("kwargs, message", [
    (dict(split="test"), "no split 'test'"),
    (dict(task_name="no_such_task"), "No SeqIO task or mixture"),
])
def test_bad_arguments_are_user_errors(task, kwargs, message):
  kwargs = {"task_name": task, "split": "train", "sequence_length": LENGTH,
            "global_batch_size": 8, **kwargs}
  with pytest.raises(UserError, match=message):
    mlm_batches.mlm_batches(**kwargs)


def test_unknown_name_suggests_the_nearest_registered_names(task):
  with pytest.raises(UserError, match=r"as 'test_pipelin' \(closest registered: 'test_pipeline'[,)].*; fix"):
    registry.num_pieces("test_pipelin")
  with pytest.raises(UserError, match=r"as 'zzzz_qqq'; fix the name"):
    registry.num_pieces("zzzz_qqq")


def test_worker_settings_keep_the_same_batches(task):
  gin.clear_config()
  try:
    gin.parse_config(["atm_jax.data.pipeline_options.autotune = False",
                      "atm_jax.data.pipeline_options.private_threads = 1"])
    tuned_off = _take(task, 6, seed=5)
  finally:
    gin.clear_config()
  _assert_equal_batches(tuned_off, _take(task, 6, seed=5))
