"""Worker settings come from gin and never change the order of the data."""
import gin
import pytest

from atm_jax.data.pipeline_options import pipeline_options
from atm_jax.errors import UserError


@pytest.fixture
def clean_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_defaults_are_deterministic_and_autotuned(clean_gin):
  options = pipeline_options()
  assert options.deterministic is True
  assert options.autotune.enabled is True
  assert options.threading.private_threadpool_size is None


def test_gin_turns_autotune_off_and_sets_a_private_pool(clean_gin):
  gin.parse_config(["atm_jax.data.pipeline_options.autotune = False",
                    "atm_jax.data.pipeline_options.private_threads = 3"])
  options = pipeline_options()
  assert options.autotune.enabled is False
  assert options.threading.private_threadpool_size == 3
  assert options.deterministic is True


def test_a_negative_thread_count_is_refused(clean_gin):
  with pytest.raises(UserError, match="private_threads must be 0"):
    pipeline_options(private_threads=-2)
