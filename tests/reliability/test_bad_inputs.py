"""Every bad input ends in one sentence (the `error:` line the CLIs print,
exit status 2), and a refused rerun changes no file of the existing run.

The train CLI's work (parse gin, check the run folder, train) runs in this
process through `cli.run_cleanly`, the function that turns errors into that
line, so that two dozen refusals cost seconds; tests/test_train.py and
tests/test_gin_cli_errors.py run the same refusals through real processes."""
import errno
import json
import os
import shutil

import pytest

from atm_jax import paths
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.data.synthetic_nlu import write_nlu_dataset
from tests.reliability import harness

PRETRAIN = "gin_configs/experiments/pretrain_tiny.gin"
NLU = "gin_configs/experiments/finetune_nlu_tiny.gin"
DISTILL = "gin_configs/experiments/distill_tiny.gin"


def refusal(capsys, files, *bindings) -> str:
  """The one line the train CLI prints for this command line."""
  sentence = harness.refusal_in_process(capsys, files, bindings)
  assert sentence.endswith(".") and "\n" not in sentence
  return sentence


@pytest.fixture()
def run(copy_of_reference, text_glob):
  """An existing run and the bindings that rerun it."""
  return copy_of_reference, (f"MODEL_DIR = '{copy_of_reference}'",
                             f"TEXT_GLOB = '{text_glob}'",
                             *harness_bindings())


def harness_bindings():
  """harness.TINY's --gin settings as gin bindings."""
  return [arg.removeprefix("--gin.").replace("=", " = ", 1)
          for arg in harness.TINY if arg.startswith("--gin.")]


# A rerun of an existing run with a bad setting: (binding, words of the
# sentence). Each must leave every file of the run as it was.
RERUNS = [
    ("TRAIN_STEPZ = 5", "--gin.TRAIN_STEPZ is not a setting of this config"),
    ("TrainConfig.train_stepz = 5", "did you mean TrainConfig.train_steps?"),
    ("TrainConfg.train_steps = 5", "which is not a known configurable"),
    ("TRAIN_STEPS = 'abc'", "TrainConfig.train_steps must be an int"),
    ("BATCH_SIZE = 7", "must be divisible by"),
    ("MeshConfig.data = 3", "does not divide the"),
    ("EncoderConfig.embed_dim = 32", "does not match the model config"),
    ("SEQUENCE_LENGTH = 4096", "exceeds the model's max_length"),
    ("TrainConfig.spike_factor = 0.5", "spike_factor must be above 1"),
    ("TRAIN_STEPS = (3", "The gin config could not be parsed"),
    ("OptimizerConfig.peak_learning_rate = 'high'", "must be a number"),
]


@pytest.mark.parametrize("binding, words", RERUNS,
                         ids=[binding for binding, _ in RERUNS])
def test_a_refused_rerun_changes_no_file(capsys, run, binding, words):
  model_dir, bindings = run
  before = harness.snapshot(model_dir)
  assert words in refusal(capsys, [PRETRAIN], *bindings, binding)
  assert harness.snapshot(model_dir) == before


def test_unset_required_settings(capsys, text_glob):
  assert "MODEL_DIR is required" in refusal(
      capsys, [PRETRAIN], f"TEXT_GLOB = '{text_glob}'")
  assert "TEXT_GLOB is required" in refusal(
      capsys, [PRETRAIN], "MODEL_DIR = '/tmp/x'")


def test_run_folders_that_cannot_hold_a_run(capsys, tmp_path, text_glob,
                                            monkeypatch):
  glob_binding = f"TEXT_GLOB = '{text_glob}'"
  a_file = tmp_path / "file"
  a_file.write_text("")
  assert "is a file, not a folder" in refusal(
      capsys, [PRETRAIN], f"MODEL_DIR = '{a_file}'", glob_binding)
  assert "does not exist; create it" in refusal(
      capsys, [PRETRAIN], f"MODEL_DIR = '{tmp_path}/a/b'", glob_binding)
  assert "must be a path in quotes" in refusal(
      capsys, [PRETRAIN], "MODEL_DIR = 5", glob_binding)

  def read_only(**kwargs):
    raise OSError(errno.EROFS, "Read-only file system")
  monkeypatch.setattr(paths.tempfile, "mkstemp", read_only)
  assert "cannot be written (Read-only file system" in refusal(
      capsys, [PRETRAIN], f"MODEL_DIR = '{tmp_path}'", glob_binding)
  assert os.listdir(tmp_path) == ["file"]


def test_missing_inputs(capsys, tmp_path, text_glob, reference_run):
  model_dir = f"MODEL_DIR = '{tmp_path}/run'"
  assert "matches no file" in refusal(
      capsys, [PRETRAIN], model_dir, f"TEXT_GLOB = '{tmp_path}/none/*.txt'")
  assert "does not exist" in refusal(
      capsys, ["gin_configs/experiments/no_such.gin"], model_dir)
  assert "No checkpoint found" in refusal(
      capsys, [PRETRAIN], model_dir, f"TEXT_GLOB = '{text_glob}'",
      f"VOCAB_PATH = '{reference_run}/vocab/spm.model'",
      f"INIT_CHECKPOINT = '{tmp_path}/none'")
  assert "none.model does not exist; fix the path" in refusal(
      capsys, [PRETRAIN], model_dir, f"TEXT_GLOB = '{text_glob}'",
      f"VOCAB_PATH = '{tmp_path}/none.model'")


def test_distillation_inputs(capsys, tmp_path, text_glob, reference_run):
  common = (f"MODEL_DIR = '{tmp_path}/student'", f"TEXT_GLOB = '{text_glob}'",
            f"VOCAB_PATH = '{reference_run}/vocab/spm.model'")
  assert "No checkpoint found" in refusal(
      capsys, [DISTILL], *common, f"TEACHER_CHECKPOINT = '{tmp_path}/none'")
  other = tmp_path / "other"
  shutil.copytree(reference_run, other)
  shutil.rmtree(other / "vocab")
  shutil.copytree(os.path.join(reference_run, "vocab"), other / "vocab")
  with open(other / "vocab" / "spm.model", "ab") as f:
    f.write(b"\0")
  assert "is not the teacher's" in refusal(
      capsys, [DISTILL], *common, f"TEACHER_CHECKPOINT = '{other}'")


def _massive(tmp_path, annotation: str) -> str:
  folder = tmp_path / "massive"
  write_nlu_dataset(str(folder), locales=("en-US",),
                    sizes={"train": 8, "dev": 4, "test": 4, "unlabelled": 0})
  path = folder / "en-US.jsonl"
  rows = [json.loads(line) for line in path.read_text().splitlines()]
  rows[0]["annot_utt"] = annotation
  path.write_text("".join(json.dumps(row) + "\n" for row in rows))
  return str(path)


def test_nlu_data_inputs(capsys, tmp_path, reference_run):
  common = (f"MODEL_DIR = '{tmp_path}/nlu'",
            f"VOCAB_PATH = '{reference_run}/vocab/spm.model'",
            "NLU_FORMAT = 'massive'", "NLU_LOCALE = 'en-US'")
  malformed = _massive(tmp_path, "wake me [time : at seven")
  assert "annotation" in refusal(capsys, [NLU], *common,
                                 f"NLU_DATA_DIR = '{malformed}'")
  assert "NLU_DATA_DIR" in refusal(capsys, [NLU], *common,
                                   f"NLU_DATA_DIR = '{tmp_path}/none'")
