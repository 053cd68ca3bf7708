"""The plan's byte figures against a real state on the same 8-device mesh,
and its FLOPs against 6ND."""
import flax.linen as nn
import gin
import jax
import numpy as np
import pytest

from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.planning import compile_step, hardware, report, run_config
from atm_jax.trainer import step as step_lib
from atm_jax.trainer.optimizer import make_optimizer

MESH = {"data": 2, "fsdp": 2, "model": 2}
TINY = "gin_configs/experiments/pretrain_tiny.gin"


@pytest.fixture(scope="module")
def planned():
  """(run, compiled step, plan) of the tiny config, FSDP + model parallel."""
  gin.clear_config()
  try:
    run = run_config.load([TINY], ["Partitioner.rules = @fsdp_rules()",
                                   "BATCH_SIZE = 16", "SEQUENCE_LENGTH = 64"])
    step = compile_step.compile_train_step(run, MeshConfig(**MESH),
                                           jax.devices())
    plan = report.build(run, step, hardware.PRESETS["tpu_v5e"], 0.4)
    yield run, step, plan
  finally:
    gin.clear_config()


def _real_state(run, step):
  """The state the trainer would initialise, on the plan's shardings."""
  optimizer = make_optimizer(run.optimizer, run.config.train_steps)
  init = step_lib.boxed_init_fn(run.model, optimizer, 1,
                                run.config.sequence_length)
  shardings = jax.tree.map(lambda leaf: leaf.sharding, step.state)
  partitioner = Partitioner(create_mesh(MeshConfig(**MESH), jax.devices()))
  with partitioner.activate():
    return jax.jit(lambda rng: nn.unbox(init(rng)),
                   out_shardings=shardings)(jax.random.key(0))


def _bytes_on_busiest_device(tree) -> int:
  totals = {}
  for array in jax.tree.leaves(tree):
    for shard in array.addressable_shards:
      totals[shard.device] = totals.get(shard.device, 0) + shard.data.nbytes
  return max(totals.values())


def test_plan_bytes_equal_the_real_state_shards(planned):
  run, step, plan = planned
  state = _real_state(run, step)
  per_device = plan["bytes_per_device"]
  assert per_device["parameters"] == _bytes_on_busiest_device(state.params)
  assert per_device["optimizer_state"] == _bytes_on_busiest_device(
      state.opt_state)
  # The split is real: a device holds well under the whole parameters.
  whole = sum(x.nbytes for x in jax.tree.leaves(state.params))
  assert per_device["parameters"] < whole / 2


def test_compiled_step_runs_on_the_real_state(planned):
  run, step, _ = planned
  state = _real_state(run, step)
  rng = np.random.default_rng(0)
  shape = (run.config.batch_size, run.config.sequence_length)
  batch = {"tokens": rng.integers(6, 1000, shape, dtype=np.int32),
           "segment_ids": np.ones(shape, np.int32),
           "positions": np.tile(np.arange(shape[1], dtype=np.int32),
                                (shape[0], 1))}
  batch = {k: jax.device_put(v, step.batch[k].sharding)
           for k, v in batch.items()}
  _, metrics = step.compiled(state, batch, None)
  assert np.isfinite(float(metrics["loss"]))


def test_compiled_total_covers_the_state(planned):
  _, _, plan = planned
  per_device = plan["bytes_per_device"]
  compiled = per_device["compiled"]
  state_bytes = per_device["parameters"] + per_device["optimizer_state"]
  assert compiled["argument"] >= state_bytes
  assert compiled["alias"] >= state_bytes  # the state is donated
  assert compiled["total"] >= compiled["argument"] + compiled["temp"] - \
      compiled["alias"]


def test_flops_are_within_a_sensible_factor_of_6nd(planned):
  _, _, plan = planned
  flops = plan["flops_per_step"]
  assert 1.0 <= flops["model"] / flops["six_n_d"] < 3.0
  assert flops["model"] == flops["model_trained"]  # no teacher
  assert 0.8 <= flops["traced_matmuls"] / flops["model"] < 1.5
  # XLA's count is per device: far below the whole program's.
  assert 0 < flops["xla_cost_analysis_per_device"] < flops["traced_matmuls"]


def test_largest_arrays_name_their_partition_specs(planned):
  _, _, plan = planned
  largest = plan["largest_arrays"][0]
  assert largest["path"] == "params/encoder/embeddings/token_embedding"
  # Rows over model then fsdp (vocab-parallel), embed whole.
  assert largest["spec"] == "(('model', 'fsdp'), None)"
  assert largest["bytes_per_device"] == 1000 * 64 * 4 // 4


def test_fits_and_the_over_budget_sentence(planned):
  _, _, plan = planned
  assert plan["fits"]
  report.check_fits(plan)  # no error
  tight = dict(plan, hbm_budget_bytes=1024, fits=False)
  with pytest.raises(Exception, match=r"GiB over the .* budget"):
    report.check_fits(tight)
  assert "DOES NOT FIT" in report.render(tight)
