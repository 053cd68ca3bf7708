"""Reading a run's gin config for planning, with no data at hand."""
import gin
import pytest

from atm_jax.errors import UserError
from atm_jax.planning import run_config


@pytest.fixture(autouse=True)
def _fresh_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_pretraining_needs_no_run_dir_text_or_vocabulary():
  # TEXT_GLOB is a placeholder (None): registering the task, or training a
  # vocabulary, would fail on it; the trainer calls the registration later.
  run = run_config.load(["gin_configs/experiments/pretrain_tiny.gin"],
                        ["BATCH_SIZE = 8"])
  assert callable(run.config.task)
  assert run.config.batch_size == 8
  assert run.model.config.vocab_size == 1000
  assert run.optimizer.peak_learning_rate == 2e-3


def test_distillation_reads_teacher_and_student_scopes():
  run = run_config.load(["gin_configs/experiments/distill_tiny.gin"], [])
  assert (run.model.teacher.embed_dim, run.model.student.embed_dim) == (64, 32)
  assert run.config.teacher_checkpoint is None


def test_fine_tuning_is_refused_in_one_sentence():
  with pytest.raises(UserError, match="fine-tuning runs is not supported"):
    run_config.load(["gin_configs/experiments/finetune_nlu_tiny.gin"],
                    ["NLU_DATA_DIR = '/nonexistent'",
                     "NLU_FORMAT = 'massive'"])
