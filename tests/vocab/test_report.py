"""The per-language fit counts words, pieces, unknown and byte-fallback pieces."""
import json

import pytest
import sentencepiece as spm

from atm_jax.data import synthetic
from atm_jax.errors import UserError
from atm_jax.vocab import report as vocab_report
from atm_jax.vocab import vocabulary

ENGLISH = ["set an alarm for seven am", "play some jazz in the kitchen"]
RUSSIAN = ["включи свет", "какая погода"]  # script absent from the English training text


@pytest.fixture(scope="module")
def english_vocab(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("report")
  text = synthetic.write_text_file(str(folder / "text.txt"), 2000)
  return vocabulary.train_sentencepiece([text], 450, str(folder / "spm.model"))


@pytest.fixture(scope="module")
def fits(english_vocab) -> dict[str, vocab_report.LanguageFit]:
  return vocab_report.measure(english_vocab, {"en": ENGLISH, "ru": RUSSIAN})


def test_counts_match_the_encoding(english_vocab, fits):
  processor = spm.SentencePieceProcessor(model_file=english_vocab)
  english = fits["en"]
  assert (english.lines, english.words) == (2, 12)
  assert english.pieces == sum(len(processor.EncodeAsIds(line)) for line in ENGLISH)
  assert english.pieces_per_word == english.pieces / 12 >= 1
  assert english.byte_pieces == english.unknown_pieces == 0


def test_unseen_script_falls_back_to_bytes_not_unk(fits):
  russian = fits["ru"]
  letters = sum(len(line.replace(" ", "")) for line in RUSSIAN)
  assert russian.unknown_rate == 0.0
  assert russian.byte_pieces == 2 * letters  # two UTF-8 bytes per Cyrillic letter
  assert 0.8 < russian.byte_fallback_rate < 1.0  # the rest are word-boundary pieces


def test_all_row_sums_the_languages(fits):
  total = fits[vocab_report.ALL_LANGUAGES]
  assert total.pieces == fits["en"].pieces + fits["ru"].pieces
  assert total.words == 16 and total.lines == 4
  assert list(fits) == ["en", "ru", "all"]


def test_table_has_a_row_per_language(fits):
  table = vocab_report.format_table(fits).splitlines()
  assert table[0].split() == ["language", "lines", "words", "pieces", "pieces/word",
                              "unk", "rate", "byte", "rate"]
  assert [row.split()[0] for row in table[1:]] == ["en", "ru", "all"]


def test_json_report_round_trips(english_vocab, fits, tmp_path):
  path = tmp_path / "sub" / "report.json"
  vocab_report.write_json(fits, english_vocab, str(path))
  report = json.loads(path.read_text())
  assert report["vocab_size"] == 450 and report["vocabulary"].endswith("spm.model")
  assert report["languages"]["ru"]["byte_pieces"] == fits["ru"].byte_pieces
  assert report["languages"]["en"]["pieces_per_word"] == round(fits["en"].pieces_per_word, 4)
  assert [p.name for p in path.parent.iterdir()] == ["report.json"]


def test_unwritable_report_path_is_a_user_error(english_vocab, fits, tmp_path):
  blocker = tmp_path / "file"
  blocker.write_text("")
  with pytest.raises(UserError, match="Cannot write the vocabulary report"):
    vocab_report.write_json(fits, english_vocab, str(blocker / "report.json"))
