"""`python -m atm_jax.train`: one training run, chosen by gin files.

  python -m atm_jax.train --gin_file=gin_configs/experiments/pretrain_tiny.gin \
      --gin.MODEL_DIR="'/tmp/run'" --gin.TEXT_GLOB="'/data/*.txt'"

Rerunning the same command resumes from the latest checkpoint in MODEL_DIR.
"""

from absl import flags

from atm_jax import cli, distributed

cli.define_gin_flags()
distributed.define_flags()
FLAGS = flags.FLAGS


def _run() -> None:
  # Imported here so `--help` and flag errors stay fast.
  from atm_jax import configurables  # noqa: F401  (registers gin names)
  from atm_jax import paths
  from atm_jax.trainer import loop

  distributed.initialize_from_flags()
  cli.parse_gin(FLAGS.gin_file, FLAGS.gin_bindings)
  paths.check_output_macro("MODEL_DIR")
  loop.train()


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)


if __name__ == "__main__":
  run()
