"""`python -m atm_jax.predict`: intents and slots of raw utterances, or
the XNLI label of sentence pairs.

  echo "wake me up at seven" | python -m atm_jax.predict --run=runs/nlu
  python -m atm_jax.predict --run=runs/nlu --input=utterances.txt --step=300
  printf 'A man eats.\tSomeone eats.\n' | python -m atm_jax.predict --run=runs/xnli

An intent and slot run reads one utterance a line (or a MASSIVE .jsonl file,
or JointBERT's seq.in or its folder) and writes one JSON line per utterance,
in order: {"text", "intent", "intent_score", "slots": [{"slot", "text",
"start", "end", "first_word", "last_word"}]}, with [start, end) character
offsets into text. An XNLI run reads `premise<TAB>hypothesis` a line and
writes {"premise", "hypothesis", "label", "label_score"}. Everything else
comes from the run: its config.gin, labels, vocabulary and latest (or
--step) checkpoint. --gin.X=V overrides a setting of the run.
"""
import contextlib
import json
import sys

from absl import flags

from atm_jax import cli

cli.define_gin_flags()
_RUN = flags.DEFINE_string("run", None, "MODEL_DIR of a fine-tuned NLU or "
                           "XNLI run.")
_STEP = flags.DEFINE_integer("step", None, "Checkpoint step; the latest when "
                             "unset.")
_INPUT = flags.DEFINE_string("input", "-", "Utterances: a text file, a MASSIVE "
                             ".jsonl file, JointBERT's seq.in, or - (stdin); "
                             "for an XNLI run, premise<TAB>hypothesis lines.")
_OUTPUT = flags.DEFINE_string("output", "-", "Where the JSON lines go; - is "
                              "standard output.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 64, "Utterances per call of "
                                   "the model.")


def _write(lines, path: str) -> int:
  from atm_jax import fs  # pylint: disable=g-import-not-at-top
  count = 0
  out = sys.stdout if path == "-" else fs.open(path, "w", encoding="utf-8")
  try:
    for count, line in enumerate(lines, start=1):
      out.write(json.dumps(line, ensure_ascii=False) + "\n")
  finally:
    if out is not sys.stdout:
      out.close()
  return count


def _predictions(run_dir: str):
  """(predictions as dicts, the predictor) for the kind of run it is."""
  import gin  # pylint: disable=g-import-not-at-top
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  from atm_jax.prediction import inputs, runs  # pylint: disable=g-import-not-at-top

  bindings = flags.FLAGS.gin_bindings
  with contextlib.redirect_stdout(sys.stderr):
    name = runs.load_config(run_dir, bindings)
  gin.clear_config()
  if name == "PairClassifierModel":
    from atm_jax.prediction import pairs  # pylint: disable=g-import-not-at-top
    given = inputs.read_pairs(_INPUT.value)
    with contextlib.redirect_stdout(sys.stderr):
      predictor = pairs.PairPredictor(run_dir, _STEP.value, bindings)
    return (p.as_dict() for p in predictor.predict(given, _BATCH_SIZE.value)
            ), predictor
  if name != "JointNluModel":
    raise UserError(f"{run_dir} is neither an intent and slot run nor an "
                    f"XNLI run (its config.gin evaluates "
                    f"{name or 'no fine-tuned model'}); give the MODEL_DIR of "
                    "a run fine-tuned with gin_configs/runs/finetune_nlu.gin "
                    "or finetune_xnli.gin.")
  from atm_jax.prediction import nlu  # pylint: disable=g-import-not-at-top
  texts = inputs.read_texts(_INPUT.value)
  # Standard output carries the predictions alone; loading notes go to stderr.
  with contextlib.redirect_stdout(sys.stderr):
    predictor = nlu.NluPredictor(run_dir, _STEP.value, bindings)
  return (p.as_dict() for p in predictor.predict(texts, _BATCH_SIZE.value)
          ), predictor


def _run() -> None:
  from atm_jax import configurables  # noqa: F401  (registers gin names)
  from atm_jax import paths
  from atm_jax.errors import UserError

  if not _RUN.value:
    raise UserError("--run is not set; give the MODEL_DIR of a fine-tuned NLU "
                    "or XNLI run, e.g. --run=runs/nlu.")
  if _BATCH_SIZE.value < 1:
    raise UserError(f"--batch_size must be 1 or more, got {_BATCH_SIZE.value}.")
  predictions, predictor = _predictions(paths.absolute(_RUN.value))
  count = _write(predictions, _OUTPUT.value)
  if predictor.truncated:
    print(f"warning: {predictor.truncated} of {count} input(s) did not fit "
          f"in {predictor.sequence_length} tokens; they were cut (cut words "
          "have no slot).", file=sys.stderr)


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)


if __name__ == "__main__":
  run()
