r"""`python -m atm_jax.plan`: will this config fit that pod? Compiles the real
train step ahead of time for a mesh of fake CPU devices and reports
parameters, per-device memory, FLOPs and an estimated step time.

  python -m atm_jax.plan \
      --gin_file=gin_configs/experiments/plan_teacher_9_3b_v5e.gin \
      --mesh=fsdp:256 --preset=tpu_v5e --json=/tmp/plan.json

Exits with status 2 and one sentence when a device's total exceeds the HBM
budget. No data, vocabulary or checkpoint is read. See docs/plan.md.
"""
import json
import math
import os

from absl import flags

from atm_jax import fs
from atm_jax import cli
from atm_jax.planning import buffer_report, fake_devices, hardware

cli.define_gin_flags()
flags.DEFINE_string("mesh", None, "Mesh to plan for, AXIS:SIZE pairs over "
                    "data, fsdp, model, e.g. data:16,fsdp:16 (missing axes "
                    "are 1).", required=True)
flags.DEFINE_enum("preset", "tpu_v5e", list(hardware.PRESETS),
                  "Accelerator: " + hardware.describe_presets() + ".")
flags.DEFINE_float("hbm_gib", None, "Per-device memory budget in GiB "
                   "(overrides the preset's).")
flags.DEFINE_float("peak_tflops", None, "Per-device peak TFLOP/s (overrides "
                   "the preset's).")
flags.DEFINE_float("assumed_mfu", 0.4, "Model FLOPs utilisation assumed for "
                   "the step-time estimate.")
flags.DEFINE_string("json", None, "Also write the plan as JSON to this path.")
flags.DEFINE_string("memory_report_dir", None, "Dump XLA's buffer assignment "
                    "here and print the step's biggest buffers (what to "
                    "shrink when a plan does not fit).")
FLAGS = flags.FLAGS


def _run() -> None:
  sizes = fake_devices.parse_mesh(FLAGS.mesh)
  report_dir = FLAGS.memory_report_dir
  if report_dir:  # XLA dumps only what it compiles: no cached executables
    os.environ.pop("JAX_COMPILATION_CACHE_DIR", None)
  fake_devices.request(math.prod(sizes.values()),
                       buffer_report.dump_flags(report_dir) if report_dir
                       else "")
  # Imported only now: jax must start with the fake device count.
  from atm_jax.partitioning.mesh import MeshConfig
  from atm_jax.planning import compile_step, report, run_config

  accelerator = hardware.accelerator(FLAGS.preset, FLAGS.hbm_gib,
                                     FLAGS.peak_tflops)
  run = run_config.load(FLAGS.gin_file, FLAGS.gin_bindings)
  step = compile_step.compile_train_step(
      run, MeshConfig(**sizes), fake_devices.devices_for(sizes))
  plan = report.build(run, step, accelerator, FLAGS.assumed_mfu)
  plan["gin_files"] = list(FLAGS.gin_file)
  print(report.render(plan), flush=True)
  if report_dir:
    print("Biggest buffers per device (XLA memory-usage report in "
          f"{report_dir}):", *buffer_report.biggest_buffers(report_dir),
          sep="\n  ", flush=True)
  if FLAGS.json:
    fs.makedirs(os.path.dirname(fs.absolute(FLAGS.json)))
    with fs.open(FLAGS.json, "w") as f:
      json.dump(plan, f, indent=2)
  report.check_fits(plan)


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__, runs_steps=False)


if __name__ == "__main__":
  run()
