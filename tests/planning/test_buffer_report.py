"""Reading XLA's memory-usage report of the train step."""
import os

import pytest

from atm_jax.errors import UserError
from atm_jax.planning import buffer_report

REPORT = """Memory Space: default (color=0)
Total bytes: 3221225472 (3.00GiB)
  cumulative_size;       size;       offset; used_by_n_values; shapes_list
  ------------------------------------------------------------
    2.00GiB( 67%);    2.00GiB;            0;                1; f32[131072,4096]
    3.00GiB(100%);    1.00GiB;   2147483648;                2; 2×bf16[131072,4096]
"""


def test_total_and_biggest_rows(tmp_path):
  path = tmp_path / "module_0004.jit_train_step.cpu_after_optimizations-memory-usage-report.txt"
  path.write_text(REPORT)
  lines = buffer_report.biggest_buffers(str(tmp_path), count=1)
  assert lines == ["Total bytes: 3221225472 (3.00GiB)",
                   "2.00GiB( 67%);    2.00GiB;            0;                "
                   "1; f32[131072,4096]"]


def test_dump_flags_name_the_train_step_only(tmp_path):
  flags = buffer_report.dump_flags(str(tmp_path))
  assert f"--xla_dump_to={os.path.abspath(tmp_path)}" in flags
  assert "--xla_dump_hlo_module_re=.*train_step.*" in flags


def test_no_report_is_a_clear_error(tmp_path):
  with pytest.raises(UserError, match="no memory-usage report"):
    buffer_report.biggest_buffers(str(tmp_path))
