"""What the processes of a multi-host job agree on: who writes, when the
others may read, whether any of them was asked to stop.

With one process every helper is free: no collective runs.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import jax
import numpy as np
from jax.experimental import multihost_utils

T = TypeVar("T")


def is_lead() -> bool:
  """Process 0 writes the files every process would otherwise write."""
  return jax.process_index() == 0


def barrier(name: str) -> None:
  """Waits until every process has reached `name`."""
  if jax.process_count() > 1:
    multihost_utils.sync_global_devices(name)


def lead_first(name: str, make: Callable[[], T]) -> T:
  """Runs `make` on process 0, then on the others once it has finished.

  For work that creates files if they are missing and reads them otherwise
  (a vocabulary trained into the run dir, a label file): the lead writes
  them, the others find them and only read.
  """
  if jax.process_count() == 1:
    return make()
  if is_lead():
    try:
      return make()
    finally:
      barrier(name)
  barrier(name)
  return make()


def any_process(flag: bool) -> bool:
  """True on every process if `flag` is true on any of them."""
  if jax.process_count() == 1:
    return flag
  flags = multihost_utils.process_allgather(np.array(flag, np.int32))
  return bool(np.any(flags))


def lead_value(values: list[int]) -> list[int]:
  """Process 0's list of ints, on every process (e.g. which steps to do)."""
  if jax.process_count() == 1:
    return values
  size = int(multihost_utils.broadcast_one_to_all(np.int64(len(values))))
  # The others' own lists only give the broadcast its shape.
  mine = np.asarray(values if is_lead() else [0] * size, np.int64)
  return [int(v) for v in multihost_utils.broadcast_one_to_all(mine)]
