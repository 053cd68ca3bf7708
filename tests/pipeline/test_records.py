"""Stage records: what makes a rerun skip a stage, or refuse a changed one."""
import pytest

from atm_jax.errors import UserError
from atm_jax.pipeline import records

SETTINGS = {"gin_files": ["a.gin"], "bindings": ["TRAIN_STEPS = 4"]}


def test_no_record_until_written_then_the_same_record(tmp_path):
  assert records.read_record(str(tmp_path), "s", SETTINGS) is None
  written = records.write_record(str(tmp_path), "s", SETTINGS, {"x": 1}, 2.04)
  assert records.read_record(str(tmp_path), "s", SETTINGS) == written
  assert written["result"] == {"x": 1} and written["seconds"] == 2.0


def test_a_changed_binding_is_named(tmp_path):
  records.write_record(str(tmp_path), "s", SETTINGS, {}, 1.0)
  changed = {"gin_files": ["a.gin"], "bindings": ["TRAIN_STEPS = 5"]}
  with pytest.raises(UserError,
                     match=r"Stage s already finished .*had 'TRAIN_STEPS = 4'"):
    records.read_record(str(tmp_path), "s", changed)
