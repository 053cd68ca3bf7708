"""Accelerator presets and the step-time estimate."""
import pytest

from atm_jax.errors import UserError
from atm_jax.planning import hardware


def test_presets_carry_the_vendor_figures():
  assert hardware.PRESETS["tpu_v5e"] == hardware.Accelerator("TPU v5e", 16,
                                                             197)
  assert hardware.PRESETS["tpu_v4"].hbm_gib == 32
  assert hardware.PRESETS["tpu_v5p"].peak_tflops == 459
  assert hardware.PRESETS["h100"].peak_tflops == 989


def test_explicit_figures_override_the_preset():
  chip = hardware.accelerator("tpu_v4", 8, None)
  assert (chip.hbm_gib, chip.peak_tflops) == (8, 275)
  assert chip.name == "TPU v4 (figures overridden)"
  assert hardware.accelerator("h100", None, None).name == "H100 SXM"
  with pytest.raises(UserError, match="Unknown --preset"):
    hardware.accelerator("tpu_v9", None, None)


def test_step_seconds():
  assert hardware.step_seconds(197e12 * 10, 10, 197, 0.5) == pytest.approx(2)
  with pytest.raises(UserError, match="assumed_mfu"):
    hardware.step_seconds(1.0, 1, 1.0, 1.5)
