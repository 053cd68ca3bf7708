"""`python -m atm_jax.convert.hf`: a run directory, or one sentence and exit 2."""
import os
import subprocess
import sys

from tests.convert import helpers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _convert(checkpoint, output):
  return subprocess.run(
      [sys.executable, "-m", "atm_jax.convert.hf", f"--checkpoint={checkpoint}",
       f"--output={output}"], cwd=ROOT, capture_output=True, text=True,
      timeout=300)


def test_converts_a_folder(tmp_path):
  result = _convert(helpers.fixture("tiny_xlmr"), tmp_path / "run")
  assert result.returncode == 0, result.stderr[-2000:]
  assert "Converted 2 layers x 32 (67 ids) with its MLM head" in result.stdout
  assert sorted(os.listdir(tmp_path / "run")) == ["checkpoints", "model.gin",
                                                 "vocab"]


def test_prints_one_sentence_and_exits_2(tmp_path):
  result = _convert(tmp_path, tmp_path / "out")
  assert result.returncode == 2
  assert result.stderr.strip().splitlines()[-1].startswith(
      f"error: {tmp_path} has no config.json")
  assert not (tmp_path / "out").exists()
