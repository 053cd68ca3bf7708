"""The mesh to plan for, as fake CPU devices of this process.

XLA reads the device count once, when JAX first starts a backend, so the
flag must be set before anything imports jax (the CLI does this first).
"""
import math
import os
import re
import sys

from atm_jax.errors import UserError

AXES = ("data", "fsdp", "model")
_COUNT_FLAG = re.compile(r"--xla_force_host_platform_device_count=\d+")


def parse_mesh(text: str) -> dict[str, int]:
  """'data:16,fsdp:16' -> {'data': 16, 'fsdp': 16, 'model': 1}."""
  sizes = dict.fromkeys(AXES, 1)
  for part in filter(None, text.replace(" ", "").split(",")):
    name, _, size = part.partition(":")
    if name not in AXES or not size.isdigit() or int(size) < 1:
      raise UserError(f"--mesh part {part!r} is not AXIS:SIZE with AXIS one "
                      f"of {AXES} and a positive size, e.g. "
                      "--mesh=data:16,fsdp:16.")
    sizes[name] = int(size)
  return sizes


def request(count: int, extra_flags: str = "") -> None:
  """Ask XLA for `count` CPU devices (and any `extra_flags`); must run
  before jax is imported."""
  if "jax" in sys.modules:
    raise RuntimeError("request() must run before jax is imported.")
  flags = _COUNT_FLAG.sub("", os.environ.get("XLA_FLAGS", "")).strip()
  os.environ["XLA_FLAGS"] = " ".join(filter(None, [
      flags, extra_flags, f"--xla_force_host_platform_device_count={count}"]))
  os.environ["JAX_PLATFORMS"] = "cpu"


def devices_for(sizes: dict[str, int]) -> list:
  """The first prod(sizes) devices of this process, or a clear error."""
  import jax  # pylint: disable=g-import-not-at-top
  count = math.prod(sizes.values())
  devices = jax.devices()
  if len(devices) < count:
    raise UserError(
        f"The mesh needs {count} devices but this process has "
        f"{len(devices)}; start it with XLA_FLAGS="
        f"--xla_force_host_platform_device_count={count} (the plan CLI "
        "does this itself).")
  return devices[:count]
