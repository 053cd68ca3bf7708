"""The generated text is deterministic, varied and rich enough for a real vocabulary;
`python -m atm_jax.data.synthetic` writes the NLU data set."""
import os
import re
import subprocess
import sys

from atm_jax.data import synthetic
from atm_jax.vocab import vocabulary

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_same_seed_same_lines_other_seed_other_lines():
  assert synthetic.generate_lines(200, seed=3) == synthetic.generate_lines(200, seed=3)
  assert synthetic.generate_lines(200, seed=3) != synthetic.generate_lines(200, seed=4)
  assert synthetic.generate_lines(50, seed=3) == synthetic.generate_lines(200, seed=3)[:50]


def test_mixes_spoken_utterances_and_written_sentences():
  lines = synthetic.generate_lines(2000)
  assert len(lines) == 2000 and all(line.strip() == line and line for line in lines)
  spoken = [line for line in lines if re.fullmatch(r"[a-z' ]+", line)]
  written = [line for line in lines if line[0].isupper() and line.endswith(".")]
  assert len(spoken) + len(written) == len(lines)
  assert 0.6 < len(spoken) / len(lines) < 0.9
  assert max(len(line.split()) for line in written) > 2 * max(len(line.split()) for line in spoken)


def test_has_hundreds_of_distinct_words():
  lines = synthetic.generate_lines(3000)
  words = {word.strip(".,").lower() for line in lines for word in line.split()}
  assert len(words) > 800
  assert len(set(lines)) > 1500


def test_write_text_file_writes_one_line_each(tmp_path):
  path = synthetic.write_text_file(str(tmp_path / "new" / "text.txt"), 30, seed=1)
  with open(path, encoding="utf-8") as f:
    assert f.read().splitlines() == synthetic.generate_lines(30, seed=1)


def test_three_thousand_lines_support_a_1000_piece_vocabulary(tmp_path):
  text = synthetic.write_text_file(str(tmp_path / "text.txt"), 3000)
  model = vocabulary.train_sentencepiece([text], 1000, str(tmp_path / "spm.model"))
  vocabulary.check_vocabulary(model)


def _run_generator(*flags: str) -> subprocess.CompletedProcess:
  env = {**os.environ, "PYTHONPATH": _REPO}
  return subprocess.run([sys.executable, "-m", "atm_jax.data.synthetic", *flags],
                        cwd=_REPO, env=env, capture_output=True, text=True,
                        timeout=120)


def test_cli_writes_the_nlu_files_and_one_line_per_locale(tmp_path):
  result = _run_generator(f"--out={tmp_path}", "--seed=2", "--train=40", "--dev=5",
                          "--test=5", "--unlabelled=30", "--locales=de-DE,es-ES")
  assert result.returncode == 0, result.stderr
  lines = result.stdout.splitlines()
  assert [line.split(":")[0] for line in lines] == ["de-DE", "es-ES"]
  assert "40 train / 5 dev / 5 test utterances" in lines[0]
  for locale in ("de-DE", "es-ES"):
    with open(tmp_path / f"{locale}.jsonl", encoding="utf-8") as f:
      assert len(f.readlines()) == 50
    with open(tmp_path / "unlabelled" / f"{locale}.txt", encoding="utf-8") as f:
      assert len(f.read().splitlines()) == 30
  assert sorted(os.listdir(tmp_path)) == ["de-DE.jsonl", "es-ES.jsonl", "unlabelled"]


def test_cli_unknown_locale_is_one_line_and_status_2(tmp_path):
  result = _run_generator(f"--out={tmp_path}", "--locales=en-GB")
  assert result.returncode == 2
  assert result.stderr.strip() == ("error: No templates for locale 'en-GB'; choose "
                                   "from en-US, de-DE, fr-FR, es-ES.")
