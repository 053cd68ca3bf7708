"""XLA's own list of the compiled step's biggest buffers, read from its dump
directory: what to shrink when a plan does not fit."""
import os

from atm_jax import fs
from atm_jax.errors import UserError

_REPORT = "*train_step*memory-usage-report.txt"


def dump_flags(directory: str) -> str:
  """XLA flags that dump the train step's buffer assignment to `directory`
  (set before jax starts, like the device count)."""
  return (f"--xla_dump_to={os.path.abspath(directory)} "
          "--xla_dump_hlo_module_re=.*train_step.*")


def biggest_buffers(directory: str, count: int = 10) -> list[str]:
  """The total line and the `count` largest allocations of the newest
  memory-usage report (each row: size and the shapes sharing it)."""
  reports = sorted(fs.glob(os.path.join(directory, _REPORT)),
                   key=fs.getmtime)
  if not reports:
    raise UserError(f"XLA wrote no memory-usage report to {directory}; "
                    "check that the directory is writable.")
  with fs.open(reports[-1]) as f:
    lines = [line.rstrip() for line in f]
  total = next(line for line in lines if line.startswith("Total bytes"))
  rows = [line for line in lines if "%)" in line][:count]
  return [total.strip()] + [row.strip() for row in rows]
