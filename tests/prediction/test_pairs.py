"""`python -m atm_jax.predict` on an XNLI run: tab-separated pairs in, the
labels `atm_jax.eval` scores out; malformed pairs refused in one sentence."""
import json
import os
import subprocess
import sys

import pytest

from atm_jax.data import synthetic, xnli_tsv
from atm_jax.vocab import vocabulary
from tests.xla_flags import xla_flags

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
pytestmark = pytest.mark.slow


def _command(module, *args, stdin=None):
  # One device: sharding is not what these tests are about.
  return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                        capture_output=True, text=True, input=stdin,
                        timeout=600, env=dict(os.environ,
                                              XLA_FLAGS=xla_flags(1)))


CUES = ("yes", "maybe", "no")  # the hypothesis word that gives the label


def _pairs(language: str, count: int = 24) -> list[tuple[str, str, str]]:
  return [(f"the {language} premise number {i} talks about the weather",
           f"{CUES[i % 3]} it is {'sunny' if i % 2 else 'raining'}",
           xnli_tsv.LABELS[i % 3]) for i in range(count)]


def _write_folder(root) -> str:
  for language in xnli_tsv.LANGUAGES:
    path = xnli_tsv.tsv_path(str(root), "dev", language)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
      f.writelines("\t".join(pair) + "\n" for pair in _pairs(language))
  return str(root)


@pytest.fixture(scope="module")
def xnli_run(tmp_path_factory):
  """A tiny XNLI run (trained on dev-en for 60 steps, long enough to tell
  the labels apart) and its eval."""
  root = tmp_path_factory.mktemp("xnli")
  data = _write_folder(root / "data")
  text = synthetic.write_text_file(str(root / "text.txt"), 2000)
  vocab = vocabulary.train_sentencepiece([text], 450, str(root / "spm.model"))
  model_dir = str(root / "run")
  flags = ["--gin_file=gin_configs/experiments/finetune_xnli_tiny.gin",
           f"--gin.XNLI_DIR='{data}'", f"--gin.VOCAB_PATH='{vocab}'",
           "--gin.VOCAB_SIZE=450", "--gin.SEQUENCE_LENGTH=32"]
  trained = _command("atm_jax.train", *flags, f"--gin.MODEL_DIR='{model_dir}'",
                     "--gin.TRAIN_STEPS=60", "--gin.BATCH_SIZE=8",
                     "--gin.OptimizerConfig.warmup_steps=10",
                     "--gin.TrainConfig.checkpoint_every=60",
                     "--gin.TrainConfig.log_every=60")
  assert trained.returncode == 0, trained.stderr[-3000:]
  evaluated = _command(
      "atm_jax.eval", *flags, "--gin_file=gin_configs/runs/eval.gin",
      "--gin.EVAL_SPLIT='dev'",
      f"--gin.CHECKPOINT_PATH='{os.path.join(model_dir, 'checkpoints', '60')}'")
  assert evaluated.returncode == 0, evaluated.stderr[-3000:]
  return model_dir


def test_pair_labels_equal_what_eval_scores(xnli_run):
  with open(os.path.join(xnli_run, "eval", "dev", "predictions-60.jsonl")) as f:
    scored = [r for r in map(json.loads, f) if r["language"] == "de"]
  pairs = _pairs("de")
  result = _command("atm_jax.predict", f"--run={xnli_run}", "--batch_size=5",
                    stdin="".join(f"{p}\t{h}\n" for p, h, _ in pairs))
  assert result.returncode == 0, result.stderr[-3000:]
  predicted = [json.loads(line) for line in result.stdout.splitlines()]
  assert [(p["premise"], p["hypothesis"]) for p in predicted] == [
      (p, h) for p, h, _ in pairs]
  assert [r["gold"] for r in scored] == [label for _, _, label in pairs]
  assert [p["label"] for p in predicted] == [r["predicted"] for r in scored]
  assert all(1 / 3 <= p["label_score"] <= 1 for p in predicted)
  assert len({p["label"] for p in predicted}) > 1  # not one label for all


def test_a_line_without_a_tab_is_one_sentence(xnli_run):
  result = _command("atm_jax.predict", f"--run={xnli_run}",
                    stdin="a premise\tits hypothesis\njust one sentence\n")
  assert result.returncode == 2, result.stderr[-2000:]
  assert "Traceback" not in result.stderr
  assert result.stderr.strip().splitlines()[-1] == (
      "error: Line 2 of standard input is not a premise and a hypothesis "
      "separated by one tab; give one pair a line.")
