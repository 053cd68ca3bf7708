"""The tiny model trained on 8 fake devices matches 1 device, with real sharding."""
import flax.linen as nn
import jax
import numpy as np
import pytest
from jax.sharding import PartitionSpec as P

from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.partitioning.rules import fsdp_rules, standard_rules
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.optimizer import (OptimizerConfig, learning_rate_schedule,
                                       make_optimizer)

VOCAB = 128
LENGTH = 32
BATCH = 16
STEPS = 5
CONFIG = EncoderConfig(vocab_size=VOCAB, num_layers=2, embed_dim=32,
                       num_heads=4, head_dim=8, mlp_dim=64, max_length=LENGTH)
MODEL = MlmModel(CONFIG, MaskingConfig(vocab_size=VOCAB))
OPTIMIZER = OptimizerConfig(peak_learning_rate=1e-2, warmup_steps=2)


def _batches():
  rng = np.random.default_rng(0)
  for _ in range(STEPS):
    # A few frequent tokens: learnable within the few steps of the test.
    tokens = rng.integers(6, 20, (BATCH, LENGTH), dtype=np.int32)
    segments = np.ones((BATCH, LENGTH), np.int32)
    segments[:, LENGTH // 2:] = 2  # two packed examples per row
    segments[::3, -5:] = 0         # and some padding
    positions = np.tile(np.arange(LENGTH, dtype=np.int32) % (LENGTH // 2),
                        (BATCH, 1))
    yield {"tokens": tokens, "segment_ids": segments, "positions": positions}


def _train(partitioner: Partitioner, num_microbatches: int = 1):
  optimizer = make_optimizer(OPTIMIZER, 100)
  init = step_lib.boxed_init_fn(MODEL, optimizer, 1, LENGTH)
  _, shardings = step_lib.abstract_train_state(partitioner, init,
                                               jax.random.key(0))
  with partitioner.activate():
    state = jax.jit(lambda r: nn.unbox(init(r)),
                    out_shardings=shardings)(jax.random.key(0))
  train_step = step_lib.jit_train_step(
      MODEL, optimizer, learning_rate_schedule(OPTIMIZER, 100), partitioner,
      shardings, num_microbatches=num_microbatches, seed=0)
  losses = []
  for batch in _batches():
    with partitioner.activate():
      state, metrics = train_step(state, partitioner.global_batch(batch),
                                    None)
    losses.append(float(metrics["loss"]))
  return losses, state


MESHES = {
    "data8": (MeshConfig(data=8), standard_rules()),
    "data4_model2": (MeshConfig(data=4, model=2), standard_rules()),
    "fsdp4_model2": (MeshConfig(data=1, fsdp=4, model=2), fsdp_rules()),
    "data2_fsdp2_model2": (MeshConfig(data=2, fsdp=2, model=2), fsdp_rules()),
    "fsdp8": (MeshConfig(data=1, fsdp=8), fsdp_rules()),
    "data4_fsdp2_split_moments": (MeshConfig(data=4, fsdp=2), fsdp_rules(),
                                  ("data",)),
}


@pytest.fixture(scope="module")
def trained():
  """Losses and final state per mesh name, each trained once per module."""
  cache = {}

  def get(name):
    if name not in cache:
      mesh_config, rules, *optimizer_axes = MESHES[name]
      cache[name] = _train(Partitioner(create_mesh(mesh_config), rules,
                                       optimizer_axes=(optimizer_axes or
                                                       [()])[0]))
    return cache[name]
  return get


@pytest.fixture(scope="module")
def single_device_losses():
  mesh = create_mesh(MeshConfig(), devices=jax.devices()[:1])
  return _train(Partitioner(mesh, standard_rules()))[0]


@pytest.mark.parametrize("name", list(MESHES))
def test_sharded_losses_equal_single_device(single_device_losses, trained,
                                            name):
  losses, state = trained(name)
  np.testing.assert_allclose(losses, single_device_losses, atol=1e-4)
  assert losses[-1] < losses[0]
  assert len(state.params["encoder"]["layers"]["mlp"]["wi"]["kernel"]
             .sharding.device_set) == 8


def _spec(array):
  """The sharding spec without trailing unsharded dimensions."""
  spec = list(array.sharding.spec)
  while spec and spec[-1] is None:
    spec.pop()
  return P(*spec)


def test_model_parallel_kernels_are_split_over_model(trained):
  _, state = trained("data4_model2")
  layers = state.params["encoder"]["layers"]
  assert _spec(layers["attention"]["query"]["kernel"]) == P(None, None,
                                                            "model")
  assert _spec(layers["attention"]["out"]["kernel"]) == P(None, "model")
  assert _spec(layers["mlp"]["wi"]["kernel"]) == P(None, None, "model")
  assert _spec(layers["mlp"]["wo"]["kernel"]) == P(None, "model")
  embedding = state.params["encoder"]["embeddings"]["token_embedding"]
  assert _spec(embedding) == P("model")
  assert embedding.addressable_shards[0].data.shape == (VOCAB // 2, 32)
  adam_mu = state.opt_state[1][0].mu["encoder"]["layers"]["mlp"]["wi"]
  assert _spec(adam_mu["kernel"]) == P(None, None, "model")


def test_fsdp_splits_embed_axis_of_parameters_and_moments(trained):
  _, state = trained("fsdp4_model2")
  layers = state.params["encoder"]["layers"]
  assert _spec(layers["attention"]["query"]["kernel"]) == P(None, "fsdp",
                                                            "model")
  assert _spec(layers["mlp"]["wo"]["kernel"]) == P(None, "model", "fsdp")
  kernel = layers["mlp"]["wi"]["kernel"]
  assert kernel.addressable_shards[0].data.shape == (2, 32 // 4, 64 // 2)
  adam_nu = state.opt_state[1][0].nu["encoder"]["layers"]["mlp"]["wi"]
  assert _spec(adam_nu["kernel"]) == P(None, "fsdp", "model")


@pytest.mark.parametrize("name", ["fsdp4_model2", "data2_fsdp2_model2",
                                  "fsdp8"])
def test_fsdp_splits_vocab_axis_of_token_embedding(trained, name):
  """Rows over model then fsdp, embed whole: a lookup or the output layer
  gathers rows (or activations) over fsdp, never the table's embed axis."""
  _, state = trained(name)
  embedding = state.params["encoder"]["embeddings"]["token_embedding"]
  assert _spec(embedding) == P(("model", "fsdp"))
  mesh = embedding.sharding.mesh.shape
  rows = VOCAB // (mesh["model"] * mesh["fsdp"])
  assert embedding.addressable_shards[0].data.shape == (rows, 32)
  assert _spec(state.params["mlm_head"]["output_bias"]) == P(("model",
                                                              "fsdp"))
  adam_mu = state.opt_state[1][0].mu["encoder"]["embeddings"]
  assert _spec(adam_mu["token_embedding"]) == P(("model", "fsdp"))


def test_split_moments_are_split_over_data_as_well(trained):
  """Moments split over data beside fsdp; parameters only over fsdp."""
  _, state = trained("data4_fsdp2_split_moments")
  kernel = state.params["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  assert _spec(kernel) == P(None, "fsdp", "model")
  adam = state.opt_state[1][0]
  assert _spec(adam.mu["encoder"]["layers"]["mlp"]["wi"]["kernel"]) == P(
      None, ("fsdp", "data"), "model")
  nu_shard = adam.nu["encoder"]["layers"]["mlp"]["wi"]["kernel"]
  assert nu_shard.addressable_shards[0].data.shape == (2, 32 // 8, 64)
  embedding = adam.mu["encoder"]["embeddings"]["token_embedding"]
  assert _spec(embedding) == P(("model", "fsdp", "data"))


def test_split_moments_with_microbatches_match_unsplit():
  """Microbatches mask differently from one batch, so the reference is the
  same mesh and microbatches without the split."""
  mesh = create_mesh(MeshConfig(data=4, fsdp=2))
  split, _ = _train(Partitioner(mesh, fsdp_rules(), optimizer_axes=("data",)),
                    num_microbatches=2)
  plain, _ = _train(Partitioner(mesh, fsdp_rules()), num_microbatches=2)
  np.testing.assert_allclose(split, plain, atol=1e-5)
  assert split[-1] < split[0]


def test_gradient_accumulation_runs_sharded_and_learns():
  partitioner = Partitioner(create_mesh(MeshConfig(data=4, model=2)),
                            standard_rules())
  losses, _ = _train(partitioner, num_microbatches=2)
  assert all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_replicated_big_parameter_is_refused():
  partitioner = Partitioner(create_mesh(MeshConfig(data=4, model=2)),
                            rules=(("vocab", None), ("embed", None),
                                   ("mlp", None), ("heads", None)),
                            min_sharded_size=1000)
  init = step_lib.boxed_init_fn(MODEL, make_optimizer(OPTIMIZER, 10), 1,
                                LENGTH)
  with pytest.raises(UserError, match="fully replicated on mesh"):
    partitioner.abstract_state(init, jax.random.key(0))
