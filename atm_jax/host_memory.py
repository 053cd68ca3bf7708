"""Keep the memory a CPU step frees, so the next step does not fault it in.

Every call of a compiled XLA:CPU program allocates its temporaries afresh:
1.5 GB for the student_17m train step at 16 x 128. glibc serves a request
that large with `mmap` and gives it back with `munmap`, so each step touches
fresh pages: 375,000 minor page faults and about a second of kernel time a
step on two cores, a fifth of the step. Two settings stop that:

- `mallopt`: large requests come from the heap and a freed heap is never
  trimmed, so the next step reuses the same, already mapped pages;
- synchronous CPU dispatch: the step then runs on the calling (main) thread,
  whose heap can grow that large; glibc's per-thread heaps cannot, and fall
  back to `mmap` whatever the settings.

The cost: the process keeps its peak host memory until it exits, and the
host no longer queues the next step while one runs (the input pipeline
prefetches on its own threads). Accelerator runs are unaffected: their
buffers live in device memory and only the host's CPU client is synchronous.
"""
import ctypes
import platform

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4


def _glibc():
  """The C library if it is glibc (it has mallopt), else None."""
  if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
    return None
  libc = ctypes.CDLL(None)
  return libc if hasattr(libc, "mallopt") else None


def supported() -> bool:
  """Whether this process's C library takes the settings (glibc)."""
  return _glibc() is not None


def reuse_freed_memory() -> bool:
  """Apply both settings; True if the allocator took them.

  Call before the first computation: JAX reads the dispatch setting when it
  creates its CPU client. JAX is imported here, not with the module, so
  that the CLIs importing this can still set XLA_FLAGS first (the planner's
  fake devices).
  """
  import jax  # pylint: disable=g-import-not-at-top
  jax.config.update("jax_cpu_enable_async_dispatch", False)
  libc = _glibc()
  if libc is None:
    return False
  # -1 as a trim threshold turns trimming off (it is read as unsigned).
  return bool(libc.mallopt(_M_MMAP_MAX, 0) and
              libc.mallopt(_M_TRIM_THRESHOLD, -1))
