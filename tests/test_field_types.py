"""A config field of the wrong type is refused in one sentence."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any, Optional

import gin
import pytest

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types
from atm_jax.models.config import EncoderConfig
from atm_jax.partitioning.mesh import MeshConfig
from atm_jax.pipeline.config import PipelineConfig
from atm_jax.trainer.config import TrainConfig
from atm_jax.trainer.optimizer import OptimizerConfig


@dataclasses.dataclass(frozen=True)
class Inner:
  size: int = 1


@dataclasses.dataclass(frozen=True)
class Example:
  """Every annotation kind check_field_types knows (the string annotations
  of `from __future__ import annotations` included)."""
  count: int = 1
  rate: float = 0.5
  flag: bool = True
  name: str = "x"
  path: str | None = None
  old_style: Optional[int] = None
  pairs: tuple[tuple[str, str | None], ...] = ()
  fixed: tuple[int, str] = (1, "a")
  names: Sequence[str] = ()
  fn: Callable[..., int] | None = None
  inner: Inner = dataclasses.field(default_factory=Inner)
  anything: Any = None
  mapping: dict[str, int] = dataclasses.field(default_factory=dict)

  def __post_init__(self):
    check_field_types(self)


@pytest.mark.parametrize("changes", [
    {},
    {"rate": 2},  # an int where a float is expected
    {"path": "/p", "old_style": 3},
    {"pairs": (("a", None), ("b", "c")), "fixed": (2, "b")},
    {"pairs": [["a", None]]},  # gin writes lists for tuples too
    {"names": ["a", "b"], "fn": len, "inner": Inner(3)},
    {"anything": object(), "mapping": {"a": 1}},
])
def test_values_of_the_annotated_types_pass(changes):
  Example(**changes)


@pytest.mark.parametrize("changes, wanted, got", [
    ({"count": "3"}, "must be an int", "got '3' (a str)"),
    ({"count": True}, "must be an int", "got True (a bool)"),
    ({"count": 2.5}, "must be an int", "got 2.5 (a float)"),
    ({"rate": "0.1"}, "must be a number", "got '0.1' (a str)"),
    ({"rate": False}, "must be a number", "got False (a bool)"),
    ({"flag": 1}, "must be a bool (True or False)", "got 1 (an int)"),
    ({"name": None}, "must be a str", "got None;"),
    ({"path": 3}, "must be a str or None", "got 3 (an int)"),
    ({"old_style": "3"}, "must be an int or None", "got '3' (a str)"),
    ({"pairs": (("a", 1),)},
     "must be a tuple of (str, str or None) tuples", "got (('a', 1),)"),
    ({"fixed": (1, "a", "b")}, "must be a tuple (int, str)",
     "got (1, 'a', 'b')"),
    ({"names": "abc"}, "must be a list of str", "got 'abc' (a str)"),
    ({"fn": 3}, "must be a callable (a gin @reference) or None", "got 3"),
    ({"inner": 3}, "must be an Inner", "got 3 (an int)"),
    ({"mapping": {"a": "b"}}, "must be a dict of str to int",
     "got {'a': 'b'} (a dict)"),
])
def test_values_of_other_types_are_refused(changes, wanted, got):
  with pytest.raises(UserError) as caught:
    Example(**changes)
  message = str(caught.value)
  field = next(iter(changes))
  assert message.startswith(f"Example.{field} {wanted}, {got}")
  assert message.endswith(", or fix the gin file that binds it.")
  assert "\n" not in message


def test_quotes_hint_only_for_a_str_where_a_number_is_wanted():
  with pytest.raises(UserError, match=r"set it without quotes, e\.g\. "
                     r"--gin\.Example\.count=3,"):
    Example(count="3")
  with pytest.raises(UserError) as caught:
    Example(count=2.5)
  assert "quotes" not in str(caught.value)
  assert "set it to an int, e.g. --gin.Example.count=1," in str(caught.value)
  with pytest.raises(UserError, match=r"quote it, e\.g\. "
                     r"--gin\.Example\.name=\"'\.\.\.'\""):
    Example(name=5)


def test_unresolvable_annotations_accept_anything():

  @dataclasses.dataclass
  class Loose:
    thing: "NotDefinedAnywhere" = None  # noqa: F821
    count: int = 0

  check_field_types(Loose(thing=object()))
  with pytest.raises(UserError, match="Loose.count must be an int"):
    check_field_types(Loose(count="1"))


TRAIN = ["TRAIN_STEPS = 200", "TrainConfig.model_dir = '/run'",
         "TrainConfig.task = 't'", "TrainConfig.train_steps = %TRAIN_STEPS",
         "TrainConfig.batch_size = 2", "TrainConfig.sequence_length = 8"]


@pytest.fixture
def fresh_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def test_train_steps_in_quotes_names_the_macro(fresh_gin):
  gin.parse_config(TRAIN + ["TRAIN_STEPS = 'abc'"])
  with pytest.raises(UserError) as caught:
    TrainConfig()
  assert str(caught.value).splitlines()[0] == (
      "TrainConfig.train_steps must be an int, got 'abc' (a str); set it "
      "without quotes, e.g. --gin.TRAIN_STEPS=100, or fix the gin file that "
      "binds it.")
  gin.clear_config()
  gin.parse_config(TRAIN + ["TRAIN_STEPS = '50'"])
  with pytest.raises(UserError, match="e.g. --gin.TRAIN_STEPS=50,"):
    TrainConfig()


def test_a_scoped_binding_is_named_with_its_scope(fresh_gin):
  gin.parse_config(["teacher/EncoderConfig.num_heads = 4.0"])
  with gin.config_scope("teacher"), pytest.raises(UserError) as caught:
    EncoderConfig(vocab_size=10, num_layers=1, embed_dim=8, head_dim=2,
                  mlp_dim=8)
  assert str(caught.value).splitlines()[0] == (
      "EncoderConfig.num_heads must be an int, got 4.0 (a float); set it to "
      "an int, e.g. --gin.teacher/EncoderConfig.num_heads=4, or fix the gin "
      "file that binds it.")


ENCODER = dict(vocab_size=10, num_layers=1, embed_dim=8, num_heads=2,
               head_dim=4, mlp_dim=8)


@pytest.mark.parametrize("make, field", [
    (lambda: TrainConfig(model_dir="/r", task="t", train_steps="5",
                         batch_size=2, sequence_length=8), "train_steps"),
    (lambda: TrainConfig(model_dir="/r", task="t", train_steps=5,
                         batch_size=2, sequence_length=8,
                         init_checkpoint=7), "init_checkpoint"),
    (lambda: OptimizerConfig(peak_learning_rate="1e-3"), "peak_learning_rate"),
    (lambda: OptimizerConfig(warmup_steps=True), "warmup_steps"),
    (lambda: MeshConfig(fsdp="2"), "fsdp"),
    (lambda: EncoderConfig(**{**ENCODER, "num_layers": "2"}), "num_layers"),
    (lambda: EncoderConfig(**ENCODER, pre_layer_norm="yes"), "pre_layer_norm"),
    (lambda: PipelineConfig(work_dir="/w", data=len, vocab_size="1000"),
     "vocab_size"),
    (lambda: PipelineConfig(work_dir="/w", data=len,
                            common_bindings="BATCH_SIZE = 8"),
     "common_bindings"),
])
def test_every_config_checks_its_fields(make, field):
  with pytest.raises(UserError) as caught:
    make()
  name = str(caught.value).split(" ", 1)[0]
  assert name.endswith(f"Config.{field}")


def test_valid_configs_still_build():
  TrainConfig(model_dir="/r", task="t", train_steps=5, batch_size=2,
              sequence_length=8, init_assignment_map=(("a.*", None),))
  OptimizerConfig(peak_learning_rate=1, warmup_steps=0)
  MeshConfig(data=-1, fsdp=2)
  EncoderConfig(**ENCODER, dropout_rate=0, layer_norm_epsilon=1e-6)
  PipelineConfig(work_dir="/w", data=len, languages=["eng"],
                 common_bindings=["BATCH_SIZE = 8"])


def test_module_imports_no_heavy_library():
  code = ("import sys, atm_jax.field_types; "
          "print(sorted({'gin', 'jax', 'tensorflow'} & set(sys.modules)))")
  result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, check=True)
  assert result.stdout.strip() == "[]"
