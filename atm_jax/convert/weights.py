"""Turning BERT / RoBERTa tensors into the atm_jax MLM parameter tree.

PyTorch's Linear keeps [out, in] weights; our projections keep full-rank
[in, ...out] kernels (query as [embed, heads, head_dim]), and `nn.scan`
stacks the blocks on a leading layer axis. Every tensor of the checkpoint is
either mapped, knowingly dropped (the pooler, the NSP head, buffers) or
refused, so a checkpoint of another architecture never half-loads.
"""
from __future__ import annotations

import re
from typing import Any

import jax
import numpy as np

from atm_jax.checkpoints.manager import name_some
from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig

Tensors = dict[str, np.ndarray]
# Prefixes of the *ForMaskedLM (and similar) classes; BertModel has none.
_BODY_PREFIXES = ("bert.", "roberta.")
# Tensors that have no place in our models and carry nothing they need.
_DROPPED = re.compile(
    r"(embeddings\.position_ids|embeddings\.token_type_ids|pooler\..*"
    r"|cls\.seq_relationship\..*)")
_LAYER = re.compile(r"encoder\.layer\.(\d+)\.(.+)")
# Per-layer tensor -> (our path under layers/, kind).
_LAYER_PARAMS = {
    "attention.self.query": ("attention/query", "in_heads"),
    "attention.self.key": ("attention/key", "in_heads"),
    "attention.self.value": ("attention/value", "in_heads"),
    "attention.output.dense": ("attention/out", "heads_out"),
    "attention.output.LayerNorm": ("attention_norm", "norm"),
    "intermediate.dense": ("mlp/wi", "dense"),
    "output.dense": ("mlp/wo", "dense"),
    "output.LayerNorm": ("mlp_norm", "norm"),
}
# MLM head names of BERT and RoBERTa -> our path under mlm_head/.
_HEAD_PARAMS = {
    "cls.predictions.transform.dense": ("dense", "dense"),
    "cls.predictions.transform.LayerNorm": ("norm", "norm"),
    "lm_head.dense": ("dense", "dense"),
    "lm_head.layer_norm": ("norm", "norm"),
}
_HEAD_BIASES = ("cls.predictions.bias", "lm_head.bias")
_TIED_DECODERS = ("cls.predictions.decoder", "lm_head.decoder")


def _canonical(tensors: Tensors) -> Tensors:
  """Names without the model-class prefix; old LayerNorm gamma/beta renamed."""
  renamed = {}
  for name, value in tensors.items():
    for prefix in _BODY_PREFIXES:
      if name.startswith(prefix):
        name = name[len(prefix):]
        break
    name = re.sub(r"LayerNorm\.gamma$", "LayerNorm.weight", name)
    name = re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", name)
    renamed[name] = value
  return renamed


class _Reader:
  """Takes tensors by name, remembering which were used."""

  def __init__(self, tensors: Tensors):
    self.tensors = tensors
    self.used: set[str] = set()

  def has(self, name: str) -> bool:
    return name in self.tensors

  def take(self, name: str) -> np.ndarray:
    if name not in self.tensors:
      raise UserError(f"The checkpoint lacks tensor {name}, which the encoder "
                      "needs; give a complete BERT, RoBERTa or XLM-R "
                      "checkpoint.")
    self.used.add(name)
    return self.tensors[name]

  def unused(self) -> list[str]:
    return sorted(n for n in self.tensors
                  if n not in self.used and not _DROPPED.fullmatch(n))


def _module(reader: _Reader, name: str, kind: str,
            cfg: EncoderConfig) -> dict[str, np.ndarray]:
  """One Linear or LayerNorm, reshaped into our kernel/bias or scale/bias."""
  if kind == "norm":
    return {"scale": reader.take(f"{name}.weight"),
            "bias": reader.take(f"{name}.bias")}
  weight, bias = reader.take(f"{name}.weight"), reader.take(f"{name}.bias")
  kernel = weight.T
  if kind == "in_heads":
    kernel = kernel.reshape(cfg.embed_dim, cfg.num_heads, cfg.head_dim)
    bias = bias.reshape(cfg.num_heads, cfg.head_dim)
  elif kind == "heads_out":
    kernel = kernel.reshape(cfg.num_heads, cfg.head_dim, cfg.embed_dim)
  return {"kernel": kernel, "bias": bias}


def _embeddings(reader: _Reader, cfg: EncoderConfig,
                hf_ids: np.ndarray) -> dict[str, Any]:
  embeddings = {
      "token_embedding": reader.take("embeddings.word_embeddings.weight")[hf_ids],
      "position_embedding": reader.take(
          "embeddings.position_embeddings.weight"),
      "norm": _module(reader, "embeddings.LayerNorm", "norm", cfg),
  }
  if cfg.type_vocab_size:
    embeddings["type_embedding"] = reader.take(
        "embeddings.token_type_embeddings.weight")
  return embeddings


def _set(tree: dict, path: str, value: Any) -> None:
  *parents, leaf = path.split("/")
  for parent in parents:
    tree = tree.setdefault(parent, {})
  tree[leaf] = value


def _layers(reader: _Reader, cfg: EncoderConfig) -> dict[str, Any]:
  """Each block's params stacked on a leading [num_layers] axis (nn.scan)."""
  per_layer: list[dict] = []
  for index in range(cfg.num_layers):
    block: dict[str, Any] = {}
    for hf_name, (path, kind) in _LAYER_PARAMS.items():
      _set(block, path, _module(reader, f"encoder.layer.{index}.{hf_name}",
                                kind, cfg))
    per_layer.append(block)

  return jax.tree.map(lambda *leaves: np.stack(leaves), *per_layer)


def _check_tied(reader: _Reader, token_rows: np.ndarray,
                output_bias: np.ndarray) -> None:
  """An MLM decoder must be the (tied) token embedding and the head's bias."""
  for name in _TIED_DECODERS:
    for suffix, expected in (("weight", token_rows), ("bias", output_bias)):
      full = f"{name}.{suffix}"
      if reader.has(full):
        if not np.array_equal(reader.take(full), expected):
          raise UserError(
              f"The checkpoint's {full} differs from the tied token "
              "embedding and output bias the atm_jax MLM head uses; only "
              "checkpoints with tied input and output embeddings convert.")


def _mlm_head(reader: _Reader, cfg: EncoderConfig,
              hf_ids: np.ndarray) -> dict[str, Any] | None:
  """Our MLM head, or None when the checkpoint has none (e.g. BertModel)."""
  bias_names = [name for name in _HEAD_BIASES if reader.has(name)]
  if not bias_names:
    return None
  head: dict[str, Any] = {}
  for hf_name, (path, kind) in _HEAD_PARAMS.items():
    if reader.has(f"{hf_name}.weight"):
      head[path] = _module(reader, hf_name, kind, cfg)
  bias = reader.take(bias_names[0])
  _check_tied(reader, reader.tensors["embeddings.word_embeddings.weight"],
              bias)
  for path in ("dense", "norm"):
    if path not in head:
      raise UserError(f"The checkpoint has an MLM output bias "
                      f"({bias_names[0]}) but no MLM head {path}; give a "
                      "complete *ForMaskedLM checkpoint.")
  head["output_bias"] = bias[hf_ids]
  return head


def mlm_params(tensors: Tensors, cfg: EncoderConfig,
               hf_ids: np.ndarray) -> dict[str, Any]:
  """The `params` tree of `MlmModel` (the head only if the checkpoint has
  one); token rows and output bias reordered by `hf_ids` (special_ids)."""
  reader = _Reader(_canonical(tensors))
  params: dict[str, Any] = {"encoder": {
      "embeddings": _embeddings(reader, cfg, hf_ids),
      "layers": _layers(reader, cfg)}}
  head = _mlm_head(reader, cfg, hf_ids)
  if head is not None:
    params["mlm_head"] = head
  unused = reader.unused()
  if unused:
    raise UserError(
        f"Tensor(s) {name_some(unused)} not part of a BERT/RoBERTa encoder "
        "or MLM head as the converter knows them; convert a checkpoint of "
        "one of those architectures.")
  return params
