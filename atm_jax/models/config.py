"""The encoder's hyper-parameters: one frozen, self-checking dataclass bound by gin."""
import dataclasses

import gin

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types

REMAT_POLICIES = ("none", "full", "dots", "dots_no_batch")
COMPUTE_DTYPES = ("float32", "bfloat16")
ATTENTION_KERNELS = ("einsum", "fused")


@gin.configurable
@dataclasses.dataclass(frozen=True)
class EncoderConfig:
  """Shape and behaviour of a RoBERTa-style encoder.

  `pre_layer_norm=True` is the paper's variant (stable at billions of
  parameters); `False` is BERT/XLM-R's, needed to load public checkpoints.
  Parameters are always float32; `dtype` is the compute dtype.
  `attention="fused"` calls `jax.nn.dot_product_attention` (cuDNN's flash
  attention on a GPU in bfloat16, XLA's elsewhere); it has no attention
  dropout. `"einsum"` spells the product out and is the default.
  """

  vocab_size: int
  num_layers: int
  embed_dim: int
  num_heads: int
  head_dim: int
  mlp_dim: int
  max_length: int = 512
  type_vocab_size: int = 0
  dropout_rate: float = 0.1
  attention_dropout_rate: float = 0.1
  pre_layer_norm: bool = True
  layer_norm_epsilon: float = 1e-5
  position_offset: int = 0
  dtype: str = "float32"
  scan_layers: bool = True
  remat_policy: str = "none"
  attention: str = "einsum"

  def __post_init__(self):
    check_field_types(self)
    for name in ("vocab_size", "num_layers", "embed_dim", "num_heads",
                 "head_dim", "mlp_dim", "max_length"):
      if getattr(self, name) <= 0:
        raise UserError(f"EncoderConfig.{name} must be positive, got "
                        f"{getattr(self, name)}; fix it in the model gin file.")
    for name in ("type_vocab_size", "position_offset"):
      if getattr(self, name) < 0:
        raise UserError(f"EncoderConfig.{name} must be >= 0, got "
                        f"{getattr(self, name)}; fix it in the model gin file.")
    if not self.layer_norm_epsilon > 0:
      raise UserError(f"EncoderConfig.layer_norm_epsilon must be > 0, got "
                      f"{self.layer_norm_epsilon}.")
    if self.dtype not in COMPUTE_DTYPES:
      raise UserError(f"EncoderConfig.dtype must be one of {COMPUTE_DTYPES}, "
                      f"got {self.dtype!r}.")
    if self.remat_policy not in REMAT_POLICIES:
      raise UserError(f"EncoderConfig.remat_policy must be one of "
                      f"{REMAT_POLICIES}, got {self.remat_policy!r}.")
    for name in ("dropout_rate", "attention_dropout_rate"):
      if not 0.0 <= getattr(self, name) < 1.0:
        raise UserError(f"EncoderConfig.{name} must be in [0, 1), got "
                        f"{getattr(self, name)}.")
    if self.attention not in ATTENTION_KERNELS:
      raise UserError(f"EncoderConfig.attention must be one of "
                      f"{ATTENTION_KERNELS}, got {self.attention!r}.")
    if self.attention == "fused" and self.attention_dropout_rate:
      raise UserError(
          "EncoderConfig.attention='fused' has no attention dropout, but "
          f"attention_dropout_rate is {self.attention_dropout_rate}; set "
          "EncoderConfig.attention_dropout_rate = 0.0 or use attention="
          "'einsum'.")
