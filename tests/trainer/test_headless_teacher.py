"""A teacher without an MLM head (an imported BertModel) distils through the
train CLI, with the student's vocabulary taken from the teacher's run; bad
settings are refused in one sentence before anything is written."""
import json
import math
import os
import shutil
import subprocess
import sys

import pytest
from safetensors.numpy import load_file, save_file

from atm_jax import cli
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.convert import importer
from atm_jax.data.synthetic import write_text_file
from tests.convert import helpers
from tests.reliability import harness

STEPS = 3


def _headless_copy(source: str, target: str) -> None:
  """The HF checkpoint at `source` saved as a BertModel: no `cls.` tensors."""
  shutil.copytree(source, target)
  weights = os.path.join(target, "model.safetensors")
  tensors = load_file(weights)
  save_file({name: value for name, value in tensors.items()
             if not name.startswith("cls.")}, weights)
  config_path = os.path.join(target, "config.json")
  with open(config_path) as f:
    config = json.load(f)
  config["architectures"] = ["BertModel"]
  with open(config_path, "w") as f:
    json.dump(config, f)


@pytest.fixture(scope="module")
def teacher(tmp_path_factory) -> str:
  """A converted tiny BERT without an MLM head: 2 layers x 32, 129 ids."""
  folder = tmp_path_factory.mktemp("headless")
  _headless_copy(helpers.fixture("tiny_bert"), str(folder / "hf"))
  importer.convert(str(folder / "hf"), str(folder / "run"))
  return str(folder / "run")


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> str:
  path = tmp_path_factory.mktemp("text") / "lines.txt"
  write_text_file(str(path), 300, seed=0)
  return str(path)


def _flags(teacher: str, text: str, model_dir: str) -> list[str]:
  """The distill run on `teacher` with a 1 x 32 student; no VOCAB_PATH."""
  return [f"--gin_file={teacher}/{importer.MODEL_GIN}",
          "--gin_file=gin_configs/runs/distill.gin",
          f"--gin.MODEL_DIR='{model_dir}'", f"--gin.TEXT_GLOB='{text}'",
          f"--gin.TEACHER_CHECKPOINT='{teacher}'",
          f"--gin.TRAIN_STEPS={STEPS}", "--gin.BATCH_SIZE=8",
          "--gin.SEQUENCE_LENGTH=32",
          f"--gin.TrainConfig.checkpoint_every={STEPS}",
          "--gin.TrainConfig.log_every=1", "--gin.TrainConfig.eval_every=0",
          "--gin.student/EncoderConfig.num_layers=1"]


HEADLESS = ("--gin.DistillationModel.teacher_head=False",
            "--gin.DistillationModel.loss_config=@minilm_loss()")


def test_headless_teacher_distils_through_the_cli(teacher, text, tmp_path):
  model_dir = tmp_path / "student"
  result = subprocess.run(
      [sys.executable, "-m", "atm_jax.train",
       *_flags(teacher, text, str(model_dir)), *HEADLESS,
       "--gin.minilm_loss.hidden_weight=1.0",
       "--gin.DistillationModel.student_init='teacher_layers'",
       "--gin.DistillationModel.teacher_layers=(1,)"],
      cwd=harness.ROOT, env=harness.environment(), capture_output=True,
      text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  with open(model_dir / "metrics.jsonl") as f:
    train = [r for r in map(json.loads, f) if r["split"] == "train"]
  assert [r["step"] for r in train] == list(range(1, STEPS + 1))
  last = train[-1]
  assert math.isfinite(last["loss"]) and last["loss"] > 0
  assert last["attention"] > 0 and last["hidden"] > 0
  assert last["loss"] == pytest.approx(last["attention"] + last["hidden"],
                                       rel=1e-5)
  assert "kd" not in last and "agreement" not in last
  assert os.path.isdir(model_dir / "checkpoints" / str(STEPS))
  with open(model_dir / "config.gin") as f:
    assert "VOCAB_PATH = @teacher_vocabulary()" in f.read()


def _refusal(capsys, argv: list[str]) -> str:
  """The one line the train CLI prints for these flags, run in-process."""
  rewritten = cli.rewrite_gin_args(argv)
  files = [a.split("=", 1)[1] for a in rewritten if a.startswith("--gin_file=")]
  bindings = [a.split("=", 1)[1] for a in rewritten
              if a.startswith("--gin_bindings=")]
  return harness.refusal_in_process(capsys, files, bindings)


BAD = [
    ((), "has no MLM head; set DistillationModel.teacher_head = False"),
    (("--gin.DistillationModel.teacher_head=False",),
     "kd_weight is 5.0 but the teacher has no MLM head"),
    ((*HEADLESS, "--gin.minilm_loss.attention_weight=0.0"),
     "hidden_weight and attention_weight are both 0"),
    ((*HEADLESS, "--gin.DistillationLoss.relation_layer=2"),
     "relation_layer 2 is out of range for the teacher's 2 layers"),
    ((*HEADLESS, "--gin.DistillationLoss.student_relation_layer=1"),
     "student_relation_layer 1 is out of range for the student's 1 layers"),
    ((*HEADLESS, "--gin.DistillationLoss.layer_map=((0, 5),)"),
     "layer_map's teacher layer 5 is out of range"),
    ((*HEADLESS, "--gin.DistillationLoss.relation_heads=3"),
     "does not split into 3 relation heads"),
    ((*HEADLESS, "--gin.DistillationModel.student_init='teacher_layers'",
      "--gin.DistillationModel.teacher_layers=(0, 1)"),
     "names 2 layers but the student has 1"),
    ((*HEADLESS, "--gin.VOCAB_SIZE=200"),
     "has a vocabulary of 129 pieces but VOCAB_SIZE is 200; set VOCAB_SIZE "
     "= 129"),
]


@pytest.mark.parametrize("extra, words", BAD, ids=[w for _, w in BAD])
def test_bad_setting_is_refused_before_anything_is_written(
    capsys, teacher, text, tmp_path, extra, words):
  model_dir = tmp_path / "student"
  sentence = _refusal(capsys, [*_flags(teacher, text, str(model_dir)),
                               *extra])
  assert words in sentence, sentence
  assert not os.path.exists(model_dir / "config.gin")
  assert not os.path.isdir(model_dir / "checkpoints") or not os.listdir(
      model_dir / "checkpoints")


def test_another_vocabulary_is_refused(capsys, teacher, text, tmp_path):
  other = str(tmp_path / "xlmr")
  importer.convert(helpers.fixture("tiny_xlmr"), other)
  sentence = _refusal(capsys, [*_flags(teacher, text, str(tmp_path / "s")),
                               *HEADLESS, f"--gin.VOCAB_PATH='{other}/vocab'"])
  assert sentence.startswith(f"The student's vocabulary ({other}/vocab")
  assert sentence.endswith(f"is not the teacher's ({teacher}/vocab); set "
                           f"VOCAB_PATH to {teacher}/vocab.")


def test_a_teacher_without_a_vocabulary_needs_vocab_path(capsys, teacher,
                                                         text, tmp_path):
  bare = tmp_path / "bare"
  shutil.copytree(teacher, bare, ignore=shutil.ignore_patterns("vocab"))
  flags = _flags(teacher, text, str(tmp_path / "s"))
  flags = [f"--gin.TEACHER_CHECKPOINT='{bare}'" if "TEACHER_CHECKPOINT" in f
           else f for f in flags]
  sentence = _refusal(capsys, [*flags, *HEADLESS])
  assert sentence.startswith(f"The teacher run {bare} keeps no vocabulary")
  assert sentence.endswith("set VOCAB_PATH to the teacher's vocabulary.")
