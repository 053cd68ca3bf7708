"""Accelerator presets (per chip) and the step time they imply."""
import dataclasses

from atm_jax.errors import UserError


@dataclasses.dataclass(frozen=True)
class Accelerator:
  name: str
  hbm_gib: float
  peak_tflops: float  # dense bf16


# Vendor figures: Cloud TPU system architecture pages (v4, v5e, v5p) and
# NVIDIA's H100 SXM sheet (989 TFLOPs is dense bf16; 1979 is with sparsity).
PRESETS = {
    "tpu_v4": Accelerator("TPU v4", 32, 275),
    "tpu_v5e": Accelerator("TPU v5e", 16, 197),
    "tpu_v5p": Accelerator("TPU v5p", 95, 459),
    "h100": Accelerator("H100 SXM", 80, 989),
}


def describe_presets() -> str:
  return "; ".join(f"{key} = {a.name}, {a.hbm_gib:g} GiB, "
                   f"{a.peak_tflops:g} TFLOPs" for key, a in PRESETS.items())


def accelerator(preset: str | None, hbm_gib: float | None,
                peak_tflops: float | None) -> Accelerator:
  """A preset, with explicit figures overriding its memory or peak."""
  if preset and preset not in PRESETS:
    raise UserError(f"Unknown --preset {preset!r}; use one of "
                    f"{', '.join(PRESETS)}.")
  base = PRESETS[preset or "tpu_v5e"]
  name = base.name + (" (figures overridden)" if hbm_gib or peak_tflops
                      else "")
  return Accelerator(name, hbm_gib or base.hbm_gib,
                     peak_tflops or base.peak_tflops)


def step_seconds(flops: float, devices: int, peak_tflops: float,
                 mfu: float) -> float:
  """Seconds per step if the devices reach `mfu` of their peak on `flops`."""
  if not 0 < mfu <= 1:
    raise UserError(f"--assumed_mfu must be in (0, 1], got {mfu}.")
  return flops / (devices * peak_tflops * 1e12 * mfu)
