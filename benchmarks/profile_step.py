"""Where the MLM train step's time goes, op by op, from a JAX profiler trace.

  .venv/bin/python benchmarks/profile_step.py --model=student_85m --batch=16

Runs `--steps` train steps (after a warm-up) under `jax.profiler.trace`, reads
the Perfetto trace it writes and prints the XLA operations that took the most
time, with their share of the traced step time, grouped also by what they
do (matmul, reduction, elementwise, gather/scatter) and where (forward,
backward, loss and optimizer). Operations run concurrently on the CPU
threads, so shares can add up to more than 100%. Random tokens, f32, dropout off.
"""
import collections
import glob
import gzip
import json
import os
import re
import tempfile
import time

from absl import app, flags


import jax  # noqa: E402

# Shares --model, --batch, --length, --steps and the step set-up.
import train_step  # noqa: E402

flags.DEFINE_integer("top", 25, "Operations listed.")
flags.DEFINE_string("trace_dir", "", "Keep the trace here (default: temp).")
FLAGS = flags.FLAGS


def op_sources(hlo_text: str) -> dict[str, str]:
  """HLO op name -> the JAX operation it came from (its metadata op_name)."""
  sources = {}
  for match in re.finditer(r"^\s*(?:ROOT )?%?([\w.-]+) = .*?op_name=\"([^\"]+)\"",
                           hlo_text, re.MULTILINE):
    sources.setdefault(match.group(1), match.group(2))
  return sources


def source_kind(source: str) -> str:
  """What an op does, from its JAX source: matmul, reduction or other."""
  if "/" not in source:
    return "runtime (no JAX source)"
  where = "backward " if "transpose(" in source else "forward "
  if source.startswith("jit(train_step)/") and "MlmEncoder" not in source:
    where = "optimizer/loss "
  last = source.rsplit("/", 1)[-1]
  if "dot_general" in last:
    return where + "matmul"
  if last.startswith(("reduce", "argmax")):
    return where + "reduction"
  if any(word in source for word in ("scatter", "gather", "_take")):
    return where + "gather/scatter"
  return where + "elementwise/copy"


def xla_events(trace_dir: str) -> list[dict]:
  """Complete events of the trace's XLA executor threads."""
  path = glob.glob(os.path.join(trace_dir, "**", "*.trace.json.gz"),
                   recursive=True)[0]
  with gzip.open(path) as f:
    trace = json.load(f)
  events = trace["traceEvents"] if isinstance(trace, dict) else trace
  return [e for e in events if e.get("ph") == "X" and "dur" in e]


def main(argv):
  del argv
  _, _, partitioner, state, step, batch = (
      train_step.mlm_step_from_flags())
  trace_dir = FLAGS.trace_dir or tempfile.mkdtemp(prefix="profile_step_")
  with partitioner.activate():
    state, metrics = step(state, batch, None)
    jax.block_until_ready(metrics)
    start = time.perf_counter()
    with jax.profiler.trace(trace_dir, create_perfetto_trace=True):
      for _ in range(FLAGS.steps):
        state, metrics = step(state, batch, None)
      jax.block_until_ready(metrics)
    sources = op_sources(step.lower(state, batch, None).compile().as_text())
  seconds = (time.perf_counter() - start) / FLAGS.steps
  totals, kinds = collections.Counter(), collections.Counter()
  for event in xla_events(trace_dir):
    name = event["name"]
    if name.startswith(("jit_", "PjitFunction", "Thunk", "$")):
      continue  # enclosing spans, not operations
    totals[name] += event["dur"] / 1e6 / FLAGS.steps
    kinds[source_kind(sources.get(name, name))] += (event["dur"] / 1e6 /
                                                     FLAGS.steps)
  print(json.dumps({"model": FLAGS.model, "batch": FLAGS.batch,
                    "length": FLAGS.length, "seconds_per_step": seconds,
                    "load_1min": os.getloadavg()[0], "trace_dir": trace_dir}))
  print(f"{'kind':<24} s/step  share")
  for kind, total in kinds.most_common():
    print(f"{kind:<24} {total:6.3f} {total / seconds:6.1%}")
  print(f"\n{'operation':<48} s/step  share")
  for name, total in totals.most_common(FLAGS.top):
    print(f"{name[:48]:<48} {total:6.3f} {total / seconds:6.1%}  "
          f"{sources.get(name, '')[-90:]}")


if __name__ == "__main__":
  app.run(main)
