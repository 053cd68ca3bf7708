"""MLM train-step throughput of a model config on this machine.

  .venv/bin/python benchmarks/train_step.py --model=student_17m --batch=8 --length=128

Prints step time, tokens/s, model FLOP/s, the measured matmul peak of the
machine in the compute dtype and the model FLOPs utilisation (MFU) against it
(and against --nominal_peak_tflops when given: a GPU's datasheet figure).
Random tokens; no data pipeline.
"""
import json
import os
import time

from absl import app, flags


import gin  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from atm_jax import cli, host_memory  # noqa: E402
from atm_jax.models.config import EncoderConfig  # noqa: E402
from atm_jax.models.masking import MaskingConfig  # noqa: E402
from atm_jax.models.mlm import MlmModel  # noqa: E402
from atm_jax.models.param_count import count_parameters  # noqa: E402
from atm_jax.partitioning.mesh import MeshConfig, create_mesh  # noqa: E402
from atm_jax.partitioning.partitioner import Partitioner  # noqa: E402
from atm_jax.precision import einsum  # noqa: E402
from atm_jax.trainer.optimizer import OptimizerConfig  # noqa: E402
from atm_jax.trainer.setup import StepSetup, StepShape  # noqa: E402

flags.DEFINE_string("model", "tiny", "Name of a file in gin_configs/models/.")
flags.DEFINE_integer("batch", 8, "Global batch size.")
flags.DEFINE_integer("length", 128, "Sequence length.")
flags.DEFINE_integer("steps", 10, "Timed steps (after one warm-up step).")
flags.DEFINE_string("dtype", "float32", "Compute dtype.")
flags.DEFINE_enum("attention", "einsum", ["einsum", "fused"],
                  "EncoderConfig.attention: the einsum kernel or "
                  "jax.nn.dot_product_attention (cuDNN on a GPU in bf16).")
flags.DEFINE_string("remat", None, "EncoderConfig.remat_policy; the model "
                    "file's when unset.")
flags.DEFINE_float("nominal_peak_tflops", None, "The accelerator's datasheet "
                   "dense peak in the compute dtype, for a second MFU.")
FLAGS = flags.FLAGS


def matmul_peak_flops(size: int = 2048, repeats: int = 10,
                      dtype: str = "float32") -> float:
  """Best FLOP/s of a square matmul in `dtype`: the machine's practical peak.

  Through `precision.einsum`, as the model's matmuls: 16-bit operands with
  float32 accumulation (on XLA:CPU a plain bf16 x bf16 -> bf16 product runs
  at the float32 rate or below).
  """
  a = jnp.ones((size, size), dtype)
  matmul = jax.jit(lambda x: einsum("ij,jk->ik", x, x))
  matmul(a).block_until_ready()
  best = float("inf")
  for _ in range(repeats):
    start = time.perf_counter()
    matmul(a).block_until_ready()
    best = min(best, time.perf_counter() - start)
  return 2 * size**3 / best


def model_flops_per_step(config: EncoderConfig, batch: int, length: int,
                         predictions: int) -> float:
  """6 x params x tokens for the layers, attention scores, and the MLM head."""
  non_embedding = count_parameters(config)["non_embedding"]
  tokens = batch * length
  attention = 12 * config.num_layers * length * config.num_heads * \
      config.head_dim * tokens
  head = 6 * batch * predictions * config.embed_dim * config.vocab_size
  return 6 * non_embedding * tokens + attention + head


def jitted_train_step(model, partitioner: Partitioner, batch: int,
                      length: int):
  """(initial state, jitted donated train step) for `model`, built by the
  trainer's own set-up (`atm_jax.trainer.setup`)."""
  setup = StepSetup.build(model, partitioner,
                          OptimizerConfig(warmup_steps=10),
                          StepShape(train_steps=1000, batch_size=batch,
                                    sequence_length=length))
  return setup.initial_state(), setup.train_step


def random_batch(partitioner: Partitioner, vocab_size: int, batch: int,
                 length: int) -> dict:
  """Unpacked rows of random regular tokens, sharded over the batch axes."""
  rng = np.random.default_rng(0)
  shape = (batch, length)
  return partitioner.global_batch({
      "tokens": rng.integers(6, vocab_size, shape, dtype=np.int32),
      "segment_ids": np.ones(shape, np.int32),
      "positions": np.tile(np.arange(length, dtype=np.int32), (batch, 1))})


def apply_host_memory_flag() -> bool:
  """atm_jax.cli's --reuse_host_memory (on by default, as in atm_jax's
  commands), before anything is computed; True if applied. It is
  process-wide: compare_hf.py applies it in each variant's worker process,
  so PyTorch's step gets it too."""
  return FLAGS.reuse_host_memory and host_memory.reuse_freed_memory()


def mlm_step_from_flags():
  """The flags' model (dropout off) with its state, jitted step and a random
  batch: what every MLM step benchmark times or profiles."""
  apply_host_memory_flag()
  gin.parse_config_file(os.path.join(cli.PROJECT_ROOT, "gin_configs", "models",
                                     f"{FLAGS.model}.gin"))
  overrides = {"remat_policy": FLAGS.remat} if FLAGS.remat else {}
  config = EncoderConfig(dtype=FLAGS.dtype, dropout_rate=0.0,
                         attention_dropout_rate=0.0,
                         attention=FLAGS.attention, **overrides)
  masking = MaskingConfig(vocab_size=config.vocab_size)
  partitioner = Partitioner(create_mesh(MeshConfig()))
  state, step = jitted_train_step(MlmModel(config, masking), partitioner,
                                  FLAGS.batch, FLAGS.length)
  batch = random_batch(partitioner, config.vocab_size, FLAGS.batch,
                       FLAGS.length)
  return config, masking, partitioner, state, step, batch


def main(argv):
  del argv
  config, masking, partitioner, state, train_step, batch = (
      mlm_step_from_flags())
  with partitioner.activate():
    state, metrics = train_step(state, batch, None)
    first_loss = float(metrics["loss"])
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(FLAGS.steps):
      state, metrics = train_step(state, batch, None)
    jax.block_until_ready(metrics)
  seconds = (time.perf_counter() - start) / FLAGS.steps
  cpu_seconds = (time.process_time() - cpu_start) / FLAGS.steps
  flops = model_flops_per_step(config, FLAGS.batch, FLAGS.length,
                               masking.max_predictions(FLAGS.length))
  on_accelerator = jax.default_backend() != "cpu"
  peak = matmul_peak_flops(size=8192 if on_accelerator else 2048,
                           dtype=FLAGS.dtype)
  nominal = {}
  if FLAGS.nominal_peak_tflops:
    nominal = {"nominal_peak_tflops": FLAGS.nominal_peak_tflops,
               "mfu_nominal": round(
                   flops / seconds / (FLAGS.nominal_peak_tflops * 1e12), 3)}
  print(json.dumps({
      "model": FLAGS.model, "batch": FLAGS.batch, "length": FLAGS.length,
      "dtype": FLAGS.dtype, "attention": config.attention,
      "remat": config.remat_policy, "device": jax.devices()[0].device_kind,
      "devices": jax.device_count(),
      "seconds_per_step": round(seconds, 4),
      "cpu_seconds_per_step": round(cpu_seconds, 4),
      "load_1min": round(os.getloadavg()[0], 2),
      "host_memory_reuse": FLAGS.reuse_host_memory,
      "tokens_per_second": round(FLAGS.batch * FLAGS.length / seconds, 1),
      "model_tflops_per_second": round(flops / seconds / 1e12, 4),
      "matmul_peak_tflops": round(peak / 1e12, 4),
      "mfu": round(flops / seconds / peak, 3), **nominal,
      # The same batch every step: the two losses show the step learns, and
      # compare kernels (einsum against fused) on one machine.
      "first_loss": round(first_loss, 4),
      "last_loss": round(float(metrics["loss"]), 4)}), flush=True)


if __name__ == "__main__":
  app.run(main)
