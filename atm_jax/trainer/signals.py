"""Turn SIGTERM/SIGINT into a request to save and stop after the current step."""
import signal
import types


class StopRequest:
  """Context manager; `requested` is the signal's name once one arrived."""

  SIGNALS = (signal.SIGTERM, signal.SIGINT)

  def __init__(self):
    self.requested: str | None = None
    self._previous = {}

  def _handle(self, signum: int, frame: types.FrameType | None) -> None:
    del frame
    self.requested = signal.Signals(signum).name

  def __enter__(self) -> "StopRequest":
    for sig in self.SIGNALS:
      self._previous[sig] = signal.signal(sig, self._handle)
    return self

  def __exit__(self, *exc) -> None:
    for sig, handler in self._previous.items():
      signal.signal(sig, handler)
