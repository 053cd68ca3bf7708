"""Input pipeline throughput against what a train step consumes.

  .venv/bin/python benchmarks/input_pipeline.py --model=tiny --batch=32 --length=128

Builds the Stage 1 mixture over Tatoeba (written and spoken form per language,
temperature-sampled), reads it exactly as training does (packed, batched,
numpy: a block of lines per element, `text_blocks`), and reports its tokens/s
next to the tokens/s of the model's MLM train step; `per_example` is the same
mixture read one example at a time (`BlockSettings.block_lines = 0`), with the
rate of its unpacked examples. The train step is timed by
benchmarks/train_step.py with the same batch and length. The target is a ratio of 10 or more: the input pipeline must never be what training
waits for. Each is timed alone (train step first), so on a machine with few
cores the ratio is an upper bound on the headroom while both run.
"""
import contextlib
import dataclasses
import io
import json
import os
import tempfile
import time

from absl import app, flags

import numpy as np  # noqa: E402
import seqio  # noqa: E402
import tensorflow as tf  # noqa: E402
import tatoeba_text  # noqa: E402  (defines --data_dir --languages --vocab_size)
import train_step  # noqa: E402  (defines --model --batch --length --steps --dtype)

from atm_jax import cli  # noqa: E402
from atm_jax.data import mlm_batches, text_blocks  # noqa: E402
from tasks import pretraining  # noqa: E402

flags.DEFINE_integer("warmup_batches", 20, "Batches read before timing starts.")
flags.DEFINE_integer("timed_batches", 300, "Batches timed.")
FLAGS = flags.FLAGS


def train_step_tokens_per_second() -> dict:
  """benchmarks/train_step.py's measurement, with this run's flags."""
  output = io.StringIO()
  with contextlib.redirect_stdout(output):
    train_step.main([])
  return json.loads(output.getvalue().strip().splitlines()[-1])


def stage1_mixture(folder: str) -> str:
  """The Stage 1 mixture over the chosen languages, vocabulary trained here."""
  return pretraining.register_stage1_mixture(
      tatoeba_text.text_glob(), tatoeba_text.train_vocabulary(folder),
      os.path.join(folder, "cache"),
      languages=FLAGS.languages, name="benchmark_stage1").name


def mixture_examples_per_second(mixture: str, blocks: int = 20) -> float:
  """Unpacked examples the mixture yields, counted inside tf.data (no Python
  per example): the rate packing and batching start from."""
  block = 1000
  sizes = seqio.get_mixture_or_task(mixture).get_dataset(
      {"targets": FLAGS.length}, "train", seed=0).map(
          lambda example: tf.size(example["targets"])).batch(block)
  iterator = iter(sizes)
  next(iterator)  # fills every task's shuffle buffer
  start = time.perf_counter()
  for _ in range(blocks):
    next(iterator)
  return round(blocks * block / (time.perf_counter() - start), 1)


def pipeline_tokens_per_second(mixture: str,
                               blocks: text_blocks.BlockSettings) -> dict:
  batches = mlm_batches.mlm_batches(mixture, "train", FLAGS.length, FLAGS.batch,
                                    seed=0, blocks=blocks)
  for _ in range(FLAGS.warmup_batches):
    next(batches)
  real_tokens = 0
  start = time.perf_counter()
  for _ in range(FLAGS.timed_batches):
    real_tokens += int(np.count_nonzero(next(batches)["segment_ids"]))
  seconds = time.perf_counter() - start
  positions = FLAGS.timed_batches * FLAGS.batch * FLAGS.length
  return {"tokens_per_second": round(positions / seconds, 1),
          "seconds_per_batch": round(seconds / FLAGS.timed_batches, 5),
          "non_padding_share": round(real_tokens / positions, 3)}


def main(argv):
  del argv
  cli.quiet_libraries()
  step = train_step_tokens_per_second()
  with tempfile.TemporaryDirectory() as folder:
    mixture = stage1_mixture(folder)
    unpacked = mixture_examples_per_second(mixture)
    per_example = pipeline_tokens_per_second(
        mixture, text_blocks.BlockSettings(block_lines=0))
    data = {**pipeline_tokens_per_second(mixture, text_blocks.BlockSettings()),
            "block_settings": dataclasses.asdict(text_blocks.BlockSettings()),
            "per_example": {**per_example,
                            "mixture_examples_per_second": unpacked}}
  print(json.dumps({
      "model": FLAGS.model, "batch": FLAGS.batch, "length": FLAGS.length,
      "languages": len(FLAGS.languages), "cpus": os.cpu_count(),
      "pipeline": data,
      "train_step": {"tokens_per_second": step["tokens_per_second"],
                     "seconds_per_step": step["seconds_per_step"],
                     "devices": step["devices"]},
      "ratio": round(data["tokens_per_second"] / step["tokens_per_second"], 2)}))


if __name__ == "__main__":
  app.run(main)
