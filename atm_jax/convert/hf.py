"""`python -m atm_jax.convert.hf`: import a BERT, RoBERTa or XLM-R checkpoint.

  python -m atm_jax.convert.hf --checkpoint=/path/hf_folder --output=/path/run

Reads config.json, model.safetensors and the tokenizer files of a folder
saved by transformers (no PyTorch, no pickle) and writes a run directory that
fine-tuning (INIT_CHECKPOINT), evaluation and distillation (TEACHER_CHECKPOINT)
read like one of ours: checkpoints/, vocab/ (give it as VOCAB_PATH) and
model.gin (give it as the first --gin_file). See docs/convert.md.
"""
from absl import app, flags

from atm_jax import cli

_CHECKPOINT = flags.DEFINE_string(
    "checkpoint", None, "Folder with config.json, model.safetensors and the "
    "tokenizer files.", required=True)
_OUTPUT = flags.DEFINE_string(
    "output", None, "Run directory to create; must not exist or be empty.",
    required=True)


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
  cli.quiet_libraries()

  def run() -> None:
    from atm_jax.convert import importer  # pylint: disable=g-import-not-at-top
    importer.convert(_CHECKPOINT.value, _OUTPUT.value)

  cli.run_cleanly(run)


def run() -> None:
  """Console-script entry point."""
  cli.show_usage(__doc__)
  app.run(main)


if __name__ == "__main__":
  run()
