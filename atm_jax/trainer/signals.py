"""Turn SIGTERM/SIGINT into a request to save and stop after the current step.

On several hosts the request is agreed every step: a signal on any host
makes every host save the same step and stop.
"""
import signal
import types

from atm_jax import hosts


class StopRequest:
  """Context manager; `requested` is the signal's name once one arrived."""

  SIGNALS = (signal.SIGTERM, signal.SIGINT)

  def __init__(self):
    self.requested: str | None = None
    self._previous = {}

  def _handle(self, signum: int, frame: types.FrameType | None) -> None:
    del frame
    self.requested = signal.Signals(signum).name

  def agreed(self) -> str | None:
    """Why to stop now, if any process was asked to; the same on all."""
    if not hosts.any_process(self.requested is not None):
      return None
    return self.requested or "a signal to another process"

  def __enter__(self) -> "StopRequest":
    for sig in self.SIGNALS:
      self._previous[sig] = signal.signal(sig, self._handle)
    return self

  def __exit__(self, *exc) -> None:
    for sig, handler in self._previous.items():
      signal.signal(sig, handler)
