"""Model size gin files match their names; every parameter has logical axes."""
import pathlib

import flax.linen as nn
import gin
import jax
import pytest
from jax.sharding import PartitionSpec

from atm_jax.models.config import EncoderConfig
from atm_jax.models.masking import MaskingConfig
from atm_jax.models.mlm import MlmModel
from atm_jax.models.param_count import count_parameters

MODELS_DIR = pathlib.Path(__file__).resolve().parents[2] / "gin_configs/models"
NAMED_SIZES = {
    "mini": 0.79e6,
    "minilm_student_3m": 3.2e6,
    "minilm_student_5m": 5.5e6,
    "student_17m": 17e6,
    "student_85m": 85e6,
    "student_170m": 170e6,
    "teacher_700m": 700e6,
    "teacher_2_3b": 2.3e9,
    "teacher_9_3b": 9.3e9,
}
LOGICAL_AXES = {"vocab", "embed", "heads", "kv", "mlp", "layers", "positions",
                "token_types"}


def config_from_gin(name: str) -> EncoderConfig:
  gin.clear_config()
  try:
    gin.parse_config_file(str(MODELS_DIR / f"{name}.gin"))
    return EncoderConfig()
  finally:
    gin.clear_config()


def test_every_size_file_is_checked():
  """A new size gin file must get a named size here (or be a tiny one)."""
  names = {path.stem for path in MODELS_DIR.glob("*.gin")}
  assert names == set(NAMED_SIZES) | {"tiny", "tiny_student"}


@pytest.mark.parametrize("name", sorted(NAMED_SIZES))
def test_non_embedding_parameters_match_the_name(name):
  """The paper names models by non-embedding parameters; stay within 5%."""
  counts = count_parameters(config_from_gin(name))
  expected = NAMED_SIZES[name]
  assert abs(counts["non_embedding"] - expected) <= 0.05 * expected, counts
  assert counts["total"] > counts["non_embedding"]


@pytest.mark.parametrize("name", ["tiny", "tiny_student"])
def test_tiny_model_counts_parameters(name):
  counts = count_parameters(config_from_gin(name))
  assert 0 < counts["non_embedding"] < counts["total"]


def test_count_parameters_by_hand():
  """Only the three embedding tables and the output bias are "embedding"."""
  config = EncoderConfig(vocab_size=100, num_layers=2, embed_dim=32,
                         num_heads=4, head_dim=8, mlp_dim=64, max_length=16,
                         type_vocab_size=2)
  embed, inner, mlp = 32, 4 * 8, 64
  attention = 3 * (embed * inner + inner) + inner * embed + embed
  feed_forward = embed * mlp + mlp + mlp * embed + embed
  block = attention + feed_forward + 2 * 2 * embed
  head = embed * embed + embed + 2 * embed
  norms = 2 * embed + 2 * embed  # after the embeddings, and the final one
  non_embedding = 2 * block + norms + head
  embeddings = (100 + 16 + 2) * embed + 100
  assert count_parameters(config) == {
      "total": non_embedding + embeddings, "non_embedding": non_embedding}


@pytest.mark.parametrize("scan_layers", [True, False])
def test_every_parameter_has_logical_axis_names(scan_layers):
  """Sharding rules can only place parameters that name all their axes."""
  config = EncoderConfig(vocab_size=100, num_layers=2, embed_dim=32,
                         num_heads=4, head_dim=8, mlp_dim=64, max_length=16,
                         type_vocab_size=2, scan_layers=scan_layers)
  model = MlmModel(config, MaskingConfig(vocab_size=100))
  boxed = jax.eval_shape(lambda: model.init(jax.random.key(0), 2, 8))
  specs = nn.get_partition_spec(boxed)["params"]
  shapes = nn.unbox(boxed)["params"]
  flat_specs = jax.tree_util.tree_flatten_with_path(
      specs, is_leaf=lambda x: isinstance(x, PartitionSpec))[0]
  flat_shapes = jax.tree_util.tree_flatten_with_path(shapes)[0]
  assert [path for path, _ in flat_specs] == [path for path, _ in flat_shapes]

  for (path, spec), (_, shape) in zip(flat_specs, flat_shapes):
    where = jax.tree_util.keystr(path)
    assert isinstance(spec, PartitionSpec), where
    assert len(spec) == len(shape.shape), where
    assert set(spec) <= LOGICAL_AXES, (where, spec)
    in_layers = "['layers']" in where or "['layers_" in where
    if scan_layers and in_layers:
      assert spec[0] == "layers", (where, spec)
      assert shape.shape[0] == config.num_layers, where
    else:
      assert "layers" not in spec, (where, spec)
  assert any("type_embedding" in jax.tree_util.keystr(path)
             for path, _ in flat_specs)
