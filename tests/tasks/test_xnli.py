"""XNLI tasks: pairs from TSV folders or TFDS, <cls> p <sep> h </s>, padded batches."""
import collections
import importlib.resources
import os
import sys
from unittest import mock

import gin
import numpy as np
import pytest
import seqio
import tensorflow as tf

from atm_jax.data import synthetic
from atm_jax.data import xnli_batches as xnli_data
from atm_jax.data import xnli_tsv
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary
from tasks import xnli

LANGUAGES = xnli_tsv.LANGUAGES
_SHARED_XNLI = os.path.join(os.path.dirname(__file__), "..", "..", "..",
                            "shared", "data", "xnli")
_TFDS_COLUMNS = ("language", "gold_label", "sentence1", "sentence2", "pairID")


def _pairs(language: str, split: str, count: int) -> list[tuple[str, str, str]]:
  return [(f"the {language} premise {split} number {i} talks about the weather",
           f"it is {'sunny' if i % 2 else 'raining'} in {language}",
           xnli_tsv.LABELS[i % 3]) for i in range(count)]


def _write_folder(root, counts: dict[str, int]) -> str:
  for split, count in counts.items():
    os.makedirs(root / split, exist_ok=True)
    for language in LANGUAGES:
      with open(xnli_tsv.tsv_path(str(root), split, language), "w",
                encoding="utf-8") as f:
        f.writelines("\t".join(pair) + "\n" for pair in _pairs(language, split, count))
  return str(root)


@pytest.fixture(scope="module")
def vocab_path(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("xnli_vocab")
  text = synthetic.write_text_file(str(folder / "text.txt"), 2000)
  return vocabulary.train_sentencepiece([text], 450, str(folder / "spm.model"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
  return _write_folder(tmp_path_factory.mktemp("xnli"), {"dev": 4, "test": 3})


@pytest.fixture(scope="module")
def registered(folder, vocab_path) -> dict:
  return xnli.register_xnli_tasks(folder, vocab_path)


def _examples(name: str, split: str, length: int = 32) -> list[dict]:
  task = seqio.get_mixture_or_task(name)
  return list(task.get_dataset({"tokens": length}, split=split, shuffle=False)
              .as_numpy_iterator())


def _all_batches(*args, **kwargs) -> list[dict]:
  return list(xnli_data.xnli_batches(*args, **kwargs))


def test_registers_15_languages_a_train_task_and_an_eval_mixture(registered):
  assert registered == {
      "train": "xnli_train", "eval": "xnli_eval", "eval_splits": ("dev", "test"),
      "languages": {language: f"xnli_{language}" for language in LANGUAGES}}
  mixture = seqio.get_mixture_or_task("xnli_eval")
  assert [task.name for task in mixture.tasks] == [f"xnli_{l}" for l in LANGUAGES]
  assert seqio.get_mixture_or_task("xnli_de").num_input_examples("test") == 3
  assert seqio.get_mixture_or_task("xnli_train").splits == ("train",)


def test_examples_are_cls_premise_sep_hypothesis_eos(registered, vocab_path):
  vocab = seqio.SentencePieceVocabulary(vocab_path)
  examples = _examples("xnli_fr", "dev", 64)
  assert len(examples) == 4
  for example, (premise, hypothesis, label) in zip(examples, _pairs("fr", "dev", 4)):
    premise_ids, hypothesis_ids = vocab.encode(premise), vocab.encode(hypothesis)
    assert list(example["tokens"]) == [special_tokens.CLS_ID, *premise_ids,
                                       special_tokens.SEP_ID, *hypothesis_ids,
                                       special_tokens.EOS_ID]
    assert list(example["token_types"]) == ([0] * (len(premise_ids) + 2)
                                            + [1] * (len(hypothesis_ids) + 1))
    assert example["label"] == xnli_tsv.LABELS.index(label)
    assert example["language"] == b"fr"


def test_train_task_reads_the_train_language_train_split(folder, vocab_path):
  xnli.register_xnli_tasks(folder, vocab_path, train_language="de",
                           train_split="test")
  try:
    examples = _examples("xnli_train", "train")
    assert len(examples) == 3 and {e["language"] for e in examples} == {b"de"}
  finally:
    xnli.register_xnli_tasks(folder, vocab_path)
  assert {e["language"] for e in _examples("xnli_train", "train")} == {b"en"}


@pytest.mark.parametrize("premise, hypothesis, length, kept", [
    (4, 3, 20, (4, 3)),     # fits: nothing cut
    (10, 2, 10, (5, 2)),    # the longer premise gives up pieces
    (2, 10, 10, (2, 5)),    # the longer hypothesis gives up pieces
    (10, 10, 11, (4, 4)),   # both long: halves
    (10, 10, 12, (5, 4)),   # odd budget: the premise keeps the extra piece
    (0, 9, 6, (0, 3)),
])
def test_pair_tokens_cuts_the_longer_side_first(premise, hypothesis, length, kept):
  premise_ids = tf.range(100, 100 + premise)
  hypothesis_ids = tf.range(200, 200 + hypothesis)
  tokens, types = xnli.pair_tokens(premise_ids, hypothesis_ids, length)
  expected = ([special_tokens.CLS_ID, *range(100, 100 + kept[0]), special_tokens.SEP_ID,
               *range(200, 200 + kept[1]), special_tokens.EOS_ID])
  assert list(tokens.numpy()) == expected and len(expected) <= length
  assert list(types.numpy()) == [0] * (kept[0] + 2) + [1] * (kept[1] + 1)


def test_eval_batches_cover_every_language_in_order_then_pad(registered):
  batches = _all_batches("xnli_eval", "dev", 24, 8, shuffle=False, seed=0,
                         num_epochs=1)
  assert len(batches) == 8  # 60 pairs
  for batch in batches:
    assert set(batch) == {"tokens", "token_types", "segment_ids", "positions",
                          "label", "language", "example_mask"}
    assert all(batch[name].shape == (8, 24) and batch[name].dtype == np.int32
               for name in xnli_data.SEQUENCE_FEATURES)
  languages = [l for batch in batches for l in batch["language"]]
  assert languages == [l for l in LANGUAGES for _ in range(4)] + [""] * 4
  last = batches[-1]
  assert list(last["example_mask"]) == [1] * 4 + [0] * 4
  assert not last["tokens"][4:].any() and not last["segment_ids"][4:].any()
  first = batches[0]
  lengths = first["segment_ids"].sum(axis=1)
  for row, length in enumerate(lengths):
    assert list(first["positions"][row, :length]) == list(range(length))
    assert first["tokens"][row, length - 1] == special_tokens.EOS_ID
    assert not first["tokens"][row, length:].any()
  assert list(first["label"]) == [0, 1, 2, 0, 0, 1, 2, 0]


def _shuffled(name: str, seed: int, rows: int, start: int = 0) -> list[tuple]:
  """Each batch as (its token rows, its languages)."""
  return [(tuple(map(tuple, batch["tokens"])), tuple(batch["language"]))
          for batch in _all_batches(name, "dev", 24, rows, shuffle=True, seed=seed,
                                    num_epochs=2, start_batch=start)]


def test_shuffle_depends_on_the_seed_and_start_batch_resumes(registered):
  first = _shuffled("xnli_de", 1, rows=2)
  assert len(first) == 4
  assert first == _shuffled("xnli_de", 1, rows=2)
  assert first != _shuffled("xnli_de", 2, rows=2)
  assert _shuffled("xnli_de", 1, rows=2, start=3) == first[3:]


def test_shuffled_mixture_mixes_languages_and_keeps_epochs_whole(registered):
  batches = _shuffled("xnli_eval", 1, rows=6)
  assert len(batches) == 20
  epoch_one = [language for _, languages in batches[:10] for language in languages]
  assert collections.Counter(epoch_one) == {language: 4 for language in LANGUAGES}
  assert epoch_one[:4] != ["ar"] * 4


def test_training_batches_repeat_and_are_always_full(registered):
  stream = xnli_data.xnli_batches("xnli_train", "train", 24, 3, shuffle=True,
                                  seed=0, num_epochs=None)
  taken = [next(stream) for _ in range(6)]
  assert all(b["example_mask"].all() and set(b["language"]) == {"en"} for b in taken)


def test_configured_from_gin(folder, vocab_path):
  gin.clear_config()
  try:
    gin.parse_config([f"tasks.xnli.register_xnli_tasks.data_dir = '{folder}'",
                      f"tasks.xnli.register_xnli_tasks.vocab_path = '{vocab_path}'"])
    assert xnli.register_xnli_tasks()["train"] == "xnli_train"
    # Run files bind `@xnli_task`: the registration the trainer calls.
    for role, name in (("train", "xnli_train"), ("eval", "xnli_eval")):
      task = xnli.xnli_task(role)
      assert task.name == name and task.labels == xnli_tsv.LABELS
      assert task.vocabulary.sentencepiece_model_file == vocab_path
  finally:
    gin.clear_config()


def _copy_with(folder: str, tmp_path, path: str, text: str | None) -> str:
  """A copy of the 4/3-pair folder with one file replaced (or removed)."""
  copy = _write_folder(tmp_path, {"dev": 4, "test": 3})
  target = os.path.join(copy, path)
  os.remove(target)
  if text is not None:
    with open(target, "w", encoding="utf-8") as f:
      f.write(text)
  return copy


@pytest.mark.parametrize("text, message", [
    ("a\tb\tneutral\nonly two\tcolumns\n",
     r"dev/dev-sw.tsv line 2 has 2 tab-separated columns; an XNLI line needs 3"),
    ("a\tb\tneutral\n\na\tb\tmaybe\n",
     r"dev/dev-sw.tsv line 3 has the label 'maybe'; use one of entailment"),
    (None, r"XNLI file .*dev/dev-sw.tsv does not exist"),
    ("\n\n", r"XNLI file .*dev/dev-sw.tsv holds no pairs"),
])
def test_bad_files_name_file_and_line(folder, vocab_path, tmp_path, text, message):
  copy = _copy_with(folder, tmp_path, "dev/dev-sw.tsv", text)
  with pytest.raises(UserError, match=message):
    xnli.register_xnli_tasks(copy, vocab_path)


def test_bad_settings_are_one_sentence_errors(folder, vocab_path, tmp_path):
  with pytest.raises(UserError, match=r"XNLI folder .*nowhere does not exist"):
    xnli.register_xnli_tasks(str(tmp_path / "nowhere"), vocab_path)
  with pytest.raises(UserError, match="has neither dev/ nor test/"):
    xnli.register_xnli_tasks(str(tmp_path), vocab_path)
  with pytest.raises(UserError, match="Give exactly one XNLI source"):
    xnli.register_xnli_tasks(folder, vocab_path, tfds_data_dir=str(tmp_path))
  with pytest.raises(UserError, match="Give exactly one XNLI source"):
    xnli.register_xnli_tasks(None, vocab_path)
  with pytest.raises(UserError, match=r"training file .*train/train-en.tsv does "
                     r"not exist; set train_split to one of \['dev', 'test'\]"):
    xnli.register_xnli_tasks(folder, vocab_path, train_split="train")
  with pytest.raises(UserError, match="train_language='pt' is not an XNLI language"):
    xnli.register_xnli_tasks(folder, vocab_path, train_language="pt")
  with pytest.raises(UserError, match="holds no prepared xnli"):
    xnli.register_xnli_tasks(tfds_data_dir=str(tmp_path / "tfds"),
                             vocab_path=vocab_path)


def test_bad_batch_requests_are_one_sentence_errors(registered):
  with pytest.raises(UserError, match="No SeqIO task or mixture is registered "
                     "as 'xnli_pt'"):
    xnli_data.xnli_batches("xnli_pt", "dev", 32, 8, shuffle=False, seed=0,
                           num_epochs=1)
  with pytest.raises(UserError, match="'nli_de' is not an XNLI task"):
    xnli_data.xnli_batches("nli_de", "dev", 32, 8, shuffle=False, seed=0,
                           num_epochs=1)
  with pytest.raises(UserError, match=r"'xnli_train' has no split 'dev'; use one "
                     r"of \['train'\]"):
    xnli_data.xnli_batches("xnli_train", "dev", 32, 8, shuffle=False, seed=0,
                           num_epochs=1)
  with pytest.raises(UserError, match="sequence_length=4 is too short"):
    xnli_data.xnli_batches("xnli_eval", "dev", 4, 8, shuffle=False, seed=0,
                           num_epochs=1)


@pytest.fixture(scope="module")
def tfds_dir(tmp_path_factory) -> str:
  """A real prepared TFDS xnli, built offline from a 2-pair XNLI-1.0 file."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  root = tmp_path_factory.mktemp("tfds")
  download = root / "download" / "XNLI-1.0"
  download.mkdir(parents=True)
  for split, count in (("dev", 2), ("test", 1)):
    lines = ["\t".join(_TFDS_COLUMNS)]
    for i in range(count):
      lines += ["\t".join((language, xnli_tsv.LABELS[(i + 1) % 3],
                           f"premise {i} in {language}",
                           f"hypothesis {i} in {language}", f"{split}{i}"))
                for language in LANGUAGES]
    (download / f"xnli.{split}.tsv").write_text("\n".join(lines) + "\n")
  # tensorflow-datasets 4.9.10 imports the backport importlib_resources while
  # preparing, which Python 3.11 no longer needs; the standard module serves.
  with mock.patch.dict(sys.modules, {"importlib_resources": importlib.resources}), \
      mock.patch.object(tfds.download.DownloadManager, "download_and_extract",
                        return_value=str(download.parent)):
    tfds.builder("xnli", data_dir=str(root / "data")).download_and_prepare()
  return str(root / "data")


def test_tfds_xnli_gives_one_language_per_task(tfds_dir, vocab_path, folder):
  try:
    names = xnli.register_xnli_tasks(tfds_data_dir=tfds_dir, vocab_path=vocab_path)
    assert names["eval_splits"] == ("dev", "test")
    vocab = seqio.SentencePieceVocabulary(vocab_path)
    examples = _examples("xnli_el", "dev", 40)
    assert len(examples) == 2 and {e["language"] for e in examples} == {b"el"}
    expected = {(tuple(vocab.encode(f"premise {i} in el")),
                 tuple(vocab.encode(f"hypothesis {i} in el")), (i + 1) % 3)
                for i in range(2)}
    found = set()
    for example in examples:
      sep = list(example["tokens"]).index(special_tokens.SEP_ID)
      found.add((tuple(example["tokens"][1:sep]), tuple(example["tokens"][sep + 1:-1]),
                 int(example["label"])))
    assert found == expected
    train = _examples("xnli_train", "train", 40)
    assert len(train) == 2 and {e["language"] for e in train} == {b"en"}
    batches = _all_batches("xnli_eval", "test", 40, 16, shuffle=False, seed=0,
                           num_epochs=1)
    assert sum(b["example_mask"].sum() for b in batches) == 15
  finally:
    xnli.register_xnli_tasks(folder, vocab_path)


@pytest.mark.shared_data
def test_real_xnli_dev_has_2490_balanced_pairs_per_language(vocab_path):
  if not os.path.isdir(_SHARED_XNLI):
    pytest.skip("../shared/data/xnli is not beside the checkout")
  for language in LANGUAGES:
    pairs = xnli_tsv.read_tsv(xnli_tsv.tsv_path(_SHARED_XNLI, "dev", language))
    counts = collections.Counter(pair.label for pair in pairs)
    assert len(pairs) == 2490 and sorted(counts) == [0, 1, 2]
    assert all(0.3 < count / len(pairs) < 0.37 for count in counts.values())
  names = xnli.register_xnli_tasks(_SHARED_XNLI, vocab_path)
  assert names["eval_splits"] == ("dev",)
  mixture = seqio.get_mixture_or_task("xnli_eval")
  assert mixture.num_input_examples("dev") == 15 * 2490
  batch = next(xnli_data.xnli_batches("xnli_eval", "dev", 128, 32, shuffle=False,
                                      seed=0, num_epochs=1))
  assert batch["example_mask"].all() and set(batch["language"]) == {"ar"}
