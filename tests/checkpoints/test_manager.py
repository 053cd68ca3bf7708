"""Checkpointer: round trips, keep-K, interval, other meshes, clear errors,
damaged steps set aside, failed saves reported."""
import errno
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.sharding import NamedSharding, PartitionSpec as P

from atm_jax.checkpoints import integrity, manager
from atm_jax.checkpoints.manager import Checkpointer
from atm_jax.errors import UserError
from atm_jax.trainer.state import TrainState
from tests.checkpoints.helpers import make_mesh
from tests.reliability import damage

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def make_state(mesh: jax.sharding.Mesh, *, mlp: int = 32, seed: int = 0,
               step: int = 0) -> TrainState:
  """A tiny sharded state: embeddings, a scanned MLP and adamw moments."""
  specs = {
      "encoder": {
          "embed": P("data", None),
          "layers": {"mlp": {"wi": {"kernel": P(None, "data", "model")},
                             "wo": {"kernel": P(None, "model", "data")}}},
      },
  }
  shapes = {"encoder": {"embed": (16, 8),
                        "layers": {"mlp": {"wi": {"kernel": (2, 8, mlp)},
                                           "wo": {"kernel": (2, mlp, 8)}}}}}
  rng = np.random.default_rng(seed)
  params = jax.tree.map(
      lambda shape, spec: jax.device_put(
          rng.standard_normal(shape, np.float32), NamedSharding(mesh, spec)),
      shapes, specs, is_leaf=lambda x: isinstance(x, tuple))
  tx = optax.adamw(1e-3)

  def one_update(params):
    grads = jax.tree.map(jnp.ones_like, params)
    return tx.update(grads, tx.init(params), params)[1]

  opt_state = jax.jit(one_update)(params)
  return TrainState(
      step=jax.device_put(jnp.asarray(step), NamedSharding(mesh, P())),
      params=params, opt_state=opt_state)


def abstract(state: TrainState) -> TrainState:
  return jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=x.sharding),
      state)


def assert_trees_equal(actual, expected) -> None:
  assert jax.tree.structure(actual) == jax.tree.structure(expected)
  for a, e in zip(jax.tree.leaves(actual), jax.tree.leaves(expected)):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(e))


def test_round_trip_survives_donation_of_the_saved_arrays(tmp_path):
  mesh = make_mesh((4, 2))
  state = make_state(mesh, step=10)
  expected = jax.tree.map(np.asarray, state)
  with Checkpointer(str(tmp_path), save_interval_steps=5,
                    max_to_keep=None) as checkpointer:
    assert checkpointer.save(10, state, {"batches": 123})
    jax.tree.map(lambda x: x.delete(), state)  # what donate_argnums does
    checkpointer.wait_until_finished()
    assert checkpointer.latest_step() == 10
    restored, data_state = checkpointer.restore(10, abstract(make_state(mesh)))
  assert isinstance(restored, TrainState)
  assert data_state == {"batches": 123}
  assert_trees_equal(restored, expected)
  assert checkpointer.directory == str(tmp_path)


def test_interval_force_and_existing_steps(tmp_path):
  state = make_state(make_mesh((4, 2)))
  with Checkpointer(str(tmp_path), save_interval_steps=5, max_to_keep=None,
                    async_save=False) as checkpointer:
    assert checkpointer.latest_step() is None
    assert not checkpointer.save(3, state, {})
    assert checkpointer.save(5, state, {})
    assert not checkpointer.save(7, state, {})
    assert checkpointer.save(7, state, {}, force=True)
    assert not checkpointer.save(7, state, {}, force=True)
    assert checkpointer.save(10, state, {})
    assert checkpointer.latest_step() == 10
  assert sorted(os.listdir(tmp_path)) == ["10", "5", "7"]


def test_keeps_only_the_latest_k(tmp_path):
  state = make_state(make_mesh((4, 2)))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=2) as checkpointer:
    for step in range(1, 5):
      checkpointer.save(step, state, {"batches": step})
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=2) as reopened:
    assert reopened.latest_step() == 4
    _, data_state = reopened.restore(3, abstract(state))
  assert data_state == {"batches": 3}
  assert sorted(name for name in os.listdir(tmp_path)) == ["3", "4"]


@pytest.mark.parametrize("mesh_shape", [(2, 4), (1, 1)])
def test_restores_onto_another_mesh_with_the_requested_shardings(
    tmp_path, mesh_shape):
  saved = make_state(make_mesh((4, 2)), step=3)
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(3, saved, {"batches": 3})
  target = abstract(make_state(make_mesh(mesh_shape), seed=1))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    restored, _ = checkpointer.restore(3, target)
  assert_trees_equal(restored, saved)
  for got, wanted in zip(jax.tree.leaves(restored), jax.tree.leaves(target)):
    assert got.sharding == wanted.sharding
  kernel = restored.params["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  assert kernel.sharding.mesh.shape == dict(zip(("data", "model"), mesh_shape))


def saved_checkpoint(tmp_path) -> Checkpointer:
  checkpointer = Checkpointer(str(tmp_path), save_interval_steps=1,
                              max_to_keep=None, async_save=False)
  checkpointer.save(100, make_state(make_mesh((4, 2))), {})
  return checkpointer


def test_shape_mismatch_names_path_both_shapes_and_directory(tmp_path):
  with saved_checkpoint(tmp_path) as checkpointer:
    wider = abstract(make_state(make_mesh((4, 2)), mlp=64))
    with pytest.raises(UserError) as raised:
      checkpointer.restore(100, wider)
  message = str(raised.value)
  assert message.startswith(
      f"Checkpoint {tmp_path / '100'} does not match the model config: "
      "params/encoder/layers/mlp/wi/kernel has shape (2, 8, 64) in the config "
      "but (2, 8, 32) in the checkpoint; ")
  assert "\n" not in message


def test_missing_and_unexpected_paths_are_named(tmp_path):
  mesh = make_mesh((4, 2))
  with saved_checkpoint(tmp_path) as checkpointer:
    state = make_state(mesh)
    head = jax.ShapeDtypeStruct((8, 3), jnp.float32,
                                sharding=NamedSharding(mesh, P()))
    with_head = abstract(state.replace(
        params={**state.params, "head": {"kernel": head}}))
    with pytest.raises(UserError, match="params/head/kernel is in the config "
                       "but not in the checkpoint"):
      checkpointer.restore(100, with_head)
    encoder = {**state.params["encoder"]}
    del encoder["embed"]
    without_embed = abstract(state.replace(params={"encoder": encoder}))
    with pytest.raises(UserError, match="params/encoder/embed is in the "
                       "checkpoint but not in the config"):
      checkpointer.restore(100, without_embed)
    with pytest.raises(UserError, match="No complete checkpoint for step 7"):
      checkpointer.restore(7, abstract(state))


KILLED_SAVER = textwrap.dedent("""
    import asyncio, sys, time
    import jax.numpy as jnp
    import orbax.checkpoint as ocp
    from atm_jax.checkpoints.manager import Checkpointer

    checkpointer = Checkpointer(sys.argv[1], save_interval_steps=1,
                                max_to_keep=None)
    checkpointer.save(1, {"params": {"w": jnp.ones((64, 64))}}, {"batches": 1})
    checkpointer.wait_until_finished()

    async def stall_before_commit(self):
      print("WRITTEN", flush=True)
      await asyncio.sleep(600)

    # Everything of step 2 is written; the rename that commits it never runs.
    ocp.path.atomicity.AtomicRenameTemporaryPath.finalize = stall_before_commit
    checkpointer.save(2, {"params": {"w": jnp.zeros((64, 64))}}, {"batches": 2})
    checkpointer.wait_until_finished()
""")


def test_save_killed_before_commit_is_never_listed_nor_restored(tmp_path):
  saver = subprocess.Popen(
      [sys.executable, "-c", KILLED_SAVER, str(tmp_path)], cwd=REPO_ROOT,
      stdout=subprocess.PIPE, text=True)
  try:
    assert saver.stdout.readline().strip() == "WRITTEN"
  finally:
    os.kill(saver.pid, signal.SIGKILL)
    saver.wait()
  assert [p.name for p in tmp_path.glob("2.orbax-checkpoint-tmp*")]
  target = {"params": {"w": jax.ShapeDtypeStruct(
      (64, 64), jnp.float32, sharding=NamedSharding(make_mesh((1, 1)), P()))}}
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    assert checkpointer.latest_step() == 1
    restored, data_state = checkpointer.restore(1, target)
    assert data_state == {"batches": 1}
    np.testing.assert_array_equal(restored["params"]["w"], np.ones((64, 64)))
    with pytest.raises(UserError, match="No complete checkpoint for step 2"):
      checkpointer.restore(2, target)
    assert checkpointer.save(2, {"params": {"w": jnp.zeros((64, 64))}}, {})
    checkpointer.wait_until_finished()
    assert checkpointer.latest_step() == 2


def _three_steps(directory) -> TrainState:
  state = make_state(make_mesh((4, 2)))
  with Checkpointer(str(directory), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    for step in (1, 2, 3):
      checkpointer.save(step, state.replace(step=jnp.asarray(step)),
                        {"batches": step})
  return state


@pytest.mark.parametrize("kind", sorted(damage.KINDS))
def test_a_damaged_latest_step_is_set_aside_for_the_previous_one(
    tmp_path, kind, capsys):
  state = _three_steps(tmp_path)
  damage.KINDS[kind](str(tmp_path / "3"))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    step, restored, data_state = checkpointer.restore_latest_intact(
        abstract(state))
    assert checkpointer.latest_step() == 2
  assert (step, data_state, int(restored.step)) == (2, {"batches": 2}, 2)
  assert sorted(os.listdir(tmp_path)) == ["1", "2", "3.damaged"]
  line, = capsys.readouterr().out.splitlines()
  assert line.startswith("Checkpoint step 3 is damaged (")
  assert line.endswith(f"set it aside as {tmp_path / '3.damaged'} and "
                       "resumed from step 2 instead.")


def test_a_step_saved_without_checksums_is_judged_by_reading_it(tmp_path):
  state = _three_steps(tmp_path)
  for step in ("2", "3"):
    os.remove(tmp_path / step / integrity.MANIFEST)
  damage.delete_data_metadata(str(tmp_path / "3"))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    step, _, _ = checkpointer.restore_latest_intact(abstract(state))
  assert step == 2
  assert sorted(os.listdir(tmp_path)) == ["1", "2", "3.damaged"]


def test_no_intact_step_left_stops_naming_the_folder(tmp_path):
  state = _three_steps(tmp_path)
  for step in ("1", "2", "3"):
    damage.truncate_array_file(str(tmp_path / step))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    with pytest.raises(UserError) as raised:
      checkpointer.restore_latest_intact(abstract(state))
  message = str(raised.value)
  assert message.startswith(f"No intact checkpoint is left in {tmp_path}: ")
  assert "\n" not in message
  assert sorted(os.listdir(tmp_path)) == ["1.damaged", "2.damaged",
                                          "3.damaged"]


def test_a_config_mismatch_is_not_mistaken_for_damage(tmp_path):
  _three_steps(tmp_path)
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    with pytest.raises(UserError, match="does not match the model config"):
      checkpointer.restore_latest_intact(
          abstract(make_state(make_mesh((4, 2)), mlp=64)))
  assert sorted(os.listdir(tmp_path)) == ["1", "2", "3"]


def _plenty_of_space(path):
  return shutil._ntuple_diskusage(1 << 40, 0, 1 << 40)


def _no_space(path):
  return shutil._ntuple_diskusage(1 << 40, 1 << 40, 1 << 10)


def test_a_save_that_cannot_fit_stops_before_writing(tmp_path, monkeypatch):
  state = make_state(make_mesh((4, 2)))
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(1, state, {"batches": 1})
    checkpointer.wait_until_finished()
    monkeypatch.setattr(manager.shutil, "disk_usage", _no_space)
    with pytest.raises(UserError) as raised:
      checkpointer.save(2, state, {"batches": 2})
  message = str(raised.value)
  assert message.startswith(f"Saving checkpoint step 2 to {tmp_path / '2'} "
                            "failed (No space left on device: about ")
  assert message.endswith("then rerun to resume from step 1.")
  assert sorted(os.listdir(tmp_path)) == ["1"]


def test_a_write_that_fails_half_way_is_reported_and_cleaned_up(
    tmp_path, monkeypatch):
  """A write that fails inside orbax's background commit (here the
  checksum file, for want of space) stops the save in one sentence and
  leaves no temporary folder. tests/reliability fills a real disk."""
  state = make_state(make_mesh((4, 2)))
  monkeypatch.setattr(manager.shutil, "disk_usage", _plenty_of_space)
  real_write = integrity.write_manifest

  def full_disk(step_dir):
    real_write(step_dir)
    raise OSError(errno.ENOSPC, "No space left on device")

  monkeypatch.setattr(integrity, "write_manifest", full_disk)
  with Checkpointer(str(tmp_path), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    with pytest.raises(UserError, match=r"Saving checkpoint step 1 .* failed "
                       r"\(No space left on device\); .* resume from the "
                       r"start \(no checkpoint was saved before\)\."):
      checkpointer.save(1, state, {"batches": 1})
      checkpointer.wait_until_finished()
    assert checkpointer.latest_step() is None
  assert os.listdir(tmp_path) == []
