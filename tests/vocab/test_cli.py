"""`python -m atm_jax.vocab` trains a vocabulary, or fails in one line with status 2."""
import json
import os
import subprocess
import sys

import pytest

from atm_jax.data import synthetic
from atm_jax.vocab import vocabulary

pytestmark = pytest.mark.slow
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run_cli(*flags: str) -> subprocess.CompletedProcess:
  env = {**os.environ, "PYTHONPATH": _REPO}
  return subprocess.run([sys.executable, "-m", "atm_jax.vocab", *flags], cwd=_REPO,
                        env=env, capture_output=True, text=True, timeout=120)


def test_trains_a_checked_vocabulary(tmp_path):
  synthetic.write_text_file(str(tmp_path / "text" / "a.txt"), 1500, seed=1)
  synthetic.write_text_file(str(tmp_path / "text" / "b.txt"), 1500, seed=2)
  output = tmp_path / "vocab" / "spm.model"
  result = _run_cli(f"--input_glob={tmp_path}/text/*.txt", "--vocab_size=450",
                    f"--output={output}")
  assert result.returncode == 0, result.stderr
  assert "3000 lines in 2 file(s)" in result.stdout and "done in" in result.stdout
  vocabulary.check_vocabulary(str(output))
  assert (tmp_path / "vocab" / "spm.vocab").exists()


def test_glob_matching_nothing_is_one_line_and_status_2(tmp_path):
  result = _run_cli(f"--input_glob={tmp_path}/nothing*.txt", "--vocab_size=450",
                    f"--output={tmp_path}/spm.model")
  assert result.returncode == 2
  assert result.stderr.strip().count("\n") == 0
  assert result.stderr.startswith("error: --input_glob=") and "matches no file" in result.stderr


def test_too_large_vocab_size_is_one_line_and_status_2(tmp_path):
  text = synthetic.write_text_file(str(tmp_path / "text.txt"), 500)
  result = _run_cli(f"--input_glob={text}", "--vocab_size=90000",
                    f"--output={tmp_path}/spm.model")
  assert result.returncode == 2
  assert result.stderr.strip().count("\n") == 0
  assert "too large" in result.stderr and "Please set it to a value <=" in result.stderr
  assert not (tmp_path / "spm.model").exists()


def test_reports_the_fit_per_language(tmp_path):
  lines = synthetic.generate_lines(1200, seed=4)
  (tmp_path / "en.txt").write_text("\n".join(lines[:1000]) + "\n")
  (tmp_path / "xx.txt").write_text("\n".join(line.upper() for line in lines[1000:]) + "\n")
  report = tmp_path / "report.json"
  result = _run_cli(f"--input_glob={tmp_path}/*.txt", "--vocab_size=450",
                    f"--output={tmp_path}/spm.model", "--held_out_every=20",
                    f"--report={report}")
  assert result.returncode == 0, result.stderr
  assert "2 language(s), 1140 drawn with alpha=0.3, 60 held out" in result.stdout
  rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[3:-1]}
  assert set(rows) == {"en", "xx", "all"}
  assert rows["en"][1] == "50" and rows["xx"][1] == "10"
  languages = json.loads(report.read_text())["languages"]
  assert languages["xx"]["lines"] == 10 and languages["all"]["lines"] == 60


def test_report_without_held_out_lines_is_refused(tmp_path):
  text = synthetic.write_text_file(str(tmp_path / "text.txt"), 500)
  result = _run_cli(f"--input_glob={text}", "--vocab_size=450", "--held_out_every=0",
                    f"--output={tmp_path}/spm.model", f"--report={tmp_path}/r.json")
  assert result.returncode == 2 and "--held_out_every=0 holds out none" in result.stderr
  assert not (tmp_path / "spm.model").exists()
