"""Reading a checkpoint folder's tensors from safetensors files only.

safetensors holds raw arrays and a JSON header, so reading it runs no code;
PyTorch's `.bin` files are pickles and are refused.
"""
from __future__ import annotations

import glob
import json
import os

import ml_dtypes  # noqa: F401  (lets numpy, and so safetensors, read bfloat16)
import numpy as np

from atm_jax.errors import UserError

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
_PICKLE_PATTERNS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")


def _files(folder: str) -> list[str]:
  """The safetensors files holding the model (one, or the index's shards)."""
  single = os.path.join(folder, SINGLE_FILE)
  if os.path.isfile(single):
    return [single]
  index = os.path.join(folder, INDEX_FILE)
  if os.path.isfile(index):
    try:
      with open(index, encoding="utf-8") as f:
        shards = sorted(set(json.load(f)["weight_map"].values()))
    except (OSError, ValueError, KeyError, AttributeError) as error:
      raise UserError(f"{index} is not a safetensors index ({error!r}); "
                      "save the model again with save_pretrained.") from error
    return [os.path.join(folder, shard) for shard in shards]
  pickles = sorted(os.path.basename(path) for pattern in _PICKLE_PATTERNS
                   for path in glob.glob(os.path.join(folder, pattern)))
  if pickles:
    raise UserError(
        f"{folder} holds only pickled weights ({', '.join(pickles)}), which "
        "atm_jax never loads because unpickling can run code; save the model "
        "with save_pretrained(..., safe_serialization=True) to get "
        f"{SINGLE_FILE}.")
  raise UserError(f"{folder} has no {SINGLE_FILE}; give a folder saved by "
                  "transformers' save_pretrained.")


def read_tensors(folder: str) -> dict[str, np.ndarray]:
  """Every tensor of the model by name; floats (bfloat16 too) as float32."""
  from safetensors import SafetensorError  # pylint: disable=g-import-not-at-top
  from safetensors.numpy import load_file  # pylint: disable=g-import-not-at-top
  tensors: dict[str, np.ndarray] = {}
  for path in _files(folder):
    if not os.path.isfile(path):
      raise UserError(f"{path} is missing (named by {INDEX_FILE}); download "
                      "every shard of the checkpoint.")
    try:
      loaded = load_file(path)
    except (SafetensorError, OSError, ValueError, TypeError) as error:
      raise UserError(f"{path} could not be read as safetensors ({error}); "
                      "download the file again.") from error
    for name, value in loaded.items():
      if value.dtype.kind not in "biu":  # float16/32/64 or bfloat16
        value = value.astype(np.float32)
      tensors[name] = value
  return tensors
