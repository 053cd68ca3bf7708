import os
import subprocess
import sys

import pytest

from atm_jax import host_memory

PROBE = os.path.join(os.path.dirname(__file__), "host_memory_probe.py")
PAGES_OF_TEMPORARY = 64 * 2**20 // 4096

pytestmark = pytest.mark.skipif(not host_memory.supported(),
                                reason="mallopt is glibc's")


def _faults_per_step(mode: str) -> int:
  done = subprocess.run([sys.executable, PROBE, mode], capture_output=True,
                        text=True, timeout=300, check=True)
  return int(done.stdout.split()[-1])


def test_a_warm_step_faults_its_temporaries_in_only_without_reuse():
  # Without reuse every call maps its 64 MiB temporary afresh; with it the
  # pages freed by one call serve the next.
  plain, reuse = _faults_per_step("plain"), _faults_per_step("reuse")
  assert plain >= PAGES_OF_TEMPORARY // 2 and reuse <= 100, (plain, reuse)
