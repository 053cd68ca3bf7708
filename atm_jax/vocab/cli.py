"""Trains the SentencePiece vocabulary a run will use, and reports its fit.

  python -m atm_jax.vocab --input_glob='/data/text/*.txt' --vocab_size=64000 \
      --output=/path/vocab/spm.model --alpha=0.3 --report=/path/vocab/report.json

Lines are drawn per language (from the file names, --language_regex) with
XLM-R's temperature sampling; every --held_out_every-th line of each language
is kept out of training and measured afterwards: pieces per word, `<unk>` rate
and byte-fallback rate per language, printed as a table (and as JSON with
--report). Train a few sizes and compare them to choose one.
"""
import sys

from absl import app
from absl import flags

from atm_jax import fs
from atm_jax.errors import UserError
from atm_jax.vocab import report as vocab_report
from atm_jax.vocab import vocabulary

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
    "max_sentences", 2_000_000, "Most lines drawn for training, all languages "
    "together.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the line sampling.")
_LANGUAGE_REGEX = flags.DEFINE_string(
    "language_regex", vocabulary.DEFAULT_LANGUAGE_REGEX,
    "Regex with one group that finds the language code in a file's base name; "
    "files it does not match are one language, 'und'.")
_LANGUAGES = flags.DEFINE_list(
    "languages", None, "Train on these language codes only (default: all).")
_ALPHA = flags.DEFINE_float(
    "alpha", 0.3, "Language sampling temperature: shares proportional to "
    "(n_l/N)^alpha; 1 keeps the text's proportions, 0 makes languages equal.")
_HELD_OUT_EVERY = flags.DEFINE_integer(
    "held_out_every", 100, "Keep every n-th line of each language out of "
    "training to measure the fit on; 0 holds out nothing (and reports nothing).")
_REPORT = flags.DEFINE_string(
    "report", None, "Also write the per-language fit to this JSON file.")


def _report(groups: dict[str, list[str]]) -> None:
  held_out = {language: vocabulary.held_out_lines(files, _HELD_OUT_EVERY.value)
              for language, files in groups.items()}
  fits = vocab_report.measure(_OUTPUT.value, held_out)
  print(f"Fit on held-out lines (every {_HELD_OUT_EVERY.value}th line of each "
        "language):")
  print(vocab_report.format_table(fits))
  if _REPORT.value:
    vocab_report.write_json(fits, _OUTPUT.value, _REPORT.value)
    print(f"Report written to {_REPORT.value}.")


def _train() -> None:
  if _REPORT.value and not _HELD_OUT_EVERY.value:
    raise UserError("--report needs held-out lines to measure, but "
                    "--held_out_every=0 holds out none; set it to 2 or more.")
  input_files = sorted(fs.glob(_INPUT_GLOB.value))
  if not input_files:
    raise UserError(f"--input_glob={_INPUT_GLOB.value!r} matches no file; give "
                    "a glob of your text files (quote it so the shell keeps it).")
  groups = vocabulary.files_by_language(input_files, _LANGUAGE_REGEX.value,
                                        _LANGUAGES.value)
  vocabulary.train_sentencepiece(
      [path for files in groups.values() for path in files],
      _VOCAB_SIZE.value, _OUTPUT.value,
      character_coverage=_CHARACTER_COVERAGE.value,
      max_sentences=_MAX_SENTENCES.value, seed=_SEED.value,
      language_regex=_LANGUAGE_REGEX.value, alpha=_ALPHA.value,
      held_out_every=_HELD_OUT_EVERY.value)
  if _HELD_OUT_EVERY.value:
    _report(groups)


def main(argv: list[str]) -> None:
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
  try:
    _train()
  except UserError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)


def run() -> None:
  """Console-script entry point."""
  sys.modules["__main__"].__doc__ = __doc__  # what --help prints
  app.run(main)


if __name__ == "__main__":
  run()
