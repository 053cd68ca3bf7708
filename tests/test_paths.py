"""User-given paths: resolved once against the working directory, and their
folders refused in one sentence when they cannot hold a run."""
import errno
import os

import gin
import pytest

from atm_jax import cli, paths
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax.errors import UserError

PRETRAIN = "gin_configs/experiments/pretrain_tiny.gin"


@pytest.fixture(autouse=True)
def clean_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_relative_path_macros_become_absolute_against_the_caller(
    tmp_path, monkeypatch):
  monkeypatch.chdir(tmp_path)
  cli.parse_gin([os.path.join(cli.PROJECT_ROOT, PRETRAIN)],
                ["MODEL_DIR = 'runs/a'", "TEXT_GLOB = 'data/*.txt'",
                 "VOCAB_PATH = '~/spm.model'", "INIT_CHECKPOINT = None"])
  assert gin.query_parameter("MODEL_DIR/macro.value") == str(
      tmp_path / "runs" / "a")
  assert gin.query_parameter("TEXT_GLOB/macro.value") == str(
      tmp_path / "data" / "*.txt")
  assert gin.query_parameter("VOCAB_PATH/macro.value") == os.path.expanduser(
      "~/spm.model")
  assert gin.query_parameter("INIT_CHECKPOINT/macro.value") is None


def test_remote_and_absolute_paths_are_kept():
  assert paths.absolute("gs://bucket/run") == "gs://bucket/run"
  assert paths.absolute("/abs/run") == "/abs/run"
  assert paths.absolute("a/../b") == os.path.join(os.getcwd(), "b")


def test_a_number_for_a_path_is_one_sentence():
  with pytest.raises(UserError, match=r"^MODEL_DIR must be a path in quotes, "
                     r"got 5; write it as --gin.MODEL_DIR="):
    cli.parse_gin([PRETRAIN], ["MODEL_DIR = 5", "TEXT_GLOB = '/x/*.txt'"])


def test_gin_files_are_found_from_any_working_directory(tmp_path,
                                                        monkeypatch):
  monkeypatch.chdir(tmp_path)
  cli.parse_gin([PRETRAIN], ["MODEL_DIR = 'run'", "TEXT_GLOB = 'x.txt'"])
  assert gin.query_parameter("TRAIN_STEPS/macro.value") == 200


def test_a_file_in_place_of_the_folder(tmp_path):
  target = tmp_path / "file"
  target.write_text("")
  with pytest.raises(UserError, match=f"^MODEL_DIR {target} is a file, not a "
                     "folder; point MODEL_DIR at a folder"):
    paths.check_output_folder(str(target), "MODEL_DIR")


def test_a_missing_parent(tmp_path):
  target = tmp_path / "no" / "run"
  with pytest.raises(UserError, match=f"^The folder {tmp_path / 'no'} that "
                     r"should hold MODEL_DIR does not exist; create it"):
    paths.check_output_folder(str(target), "MODEL_DIR")


def test_an_unwritable_folder(tmp_path, monkeypatch):
  """Root ignores permission bits, so the write itself is made to fail as
  a read-only mount makes it (tests/reliability mounts one where allowed)."""
  def read_only(**kwargs):
    raise OSError(errno.EROFS, "Read-only file system")
  monkeypatch.setattr(paths.tempfile, "mkstemp", read_only)
  with pytest.raises(UserError, match=f"^WORK_DIR {tmp_path} cannot be written "
                     r"\(Read-only file system in "):
    paths.check_output_folder(str(tmp_path), "WORK_DIR")


def test_a_writable_new_or_existing_folder_passes_and_leaves_nothing(
    tmp_path):
  paths.check_output_folder(str(tmp_path / "new"), "MODEL_DIR")
  paths.check_output_folder(str(tmp_path), "MODEL_DIR")
  assert os.listdir(tmp_path) == []
  paths.check_output_folder("gs://bucket/run", "MODEL_DIR")
