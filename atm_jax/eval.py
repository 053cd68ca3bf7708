"""`python -m atm_jax.eval`: evaluate one checkpoint or every checkpoint of a run.

  python -m atm_jax.eval \
      --gin_file=gin_configs/experiments/finetune_nlu_tiny.gin \
      --gin_file=gin_configs/runs/eval.gin \
      --gin.CHECKPOINT_PATH="'/tmp/snips'" --gin.NLU_DATA_DIR=... \
      --gin.NLU_FORMAT=... --gin.VOCAB_PATH=...

Writes RUN_DIR/eval/<split>/metrics-<step>.json, predictions-<step>.jsonl
and TensorBoard events; evaluated steps are skipped on a rerun. NLU runs can
add views of the split, each scored beside it under views/<view>/ and printed
on a line of its own: --gin.EVAL_LOCALES="['de-DE']" (MASSIVE locales,
zero-shot) and --gin.EVAL_SPOKEN_FORM=True (the split in spoken form).
"""

from absl import flags

from atm_jax import cli, distributed

cli.define_gin_flags()
distributed.define_flags()


def _run() -> None:
  from atm_jax import configurables  # noqa: F401  (registers gin names)
  from atm_jax import evaluation

  distributed.initialize_from_flags()
  cli.parse_gin(flags.FLAGS.gin_file, flags.FLAGS.gin_bindings)
  evaluation.evaluate()


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)


if __name__ == "__main__":
  run()
