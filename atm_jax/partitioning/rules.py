"""Logical-axis-to-mesh-axis tables. Models name axes; these say where they go.

Parameters use plain names (`embed`, `mlp`, ...); activations use
`activation_*` names so a parameter axis can go to `fsdp` while the batch of
an activation already uses it. Earlier rules win when two compete for a mesh
axis within one array.
"""
import gin

Rules = tuple[tuple[str, str | tuple[str, ...] | None], ...]

_ACTIVATIONS: Rules = (
    ("activation_batch", ("data", "fsdp")),
    ("activation_batch", "data"),  # where fsdp splits the logits' vocab
    ("activation_length", None),
    ("activation_embed", None),
    ("activation_heads", "model"),
    ("activation_kv", None),
    ("activation_mlp", "model"),
    ("activation_vocab", "model"),
)

_PARAMETERS: Rules = (
    ("vocab", "model"),
    ("mlp", "model"),
    ("heads", "model"),
    ("kv", None),
    ("layers", None),
    ("positions", None),
    ("token_types", None),
    ("teacher_embed", None),
    ("classes", None),
)


@gin.configurable
def standard_rules() -> Rules:
  """T5X's data + model parallel defaults: embed replicated."""
  return _ACTIVATIONS + _PARAMETERS + (("embed", None),)


@gin.configurable
def fsdp_rules() -> Rules:
  """As `standard_rules`, plus every parameter's embed axis split over fsdp;
  the token embedding's vocab axis, and the logits', take fsdp instead."""
  vocab = ("model", "fsdp")
  return ((("activation_vocab", vocab),) + _ACTIVATIONS
          + (("vocab", vocab),) + _PARAMETERS + (("embed", "fsdp"),))
