"""The matmuls of one MLM train step, each timed alone: roughly what the
step must spend in matmuls, whatever else is made faster.

  .venv/bin/python benchmarks/matmul_floor.py --model=student_17m --batch=16

Lists every product of the step (the six projections of each layer, the
two attention products, the head's dense layer and tied vocabulary
projection), each as its forward and both gradients, and times each as a
jitted XLA matmul and as a `torch.matmul` (same threads as `compare_hf.py`),
median of `--repeats`. The sum, times the layer count, is what the step
spends in matmuls if each ran as fast as it does alone on contiguous
operands; the step time minus it is roughly everything else (elementwise
work, reductions, the optimizer). It is not a strict bound: a step may lay
its operands out better than these (PyTorch's student_85m step came in
under its own products timed here).
"""
import json
import os
import statistics
import time

from absl import app, flags

import gin  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import torch  # noqa: E402

from atm_jax import cli  # noqa: E402
from atm_jax.models.config import EncoderConfig  # noqa: E402
from atm_jax.models.masking import MaskingConfig  # noqa: E402

flags.DEFINE_string("model", "student_17m", "A gin_configs/models/ name.")
flags.DEFINE_integer("batch", 16, "Sequences per step.")
flags.DEFINE_integer("length", 128, "Tokens per sequence.")
flags.DEFINE_integer("repeats", 5, "Timings of each product; the median.")
FLAGS = flags.FLAGS


def products(config: EncoderConfig, predictions: int) -> list:
  """(name, count per step, [batch dims], m, k, n) of each forward product."""
  tokens = FLAGS.batch * FLAGS.length
  inner = config.num_heads * config.head_dim
  layers = config.num_layers
  heads = [FLAGS.batch * config.num_heads]
  return [
      ("query/key/value", 3 * layers, [], tokens, config.embed_dim, inner),
      ("attention out", layers, [], tokens, inner, config.embed_dim),
      ("mlp in", layers, [], tokens, config.embed_dim, config.mlp_dim),
      ("mlp out", layers, [], tokens, config.mlp_dim, config.embed_dim),
      ("scores", layers, heads, FLAGS.length, config.head_dim,
       FLAGS.length),
      ("context", layers, heads, FLAGS.length, FLAGS.length,
       config.head_dim),
      ("head dense", 1, [], predictions, config.embed_dim,
       config.embed_dim),
      ("vocabulary", 1, [], predictions, config.embed_dim,
       config.vocab_size)]


def three_shapes(batch: list, m: int, k: int, n: int) -> dict:
  """Forward [m,k]x[k,n] and the gradients [m,n]x[n,k], [k,m]x[m,n]."""
  return {"forward": (batch + [m, k], batch + [k, n]),
          "input gradient": (batch + [m, n], batch + [n, k]),
          "weight gradient": (batch + [k, m], batch + [m, n])}


def median_seconds(run) -> float:
  run()
  times = []
  for _ in range(FLAGS.repeats):
    start = time.perf_counter()
    run()
    times.append(time.perf_counter() - start)
  return statistics.median(times)


def xla_seconds(lhs_shape, rhs_shape) -> float:
  lhs, rhs = jnp.ones(lhs_shape), jnp.ones(rhs_shape)
  product = jax.jit(jnp.matmul)
  return median_seconds(lambda: product(lhs, rhs).block_until_ready())


def torch_seconds(lhs_shape, rhs_shape) -> float:
  lhs, rhs = torch.ones(lhs_shape), torch.ones(rhs_shape)
  with torch.no_grad():
    return median_seconds(lambda: torch.matmul(lhs, rhs))


def main(argv):
  del argv
  torch.set_num_threads(os.cpu_count())
  gin.parse_config_file(os.path.join(cli.PROJECT_ROOT, "gin_configs",
                                     "models", f"{FLAGS.model}.gin"))
  config = EncoderConfig()
  predictions = FLAGS.batch * MaskingConfig(
      vocab_size=config.vocab_size).max_predictions(FLAGS.length)
  rows, totals = [], {"xla": 0.0, "torch": 0.0}
  for name, count, batch, m, k, n in products(config, predictions):
    for role, shapes in three_shapes(batch, m, k, n).items():
      seconds = {"xla": xla_seconds(*shapes), "torch": torch_seconds(*shapes)}
      for backend in totals:
        totals[backend] += count * seconds[backend]
      rows.append({"product": name, "role": role, "count": count,
                   "shapes": shapes, **{f"{b}_seconds": round(s, 4)
                                         for b, s in seconds.items()}})
      print(name, role, count, shapes, seconds, flush=True)
  print(json.dumps({"model": FLAGS.model, "batch": FLAGS.batch,
                    "length": FLAGS.length,
                    "load_1min": round(os.getloadavg()[0], 2),
                    "products": rows,
                    "matmul_seconds_per_step": {
                        b: round(s, 3) for b, s in totals.items()}}))


if __name__ == "__main__":
  app.run(main)
