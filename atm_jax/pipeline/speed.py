"""Inference speed of the fine-tuned model sizes on this machine, for the
report: the jitted joint NLU forward (encoder and both heads) on one batch,
timed after compilation, median of several calls. Weights are random: the
time depends on shapes only."""
import time

import jax
import jax.numpy as jnp
import numpy as np

from atm_jax.models.config import EncoderConfig
from atm_jax.models.nlu import JointNluModule

# MASSIVE en-US: 60 intents, 55 slot types (111 BIO tags).
INTENTS, SLOT_TAGS = 60, 111


def forward_seconds(config: EncoderConfig, batch: int, length: int,
                    repeats: int = 20) -> float:
  """Median seconds of one forward pass over a [batch, length] batch."""
  module = JointNluModule(config, INTENTS, SLOT_TAGS)
  tokens = jnp.ones((batch, length), jnp.int32)
  segments = jnp.ones((batch, length), jnp.int32)
  positions = jnp.broadcast_to(jnp.arange(length), (batch, length))
  words = jnp.broadcast_to(jnp.arange(length // 2), (batch, length // 2))
  inputs = (tokens, segments, positions, words)
  params = jax.jit(module.init)(jax.random.key(0), *inputs)
  forward = jax.jit(module.apply)
  jax.block_until_ready(forward(params, *inputs))  # compile
  times = []
  for _ in range(repeats):
    started = time.perf_counter()
    jax.block_until_ready(forward(params, *inputs))
    times.append(time.perf_counter() - started)
  return float(np.median(times))


def speed_table(configs: dict[str, EncoderConfig], reference: str,
                batch: int, length: int) -> dict[str, dict]:
  """Per model size: seconds per batch, utterances per second and the speed
  relative to `reference` (the teacher). Sizes are timed in turn, twice, and
  the faster round kept, so a busy moment on the machine hits them alike."""
  best = {name: float("inf") for name in configs}
  for _ in range(2):
    for name, config in configs.items():
      best[name] = min(best[name], forward_seconds(config, batch, length))
  return {name: {"seconds_per_batch": seconds, "batch": batch,
                 "length": length, "utterances_per_second": batch / seconds,
                 "speedup": best[reference] / seconds}
          for name, seconds in best.items()}
