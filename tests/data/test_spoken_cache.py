"""Files are converted to spoken form once, line for line, and redone only when stale."""
import os

import pytest

from atm_jax.data import spoken_cache
from atm_jax.data import spoken_form
from atm_jax.errors import UserError

LINES = ["I have 3 cats.", "", "It costs 25% more!", "Call me at 7."]


@pytest.fixture
def source(tmp_path) -> str:
  path = tmp_path / "text" / "en.txt"
  path.parent.mkdir()
  path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
  return str(path)


def _read(path: str) -> list[str]:
  with open(path, encoding="utf-8") as f:
    return f.read().splitlines()


@pytest.mark.parametrize("code, expected", [
    ("deu", "de"), ("de", "de"), ("en-US", "en"), ("jpn", "ja"), ("tel", "te"),
    ("rus", None), ("und", None)])
def test_spoken_language_maps_file_codes_to_to_spoken_codes(code, expected):
  assert spoken_cache.spoken_language(code) == expected


def test_each_line_becomes_its_spoken_form_blank_lines_stay(source, tmp_path, capsys):
  [cached] = spoken_cache.cache_spoken([source], "eng", str(tmp_path / "cache"))
  assert os.path.dirname(cached) == str(tmp_path / "cache" / "eng")
  assert _read(cached) == [spoken_form.to_spoken(line, "en") if line else "" for line in LINES]
  assert _read(cached)[0] == "i have three cats"
  output = capsys.readouterr().out
  assert output.startswith("Spoken form of eng: converting 1 of 1 file(s)")
  assert output.count("\n") == 1 and "4 lines in" in output


def test_up_to_date_files_are_not_converted_again(source, tmp_path, capsys, monkeypatch):
  cache = str(tmp_path / "cache")
  first = spoken_cache.cache_spoken([source], "en", cache)

  def no_conversion(text, lang):
    raise AssertionError("an up-to-date file must not be converted again")

  monkeypatch.setattr(spoken_form, "to_spoken", no_conversion)
  monkeypatch.setattr(spoken_cache, "spoken_language", lambda language: "en")
  assert spoken_cache.cache_spoken([source], "en", cache) == first
  assert capsys.readouterr().out.endswith("1 file(s) up to date in " f"{cache}/en.\n")


def test_changed_source_or_converter_redoes_the_file(source, tmp_path, monkeypatch):
  cache = str(tmp_path / "cache")
  [cached] = spoken_cache.cache_spoken([source], "en", cache)
  with open(source, "a", encoding="utf-8") as f:
    f.write("Two more.\n")
  spoken_cache.cache_spoken([source], "en", cache)
  assert _read(cached)[-1] == "two more"
  monkeypatch.setattr(spoken_form, "to_spoken", lambda text, lang: "changed")
  monkeypatch.setattr(spoken_cache, "spoken_language", lambda language: "en")
  spoken_cache.cache_spoken([source], "en", cache)
  assert _read(cached)[-1] == "two more"  # same converter fingerprint: kept
  monkeypatch.setattr(spoken_cache, "_converter_fingerprint", lambda: "new rules")
  spoken_cache.cache_spoken([source], "en", cache)
  assert _read(cached)[-1] == "changed"


def test_same_name_in_two_folders_gets_two_cached_files(source, tmp_path):
  other = tmp_path / "other" / "en.txt"
  other.parent.mkdir()
  other.write_text("Five.\n", encoding="utf-8")
  first, second = spoken_cache.cache_spoken([source, str(other)], "en", str(tmp_path / "c"))
  assert first != second and _read(second) == ["five"]


def test_a_failing_line_names_file_and_line_and_leaves_nothing(source, tmp_path, monkeypatch):
  def fail_on_percent(text, lang):
    if "%" in text:
      raise ValueError("cannot read this number")
    return text

  monkeypatch.setattr(spoken_form, "to_spoken", fail_on_percent)
  monkeypatch.setattr(spoken_cache, "spoken_language", lambda language: "en")
  cache = tmp_path / "cache"
  with pytest.raises(UserError, match=rf"{source}:3: the spoken form of this line failed "
                                      r"\(cannot read this number\)"):
    spoken_cache.cache_spoken([source], "en", str(cache))
  assert os.listdir(cache / "en") == []


def test_bad_inputs_are_user_errors(source, tmp_path):
  latin1 = tmp_path / "latin1.txt"
  latin1.write_bytes("ok\nd\xe9j\xe0 vu\n".encode("latin-1"))
  with pytest.raises(UserError, match=rf"{latin1}:2 is not UTF-8"):
    spoken_cache.cache_spoken([str(latin1)], "fr", str(tmp_path / "cache"))
  with pytest.raises(UserError, match="Spoken form has no rules for language 'rus'"):
    spoken_cache.cache_spoken([source], "rus", str(tmp_path / "cache"))
  with pytest.raises(UserError, match="missing.txt does not exist"):
    spoken_cache.cache_spoken([str(tmp_path / "missing.txt")], "en", str(tmp_path / "cache"))


def test_default_cache_dir_is_inside_the_run():
  assert spoken_cache.spoken_cache_dir("/runs/a") == "/runs/a/spoken_cache"
