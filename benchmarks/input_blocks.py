"""How fast text could flow if every stage worked on blocks of lines.

  .venv/bin/python benchmarks/input_blocks.py --block=1024

Reads the Tatoeba files of `--languages` as `input_pipeline.py` does, but
`--block` lines at a time: the line split (every `validation_every`-th line
is validation) as one boolean mask per block, SentencePiece on the whole
block in one call (`tensorflow_text`), and the block's tokens cut into rows
of `--length`. No mixing and no per-example packing: this is a bound on
what a block-wise pipeline could reach here, not a pipeline. Each stage is
timed alone, for `--seconds`, after a warm-up, at `--parallel` map calls.
"""
import json
import os
import tempfile
import time

from absl import app, flags

import tatoeba_text  # noqa: E402  (defines --data_dir --languages --vocab_size)
import tensorflow as tf  # noqa: E402
import tensorflow_text as tf_text  # noqa: E402

from atm_jax.data.text_blocks import TextLineSource  # noqa: E402

flags.DEFINE_integer("block", 1024, "Lines per block.")
flags.DEFINE_integer("length", 128, "Row length of the last stage.")
flags.DEFINE_integer("parallel", -1, "Parallel map calls; -1 = autotune.")
flags.DEFINE_integer("validation_every", 100,
                     "Every n-th line is validation, as in the text tasks.")
flags.DEFINE_float("seconds", 10.0, "Timed seconds per stage.")
FLAGS = flags.FLAGS


def stages(paths: list[str], model: bytes) -> dict[str, tf.data.Dataset]:
  """Each stage's dataset, every one built on the one before; elements are
  (lines, tokens) counts of one block."""
  tokenizer = tf_text.SentencepieceTokenizer(model=model, add_eos=True)
  parallel = tf.data.AUTOTUNE if FLAGS.parallel < 0 else FLAGS.parallel
  read = TextLineSource(paths, FLAGS.validation_every).training_blocks(
      FLAGS.block).repeat()
  tokens = read.map(tokenizer.tokenize, num_parallel_calls=parallel)

  def rows(ragged: tf.RaggedTensor) -> tf.Tensor:
    flat = ragged.flat_values
    whole = tf.size(flat) // FLAGS.length * FLAGS.length
    return tf.reshape(flat[:whole], [-1, FLAGS.length])

  cut = tokens.map(rows, num_parallel_calls=parallel)
  return {
      "read and split": read.map(lambda lines: (tf.size(lines), 0)),
      "+ tokenize with EOS": tokens.map(
          lambda r: (r.nrows(), tf.size(r.flat_values))),
      "+ rows of --length": cut.map(lambda r: (0, tf.size(r))),
  }


def rate(dataset: tf.data.Dataset) -> dict[str, float]:
  """Lines/s and tokens/s over --seconds, after 20 warm-up blocks."""
  iterator = iter(dataset.prefetch(4))
  for _ in range(20):
    next(iterator)
  lines = tokens = 0
  start = time.perf_counter()
  while time.perf_counter() - start < FLAGS.seconds:
    block_lines, block_tokens = next(iterator)
    lines += int(block_lines)
    tokens += int(block_tokens)
  elapsed = time.perf_counter() - start
  return {"lines_per_s": round(lines / elapsed),
          "tokens_per_s": round(tokens / elapsed)}


def main(argv):
  del argv
  with tempfile.TemporaryDirectory() as folder:
    with open(tatoeba_text.train_vocabulary(folder), "rb") as model:
      datasets = stages(tatoeba_text.language_files(), model.read())
  results = {name: rate(dataset) for name, dataset in datasets.items()}
  print(json.dumps({"block": FLAGS.block, "parallel": FLAGS.parallel,
                    "length": FLAGS.length, "load_average": os.getloadavg()[0],
                    "stages": results}))


if __name__ == "__main__":
  app.run(main)
