"""`python -m atm_jax.inspect_data` prints a task's examples feature by feature."""
import ast
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import seqio

from atm_jax import inspect_data as inspect_cli
from atm_jax.data import synthetic
from atm_jax.vocab import vocabulary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, str]:
  folder = tmp_path_factory.mktemp("inspect")
  text = synthetic.write_text_file(str(folder / "text.txt"), 1500, seed=2)
  vocab = vocabulary.train_sentencepiece([text], 450, str(folder / "spm.model"))
  with open(text, encoding="utf-8") as f:
    lines = f.read().splitlines()
  return {"folder": str(folder), "text": text, "vocab": vocab, "lines": lines}


def _run(*flags: str, pythonpath: str = "") -> subprocess.CompletedProcess:
  env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, pythonpath]))}
  return subprocess.run([sys.executable, "-m", "atm_jax.inspect_data", *flags], cwd=ROOT,
                        env=env, capture_output=True, text=True, timeout=300)


def _shown_texts(stdout: str) -> list[str]:
  return [ast.literal_eval(line.split(": ", 1)[1]) for line in stdout.splitlines()
          if line.startswith("  targets: ")]


def test_describe_shows_text_pieces_ids_strings_and_other_values(corpus):
  vocab = vocabulary.load_vocabulary(corpus["vocab"])
  ids = np.array(vocab.encode("set an alarm") + [1], np.int32)
  shown = inspect_cli.describe(
      {"targets": ids, "language": b"en", "labels": np.array([0, 3])},
      {"targets": seqio.Feature(vocab)}).splitlines()
  assert shown[0] == "  targets: 'set an alarm'"
  assert shown[1].startswith(f"    pieces ({len(ids)}): ▁") and shown[1].endswith(" </s>")
  assert shown[2] == f"    ids: {ids.tolist()}"
  assert shown[3:] == ["  language: 'en'", "  labels: [0, 3]"]


def test_gin_config_registers_the_runs_task_and_prints_it(corpus):
  result = _run("--gin_file=gin_configs/experiments/pretrain_tiny.gin",
                f"--gin.MODEL_DIR='{corpus['folder']}/run'", f"--gin.TEXT_GLOB='{corpus['text']}'",
                f"--gin.VOCAB_PATH='{corpus['vocab']}'", "-n", "2")
  assert result.returncode == 0, result.stderr
  assert "text_mlm / train example 1:" in result.stdout
  assert "text_mlm / train example 3:" not in result.stdout
  # Unshuffled: the first training lines (line 0 is validation).
  assert _shown_texts(result.stdout) == corpus["lines"][1:3]


def test_module_flag_imports_registrations(corpus, tmp_path):
  (tmp_path / "my_tasks.py").write_text(textwrap.dedent(f"""
      from tasks import text_mlm
      text_mlm.register_text_mlm({corpus['text']!r}, {corpus['vocab']!r}, name="my_corpus",
                                 validation_every=10)
  """))
  result = _run("--module=my_tasks", "--task=my_corpus", "--split=validation",
                "--num_examples=1", pythonpath=str(tmp_path))
  assert result.returncode == 0, result.stderr
  assert _shown_texts(result.stdout) == corpus["lines"][:1]
  result = _run("--module=my_tasks", "--task=my_corpuss", pythonpath=str(tmp_path))
  assert result.returncode == 2
  assert result.stderr.strip().splitlines()[-1] == (
      "error: No SeqIO task or mixture is registered as 'my_corpuss' (closest "
      "registered: 'my_corpus'); fix the name or register it first (e.g. "
      "tasks.text_mlm.register_text_mlm).")
