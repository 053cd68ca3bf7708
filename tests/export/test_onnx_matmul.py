"""Einsums rewritten as MatMul give the same numbers, and equations that are
not a plain matrix product are left alone."""
import numpy as np
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from atm_jax.export import onnx_matmul

RNG = np.random.default_rng(0)


def _model(equation: str, a_shape, b_shape, weight: np.ndarray | None):
  inputs = [helper.make_tensor_value_info("a", TensorProto.FLOAT, a_shape)]
  initializers = []
  if weight is None:
    inputs.append(helper.make_tensor_value_info("b", TensorProto.FLOAT,
                                                b_shape))
  else:
    initializers.append(numpy_helper.from_array(weight, "b"))
  node = helper.make_node("Einsum", ["a", "b"], ["y"], equation=equation)
  graph = helper.make_graph(
      [node], "g", inputs,
      [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
      initializer=initializers)
  return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def _run(model, feeds):
  session = onnxruntime.InferenceSession(model.SerializeToString(),
                                         providers=["CPUExecutionProvider"])
  return session.run(None, feeds)[0]


CASES = [  # equation, a shape, b shape, b is a weight, rewritten
    ("ble,em->blm", (2, 5, 8), (8, 6), True, True),
    ("ble,ehd->blhd", (2, 5, 8), (8, 3, 4), True, True),
    ("blhd,hde->ble", (2, 5, 3, 4), (3, 4, 8), True, True),
    ("bqhd,bkhd->bhqk", (2, 5, 3, 4), (2, 7, 3, 4), False, True),
    ("bhqk,bkhd->bqhd", (2, 3, 5, 7), (2, 7, 3, 4), False, True),
    ("ble,lm->bem", (2, 5, 8), (5, 6), True, False),  # contracts a middle axis
    ("bi,bi->b", (2, 5), (2, 5), False, False),  # no matrix product
]


@pytest.mark.parametrize("equation,a_shape,b_shape,is_weight,rewritten", CASES)
def test_rewrite_keeps_the_numbers(equation, a_shape, b_shape, is_weight,
                                   rewritten):
  a = RNG.standard_normal(a_shape).astype(np.float32)
  b = RNG.standard_normal(b_shape).astype(np.float32)
  feeds = {"a": a} if is_weight else {"a": a, "b": b}
  model = _model(equation, list(a_shape), list(b_shape),
                 b if is_weight else None)
  expected = np.einsum(equation, a, b)
  new, count = onnx_matmul.rewrite(model)
  assert count == int(rewritten)
  ops = {node.op_type for node in new.graph.node}
  assert ("Einsum" in ops) != rewritten
  np.testing.assert_allclose(_run(new, feeds), expected, rtol=1e-5, atol=1e-5)
