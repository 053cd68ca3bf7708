"""Vocabularies put the special pieces at atm_jax's ids and fail in one sentence."""
import os

import gin
import pytest
import sentencepiece as spm

from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import special_tokens
from atm_jax.vocab import vocabulary

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
      f"atm_jax.vocab.vocabulary.ensure_vocabulary.text_glob = '{os.path.dirname(text_file)}/*.txt'",
      f"atm_jax.vocab.vocabulary.ensure_vocabulary.model_dir = '{tmp_path}'",
      "atm_jax.vocab.vocabulary.ensure_vocabulary.vocab_size = 400",
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


# Language sampling -----------------------------------------------------------

_REAL_TRAINER = vocabulary._run_trainer

@pytest.mark.parametrize("name, language", [
    ("tatoeba.deu-eng.deu", "deu"),
    ("tatoeba.deu-eng.eng", "eng"),
    ("de.txt", "de"),
    ("text.txt", vocabulary.UNDETERMINED_LANGUAGE),
    ("notes.md", vocabulary.UNDETERMINED_LANGUAGE),
])
def test_default_regex_reads_tatoeba_and_lang_txt_names(name, language):
  assert vocabulary.files_by_language([f"/data/{name}"]) == {language: [f"/data/{name}"]}


def test_files_group_by_language_in_order_and_can_be_limited():
  files = ["/d/wiki_fr_2.txt", "/d/wiki_de_1.txt", "/d/wiki_fr_1.txt", "/d/other.txt"]
  regex = r"^wiki_([a-z]+)_\d+\.txt$"
  assert vocabulary.files_by_language(files, regex) == {
      "de": ["/d/wiki_de_1.txt"], "fr": ["/d/wiki_fr_2.txt", "/d/wiki_fr_1.txt"],
      "und": ["/d/other.txt"]}
  assert list(vocabulary.files_by_language(files, regex, ["fr", "de"])) == ["fr", "de"]
  with pytest.raises(UserError, match=r"No file of language\(s\) es among .* finds de, fr, und"):
    vocabulary.files_by_language(files, regex, ["es", "fr"])


@pytest.mark.parametrize("regex, message", [
    (r"^[a-z]+\.txt$", "has 0 groups; it needs exactly one"),
    (r"^([a-z]+)_(\d)\.txt$", "has 2 groups"),
    (r"^([a-z]+\.txt$", "is not a regular expression"),
])
def test_bad_language_regex_is_a_user_error(regex, message):
  with pytest.raises(UserError, match=message):
    vocabulary.files_by_language(["/d/en.txt"], regex)


def test_temperature_shares_follow_xlmr():
  counts = {"big": 900, "small": 100, "empty": 0}
  natural = vocabulary.temperature_shares(counts, 1.0)
  assert natural == pytest.approx({"big": 0.9, "small": 0.1, "empty": 0.0})
  assert vocabulary.temperature_shares(counts, 0.0) == pytest.approx(
      {"big": 0.5, "small": 0.5, "empty": 0.0})
  shares = vocabulary.temperature_shares(counts, 0.3)
  assert shares["small"] / shares["big"] == pytest.approx((100 / 900) ** 0.3)
  assert sum(shares.values()) == pytest.approx(1.0)
  with pytest.raises(UserError, match=r"alpha=1.5 is outside \[0, 1\]"):
    vocabulary.temperature_shares(counts, 1.5)


@pytest.fixture(scope="module")
def two_languages(tmp_path_factory) -> dict[str, str]:
  """900 lines of `aa`, 100 of `bb`, each line tagged with its language and number."""
  folder = tmp_path_factory.mktemp("languages")
  lines = synthetic.generate_lines(1000, seed=3)
  paths = {}
  for language, chunk in (("aa", lines[:900]), ("bb", lines[900:])):
    paths[language] = str(folder / f"{language}.txt")
    with open(paths[language], "w", encoding="utf-8") as f:
      f.writelines(f"{language}{i} {line}\n\n" for i, line in enumerate(chunk))
  return paths


def _drawn_lines(monkeypatch, paths, **kwargs) -> list[str]:
  """Trains on the files and returns the lines SentencePiece was given."""
  seen = []

  def recording_trainer(training_file, *args):
    with open(training_file, encoding="utf-8") as f:
      seen.extend(f.read().splitlines())
    _REAL_TRAINER(training_file, *args)

  monkeypatch.setattr(vocabulary, "_run_trainer", recording_trainer)
  output = os.path.join(os.path.dirname(paths["aa"]), "out", "spm.model")
  vocabulary.train_sentencepiece(list(paths.values()), 400, output, **kwargs)
  return seen


def _count(lines: list[str], language: str) -> int:
  return sum(line.startswith(language) for line in lines)


def test_natural_proportions_train_on_every_line_once(two_languages, monkeypatch):
  drawn = _drawn_lines(monkeypatch, two_languages)
  assert sorted(drawn) == sorted(
      line for path in two_languages.values()
      for line in open(path, encoding="utf-8").read().splitlines() if line)


def test_lines_are_drawn_per_language_by_temperature(two_languages, monkeypatch, capsys):
  drawn = _drawn_lines(monkeypatch, two_languages, alpha=0.5, seed=1)
  # p ∝ (n/N)^0.5: 0.9^0.5 : 0.1^0.5 = 3 : 1 of the 1000-line budget.
  assert (_count(drawn, "aa"), _count(drawn, "bb")) == (750, 250)
  bb_copies = {line: drawn.count(line) for line in drawn if line.startswith("bb")}
  assert len(bb_copies) == 100 and set(bb_copies.values()) == {2, 3}
  assert len(set(line for line in drawn if line.startswith("aa"))) == 750
  assert "of 2 language(s), 1000 drawn with alpha=0.5 ..." in capsys.readouterr().out
  assert drawn == _drawn_lines(monkeypatch, two_languages, alpha=0.5, seed=1)
  assert drawn != _drawn_lines(monkeypatch, two_languages, alpha=0.5, seed=2)


def test_max_sentences_caps_the_draw(two_languages, monkeypatch):
  drawn = _drawn_lines(monkeypatch, two_languages, alpha=0.0, max_sentences=400)
  assert (_count(drawn, "aa"), _count(drawn, "bb")) == (200, 200)


def test_held_out_lines_never_reach_training(two_languages, monkeypatch, capsys):
  drawn = _drawn_lines(monkeypatch, two_languages, held_out_every=10)
  held_out = vocabulary.held_out_lines([two_languages["bb"]], 10)
  assert [line.split()[0] for line in held_out] == [f"bb{i}" for i in range(0, 100, 10)]
  assert not set(held_out) & set(drawn)
  assert len(drawn) == 1000 - 100
  assert "100 held out" in capsys.readouterr().out


def test_unmatched_file_names_are_one_language_and_said_so(text_file, tmp_path, capsys):
  vocabulary.train_sentencepiece([text_file], 400, str(tmp_path / "spm.model"))
  assert ("1 file(s) whose names the language regex does not match count as "
          "language und") in capsys.readouterr().out


def test_held_out_every_one_is_refused(text_file, tmp_path):
  with pytest.raises(UserError, match="held_out_every=1 leaves no training lines"):
    vocabulary.train_sentencepiece([text_file], 400, str(tmp_path / "spm.model"),
                                   held_out_every=1)


def test_ensure_vocabulary_trains_on_the_chosen_languages_only(two_languages, tmp_path, monkeypatch):
  given = []
  monkeypatch.setattr(vocabulary, "train_sentencepiece",
                      lambda files, *args, **kwargs: given.append((files, kwargs)))
  folder = os.path.dirname(two_languages["aa"])
  with pytest.raises(UserError):  # the fake trainer writes no model
    vocabulary.ensure_vocabulary(text_glob=f"{folder}/*.txt", model_dir=str(tmp_path),
                                 vocab_size=300, languages=["bb"], alpha=0.3)
  assert given == [([two_languages["bb"]], {
      "language_regex": vocabulary.DEFAULT_LANGUAGE_REGEX, "alpha": 0.3})]
