"""Where logged metrics go: TensorBoard, MODEL_DIR/metrics.jsonl, the terminal."""
from concurrent import futures
import json
import os
import sys
import time

from clu import metric_writers

from atm_jax import fs
from atm_jax.errors import cause


def format_duration(seconds: float) -> str:
  seconds = int(max(seconds, 0))
  hours, rest = divmod(seconds, 3600)
  minutes, seconds = divmod(rest, 60)
  return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


class MetricsWriter:
  """Writes scalars of a step to every sink; only the lead process writes.

  TensorBoard writes happen on a background thread; the JSON lines file gets
  one object per logged step (`step` first) and is flushed each time, so a
  killed run loses nothing it had logged. TensorBoard is the secondary sink:
  when it fails (a full disk, say) it is dropped with one warning line and the
  run goes on, so the failure that stops the run is the one that matters.
  """

  def __init__(self, model_dir: str, total_steps: int, *, is_lead: bool):
    self.total_steps = total_steps
    self.is_lead = is_lead
    self._start = time.time()
    if not is_lead:
      return
    self._tensorboard_dir = os.path.join(model_dir, "tensorboard")
    self._tensorboard = metric_writers.SummaryWriter(self._tensorboard_dir)
    self._tensorboard_thread = futures.ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="tensorboard")
    self._jsonl = fs.open(os.path.join(model_dir, "metrics.jsonl"), "a")

  def write(self, step: int, scalars: dict[str, float],
            prefix: str = "train") -> None:
    if not self.is_lead:
      return
    self._tensorboard_thread.submit(
        self._to_tensorboard, "write_scalars", step,
        {f"{prefix}/{k}": v for k, v in scalars.items()})
    record = {"step": step, "split": prefix, **scalars}
    self._jsonl.write(json.dumps(record) + "\n")
    self._jsonl.flush()
    print(self._line(step, scalars, prefix), flush=True)

  def _to_tensorboard(self, method: str, *args) -> None:
    """Runs one TensorBoard call on the writer's thread; the first failure
    turns TensorBoard off."""
    if self._tensorboard is None:
      return
    try:
      getattr(self._tensorboard, method)(*args)
    except Exception as error:  # noqa: BLE001 - any failure ends this sink
      print(f"warning: TensorBoard summaries in {self._tensorboard_dir} "
            f"stopped ({cause(error)}); metrics.jsonl keeps every logged step.",
            file=sys.stderr, flush=True)
      self._tensorboard = None

  def _line(self, step: int, scalars: dict[str, float], prefix: str) -> str:
    parts = [f"{prefix} step {step}/{self.total_steps} "
             f"({100.0 * step / max(self.total_steps, 1):.0f}%)"]
    for key in ("loss", "accuracy", "agreement", "intent_accuracy",
                "slot_accuracy", "grad_norm", "skipped", "learning_rate",
                "tokens_per_second", "seconds_per_step"):
      if key in scalars:
        parts.append(f"{key} {scalars[key]:.4g}")
    if "seconds_per_step" in scalars:
      eta = scalars["seconds_per_step"] * (self.total_steps - step)
      parts.append(f"ETA {format_duration(eta)}")
    return " | ".join(parts)

  def close(self) -> None:
    if self.is_lead:
      self._tensorboard_thread.submit(self._to_tensorboard, "close")
      self._tensorboard_thread.shutdown(wait=True)
      self._jsonl.close()
