"""Vocabularies put the special pieces at atm_jax's ids and fail in one sentence."""
import os

import gin
import pytest
import sentencepiece as spm

from atm_jax.data import special_tokens
from atm_jax.data import synthetic
from atm_jax.data import vocabulary
from atm_jax.errors import UserError

VOCAB_SIZE = 500


@pytest.fixture(scope="module")
def text_file(tmp_path_factory) -> str:
  return synthetic.write_text_file(
      str(tmp_path_factory.mktemp("text") / "text.txt"), 3000)


@pytest.fixture(scope="module")
def vocab_path(text_file, tmp_path_factory) -> str:
  return vocabulary.train_sentencepiece(
      [text_file], VOCAB_SIZE, str(tmp_path_factory.mktemp("vocab") / "spm.model"))


def test_special_pieces_sit_at_the_shared_ids(vocab_path):
  processor = spm.SentencePieceProcessor(model_file=vocab_path)
  assert processor.GetPieceSize() == VOCAB_SIZE
  expected = {
      special_tokens.PAD_ID: special_tokens.PAD_PIECE,
      special_tokens.EOS_ID: special_tokens.EOS_PIECE,
      special_tokens.UNK_ID: special_tokens.UNK_PIECE,
      special_tokens.MASK_ID: special_tokens.MASK_PIECE,
      special_tokens.CLS_ID: special_tokens.CLS_PIECE,
      special_tokens.SEP_ID: special_tokens.SEP_PIECE,
  }
  assert {i: processor.IdToPiece(i) for i in expected} == expected
  assert (processor.pad_id(), processor.eos_id(), processor.unk_id(), processor.bos_id()) == (
      special_tokens.PAD_ID, special_tokens.EOS_ID, special_tokens.UNK_ID, -1)
  assert processor.PieceToId("<s>") == special_tokens.UNK_ID  # no bos piece at all


def test_unseen_characters_fall_back_to_bytes(vocab_path):
  processor = spm.SentencePieceProcessor(model_file=vocab_path)
  ids = processor.EncodeAsIds("set an alarm ж")
  assert special_tokens.UNK_ID not in ids
  assert processor.DecodeIds(ids) == "set an alarm ж"


def test_writes_model_and_vocab_and_nothing_else(vocab_path):
  assert sorted(os.listdir(os.path.dirname(vocab_path))) == ["spm.model", "spm.vocab"]
  with open(vocab_path[:-len(".model")] + ".vocab", encoding="utf-8") as f:
    assert len(f.read().splitlines()) == VOCAB_SIZE


def test_prints_one_progress_line(text_file, tmp_path, capsys):
  vocabulary.train_sentencepiece([text_file], 400, str(tmp_path / "spm.model"))
  lines = capsys.readouterr().out.splitlines()
  assert len(lines) == 1
  assert "3000 lines in 1 file(s)" in lines[0] and "done in" in lines[0]


def test_same_seed_gives_the_same_vocabulary(text_file, vocab_path, tmp_path):
  again = vocabulary.train_sentencepiece([text_file], VOCAB_SIZE, str(tmp_path / "again.model"))
  with open(vocab_path[:-len(".model")] + ".vocab", "rb") as f, \
      open(again[:-len(".model")] + ".vocab", "rb") as g:
    assert f.read() == g.read()


def test_too_large_vocab_size_says_the_maximum_and_leaves_no_file(text_file, tmp_path):
  output = tmp_path / "spm.model"
  with pytest.raises(UserError, match=r"vocab_size=50000 is too large.*<= \d+"):
    vocabulary.train_sentencepiece([text_file], 50000, str(output))
  assert os.listdir(tmp_path) == []


def test_failed_training_keeps_the_previous_model(text_file, vocab_path, tmp_path):
  output = tmp_path / "spm.model"
  with open(vocab_path, "rb") as f:
    output.write_bytes(f.read())
  with pytest.raises(UserError):
    vocabulary.train_sentencepiece([text_file], 50000, str(output))
  vocabulary.check_vocabulary(str(output))


@pytest.mark.parametrize("bad_input, message", [
    ([], "No text files"),
    (["/nonexistent/text.txt"], "does not exist"),
])
def test_bad_input_is_a_user_error(bad_input, message, tmp_path):
  with pytest.raises(UserError, match=message):
    vocabulary.train_sentencepiece(bad_input, 500, str(tmp_path / "spm.model"))


def test_empty_text_and_wrong_suffix_are_user_errors(text_file, tmp_path):
  empty = tmp_path / "empty.txt"
  empty.write_text("\n  \n")
  with pytest.raises(UserError, match="hold no text"):
    vocabulary.train_sentencepiece([str(empty)], 500, str(tmp_path / "spm.model"))
  with pytest.raises(UserError, match="must end in .model"):
    vocabulary.train_sentencepiece([text_file], 500, str(tmp_path / "spm"))


def test_load_vocabulary_gives_a_seqio_vocabulary(vocab_path):
  vocab = vocabulary.load_vocabulary(vocab_path)
  assert vocab.vocab_size == VOCAB_SIZE
  assert (vocab.pad_id, vocab.eos_id, vocab.unk_id) == (
      special_tokens.PAD_ID, special_tokens.EOS_ID, special_tokens.UNK_ID)
  assert vocab.decode(vocab.encode("play some jazz in the kitchen")) == (
      "play some jazz in the kitchen")


def test_load_vocabulary_rejects_missing_foreign_and_broken_files(text_file, tmp_path):
  with pytest.raises(UserError, match="does not exist"):
    vocabulary.load_vocabulary(str(tmp_path / "missing.model"))
  spm.SentencePieceTrainer.Train(input=text_file, model_prefix=str(tmp_path / "plain"),
                                 vocab_size=400, minloglevel=2)
  with pytest.raises(UserError, match="was not trained by atm_jax.vocab"):
    vocabulary.load_vocabulary(str(tmp_path / "plain.model"))
  (tmp_path / "broken.model").write_bytes(b"not a model")
  with pytest.raises(UserError, match="is not a SentencePiece model"):
    vocabulary.load_vocabulary(str(tmp_path / "broken.model"))


@pytest.fixture
def clean_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_ensure_vocabulary_trains_once_into_the_run_dir(text_file, tmp_path, clean_gin, monkeypatch):
  gin.parse_config([
      f"atm_jax.data.vocabulary.ensure_vocabulary.text_glob = '{os.path.dirname(text_file)}/*.txt'",
      f"atm_jax.data.vocabulary.ensure_vocabulary.model_dir = '{tmp_path}'",
      "atm_jax.data.vocabulary.ensure_vocabulary.vocab_size = 400",
  ])
  path = vocabulary.ensure_vocabulary()
  assert path == str(tmp_path / "vocab" / "spm.model")
  assert spm.SentencePieceProcessor(model_file=path).GetPieceSize() == 400

  def no_training(*args, **kwargs):
    raise AssertionError("a resumed run must reuse the vocabulary")

  monkeypatch.setattr(vocabulary, "train_sentencepiece", no_training)
  assert vocabulary.ensure_vocabulary() == path


def test_ensure_vocabulary_validates_a_given_path(vocab_path, tmp_path):
  kwargs = dict(text_glob="unused", model_dir=str(tmp_path), vocab_size=1)
  assert vocabulary.ensure_vocabulary(vocab_path, **kwargs) == vocab_path
  with pytest.raises(UserError, match="does not exist"):
    vocabulary.ensure_vocabulary(str(tmp_path / "missing.model"), **kwargs)


def test_ensure_vocabulary_names_a_glob_that_matches_nothing(tmp_path):
  with pytest.raises(UserError, match=r"TEXT_GLOB '.*nothing\*\.txt' matches no file"):
    vocabulary.ensure_vocabulary(text_glob=str(tmp_path / "nothing*.txt"),
                                 model_dir=str(tmp_path), vocab_size=500)


def test_too_few_pieces_for_the_characters_names_the_size_needed(tmp_path):
  text = tmp_path / "many_scripts.txt"
  letters = [chr(code) for code in range(0x4E00, 0x4E00 + 400)]
  text.write_text("\n".join(" ".join(letters[i:i + 20])
                            for i in range(0, 400, 20)) * 5, encoding="utf-8")
  with pytest.raises(UserError, match=r"cover the \d+ distinct characters.*"
                                      r"VOCAB_SIZE\) to more than \d+"):
    vocabulary.train_sentencepiece([str(text)], 100,
                                   str(tmp_path / "spm.model"))
