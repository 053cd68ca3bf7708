"""XLA flags of every test process and of the CLI runs tests start.

The suite's models are tiny: a step runs in milliseconds, but compiling it
with LLVM's full optimisation takes most of the suite's time on a cold
compilation cache (these flags took two compile-bound test files, the
distillation step and sharded training, from 164 s to 124 s). Tests compare runs made under the same flags (sharded against one
device, resumed against uninterrupted); level 1, unlike 0, still gives the
bit-identical updates the spike guard's tests demand. `make demo` and the
benchmarks keep the defaults.
"""
FAST_COMPILE = ("--xla_backend_optimization_level=1 "
                "--xla_llvm_disable_expensive_passes=true")


def xla_flags(devices: int) -> str:
  """`devices` fake CPU devices, compiled quickly."""
  return f"--xla_force_host_platform_device_count={devices} {FAST_COMPILE}"
