"""Distillation step time against its parts, timed apart.

  .venv/bin/python benchmarks/distill_step.py --student=tiny --teacher=student_85m

Reports the time of the joint distillation train step, of the teacher's
forward pass alone and of the student's MLM train step alone, and the ratio
joint / (teacher forward + student step). 1.0 means the joint step costs
nothing beyond its parts. Random tokens, dropout off, f32, local devices.
"""
import json
import os
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
FLAGS = flags.FLAGS


def encoder_config(name: str) -> EncoderConfig:
  """The model file's EncoderConfig, f32, no dropout."""
  gin.clear_config()
  gin.parse_config_file(os.path.join(cli.PROJECT_ROOT, "gin_configs", "models", f"{name}.gin"))
  return EncoderConfig(dtype="float32", remat_policy="none", dropout_rate=0.0,
                       attention_dropout_rate=0.0)


def seconds_per_call(function, *args) -> float:
  jax.block_until_ready(function(*args))
  start = time.perf_counter()
  for _ in range(FLAGS.steps):
    out = function(*args)
  jax.block_until_ready(out)
  return (time.perf_counter() - start) / FLAGS.steps


def train_step_seconds(model, partitioner, batch, frozen=None) -> float:
  state, step = train_step.jitted_train_step(model, partitioner, FLAGS.batch,
                                             FLAGS.length)
  # Donation consumes the state: keep feeding back the new one.
  holder = [state]

  def run(batch, frozen):
    holder[0], metrics = step(holder[0], batch, frozen)
    return metrics
  with partitioner.activate():
    return seconds_per_call(run, batch, frozen)


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
  joint = train_step_seconds(distill, partitioner, batch, frozen)
  alone = train_step_seconds(MlmModel(student, masking_config), partitioner,
                             batch)
  with partitioner.activate():
    teacher_forward = seconds_per_call(
        jax.jit(lambda p, b: MlmModel(teacher, masking_config).loss(
            p, b, jax.random.key(0), False)), frozen, batch)
  print(json.dumps({
      "student": FLAGS.student, "teacher": FLAGS.teacher,
      "batch": FLAGS.batch, "length": FLAGS.length,
      "distill_step_s": round(joint, 4),
      "teacher_forward_s": round(teacher_forward, 4),
      "student_step_s": round(alone, 4),
      "ratio": round(joint / (teacher_forward + alone), 3)}))


if __name__ == "__main__":
  app.run(main)
