"""Reading utterances for atm_jax.predict: formats, word offsets, refusals."""
import json

import pytest

from atm_jax.errors import UserError
from atm_jax.prediction import inputs


def test_words_carry_their_character_offsets():
  utterance = inputs.split_words("  wake me\tup  at 7 ")
  assert utterance.words == ("wake", "me", "up", "at", "7")
  assert [utterance.text[a:b] for a, b in utterance.spans] == list(
      utterance.words)
  by_character = inputs.split_words("明日 七時", characters=True)
  assert by_character.words == ("明", "日", "七", "時")
  assert by_character.spans == ((0, 1), (1, 2), (3, 4), (4, 5))


def test_raw_massive_and_jointbert_inputs(tmp_path):
  raw = tmp_path / "lines.txt"
  raw.write_text("wake me up\nplay jazz\n", encoding="utf-8")
  assert inputs.read_texts(str(raw)) == ["wake me up", "play jazz"]
  massive = tmp_path / "en-US.jsonl"
  massive.write_text("\n".join(json.dumps({"utt": u, "annot_utt": u})
                               for u in ("wake me up", "play jazz")) + "\n")
  assert inputs.read_texts(str(massive)) == ["wake me up", "play jazz"]
  split = tmp_path / "test"
  split.mkdir()
  (split / "seq.in").write_text("wake me up\n")
  assert inputs.read_texts(str(split)) == ["wake me up"]


@pytest.mark.parametrize("content,message", [
    (b"wake me\n\nplay\n", r"^Line 2 of .*lines.txt is empty; give one "
                           r"utterance a line\.$"),
    (b"caf\xe9\n", r"^Input .*lines.txt is not UTF-8 \(byte 0xe9 on line 1\); "
                   r"convert it, e\.g\. iconv -f latin1 -t utf-8\.$"),
    (b"", r"^Input .*lines.txt holds no utterance; give one a line\.$"),
])
def test_bad_inputs_are_one_sentence(tmp_path, content, message):
  path = tmp_path / "lines.txt"
  path.write_bytes(content)
  with pytest.raises(UserError, match=message):
    inputs.read_texts(str(path))


def test_a_missing_file_and_a_massive_line_without_text(tmp_path):
  with pytest.raises(UserError, match=r"^Input .*none.txt does not exist; "):
    inputs.read_texts(str(tmp_path / "none.txt"))
  bad = tmp_path / "x.jsonl"
  bad.write_text('{"text": "no utt"}\n')
  with pytest.raises(UserError, match=r"^Line 1 of .*x.jsonl has no text "
                     r"field 'utt'"):
    inputs.read_texts(str(bad))
