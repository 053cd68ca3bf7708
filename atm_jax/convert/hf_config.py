"""Reading a Hugging Face `config.json` into an `EncoderConfig`.

Only what our encoder computes exactly is accepted: absolute learned
positions, exact GELU, post-LayerNorm blocks. Anything else is refused in one
sentence rather than converted into a model that gives other outputs.
"""
from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig

# model_type -> family; RoBERTa and XLM-R share weight names and positions.
FAMILIES = {"bert": "bert", "roberta": "roberta", "xlm-roberta": "roberta"}
_REQUIRED_KEYS = ("vocab_size", "hidden_size", "num_hidden_layers",
                  "num_attention_heads", "intermediate_size",
                  "max_position_embeddings")


@dataclasses.dataclass(frozen=True)
class HfModel:
  """What the converter needs to know about a checkpoint folder's model."""
  family: str
  model_type: str
  vocab_size: int
  encoder: dict[str, Any]  # EncoderConfig fields except vocab_size


def load_json_object(path: str) -> dict[str, Any]:
  try:
    with open(path, encoding="utf-8") as f:
      value = json.load(f)
  except (OSError, ValueError) as error:
    raise UserError(f"{path} could not be read as JSON ({error}); give a "
                    "folder saved by transformers' save_pretrained.") from error
  if not isinstance(value, dict):
    raise UserError(f"{path} is not a JSON object; give a folder saved by "
                    "transformers' save_pretrained.")
  return value


def _refuse_unsupported(config: dict[str, Any], path: str) -> None:
  """One sentence for each architecture feature our encoder lacks."""
  position_type = config.get("position_embedding_type", "absolute")
  if position_type != "absolute":
    raise UserError(
        f"{path} uses position_embedding_type={position_type!r}, but the "
        "atm_jax encoder has absolute learned positions only; convert a "
        "checkpoint with absolute positions.")
  activation = config.get("hidden_act", "gelu")
  if activation != "gelu":
    raise UserError(
        f"{path} uses hidden_act={activation!r}, but the atm_jax encoder "
        "computes exact (erf) GELU only, so outputs would differ; convert a "
        "checkpoint with hidden_act 'gelu'.")
  if config.get("is_decoder") or config.get("add_cross_attention"):
    raise UserError(f"{path} describes a decoder (is_decoder or "
                    "add_cross_attention); only encoders can be converted.")
  missing = [key for key in _REQUIRED_KEYS if key not in config]
  if missing:
    raise UserError(f"{path} lacks {', '.join(missing)}; give a complete "
                    "config.json saved by transformers.")
  if config["hidden_size"] % config["num_attention_heads"]:
    raise UserError(
        f"{path} has hidden_size {config['hidden_size']} not divisible by "
        f"num_attention_heads {config['num_attention_heads']}; the atm_jax "
        "encoder needs equal heads that fill the width.")


def read_config(folder: str) -> HfModel:
  """The family and the matching EncoderConfig fields of a checkpoint folder."""
  path = os.path.join(folder, "config.json")
  if not os.path.isfile(path):
    raise UserError(f"{folder} has no config.json; give a folder saved by "
                    "transformers' save_pretrained (config.json and "
                    "model.safetensors).")
  config = load_json_object(path)
  model_type = config.get("model_type")
  if model_type not in FAMILIES:
    raise UserError(
        f"{path} has model_type {model_type!r}; the converter reads "
        f"{', '.join(sorted(FAMILIES))} checkpoints only.")
  _refuse_unsupported(config, path)
  family = FAMILIES[model_type]
  # RoBERTa numbers real tokens from padding_idx + 1, BERT from 0.
  offset = config.get("pad_token_id", 1) + 1 if family == "roberta" else 0
  heads = config["num_attention_heads"]
  encoder = dict(
      num_layers=config["num_hidden_layers"],
      embed_dim=config["hidden_size"],
      num_heads=heads,
      head_dim=config["hidden_size"] // heads,
      mlp_dim=config["intermediate_size"],
      max_length=config["max_position_embeddings"] - offset,
      type_vocab_size=config.get("type_vocab_size", 2),
      dropout_rate=config.get("hidden_dropout_prob", 0.1),
      attention_dropout_rate=config.get("attention_probs_dropout_prob", 0.1),
      pre_layer_norm=False,
      layer_norm_epsilon=config.get("layer_norm_eps", 1e-12),
      position_offset=offset,
  )
  return HfModel(family=family, model_type=model_type,
                 vocab_size=config["vocab_size"], encoder=encoder)


def encoder_config(model: HfModel, vocab_size: int) -> EncoderConfig:
  """The EncoderConfig of the converted model (its vocabulary may be larger
  than the checkpoint's: see special_ids)."""
  return EncoderConfig(vocab_size=vocab_size, **model.encoder)


def gin_text(config: EncoderConfig, source: str) -> str:
  """A model gin file, in the layout of gin_configs/models/*.gin."""
  fields = [(f.name, getattr(config, f.name))
            for f in dataclasses.fields(EncoderConfig)
            if f.name not in ("vocab_size", "dtype", "scan_layers",
                              "remat_policy")]
  lines = [f"# Imported from {source} by python -m atm_jax.convert.hf.",
           "# Give it as the first --gin_file of a run.",
           f"VOCAB_SIZE = {config.vocab_size}", "",
           "EncoderConfig.vocab_size = %VOCAB_SIZE"]
  lines += [f"EncoderConfig.{name} = {value!r}" for name, value in fields]
  return "\n".join(lines) + "\n"
