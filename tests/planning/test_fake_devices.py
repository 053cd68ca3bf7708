"""Mesh flags and the fake devices that stand in for a pod."""
import pytest

from atm_jax.errors import UserError
from atm_jax.planning import fake_devices


def test_parse_mesh_fills_missing_axes_with_one():
  assert fake_devices.parse_mesh("data:16,fsdp:16") == {
      "data": 16, "fsdp": 16, "model": 1}
  assert fake_devices.parse_mesh("model:2") == {"data": 1, "fsdp": 1,
                                                "model": 2}


@pytest.mark.parametrize("text", ["data=4", "pipeline:2", "data:0", "fsdp:x"])
def test_parse_mesh_names_the_bad_part(text):
  with pytest.raises(UserError, match="AXIS:SIZE"):
    fake_devices.parse_mesh(text)


def test_too_few_devices_says_how_to_get_more():
  with pytest.raises(UserError, match="device_count=64"):
    fake_devices.devices_for({"data": 8, "fsdp": 8, "model": 1})


def test_request_refuses_once_jax_has_started():
  import jax  # noqa: F401  (already imported by the tests)
  with pytest.raises(RuntimeError):
    fake_devices.request(8)
