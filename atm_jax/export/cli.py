"""`python -m atm_jax.export`: a fine-tuned intent and slot run out of JAX.

  python -m atm_jax.export --run=runs/nlu --format=saved_model --output=out/sm
  python -m atm_jax.export --run=runs/nlu --format=onnx --output=out/onnx

saved_model: one signature, `serving_default(texts)`: a batch of strings in;
intent, intent_probability, intent_logits, words, slot_tags (one per word),
slot_logits and words_cut out. The SentencePiece tokenizer is in the graph;
loading needs TensorFlow and tensorflow-text only.

onnx: model.onnx (the encoder and heads, on token ids), the SentencePiece
file and predict_onnx.py, which tokenizes and runs it with numpy,
sentencepiece and onnxruntime only.

Both write serving.json beside the model: labels, vocabulary, maximum
length, source run and step, and how closely the export reproduces
`atm_jax.predict` on the run's test split (or --parity_input). The export is
built in a hidden folder next to --output and moved into place only once
complete, so a failed export leaves nothing behind.
"""
from __future__ import annotations

from absl import flags

from atm_jax import cli
from atm_jax.export.exporter import FORMATS

cli.define_gin_flags()
_RUN = flags.DEFINE_string("run", None, "MODEL_DIR of a fine-tuned NLU run.")
_STEP = flags.DEFINE_integer("step", None, "Checkpoint step; the latest when "
                             "unset.")
_FORMAT = flags.DEFINE_enum("format", None, FORMATS, "What to write.")
_OUTPUT = flags.DEFINE_string("output", None, "A new (or empty) folder for "
                              "the export.")
_PARITY_INPUT = flags.DEFINE_string(
    "parity_input", None, "Utterances to check the export on (any input "
    "atm_jax.predict reads); the run's test split when unset.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 64, "Utterances per call "
                                   "during the parity check.")


def _run() -> None:
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  if not _RUN.value:
    raise UserError("--run is not set; give the MODEL_DIR of a fine-tuned NLU "
                    "run, e.g. --run=runs/nlu.")
  if not _FORMAT.value:
    raise UserError(f"--format is not set; give one of {', '.join(FORMATS)}.")
  if _BATCH_SIZE.value < 1:
    raise UserError(f"--batch_size must be 1 or more, got {_BATCH_SIZE.value}.")
  from atm_jax.export import exporter  # pylint: disable=g-import-not-at-top
  exporter.export(_RUN.value, _FORMAT.value, _OUTPUT.value,
                  step=_STEP.value, parity_input=_PARITY_INPUT.value,
                  batch_size=_BATCH_SIZE.value,
                  bindings=flags.FLAGS.gin_bindings)


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)
