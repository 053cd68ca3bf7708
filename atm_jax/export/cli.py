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

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence

from absl import flags

from atm_jax import cli

FORMATS = ("saved_model", "onnx")
# Parity the issue asks of an export (fraction equal, float32 logit gap).
EQUAL_FRACTION_TARGET = 0.999
LOGIT_GAP_TARGET = 1e-4

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


def _check_output(output: str) -> str:
  from atm_jax import fs, paths  # pylint: disable=g-import-not-at-top
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  if not output:
    raise UserError("--output is not set; give a new folder for the export, "
                    "e.g. --output=exports/nlu_saved_model.")
  if fs.is_remote(output):
    raise UserError(f"--output {output} is not a local folder; export to a "
                    "local folder, then copy it up (e.g. gsutil -m cp -r).")
  output = paths.absolute(output)
  if os.path.exists(output) and not os.path.isdir(output):
    raise UserError(f"--output {output} is a file; give a new folder.")
  if os.path.isdir(output) and os.listdir(output):
    raise UserError(f"--output {output} is not empty; give a new folder or "
                    "remove that one first (an export never overwrites).")
  return output


@contextlib.contextmanager
def _staged(output: str):
  """A hidden folder beside `output` that becomes it on success and is
  removed on any failure."""
  parent = os.path.dirname(output)
  os.makedirs(parent, exist_ok=True)
  stage = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}.partial-",
                           dir=parent)
  umask = os.umask(0)
  os.umask(umask)
  os.chmod(stage, 0o777 & ~umask)  # mkdtemp's folder is private
  try:
    yield stage
  except BaseException:
    shutil.rmtree(stage, ignore_errors=True)
    raise
  if os.path.isdir(output):
    os.rmdir(output)  # empty: checked before any work
  os.replace(stage, output)


def _parity_texts(predictor, parity_input: str | None
                  ) -> tuple[list[str], str]:
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  from atm_jax.prediction import inputs  # pylint: disable=g-import-not-at-top
  if parity_input:
    return inputs.read_texts(parity_input), parity_input
  from tasks import nlu  # pylint: disable=g-import-not-at-top
  task = predictor.task_bindings
  try:
    test = nlu.read_splits(task["data_dir"], task["data_format"],
                           task.get("locale"))["test"]
  except (UserError, OSError) as error:
    raise UserError(f"The run's test split cannot be read for the parity "
                    f"check ({error}); give --parity_input=FILE of "
                    "utterances.") from error
  joiner = "" if predictor.by_character else " "
  return ([joiner.join(example.words) for example in test],
          f"test split of {task['data_dir']}")


def _write(predictor, export_format: str, stage: str, spec: dict):
  """Writes the model files into `stage`; returns its labeller."""
  from atm_jax.export import onnx_model, saved_model  # pylint: disable=g-import-not-at-top
  if export_format == "saved_model":
    saved_model.write(predictor, predictor.vocab_path, stage)
    spec["saved_model"] = {
        "signature": saved_model.SIGNATURE, "input": "texts",
        "outputs": sorted(saved_model.OUTPUTS),
        "load_with": "import tensorflow_text; tf.saved_model.load(DIR)"}
    return lambda: saved_model.labeller(stage)
  spec["onnx"] = onnx_model.write(predictor, predictor.vocab_path, stage)
  return lambda: onnx_model.labeller(stage)


def _save_spec(spec: dict, folder: str) -> None:
  from atm_jax.export import serving  # pylint: disable=g-import-not-at-top
  with open(os.path.join(folder, serving.SPEC_FILE), "w",
            encoding="utf-8") as f:
    json.dump(spec, f, indent=2, ensure_ascii=False)
    f.write("\n")


def _report(figures: dict) -> None:
  print(f"Parity with atm_jax.predict on {figures['utterances']} utterances: "
        f"{figures['equal']} equal ({100 * figures['equal_fraction']:.2f}%), "
        f"logits within {figures['max_intent_logit_difference']:.2g} "
        f"(intent) and {figures['max_slot_logit_difference']:.2g} (slots).",
        flush=True)
  if (figures["equal_fraction"] < EQUAL_FRACTION_TARGET
      or max(figures["max_intent_logit_difference"],
             figures["max_slot_logit_difference"]) > LOGIT_GAP_TARGET):
    print(f"warning: below the parity target ({100 * EQUAL_FRACTION_TARGET}% "
          f"equal, logits within {LOGIT_GAP_TARGET}); serving.json records "
          "the figures.", file=sys.stderr)


def export(run: str, export_format: str, output: str, *,
           step: int | None = None, parity_input: str | None = None,
           batch_size: int = 64, bindings: Sequence[str] = ()) -> dict:
  """Writes the export of `run` into the new folder `output`; returns its
  serving.json."""
  from atm_jax import configurables  # noqa: F401  pylint: disable=g-import-not-at-top
  from atm_jax import paths  # pylint: disable=g-import-not-at-top
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  from atm_jax.export import parity, serving  # pylint: disable=g-import-not-at-top
  from atm_jax.prediction import nlu  # pylint: disable=g-import-not-at-top
  from atm_jax.vocab import files as vocab_files  # pylint: disable=g-import-not-at-top

  if export_format not in FORMATS:
    raise UserError(f"--format {export_format!r} is not one of "
                    f"{', '.join(FORMATS)}; give one of them.")
  output = _check_output(output)
  run_dir = paths.absolute(run)
  predictor = nlu.NluPredictor(run_dir, step, bindings)
  if vocab_files.descriptor_path(predictor.vocab_path):
    raise UserError(f"{run_dir} uses an imported tokenizer "
                    f"({predictor.vocab_path}); export supports runs with an "
                    "atm_jax SentencePiece vocabulary, so use atm_jax.predict "
                    "for this run.")
  texts, description = _parity_texts(predictor, parity_input)
  spec = serving.spec(predictor, run_dir, export_format)
  with _staged(output) as stage:
    start = time.monotonic()
    print(f"Writing the {export_format} export of {run_dir} step "
          f"{predictor.step}...", end="", flush=True)
    labeller = _write(predictor, export_format, stage, spec)
    _save_spec(spec, stage)
    print(f" done in {time.monotonic() - start:.1f} s.", flush=True)
    start = time.monotonic()
    print(f"Checking it against atm_jax.predict on {len(texts)} utterances "
          f"({description})...", flush=True)
    spec["parity"] = parity.compare(
        parity.jax_labeller(predictor, batch_size), labeller(), texts,
        batch_size, description)
    spec["parity"]["seconds"] = round(time.monotonic() - start, 1)
    _save_spec(spec, stage)
  _report(spec["parity"])
  print(f"Exported to {output}.", flush=True)
  return spec


def _run() -> None:
  from atm_jax.errors import UserError  # pylint: disable=g-import-not-at-top
  if not _RUN.value:
    raise UserError("--run is not set; give the MODEL_DIR of a fine-tuned NLU "
                    "run, e.g. --run=runs/nlu.")
  if not _FORMAT.value:
    raise UserError(f"--format is not set; give one of {', '.join(FORMATS)}.")
  if _BATCH_SIZE.value < 1:
    raise UserError(f"--batch_size must be 1 or more, got {_BATCH_SIZE.value}.")
  export(_RUN.value, _FORMAT.value, _OUTPUT.value, step=_STEP.value,
         parity_input=_PARITY_INPUT.value, batch_size=_BATCH_SIZE.value,
         bindings=flags.FLAGS.gin_bindings)


def run() -> None:
  """Console-script entry point."""
  cli.launch(_run, __doc__)
