"""Runner pieces: gin values behind macros, a model file re-scoped for a
distillation run. The whole pipeline runs in tests/test_pipeline.py."""
import gin

from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.workflow import runner


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
