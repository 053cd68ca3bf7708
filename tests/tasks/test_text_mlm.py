"""The text MLM task reads sorted files, splits lines by index and tokenizes with EOS."""
import gin
import numpy as np
import pytest
import seqio

from atm_jax.data import registry, synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary
from tasks import text_mlm

NAME = "test_text_mlm"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
  """Two files written out of name order, with blank lines inside."""
  folder = tmp_path_factory.mktemp("text")
  second = synthetic.generate_lines(40, seed=2)
  first = synthetic.generate_lines(40, seed=1)
  second[5] = first[7] = ""
  (folder / "b.txt").write_text("\n".join(second) + "\n")
  (folder / "a.txt").write_text("\n".join(first) + "\n")
  vocab_path = vocabulary.train_sentencepiece(
      [str(folder / "a.txt")] + [synthetic.write_text_file(str(folder / "more.txt"), 2000)],
      450, str(folder / "spm.model"))
  return {"glob": str(folder / "[ab].txt"), "lines": first + second, "vocab": vocab_path}


def _source_lines(split: str) -> list[str]:
  source = seqio.get_mixture_or_task(NAME).source
  return [ex["text"].decode() for ex in source.get_dataset(split, shuffle=False).as_numpy_iterator()]


def test_validation_is_every_nth_line_across_sorted_files(corpus):
  task = text_mlm.register_text_mlm(corpus["glob"], corpus["vocab"], name=NAME,
                                    validation_every=10)
  assert task.name == NAME and task.labels is None
  assert task.vocabulary is seqio.get_mixture_or_task(NAME).output_features[
      "targets"].vocabulary
  lines = corpus["lines"]
  validation, train = _source_lines("validation"), _source_lines("train")
  assert validation == [line for i, line in enumerate(lines) if i % 10 == 0 and line]
  assert train == [line for i, line in enumerate(lines) if i % 10 and line]
  assert len(validation) + len(train) == len(lines) - 2


def test_reregistering_replaces_the_task(corpus):
  text_mlm.register_text_mlm(corpus["glob"], corpus["vocab"], name=NAME, validation_every=10)
  text_mlm.register_text_mlm(corpus["glob"], corpus["vocab"], name=NAME, validation_every=4)
  assert len(_source_lines("validation")) == 20


def test_examples_are_tokens_ending_in_eos(corpus):
  text_mlm.register_text_mlm(corpus["glob"], corpus["vocab"], name=NAME)
  task = seqio.get_mixture_or_task(NAME)
  vocab = task.output_features["targets"].vocabulary
  examples = list(task.get_dataset({"targets": 12}, "train", shuffle=False).as_numpy_iterator())
  assert len(examples) == 78 - 1  # 80 lines, 2 blank, line 0 goes to validation
  for example, line in zip(examples, [l for l in corpus["lines"][1:] if l]):
    tokens = example["targets"]
    assert set(example) == {"targets"} and tokens.dtype == np.int32
    assert len(tokens) <= 12 and tokens[-1] == special_tokens.EOS_ID
    full = vocab.encode(line)
    assert list(tokens[:-1]) == full[:11]


def test_glob_matching_nothing_says_to_set_text_glob(tmp_path, corpus):
  with pytest.raises(UserError, match=r"TEXT_GLOB '.*none\*' matches no file; set TEXT_GLOB"):
    text_mlm.register_text_mlm(str(tmp_path / "none*"), corpus["vocab"], name=NAME)


def test_foreign_vocabulary_is_refused(tmp_path, corpus):
  with pytest.raises(UserError, match="does not exist"):
    text_mlm.register_text_mlm(corpus["glob"], str(tmp_path / "missing.model"), name=NAME)


def test_configured_from_gin(corpus):
  gin.clear_config()
  try:
    gin.parse_config([
        f"tasks.text_mlm.register_text_mlm.text_glob = '{corpus['glob']}'",
        f"tasks.text_mlm.register_text_mlm.vocab_path = '{corpus['vocab']}'",
        "tasks.text_mlm.register_text_mlm.name = 'test_text_mlm_gin'",
    ])
    assert text_mlm.register_text_mlm().name == "test_text_mlm_gin"
    # Run files bind the registration itself; the trainer calls it.
    assert registry.registered(text_mlm.register_text_mlm).name == (
        "test_text_mlm_gin")
  finally:
    gin.clear_config()
  assert "test_text_mlm_gin" in seqio.TaskRegistry.names()
