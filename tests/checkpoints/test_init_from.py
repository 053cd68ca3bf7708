"""Initialising params from another run's checkpoint (Stage 2, fine-tuning)."""
import re

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import orbax.checkpoint as ocp
import pytest
from jax.sharding import NamedSharding, PartitionSpec as P

from atm_jax.checkpoints.init_from import (find_checkpoint,
                                           init_params_from_checkpoint,
                                           restore_params)
from atm_jax.checkpoints.manager import Checkpointer
from atm_jax.data.registry import RegisteredTask
from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel
from atm_jax.models.nlu import JointNluModel
from atm_jax.trainer.state import TrainState
from tests.checkpoints.helpers import make_mesh
from tests.checkpoints.test_manager import make_state
from tests.reliability import damage

SPECS = {"embed": P("data", None), "mlp": {"kernel": P("data", "model")},
         "mlm_head": {"kernel": P(None, "model")}}


def make_params(mesh, shapes: dict, specs: dict, seed: int) -> dict:
  rng = np.random.default_rng(seed)
  return jax.tree.map(
      lambda shape, spec: jax.device_put(
          rng.standard_normal(shape, np.float32), NamedSharding(mesh, spec)),
      shapes, specs, is_leaf=lambda x: isinstance(x, tuple))


def stage1_params(mesh, seed: int = 0, mlp: int = 32) -> dict:
  """The pretrained model: an encoder and an MLM head."""
  shapes = {"embed": (16, 8), "mlp": {"kernel": (8, mlp)},
            "mlm_head": {"kernel": (8, 16)}}
  return {"encoder": make_params(mesh, shapes, SPECS, seed)}


def finetune_params(mesh, seed: int, mlp: int = 32) -> dict:
  """The new model: the same encoder renamed `backbone`, a new intent head."""
  shapes = {"embed": (16, 8), "mlp": {"kernel": (8, mlp)}}
  specs = {"embed": SPECS["embed"], "mlp": SPECS["mlp"]}
  head = make_params(mesh, {"kernel": (8, 4), "bias": (4,)},
                     {"kernel": P(None, "model"), "bias": P()}, seed + 1)
  return {"backbone": make_params(mesh, shapes, specs, seed),
          "intent_head": head}


def abstract(tree):
  return jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=x.sharding),
      tree)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
  """A Stage 1 run dir with an adamw state, saved on a (4, 2) mesh."""
  run = tmp_path_factory.mktemp("stage1")
  params = stage1_params(make_mesh((4, 2)))
  state = TrainState(step=jax.numpy.asarray(100), params=params,
                     opt_state=jax.jit(optax.adamw(1e-3).init)(params))
  with Checkpointer(str(run / "checkpoints"), save_interval_steps=50,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(50, state, {"batches": 50})
    checkpointer.save(100, state, {"batches": 100})
  (run / "checkpoints" / "150.orbax-checkpoint-tmp-1").mkdir()
  return run


def test_find_checkpoint_accepts_run_checkpoints_and_step_dirs(run_dir):
  checkpoints = str(run_dir / "checkpoints")
  assert find_checkpoint(str(run_dir)) == (checkpoints, 100)
  assert find_checkpoint(checkpoints) == (checkpoints, 100)
  assert find_checkpoint(str(run_dir / "checkpoints" / "50")) == (
      checkpoints, 50)
  with pytest.raises(UserError, match="No checkpoint found at .*nowhere"):
    find_checkpoint(str(run_dir / "nowhere"))


def test_renamed_encoder_is_restored_and_new_head_starts_from_scratch(
    run_dir, capsys):
  mesh = make_mesh((2, 4))
  scratch = finetune_params(mesh, seed=7)
  target = abstract(scratch)
  params = init_params_from_checkpoint(
      str(run_dir), target, scratch,
      assignment_map=[(r"backbone/(.*)", r"encoder/\1")])
  saved = stage1_params(make_mesh((4, 2)))["encoder"]
  np.testing.assert_array_equal(params["backbone"]["embed"], saved["embed"])
  np.testing.assert_array_equal(params["backbone"]["mlp"]["kernel"],
                                saved["mlp"]["kernel"])
  np.testing.assert_array_equal(params["intent_head"]["kernel"],
                                scratch["intent_head"]["kernel"])
  for got, wanted in zip(jax.tree.leaves(params), jax.tree.leaves(target)):
    assert got.sharding == wanted.sharding
  assert capsys.readouterr().out == (
      f"Initialised 2 of 4 params from {run_dir / 'checkpoints' / '100'}; "
      "2 from scratch: intent_head/bias, intent_head/kernel.\n")


def test_none_in_assignment_map_keeps_the_scratch_value(run_dir):
  mesh = make_mesh((4, 2))
  scratch = finetune_params(mesh, seed=7)
  params = init_params_from_checkpoint(
      str(run_dir), abstract(scratch), scratch,
      assignment_map=[(r"backbone/embed", None),
                      (r"backbone/(.*)", r"encoder/\1")])
  np.testing.assert_array_equal(params["backbone"]["embed"],
                                scratch["backbone"]["embed"])
  saved = stage1_params(mesh)["encoder"]
  np.testing.assert_array_equal(params["backbone"]["mlp"]["kernel"],
                                saved["mlp"]["kernel"])


def test_without_fallback_a_param_with_no_source_is_an_error(run_dir):
  scratch = finetune_params(make_mesh((4, 2)), seed=7)
  with pytest.raises(UserError) as raised:
    init_params_from_checkpoint(
        str(run_dir), abstract(scratch), scratch,
        assignment_map=[(r"backbone/(.*)", r"encoder/\1")],
        fallback_to_scratch=False)
  assert str(raised.value).startswith(
      "intent_head/bias, intent_head/kernel are not in checkpoint "
      f"{run_dir / 'checkpoints' / '100'}; ")


def test_shape_mismatch_names_both_paths_both_shapes_and_checkpoint(run_dir):
  scratch = finetune_params(make_mesh((4, 2)), seed=7, mlp=64)
  with pytest.raises(UserError) as raised:
    init_params_from_checkpoint(
        str(run_dir), abstract(scratch), scratch,
        assignment_map=[(r"backbone/(.*)", r"encoder/\1")])
  assert re.fullmatch(
      re.escape(f"Checkpoint {run_dir / 'checkpoints' / '100'} does not fit "
                "the model: param backbone/mlp/kernel has shape (8, 64) in the "
                "config but its source encoder/mlp/kernel has shape (8, 32) in "
                "the checkpoint; ") + ".*", str(raised.value))


def test_reads_only_params_never_the_optimizer_state(run_dir, monkeypatch):
  read = []
  deserialize = ocp.type_handlers.ArrayHandler.deserialize

  async def recording_deserialize(self, infos, args=None):
    read.extend(info.name for info in infos)
    return await deserialize(self, infos, args)

  monkeypatch.setattr(ocp.type_handlers.ArrayHandler, "deserialize",
                      recording_deserialize)
  scratch = finetune_params(make_mesh((4, 2)), seed=7)
  init_params_from_checkpoint(
      str(run_dir), abstract(scratch), scratch,
      assignment_map=[(r"backbone/(.*)", r"encoder/\1")])
  assert sorted(read) == ["params.encoder.embed", "params.encoder.mlp.kernel"]


def test_fine_tuning_takes_the_pretrained_encoder_and_fresh_heads(tmp_path):
  """A JointNluModel starts from an MLM run: encoder restored, heads new."""
  config = EncoderConfig(vocab_size=40, num_layers=1, embed_dim=16,
                         num_heads=2, head_dim=8, mlp_dim=32, max_length=8)
  pretrained = nn.unbox(MlmModel(config, MaskingConfig(vocab_size=40)).init(
      jax.random.key(0), 1, 8)["params"])
  state = TrainState(step=jnp.zeros((), jnp.int32), params=pretrained,
                     opt_state=())
  with Checkpointer(str(tmp_path / "checkpoints"), save_interval_steps=1,
                    max_to_keep=1) as checkpointer:
    checkpointer.save(1, state, {"batches": 1}, force=True)
    checkpointer.wait_until_finished()

  labels = type("Labels", (), {"intents": ("<unseen>", "a", "b"),
                               "slot_tags": ("<unseen>", "O")})
  model = JointNluModel(config).for_task(RegisteredTask("t", None, labels))
  fresh = nn.unbox(model.init(jax.random.key(1), 1, 8)["params"])
  abstract = jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=x.sharding),
      fresh)
  params = init_params_from_checkpoint(str(tmp_path), abstract, fresh)
  np.testing.assert_array_equal(
      params["encoder"]["embeddings"]["token_embedding"],
      pretrained["encoder"]["embeddings"]["token_embedding"])
  np.testing.assert_array_equal(params["intent_head"]["kernel"],
                                fresh["intent_head"]["kernel"])


def test_a_damaged_source_checkpoint_is_refused_in_one_sentence(tmp_path):
  state = make_state(make_mesh((4, 2)))
  with Checkpointer(str(tmp_path / "checkpoints"), save_interval_steps=1,
                    max_to_keep=None) as checkpointer:
    checkpointer.save(3, state, {"batches": 3})
  damage.truncate_array_file(str(tmp_path / "checkpoints" / "3"))
  with pytest.raises(UserError, match=r"^Checkpoint .*/checkpoints/3 is "
                     r"damaged \(state/.* has \d+ bytes instead of \d+\); "
                     r"point at another step of "):
    restore_params(str(tmp_path), abstract(state).params)
