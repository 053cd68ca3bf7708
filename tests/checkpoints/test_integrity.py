"""Checksums of checkpoint steps: written with every save, and every kind of
later damage found."""
import json
import os

import pytest

from atm_jax.checkpoints import integrity
from atm_jax.checkpoints.manager import Checkpointer
from tests.checkpoints.helpers import make_mesh
from tests.checkpoints.test_manager import make_state
from tests.reliability import damage


@pytest.fixture()
def saved_step(tmp_path):
  """A committed step folder written by the Checkpointer."""
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(1, make_state(make_mesh((4, 2))), {"batches": 1})
  return str(tmp_path / "1")


def test_every_save_commits_a_manifest_of_its_files(saved_step):
  with open(os.path.join(saved_step, integrity.MANIFEST)) as f:
    manifest = json.load(f)
  listed = set(manifest["files"])
  assert {"state/_METADATA", "data/metadata"} <= listed
  assert damage.largest_array_file(saved_step).removeprefix(
      saved_step + "/") in listed
  assert "_CHECKPOINT_METADATA" not in listed  # orbax rewrites it on commit
  assert integrity.damage(saved_step) is None
  assert not [name for name in os.listdir(os.path.dirname(saved_step))
              if "tmp" in name]


@pytest.mark.parametrize("kind", sorted(damage.KINDS))
def test_each_kind_of_damage_is_named(saved_step, kind):
  damage.KINDS[kind](saved_step)
  problem = integrity.damage(saved_step)
  assert problem is not None
  assert any(word in problem for word in ("missing", "bytes", "checksum"))


def test_an_unreadable_manifest_is_damage(saved_step):
  with open(os.path.join(saved_step, integrity.MANIFEST), "w") as f:
    f.write("{")
  assert "unreadable" in integrity.damage(saved_step)


def test_a_step_without_manifest_is_left_to_the_restore(saved_step):
  os.remove(os.path.join(saved_step, integrity.MANIFEST))
  damage.delete_array_file(saved_step)
  assert not integrity.has_manifest(saved_step)
  assert integrity.damage(saved_step) is None


def test_folder_bytes_counts_the_checksummed_files(saved_step):
  with open(os.path.join(saved_step, integrity.MANIFEST)) as f:
    files = json.load(f)["files"]
  assert integrity.folder_bytes(saved_step) == sum(
      entry["size"] for entry in files.values())
