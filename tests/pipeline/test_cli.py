"""`python -m atm_jax.pipeline` end to end at micro size (a few steps per
stage): every stage, the report, skipping finished stages, redoing an
interrupted one to the same numbers, refusing changed settings."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from atm_jax.data import xnli_tsv
from tests.xla_flags import xla_flags

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NLU_MODELS = ("stage1_teacher", "stage2_teacher", "student_from_stage1",
              "student_from_stage2", "student_mlm_baseline")
TEST_EXAMPLES = 40
# Micro sizes on top of the demo experiment. One device keeps a stage to
# seconds here; sharding is tested in tests/partitioning.
MICRO = """
include 'gin_configs/experiments/pipeline_tiny.gin'
generated_data.seed = 1
generated_data.public_lines = 1500
generated_data.unlabelled = 300
generated_data.train = 120
generated_data.dev = 30
generated_data.test = {test}
generated_data.xnli_dir = {xnli!r}
PipelineConfig.vocab_size = 400
PipelineConfig.sequence_length = 32
PipelineConfig.common_bindings = [
    'BATCH_SIZE = 8', 'TRAIN_STEPS = 4', 'TrainConfig.log_every = 2',
    'TrainConfig.checkpoint_every = 4', 'TrainConfig.eval_every = 0',
    'TrainConfig.eval_batches = 1']
PipelineConfig.stage1_bindings = []
PipelineConfig.stage2_bindings = []
PipelineConfig.student_bindings = []
PipelineConfig.finetune_bindings = [{finetune!r}]
PipelineConfig.xnli_bindings = []
PipelineConfig.nlu_seeds = 2
PipelineConfig.scratch_controls = False
PipelineConfig.bootstrap_replicates = 200
"""
# data, vocab, 5 pretraining runs, 5 models x 2 seeds x (fine-tune, eval),
# 2 teachers x (XNLI fine-tune, eval)
STAGES = 2 + 5 + 20 + 4


def _write_xnli(root: str) -> str:
  os.makedirs(os.path.join(root, "dev"), exist_ok=True)
  for language in xnli_tsv.LANGUAGES:
    with open(xnli_tsv.tsv_path(root, "dev", language), "w",
              encoding="utf-8") as f:
      for i in range(6):
        f.write(f"the {language} premise {i} is about rain\tit is "
                f"{'dry' if i % 2 else 'wet'}\t{xnli_tsv.LABELS[i % 3]}\n")
  return root


def _pipeline(tmp, work_dir, finetune="OptimizerConfig.peak_learning_rate = 3e-3"):
  gin_file = os.path.join(tmp, f"micro_{abs(hash(finetune))}.gin")
  with open(gin_file, "w", encoding="utf-8") as f:
    f.write(MICRO.format(test=TEST_EXAMPLES, finetune=finetune,
                         xnli=_write_xnli(os.path.join(tmp, "xnli"))))
  env = {**os.environ, "XLA_FLAGS": xla_flags(1),
         "TF_CPP_MIN_LOG_LEVEL": "3"}
  return subprocess.run(
      [sys.executable, "-m", "atm_jax.pipeline", f"--gin_file={gin_file}",
       f"--gin.WORK_DIR='{work_dir}'"],
      cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)


def _report(work_dir) -> dict:
  with open(os.path.join(work_dir, "report.json"), encoding="utf-8") as f:
    return json.load(f)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
  tmp = str(tmp_path_factory.mktemp("pipeline"))
  work_dir = os.path.join(tmp, "work")
  result = _pipeline(tmp, work_dir)
  assert result.returncode == 0, result.stderr[-3000:]
  return tmp, work_dir, result.stdout


def test_every_stage_runs_and_the_report_has_every_model(finished):
  _, work_dir, stdout = finished
  assert f"==> [{STAGES}/{STAGES}] xnli_stage2_teacher_eval" in stdout
  assert "| student_mlm_baseline |" in stdout  # the table is printed
  report = _report(work_dir)
  assert sorted(report["nlu"]) == sorted([*NLU_MODELS, "bag_of_words"])
  for model in NLU_MODELS:
    metrics = report["nlu"][model]
    assert metrics["num_examples"] == TEST_EXAMPLES
    assert 0.0 <= metrics["slot_f1"] <= 1.0
    seeds = [run["slot_f1"] for run in report["nlu_seeds"][model]]
    assert len(seeds) == 2
    assert metrics["slot_f1"] == pytest.approx(sum(seeds) / 2)
  assert len(report["comparisons"]) == 5 + 2  # and two against the floor
  for comparison in report["comparisons"]:
    for row in comparison["errors"].values():
      if row["interval"] is not None:
        assert row["interval"][0] <= row["interval"][1]
        assert row["verdict"] in ("held", "opposite", "not significant")
  for xnli in report["xnli"].values():
    assert sorted(xnli["per_language"]) == sorted(xnli_tsv.LANGUAGES)
  with open(os.path.join(work_dir, "report.md"), encoding="utf-8") as f:
    assert "95% confidence interval" in f.read()
  for name in ("training_curves.png", "error_rates.png"):
    with open(os.path.join(work_dir, name), "rb") as f:
      assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_each_stage_is_an_ordinary_run_in_its_folder(finished):
  _, work_dir, _ = finished
  for name in ("stage1_teacher", "student_from_stage2",
               "nlu_stage2_teacher_seed1", "xnli_stage1_teacher"):
    assert os.path.isdir(os.path.join(work_dir, name, "checkpoints", "4"))
  with open(os.path.join(work_dir, "student_from_stage1", "config.gin")) as f:
    assert os.path.join(work_dir, "stage1_teacher") in f.read()


def test_rerun_skips_finished_stages_and_redoes_a_lost_one(finished):
  """As after a kill inside the last fine-tuning run: its record, final
  checkpoint and evaluation are gone; the rerun redoes just that stage."""
  tmp, work_dir, _ = finished
  before = _report(work_dir)
  name = "nlu_student_mlm_baseline_seed1"
  for stage in (name, f"{name}_eval"):
    os.remove(os.path.join(work_dir, "stages", f"{stage}.json"))
  shutil.rmtree(os.path.join(work_dir, name, "checkpoints", "4"))
  shutil.rmtree(os.path.join(work_dir, name, "eval"))
  result = _pipeline(tmp, work_dir)
  assert result.returncode == 0, result.stderr[-3000:]
  # all but the two redone, and the bag-of-words floor and the speed table
  assert result.stdout.count("skipped") == STAGES
  assert f"] {name}\n" in result.stdout
  after = _report(work_dir)
  assert after["nlu"] == before["nlu"] and after["xnli"] == before["xnli"]


def test_changed_settings_of_a_finished_stage_are_refused(finished):
  tmp, work_dir, _ = finished
  result = _pipeline(tmp, work_dir,
                     finetune="OptimizerConfig.peak_learning_rate = 1e-3")
  assert result.returncode == 2
  assert ("error: Stage nlu_stage1_teacher_seed0 already finished"
          in result.stderr)
  assert len(result.stderr.strip().splitlines()[-1]) > 0


def test_missing_work_dir_is_one_sentence():
  result = subprocess.run(
      [sys.executable, "-m", "atm_jax.pipeline",
       "--gin_file=gin_configs/experiments/pipeline_tiny.gin"],
      cwd=ROOT, capture_output=True, text=True, timeout=300)
  assert result.returncode == 2
  assert "WORK_DIR is required" in result.stderr
