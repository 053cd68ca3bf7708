"""`python -m atm_jax.pipeline`: the paper's pipeline as one resumable command.

  python -m atm_jax.pipeline --gin_file=gin_configs/experiments/pipeline_tiny.gin \
      --gin.WORK_DIR="'/tmp/atm_demo'"

Vocabulary -> Stage 1 teacher -> Stage 2 teacher -> students distilled from
each teacher and an MLM-only baseline student -> NLU fine-tuning and test of
every model -> XNLI for the teachers -> WORK_DIR/report.md, report.json and
plots. Each stage is an ordinary run in its own folder under WORK_DIR; rerun
the same command after an interruption and finished stages are skipped.
"""

from absl import flags

from atm_jax import cli, distributed

cli.define_gin_flags()
distributed.define_flags()


def _run() -> None:
  # Imported here so `--help` and flag errors stay fast.
  from atm_jax import configurables  # noqa: F401  (registers gin names)
  from atm_jax import paths
  from atm_jax.pipeline import data_sources  # noqa: F401  (gin names)
  from atm_jax.pipeline.config import PipelineConfig
  from atm_jax.pipeline.runner import PipelineRunner

  distributed.initialize_from_flags()
  cli.parse_gin(flags.FLAGS.gin_file, flags.FLAGS.gin_bindings)
  paths.check_output_macro("WORK_DIR")
  PipelineRunner(PipelineConfig()).run()


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)


if __name__ == "__main__":
  run()
