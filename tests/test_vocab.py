"""`python -m atm_jax.vocab` trains a vocabulary, or fails in one line with status 2."""
import os
import subprocess
import sys

import pytest

from atm_jax.data import synthetic
from atm_jax.data import vocabulary

pytestmark = pytest.mark.slow
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
