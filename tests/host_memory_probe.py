"""Minor page faults of a warm step (the median over 7 calls), with or
without host memory reuse (argv[1] is `reuse` or `plain`); run in its own
process because both settings are process-wide. With reuse, a call now and
then still grows the heap (a small allocation has split the freed space),
hence the median."""
import resource
import statistics
import sys

import numpy as np

if sys.argv[1] == "reuse":
  from atm_jax import host_memory
  assert host_memory.reuse_freed_memory()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402


@jax.jit
def step(x):
  # A 64 MiB temporary, well above glibc's largest mmap threshold (32 MiB).
  return jnp.cumsum(jnp.sin(x), axis=0)[-1]


x = jnp.asarray(np.random.default_rng(0).standard_normal((4096, 4096),
                                                          np.float32))
step(x).block_until_ready()
faults = []
for _ in range(7):
  before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
  step(x).block_until_ready()
  faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(statistics.median(faults))
