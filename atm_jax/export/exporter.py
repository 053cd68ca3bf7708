"""Writes the export of a fine-tuned intent and slot run (see `cli` for the
formats): built in a hidden folder beside the output, checked against
`atm_jax.predict`, and moved into place only once complete."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence

from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax import fs, paths
from atm_jax.errors import UserError
from atm_jax.export import onnx_model, parity, saved_model, serving
from atm_jax.prediction import inputs, nlu
from atm_jax.vocab import files as vocab_files
from tasks import nlu as nlu_tasks

FORMATS = ("saved_model", "onnx")
# The parity an export should reach (fraction equal, float32 logit gap).
EQUAL_FRACTION_TARGET = 0.999
LOGIT_GAP_TARGET = 1e-4


def _check_output(output: str) -> str:
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
  if parity_input:
    return inputs.read_texts(parity_input), parity_input
  task = predictor.task_bindings
  try:
    test = nlu_tasks.read_splits(task["data_dir"], task["data_format"],
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
