"""Parameter counts from shapes alone (`jax.eval_shape`: nothing allocated).

The paper names models by non-embedding parameters (XLM-R Base is "85M"):
everything except the token, position and token-type embedding tables and
the vocabulary-sized output bias.
"""
import math

import flax.linen as nn
import jax

from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel

EMBEDDING_AXES = frozenset({"vocab", "positions", "token_types"})


def count_parameters(config: EncoderConfig) -> dict[str, int]:
  """{'total': ..., 'non_embedding': ...} for the MLM model of `config`."""
  model = MlmModel(config, MaskingConfig(vocab_size=config.vocab_size))
  boxed = jax.eval_shape(lambda rng: model.init(rng, 1, 8), jax.random.key(0))
  specs = jax.tree.leaves(nn.get_partition_spec(boxed))
  shapes = jax.tree.leaves(nn.unbox(boxed))
  total = non_embedding = 0
  for spec, shape in zip(specs, shapes, strict=True):
    size = math.prod(shape.shape)
    total += size
    if not EMBEDDING_AXES.intersection(spec):
      non_embedding += size
  return {"total": total, "non_embedding": non_embedding}
