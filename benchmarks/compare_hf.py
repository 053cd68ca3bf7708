"""MLM train step of atm_jax against Hugging Face PyTorch BertForMaskedLM.

  .venv/bin/python benchmarks/compare_hf.py --models=student_17m,student_85m \
      --batch=32 --length=128

Same config, batch, sequence length, masking rule and optimizer (AdamW,
warm-up + linear decay, clipping at 1.0), dropout off, in `--dtype`
(float32; bfloat16 is atm_jax's bf16 compute against PyTorch's autocast,
`hf_reference.py`). Each variant runs in its own worker process (this
script with `--worker`), compiled and warmed up first; the parent then has
them time their steps in turn, one at a time, within each repeat, so the
ratio between them holds even when other jobs load the machine. Separate
processes keep one framework's allocations from displacing the other's
reused host memory: in one shared process the atm_jax step page-faulted
100,000-160,000 times a step after each PyTorch step. The 1-minute load
average is recorded beside every timing and a timing waits (up to
`--quiet_tries` minutes) for it to fall under `--max_load`; each timing
also reports the worker's CPU seconds and minor page faults per step.
Model FLOPs are counted the same way for every variant (`mlm_flops`); MFU
is over the matmul peak in `--dtype` measured in the parent. Writes JSON
to `--out` and prints it.
"""
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

from absl import app, flags


import gin  # noqa: E402
import jax  # noqa: E402
import jaxlib  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from atm_jax import cli  # noqa: E402
from atm_jax.models.config import EncoderConfig  # noqa: E402
from atm_jax.models.masking import MaskingConfig  # noqa: E402
from atm_jax.models.mlm import MlmModel  # noqa: E402
from atm_jax.partitioning.mesh import MeshConfig, create_mesh  # noqa: E402
from atm_jax.partitioning.partitioner import Partitioner  # noqa: E402
from atm_jax.trainer.optimizer import OptimizerConfig  # noqa: E402
import hf_reference  # noqa: E402
# Shares --batch, --length, --steps and the step set-up with train_step.py.
import train_step  # noqa: E402

flags.DEFINE_list("models", ["student_17m", "student_85m"],
                  "gin_configs/models/ names to compare.")
flags.DEFINE_integer("repeats", 3, "Interleaved timings of each variant.")
flags.DEFINE_list("hf_heads", list(hf_reference.HEADS),
                  "Hugging Face variants: stock and/or gathered.")
flags.DEFINE_float("max_load", 2.5, "Wait while the 1-minute load is above.")
flags.DEFINE_integer("quiet_tries", 5, "Minutes to wait for a quiet machine.")
flags.DEFINE_string("worker", None, "Internal: serve one 'model:variant' "
                    "as a timing worker, commands on stdin.")
flags.DEFINE_string("out", os.path.join(os.path.dirname(__file__), "results",
                                        "compare_hf.json"), "JSON written.")
FLAGS = flags.FLAGS


def mlm_flops(config: EncoderConfig, batch: int, length: int,
              predictions: int) -> float:
  """Training FLOPs of one step: 3 x (2 x multiply-adds) of every matmul.

  Per token: the four attention projections, the two feed-forward ones and
  the attention scores and context; per prediction: the head's dense layer
  and the tied vocabulary projection. Embedding gathers, norms, softmax and
  the optimizer are not counted (nor by anyone's MFU).
  """
  embed, inner = config.embed_dim, config.num_heads * config.head_dim
  per_token = config.num_layers * (4 * embed * inner + 2 * embed *
                                   config.mlp_dim + 2 * length * inner)
  per_prediction = embed * embed + embed * config.vocab_size
  return 6 * (batch * length * per_token + batch * predictions *
              per_prediction)


def torch_matmul_peak(size: int = 2048, repeats: int = 10,
                      dtype: torch.dtype = torch.float32) -> float:
  a = torch.ones((size, size), dtype=dtype)
  torch.mm(a, a)
  best = float("inf")
  for _ in range(repeats):
    start = time.perf_counter()
    torch.mm(a, a)
    best = min(best, time.perf_counter() - start)
  return 2 * size**3 / best


def wait_for_quiet() -> float:
  """The 1-minute load average, after waiting a while for it to drop."""
  for _ in range(FLAGS.quiet_tries):
    load = os.getloadavg()[0]
    if load <= FLAGS.max_load:
      return load
    print(f"load {load:.2f} > {FLAGS.max_load}; waiting 60 s", flush=True)
    time.sleep(60)
  return os.getloadavg()[0]


def timed(step) -> dict:
  """Seconds, CPU seconds and minor page faults per step over --steps."""
  before = resource.getrusage(resource.RUSAGE_SELF)
  start = time.perf_counter()
  for _ in range(FLAGS.steps):
    out = step()
  jax.block_until_ready(out)
  seconds = time.perf_counter() - start
  after = resource.getrusage(resource.RUSAGE_SELF)
  per_step = lambda value: round(value / FLAGS.steps, 4)  # noqa: E731
  return {"seconds_per_step": per_step(seconds),
          "user_seconds_per_step": per_step(after.ru_utime - before.ru_utime),
          "system_seconds_per_step": per_step(after.ru_stime -
                                              before.ru_stime),
          "minor_faults_per_step": int(per_step(after.ru_minflt -
                                                before.ru_minflt))}


def model_config(name: str) -> EncoderConfig:
  gin.clear_config()
  gin.parse_config_file(os.path.join(cli.PROJECT_ROOT, "gin_configs", "models", f"{name}.gin"))
  return EncoderConfig(dtype=FLAGS.dtype, dropout_rate=0.0,
                       attention_dropout_rate=0.0)


def random_tokens(masking: MaskingConfig) -> np.ndarray:
  return np.random.default_rng(0).integers(
      masking.num_special, masking.vocab_size, (FLAGS.batch, FLAGS.length),
      dtype=np.int32)


def atm_jax_step(config: EncoderConfig, masking: MaskingConfig, tokens):
  """A callable running one atm_jax train step on `tokens`."""
  partitioner = Partitioner(create_mesh(MeshConfig()))
  state, jax_step = train_step.jitted_train_step(
      MlmModel(config, masking), partitioner, FLAGS.batch, FLAGS.length)
  batch = partitioner.global_batch({
      "tokens": tokens, "segment_ids": np.ones_like(tokens),
      "positions": np.broadcast_to(np.arange(FLAGS.length, dtype=np.int32),
                                   tokens.shape).copy()})
  holder = [state]

  def step():
    with partitioner.activate():
      holder[0], metrics = jax_step(holder[0], batch, None)
    return metrics
  return step


def variant_step(name: str, variant: str):
  """One variant's step for model `name`, already warmed up (two steps:
  the second PyTorch step still allocated and page-faulted afresh)."""
  config = model_config(name)
  masking = MaskingConfig(vocab_size=config.vocab_size)
  tokens = random_tokens(masking)
  if variant == "atm_jax":
    step = atm_jax_step(config, masking, tokens)
  else:
    torch.set_num_threads(os.cpu_count())
    hf = hf_reference.HfTrainStep(config, masking,
                                  variant.removeprefix("hf_"),
                                  OptimizerConfig(warmup_steps=10))
    torch_tokens = torch.from_numpy(tokens.astype(np.int64))
    step = lambda: hf(torch_tokens)  # noqa: E731
  for _ in range(2):  # compile; then the optimizer's state and buffers
    jax.block_until_ready(step())
  return step


def serve(spec: str) -> None:
  """Worker: build `spec`'s step, say so, then time it whenever asked.

  The replies go to the original stdout; anything else printed there is
  sent to stderr, so the parent reads only the protocol's JSON lines.
  """
  channel = os.fdopen(os.dup(1), "w")
  os.dup2(2, 1)
  reuse = train_step.apply_host_memory_flag()
  step = variant_step(*spec.split(":"))
  print(json.dumps({"host_memory_reuse": reuse}), file=channel, flush=True)
  for command in sys.stdin:
    if command.strip() != "time":
      break
    print(json.dumps(timed(step)), file=channel, flush=True)


class Worker:
  """This script as a subprocess serving one variant (`serve`)."""

  def __init__(self, name: str, variant: str):
    self.variant = variant
    self.process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), *sys.argv[1:],
         f"--worker={name}:{variant}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    self.host_memory_reuse = self._reply()["host_memory_reuse"]

  def _reply(self) -> dict:
    line = self.process.stdout.readline()
    if not line:
      raise RuntimeError(f"The {self.variant} worker exited with "
                         f"{self.process.wait()}; its error is above.")
    return json.loads(line)

  def time(self) -> dict:
    self.process.stdin.write("time\n")
    self.process.stdin.flush()
    return self._reply()

  def close(self) -> None:
    self.process.stdin.close()
    self.process.wait()


def interleaved(name: str) -> dict:
  """{variant: [timing per repeat]}, the variants timed in turn."""
  variants = ["atm_jax"] + [f"hf_{head}" for head in FLAGS.hf_heads]
  workers = [Worker(name, variant) for variant in variants]
  timings = {variant: [] for variant in variants}
  try:
    for _ in range(FLAGS.repeats):
      for worker in workers:
        load = wait_for_quiet()
        timing = {**worker.time(), "load_1min": round(load, 2),
                  "host_memory_reuse": worker.host_memory_reuse}
        timings[worker.variant].append(timing)
        print(name, worker.variant, timing, flush=True)
  finally:
    for worker in workers:
      worker.close()
  return timings


def compare(name: str, peak: float) -> dict:
  config = model_config(name)
  masking = MaskingConfig(vocab_size=config.vocab_size)
  timings = interleaved(name)
  predictions = masking.max_predictions(FLAGS.length)
  result = {"model": name, "variants": {}}
  for variant, runs in timings.items():
    seconds = statistics.median(r["seconds_per_step"] for r in runs)
    counted = FLAGS.length if variant == "hf_stock" else predictions
    flops = mlm_flops(config, FLAGS.batch, FLAGS.length, counted)
    result["variants"][variant] = {
        "runs": runs, "median_seconds_per_step": seconds,
        "tokens_per_second": round(FLAGS.batch * FLAGS.length / seconds, 1),
        "vocabulary_logits_per_row": counted,
        "model_tflops_per_second": round(flops / seconds / 1e12, 4),
        "mfu": round(flops / seconds / peak, 3)}
  for variant in timings:
    if variant != "atm_jax":
      # Ratio within each repeat (same load), then the median of those.
      ratios = [h["seconds_per_step"] / j["seconds_per_step"] for j, h in
                zip(timings["atm_jax"], timings[variant])]
      result[f"speedup_over_{variant}"] = round(statistics.median(ratios), 3)
  return result


def machine() -> dict:
  lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
  model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                if line.startswith("Model name")), platform.processor())
  with open("/proc/meminfo") as f:
    ram_kib = int(f.readline().split()[1])
  return {"cpu": model, "cores": os.cpu_count(),
          "ram_gib": round(ram_kib / 2**20, 1),
          "python": platform.python_version(), "jax": jax.__version__,
          "jaxlib": jaxlib.__version__, "torch": torch.__version__,
          "transformers": transformers.__version__,
          "torch_threads": torch.get_num_threads(),
          "xla_flags": os.environ.get("XLA_FLAGS", "")}


def main(argv):
  del argv
  if FLAGS.worker:
    serve(FLAGS.worker)
    return
  torch.set_num_threads(os.cpu_count())
  peak = train_step.matmul_peak_flops(dtype=FLAGS.dtype)
  results = {"batch": FLAGS.batch, "length": FLAGS.length, "dtype": FLAGS.dtype,
             "steps_per_timing": FLAGS.steps, "repeats": FLAGS.repeats,
             "machine": machine(),
             "processes": "one per variant",
             "matmul_peak_tflops": round(peak / 1e12, 4),
             "torch_matmul_peak_tflops": round(
                 torch_matmul_peak(dtype=getattr(torch, FLAGS.dtype)) / 1e12,
                 4),
             "models": [compare(name, peak) for name in FLAGS.models]}
  results["load_1min_at_end"] = round(os.getloadavg()[0], 2)
  os.makedirs(os.path.dirname(FLAGS.out), exist_ok=True)
  with open(FLAGS.out, "w") as f:
    json.dump(results, f, indent=1)
  print(json.dumps(results))


if __name__ == "__main__":
  app.run(main)
