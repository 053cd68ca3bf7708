"""Distillation step time against its parts, timed apart.

  .venv/bin/python benchmarks/distill_step.py --student=tiny --teacher=student_85m

Reports the time of the joint distillation train step, of the teacher's
forward pass alone and of the student's MLM train step alone, and the ratio
joint / (teacher forward + student step). 1.0 means the joint step costs
nothing beyond its parts. Random tokens, dropout off, f32, local devices.
The three are compiled first, then timed in turn `--repeats` times, so a
change in the machine's load reaches all three alike; the ratio is taken
of the medians, and each round's ratio is printed as well.
"""
import json
import os
import statistics
import time

from absl import app, flags


import flax.linen as nn  # noqa: E402
import gin  # noqa: E402
import jax  # noqa: E402

from atm_jax import cli  # noqa: E402
from atm_jax.models import masking  # noqa: E402
from atm_jax.models.config import EncoderConfig  # noqa: E402
from atm_jax.models.distillation import DistillationModel  # noqa: E402
from atm_jax.models.mlm import MlmModel  # noqa: E402
from atm_jax.partitioning.mesh import MeshConfig, create_mesh  # noqa: E402
from atm_jax.partitioning.partitioner import Partitioner  # noqa: E402
# Shares --batch, --length and --steps and the step set-up with train_step.py.
import train_step  # noqa: E402

flags.DEFINE_string("student", "tiny", "Student: a gin_configs/models/ name.")
flags.DEFINE_string("teacher", "student_85m", "Teacher: a models/ name.")
flags.DEFINE_integer("repeats", 3, "Rounds of the three timings, interleaved.")
FLAGS = flags.FLAGS


def encoder_config(name: str) -> EncoderConfig:
  """The model file's EncoderConfig, f32, no dropout."""
  gin.clear_config()
  gin.parse_config_file(os.path.join(cli.PROJECT_ROOT, "gin_configs", "models", f"{name}.gin"))
  return EncoderConfig(dtype="float32", remat_policy="none", dropout_rate=0.0,
                       attention_dropout_rate=0.0)


def timed(partitioner, function, *args):
  """Compiles `function` (one warm-up call); returns a callable giving
  the seconds per call over --steps calls, each on the partitioner's mesh."""
  with partitioner.activate():
    jax.block_until_ready(function(*args))

  def seconds() -> float:
    with partitioner.activate():
      start = time.perf_counter()
      for _ in range(FLAGS.steps):
        out = function(*args)
      jax.block_until_ready(out)
      return (time.perf_counter() - start) / FLAGS.steps
  return seconds


def train_step_timer(model, partitioner, batch, frozen=None):
  state, step = train_step.jitted_train_step(model, partitioner, FLAGS.batch,
                                             FLAGS.length)
  # Donation consumes the state: keep feeding back the new one.
  holder = [state]

  def run(batch, frozen):
    holder[0], metrics = step(holder[0], batch, frozen)
    return metrics
  return timed(partitioner, run, batch, frozen)


def main(argv):
  del argv
  train_step.apply_host_memory_flag()
  teacher, student = encoder_config(FLAGS.teacher), encoder_config(
      FLAGS.student)
  student = EncoderConfig(**{**student.__dict__,
                             "vocab_size": teacher.vocab_size,
                             "max_length": teacher.max_length})
  masking_config = masking.MaskingConfig(vocab_size=teacher.vocab_size)
  partitioner = Partitioner(create_mesh(MeshConfig()))
  batch = train_step.random_batch(partitioner, teacher.vocab_size,
                                  FLAGS.batch, FLAGS.length)
  distill = DistillationModel(student, teacher, masking_config)
  frozen_abstract, frozen_shardings = partitioner.abstract_state(
      lambda r: distill.frozen_init(r, 1, FLAGS.length)["params"],
      jax.random.key(1))
  del frozen_abstract
  frozen = jax.jit(lambda r: nn.unbox(distill.frozen_init(
      r, 1, FLAGS.length)["params"]), out_shardings=frozen_shardings)(
          jax.random.key(1))
  timers = {
      "distill_step_s": train_step_timer(distill, partitioner, batch, frozen),
      "student_step_s": train_step_timer(MlmModel(student, masking_config),
                                         partitioner, batch)}
  teacher_loss = jax.jit(lambda p, b: MlmModel(teacher, masking_config).loss(
      p, b, jax.random.key(0), False))
  timers["teacher_forward_s"] = timed(partitioner, teacher_loss, frozen,
                                      batch)
  rounds = [{name: timer() for name, timer in timers.items()}
            for _ in range(FLAGS.repeats)]
  median = {name: statistics.median(r[name] for r in rounds)
            for name in timers}
  print(json.dumps({
      "student": FLAGS.student, "teacher": FLAGS.teacher,
      "batch": FLAGS.batch, "length": FLAGS.length, "steps": FLAGS.steps,
      "repeats": FLAGS.repeats, "load_average": os.getloadavg()[0],
      **{name: round(value, 4) for name, value in median.items()},
      "ratio": round(_ratio(median), 3),
      "round_ratios": [round(_ratio(r), 3) for r in rounds]}))


def _ratio(times: dict) -> float:
  return times["distill_step_s"] / (times["teacher_forward_s"]
                                    + times["student_step_s"])


if __name__ == "__main__":
  app.run(main)
