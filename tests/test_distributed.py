"""How a process reads its place in a job, and when it calls another one
silent; the launches themselves are in tests/test_launch_local.py."""
import pytest
from absl import flags

from atm_jax import distributed
from atm_jax.errors import UserError

_NAMES = ("coordinator_address", "num_processes", "process_id")


@pytest.fixture(autouse=True)
def parsed_flags(monkeypatch):
  """The shared flags, parsed, at their defaults (None), the variables unset."""
  if "coordinator_address" not in flags.FLAGS:
    distributed.define_flags()
  if not flags.FLAGS.is_parsed():
    flags.FLAGS(["test"])
  for name in _NAMES:
    setattr(flags.FLAGS, name, None)
    monkeypatch.delenv(distributed._ENV[name], raising=False)


def test_no_settings_is_a_single_host():
  assert distributed.explicit_job() is None


def test_flags_win_over_the_environment(monkeypatch):
  monkeypatch.setenv("JAX_COORDINATOR_ADDRESS", "far:1")
  monkeypatch.setenv("JAX_NUM_PROCESSES", "8")
  monkeypatch.setenv("JAX_PROCESS_ID", "7")
  assert distributed.explicit_job() == ("far:1", 8, 7)
  flags.FLAGS.process_id = 3
  assert distributed.explicit_job() == ("far:1", 8, 3)


@pytest.mark.parametrize("settings, message", [
    ({"JAX_NUM_PROCESSES": "2", "JAX_PROCESS_ID": "2",
      "JAX_COORDINATOR_ADDRESS": "h:1"}, "process_id 2 is not in 0..1"),
    ({"JAX_NUM_PROCESSES": "0", "JAX_PROCESS_ID": "0",
      "JAX_COORDINATOR_ADDRESS": "h:1"}, "num_processes is 0"),
    ({"JAX_PROCESS_ID": "1"}, "--coordinator_address (or "
     "JAX_COORDINATOR_ADDRESS), --num_processes (or JAX_NUM_PROCESSES)"),
])
def test_bad_settings_are_one_sentence(monkeypatch, settings, message):
  for name, value in settings.items():
    monkeypatch.setenv(name, value)
  with pytest.raises(UserError, match=message.replace("(", r"\(").replace(
      ")", r"\)")):
    distributed.explicit_job()


def test_a_process_is_silent_once_its_counter_stops_moving(monkeypatch):
  clock = [100.0]
  monkeypatch.setattr(distributed.time, "monotonic", lambda: clock[0])
  seen = {}
  alive = distributed._ALIVE
  beats = {f"{alive}0": "1", f"{alive}1": "1"}
  assert distributed._silent_processes(beats, seen, 2, 100.0, 10) is None
  clock[0] = 105.0
  beats = {f"{alive}0": "2", f"{alive}1": "1"}
  assert distributed._silent_processes(beats, seen, 2, 100.0, 10) is None
  clock[0] = 111.0
  beats = {f"{alive}0": "3", f"{alive}1": "1"}
  assert distributed._silent_processes(beats, seen, 2, 100.0, 10) == (
      "no sign of life from process(es) [1] for 10 s")


def test_a_process_that_never_beat_counts_from_the_start(monkeypatch):
  monkeypatch.setattr(distributed.time, "monotonic", lambda: 120.0)
  beats = {f"{distributed._ALIVE}0": "9"}
  assert "[1]" in distributed._silent_processes(beats, {}, 2, 100.0, 10)
