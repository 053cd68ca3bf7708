"""Runner pieces: gin values behind macros, a model file re-scoped for a
distillation run. The whole pipeline runs in tests/test_pipeline.py."""
import gin

from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.pipeline import runner


def test_bound_value_follows_macros():
  gin.clear_config()
  try:
    gin.parse_config(["TRAIN_STEPS = 7", "STEPS = %TRAIN_STEPS",
                      "TrainConfig.train_steps = %STEPS",
                      "TrainConfig.batch_size = 3"])
    assert runner.bound_value("TrainConfig.train_steps") == 7
    assert runner.bound_value("TrainConfig.batch_size") == 3
  finally:
    gin.clear_config()


def test_scoped_model_bindings_rescope_a_model_file():
  bindings = runner.scoped_model_bindings("gin_configs/models/tiny.gin",
                                          "teacher")
  assert "teacher/EncoderConfig.embed_dim = 64" in bindings
  assert "teacher/EncoderConfig.num_layers = 2" in bindings
  assert not any(".vocab_size =" in b for b in bindings)
  assert not gin.config_str().strip()  # nothing left bound afterwards


def test_an_imported_teacher_brings_its_vocabulary(tmp_path):
  """With teacher_import, the pipeline converts the checkpoint once (a
  recorded stage) and plans with the teacher's vocabulary and size."""
  from atm_jax.pipeline.config import PipelineConfig  # pylint: disable=g-import-not-at-top
  from atm_jax.pipeline.data_sources import PipelineData  # pylint: disable=g-import-not-at-top
  from atm_jax.pipeline.stages import PublicTeacherPlanner  # pylint: disable=g-import-not-at-top
  from tests.convert import helpers  # pylint: disable=g-import-not-at-top
  data = PipelineData("/d/*.txt", "/d/in.txt", "/d/en-US.jsonl", "massive",
                      "en-US", None, "d")
  config = PipelineConfig(
      work_dir=str(tmp_path), data=lambda out: data,
      teacher_import=helpers.fixture("tiny_bert"),
      student_models=("gin_configs/models/tiny_student.gin",))
  pipeline = runner.PipelineRunner(config)
  planner = pipeline._planner(data)  # pylint: disable=protected-access
  assert isinstance(planner, PublicTeacherPlanner)
  assert planner.vocab_path == str(tmp_path / "teacher_import" / "vocab")
  with open(tmp_path / "teacher_import" / "model.gin") as f:
    size = int(f.read().split("VOCAB_SIZE = ")[1].split()[0])
  assert planner.vocab_size == size
  assert (tmp_path / "stages" / "teacher_import.json").exists()
  again = runner.PipelineRunner(config)._planner(data)  # pylint: disable=protected-access
  assert again.vocab_size == size  # from the record; nothing converted twice
