"""One text file, one vocabulary and one uninterrupted reference run, shared
by the reliability tests."""
import os
import shutil

import pytest

from atm_jax.data.synthetic import write_text_file
from tests.reliability import harness


@pytest.fixture(scope="session")
def text_glob(tmp_path_factory) -> str:
  folder = tmp_path_factory.mktemp("reliability_text")
  write_text_file(str(folder / "lines.txt"), 3000, seed=0)
  return str(folder / "*.txt")


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory, text_glob) -> str:
  """The uninterrupted run every other run is compared with."""
  model_dir = str(tmp_path_factory.mktemp("reliability") / "reference")
  result = harness.run_train(f"--gin.MODEL_DIR='{model_dir}'",
                             f"--gin.TEXT_GLOB='{text_glob}'")
  assert result.returncode == 0, result.stderr[-3000:]
  return model_dir


@pytest.fixture()
def same_inputs(reference_run, text_glob) -> tuple[str, str]:
  """The bindings that make a run the reference's twin (same vocabulary)."""
  vocab = os.path.join(reference_run, "vocab", "spm.model")
  return f"--gin.TEXT_GLOB='{text_glob}'", f"--gin.VOCAB_PATH='{vocab}'"


@pytest.fixture()
def copy_of_reference(reference_run, tmp_path) -> str:
  target = str(tmp_path / "copy")
  shutil.copytree(reference_run, target)
  return target
