"""Trains the SentencePiece vocabulary a run will use.

  python -m atm_jax.vocab --input_glob='/data/text/*.txt' --vocab_size=64000 \
      --output=/path/vocab/spm.model
"""
import glob
import sys

from absl import app
from absl import flags

from atm_jax.data import vocabulary
from atm_jax.errors import UserError

_INPUT_GLOB = flags.DEFINE_string(
    "input_glob", None, "Text files to train on, one sentence per line.",
    required=True)
_VOCAB_SIZE = flags.DEFINE_integer(
    "vocab_size", None, "Number of pieces, the special ones included.",
    required=True)
_OUTPUT = flags.DEFINE_string(
    "output", None, "Path of the model to write; must end in .model (the "
    ".vocab is written beside it).", required=True)
_CHARACTER_COVERAGE = flags.DEFINE_float(
    "character_coverage", 0.9995, "Share of characters covered by pieces; the "
    "rarest fall back to bytes.")
_MAX_SENTENCES = flags.DEFINE_integer(
    "max_sentences", 2_000_000, "Lines sampled from the input for training.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the line sampling.")


def _train() -> None:
  input_files = sorted(glob.glob(_INPUT_GLOB.value))
  if not input_files:
    raise UserError(f"--input_glob={_INPUT_GLOB.value!r} matches no file; give "
                    "a glob of your text files (quote it so the shell keeps it).")
  vocabulary.train_sentencepiece(
      input_files, _VOCAB_SIZE.value, _OUTPUT.value,
      character_coverage=_CHARACTER_COVERAGE.value,
      max_sentences=_MAX_SENTENCES.value, seed=_SEED.value)


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
  try:
    _train()
  except UserError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
  app.run(main)
