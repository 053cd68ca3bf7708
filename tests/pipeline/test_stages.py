"""The planned stages: order, wiring between runs, and gin files that parse."""
import glob
import os

import gin
import pytest

from atm_jax import cli
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.pipeline.config import PipelineConfig
from atm_jax.pipeline.data_sources import PipelineData
from atm_jax.pipeline.runner import bound_value, scoped_model_bindings
from atm_jax.pipeline.stages import PublicTeacherPlanner, StagePlanner

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
  return StagePlanner(config, DATA, "/w/vocab.model", scoped_model_bindings)


def test_stages_come_in_the_papers_order():
  names = [stage.name for stage in _planner().all()]
  assert names[:5] == ["stage1_teacher", "stage2_teacher",
                       "student_from_stage1", "student_from_stage2",
                       "student_mlm_baseline"]
  assert names[5:9] == ["nlu_stage1_teacher_seed0",
                        "nlu_stage1_teacher_seed0_eval",
                        "nlu_stage1_teacher_seed1",
                        "nlu_stage1_teacher_seed1_eval"]
  assert names[-8:-4] == ["nlu_student_scratch_seed1",
                          "nlu_student_scratch_seed1_eval",
                          "nlu_student_scratch_seed2",
                          "nlu_student_scratch_seed2_eval"]
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
    ("nlu_student_from_stage2_seed1",
     ["TrainConfig.init_checkpoint", "register_nlu_task.locale",
      "EncoderConfig.embed_dim", "TrainConfig.seed"],
     ["/w/student_from_stage2", "en-US", 32, 1]),
    ("nlu_teacher_scratch_seed2",
     ["TrainConfig.init_checkpoint", "EncoderConfig.embed_dim",
      "TrainConfig.seed", "TrainConfig.model_dir"],
     [None, 64, 2, "/w/nlu_teacher_scratch_seed2"]),
    ("nlu_student_scratch_seed0",
     ["TrainConfig.init_checkpoint", "EncoderConfig.embed_dim",
      "register_nlu_task.vocab_path"], [None, 32, "/w/vocab.model"]),
    ("nlu_stage2_teacher_seed0_eval",
     ["evaluate.split", "EncoderConfig.embed_dim"], ["test", 64]),
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


# What atm_jax.convert.hf writes for all-MiniLM-L6-v2.
IMPORTED_MODEL = """VOCAB_SIZE = 30523
EncoderConfig.vocab_size = %VOCAB_SIZE
EncoderConfig.num_layers = 6
EncoderConfig.embed_dim = 384
EncoderConfig.num_heads = 12
EncoderConfig.head_dim = 32
EncoderConfig.mlp_dim = 1536
EncoderConfig.max_length = 512
EncoderConfig.type_vocab_size = 2
EncoderConfig.pre_layer_norm = False
"""


def _experiment_planner(experiment: str, work_dir: str) -> StagePlanner:
  gin.clear_config()
  try:
    cli.parse_gin([f"gin_configs/experiments/{experiment}"],
                  [f"WORK_DIR = '{work_dir}'", "DATA_DIR = '/d'",
                   "TEACHER_IMPORT = '/hf'"], typed=())
    config = PipelineConfig()
  finally:
    gin.clear_config()
  if not config.teacher_import:
    return StagePlanner(config, DATA, "/w/vocab.model", scoped_model_bindings)
  os.makedirs(os.path.join(work_dir, "teacher_import"))
  with open(os.path.join(work_dir, "teacher_import", "model.gin"), "w") as f:
    f.write(IMPORTED_MODEL)
  return PublicTeacherPlanner(config, DATA, f"{work_dir}/teacher_import/vocab",
                              scoped_model_bindings, 30523)


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_stage_of_every_pipeline_experiment_parses(experiment,
                                                         tmp_path):
  """The scale-up files too: each stage's run config parses, and the model
  of each stage is the one the experiment names."""
  planner = _experiment_planner(experiment, str(tmp_path))
  stages = planner.all()
  config = planner.config
  fine_tuned = len(planner.nlu_models()) * config.nlu_seeds
  assert len(stages) == len(planner.pretraining()) + 2 * fine_tuned + (
      4 if config.xnli else 0)
  for stage in stages:
    distilling = stage.name.startswith(("student_from", "distill_"))
    width = _bound(stage, ["student/EncoderConfig.embed_dim" if distilling
                           else "EncoderConfig.embed_dim"])[0]
    assert width > 0


def test_the_public_teacher_plan(tmp_path):
  planner = _experiment_planner("pipeline_massive_minilm.gin", str(tmp_path))
  assert [s.name for s in planner.pretraining()] == [
      "distill_minilm_student_5m", "mlm_minilm_student_5m",
      "distill_minilm_student_3m", "mlm_minilm_student_3m"]
  assert [m.name for m in planner.nlu_models()] == [
      "teacher", "distilled_minilm_student_5m", "mlm_minilm_student_5m",
      "scratch_minilm_student_5m", "distilled_minilm_student_3m",
      "mlm_minilm_student_3m", "scratch_minilm_student_3m"]
  stages = {s.name: s for s in planner.all()}
  teacher = str(tmp_path / "teacher_import")
  assert _bound(stages["distill_minilm_student_5m"], [
      "TrainConfig.teacher_checkpoint", "teacher/EncoderConfig.num_layers",
      "student/EncoderConfig.num_layers", "DistillationModel.student_init",
      "register_stage2_mixture.vocab_path"]) == [
          teacher, 6, 3, "teacher_layers", f"{teacher}/vocab"]
  assert _bound(stages["distill_minilm_student_3m"],
                ["DistillationModel.student_init"]) == ["scratch"]
  assert _bound(stages["nlu_teacher_seed1"], [
      "TrainConfig.init_checkpoint", "EncoderConfig.num_layers",
      "EncoderConfig.vocab_size"]) == [teacher, 6, 30523]
  assert _bound(stages["nlu_scratch_minilm_student_3m_seed0"], [
      "TrainConfig.init_checkpoint", "EncoderConfig.embed_dim"]) == [None, 256]
  titles = [c[0] for c in planner.comparisons()]
  assert "distilled minilm_student_5m vs MLM-only on the same text" in titles
