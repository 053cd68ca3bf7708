"""The planned stages: order, wiring between runs, and gin files that parse."""
import glob
import os

import gin
import pytest

from atm_jax import cli
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.workflow.config import PipelineConfig
from atm_jax.workflow.data_sources import PipelineData
from atm_jax.workflow.runner import bound_value, scoped_model_bindings
from atm_jax.workflow.stages import StagePlanner

DATA = PipelineData(public_text_glob="/d/public/*.txt",
                    in_domain_glob="/d/in_domain.txt",
                    nlu_data_dir="/d/en-US.jsonl", nlu_format="massive",
                    nlu_locale="en-US", xnli_dir="/d/xnli", description="d")


def _planner(**changes) -> StagePlanner:
  config = PipelineConfig(
      work_dir="/w", data=lambda out: DATA,
      teacher_model="gin_configs/models/tiny.gin",
      student_model="gin_configs/models/tiny_student.gin",
      student_bindings=("TRAIN_STEPS = 11",), **changes)
  scoped = {s: scoped_model_bindings(m, s) for s, m in
            (("teacher", config.teacher_model),
             ("student", config.student_model))}
  return StagePlanner(config, DATA, "/w/vocab.model", scoped)


def test_stages_come_in_the_papers_order():
  names = [stage.name for stage in _planner().all()]
  assert names[:5] == ["stage1_teacher", "stage2_teacher",
                       "student_from_stage1", "student_from_stage2",
                       "student_mlm_baseline"]
  assert names[5:7] == ["nlu_stage1_teacher", "nlu_stage1_teacher_eval"]
  assert names[-4:] == ["xnli_stage1_teacher", "xnli_stage1_teacher_eval",
                        "xnli_stage2_teacher", "xnli_stage2_teacher_eval"]


def test_no_xnli_stages_without_xnli_data():
  planner = _planner(xnli=False)
  assert not [s for s in planner.all() if s.name.startswith("xnli")]


def _bound(stage, selectors):
  """Values as the stage's run sees them (an evaluation gets its checkpoint
  when it starts)."""
  extra = () if stage.kind == "train" else ("CHECKPOINT_PATH = '/w/x/4'",)
  gin.clear_config()
  try:
    cli.parse_gin(stage.gin_files, stage.bindings + extra, typed=())
    return [bound_value(s) for s in selectors]
  finally:
    gin.clear_config()


@pytest.mark.parametrize("name, selectors, expected", [
    ("stage2_teacher", ["TrainConfig.init_checkpoint", "TrainConfig.model_dir"],
     ["/w/stage1_teacher", "/w/stage2_teacher"]),
    ("student_from_stage1",
     ["TrainConfig.teacher_checkpoint", "teacher/EncoderConfig.embed_dim",
      "student/EncoderConfig.embed_dim", "TrainConfig.train_steps",
      "register_stage2_mixture.in_domain_glob"],
     ["/w/stage1_teacher", 64, 32, 11, "/d/in_domain.txt"]),
    ("student_mlm_baseline",
     ["TrainConfig.init_checkpoint", "TrainConfig.train_steps",
      "EncoderConfig.embed_dim"], [None, 11, 32]),
    ("nlu_student_from_stage2",
     ["TrainConfig.init_checkpoint", "register_nlu_task.locale",
      "EncoderConfig.embed_dim"],
     ["/w/student_from_stage2", "en-US", 32]),
    ("nlu_stage2_teacher_eval", ["evaluate.split", "EncoderConfig.embed_dim"],
     ["test", 64]),
    ("xnli_stage2_teacher_eval", ["evaluate.split", "evaluate.kind"],
     ["dev", "xnli"]),
])
def test_each_stage_parses_and_is_wired_to_its_inputs(name, selectors,
                                                      expected):
  stage = next(s for s in _planner().all() if s.name == name)
  assert _bound(stage, selectors) == expected


EXPERIMENTS = sorted(
    os.path.basename(p) for p in glob.glob(
        os.path.join(cli.PROJECT_ROOT, "gin_configs/experiments/pipeline_*.gin")))


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_stage_of_every_pipeline_experiment_parses(experiment):
  """The scale-up files too: each stage's run config parses, and the model
  of each stage is the one the experiment names."""
  gin.clear_config()
  try:
    cli.parse_gin([f"gin_configs/experiments/{experiment}"],
                  ["WORK_DIR = '/w'", "DATA_DIR = '/d'"], typed=())
    config = PipelineConfig()
  finally:
    gin.clear_config()
  scoped = {s: scoped_model_bindings(m, s) for s, m in
            (("teacher", config.teacher_model),
             ("student", config.student_model))}
  stages = StagePlanner(config, DATA, "/w/vocab.model", scoped).all()
  assert len(stages) == 19
  for stage in stages:
    width = _bound(stage, ["student/EncoderConfig.embed_dim"
                           if stage.name.startswith("student_from")
                           else "EncoderConfig.embed_dim"])[0]
    assert width > 0
