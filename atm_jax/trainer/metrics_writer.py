"""Where logged metrics go: TensorBoard, MODEL_DIR/metrics.jsonl, the terminal."""
import json
import os
import time

from clu import metric_writers


def format_duration(seconds: float) -> str:
  seconds = int(max(seconds, 0))
  hours, rest = divmod(seconds, 3600)
  minutes, seconds = divmod(rest, 60)
  return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


class MetricsWriter:
  """Writes scalars of a step to every sink; only the lead process writes.

  TensorBoard writes happen on a background thread; the JSON lines file gets
  one object per logged step (`step` first) and is flushed each time, so a
  killed run loses nothing it had logged.
  """

  def __init__(self, model_dir: str, total_steps: int, *, is_lead: bool):
    self.total_steps = total_steps
    self.is_lead = is_lead
    self._start = time.time()
    if not is_lead:
      return
    self._tensorboard = metric_writers.AsyncWriter(
        metric_writers.SummaryWriter(os.path.join(model_dir, "tensorboard")))
    self._jsonl = open(os.path.join(model_dir, "metrics.jsonl"), "a")

  def write(self, step: int, scalars: dict[str, float],
            prefix: str = "train") -> None:
    if not self.is_lead:
      return
    self._tensorboard.write_scalars(
        step, {f"{prefix}/{k}": v for k, v in scalars.items()})
    record = {"step": step, "split": prefix, **scalars}
    self._jsonl.write(json.dumps(record) + "\n")
    self._jsonl.flush()
    print(self._line(step, scalars, prefix), flush=True)

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
      self._tensorboard.close()
      self._jsonl.close()
