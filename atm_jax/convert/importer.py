"""One checkpoint folder in, one atm_jax run directory out.

The run directory looks like one our trainer wrote: `checkpoints/0/` (an
orbax step whose `state` item holds `params` only, so it serves as
INIT_CHECKPOINT, TEACHER_CHECKPOINT or an eval CHECKPOINT_PATH), `vocab/` (the
tokenizer, see convert.vocabulary) and `model.gin` (the EncoderConfig to give
as the first --gin_file). Everything is written into a temporary sibling and
renamed into place at the end, so a failure leaves nothing behind.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from atm_jax.checkpoints.manager import Checkpointer, shape_mismatch
from atm_jax.convert import hf_config, safetensors_io, tokenizer, weights
from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig
from atm_jax.models.mlm import MlmEncoder

MODEL_GIN = "model.gin"
STEP = 0


def expected_params(config: EncoderConfig) -> Any:
  """Shapes of the MLM model's params (scanned layers), without computing."""
  ints = jnp.ones((1, 8), jnp.int32)
  boxed = jax.eval_shape(
      lambda: MlmEncoder(config).init(jax.random.key(0), ints, ints, ints,
                                      ints[:, :1]))
  return nn.unbox(boxed)["params"]


def _check_against_model(params: dict, config: EncoderConfig) -> None:
  """Our own model must have exactly these params (the head may be absent)."""
  expected = expected_params(config)
  if "mlm_head" not in params:
    expected = {"encoder": expected["encoder"]}
  mismatch = shape_mismatch(expected, params)
  if mismatch:
    raise UserError(f"The converted parameters do not fit the atm_jax "
                    f"encoder: {mismatch}; the checkpoint's config.json does "
                    "not describe its tensors.")


def _write_checkpoint(run_dir: str, params: dict) -> None:
  checkpointer = Checkpointer(os.path.join(run_dir, "checkpoints"),
                              save_interval_steps=1, max_to_keep=None,
                              async_save=False)
  with checkpointer:
    checkpointer.save(STEP, {"params": params}, {"batches": 0}, force=True)
    checkpointer.wait_until_finished()


def _claim_output(output: str) -> str:
  """Fails unless `output` is new (or an empty folder); returns its parent."""
  output = os.path.abspath(output)
  if os.path.exists(output) and (not os.path.isdir(output)
                                 or os.listdir(output)):
    raise UserError(f"{output} already exists and is not empty; give a new "
                    "--output directory (nothing was written).")
  parent = os.path.dirname(output)
  os.makedirs(parent, exist_ok=True)
  return parent


def _build(folder: str, run_dir: str) -> tuple[EncoderConfig, bool]:
  """Writes vocab/, checkpoints/ and model.gin into `run_dir`."""
  model = hf_config.read_config(folder)
  tensors = safetensors_io.read_tensors(folder)
  hf_ids = tokenizer.import_tokenizer(folder, os.path.join(run_dir, "vocab"),
                                      model)
  config = hf_config.encoder_config(model, vocab_size=len(hf_ids))
  params = weights.mlm_params(tensors, config, hf_ids)
  _check_against_model(params, config)
  _write_checkpoint(run_dir, params)
  with open(os.path.join(run_dir, MODEL_GIN), "w", encoding="utf-8") as f:
    f.write(hf_config.gin_text(config, os.path.abspath(folder)))
  return config, "mlm_head" in params


def convert(folder: str, output: str) -> EncoderConfig:
  """Converts the checkpoint in `folder` into the run directory `output`."""
  if not os.path.isdir(folder):
    raise UserError(f"--checkpoint={folder} is not a directory; give the "
                    "folder holding config.json and model.safetensors.")
  parent = _claim_output(output)
  staging = tempfile.mkdtemp(prefix=".convert-", dir=parent)
  try:
    config, has_head = _build(folder, staging)
    if os.path.isdir(output):
      os.rmdir(output)  # empty, checked above
    os.rename(staging, output)
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  head = "with its MLM head" if has_head else (
      "without an MLM head (the checkpoint has none; as a distillation "
      "teacher, set DistillationModel.teacher_head = False)")
  print(f"Converted {config.num_layers} layers x {config.embed_dim} "
        f"({config.vocab_size} ids) {head} into {output}.", flush=True)
  return config
