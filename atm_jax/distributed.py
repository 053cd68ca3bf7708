"""Joining a multi-host job: the flags every command shares, the
environment variables behind them, and one sentence when joining fails.

A TPU slice or a cluster whose scheduler jax knows (SLURM, Kubernetes, ...)
needs only `--distributed`: jax finds the coordinator itself. Elsewhere,
name it: `--coordinator_address=host:port --num_processes=N
--process_id=I`, or the variables JAX_COORDINATOR_ADDRESS, JAX_NUM_PROCESSES
and JAX_PROCESS_ID (what `atm_jax.launch_local` sets).
"""
from __future__ import annotations

import os
import socket
import sys
import threading
import time

from absl import flags

from atm_jax.errors import UserError

_ENV = {"coordinator_address": "JAX_COORDINATOR_ADDRESS",
        "num_processes": "JAX_NUM_PROCESSES",
        "process_id": "JAX_PROCESS_ID"}


def define_flags() -> None:
  flags.DEFINE_bool(
      "distributed", False,
      "Join a multi-host job whose coordinator the cluster names (TPU "
      "slices, SLURM, ...); jax.distributed.initialize() detects it.")
  flags.DEFINE_string(
      "coordinator_address", None,
      "host:port of the coordinator, which process 0 starts; default "
      "$JAX_COORDINATOR_ADDRESS. Setting it joins a multi-host job.")
  flags.DEFINE_integer("num_processes", None,
                       "Processes in the job; default $JAX_NUM_PROCESSES.")
  flags.DEFINE_integer("process_id", None,
                       "This process's index, 0..num_processes-1; default "
                       "$JAX_PROCESS_ID.")
  flags.DEFINE_integer(
      "initialization_timeout", 300,
      "Seconds to wait for every process to reach the coordinator.")
  flags.DEFINE_integer(
      "heartbeat_timeout", 100,
      "Seconds without word from a process before the job is stopped.")


def _setting(name: str) -> str | None:
  value = getattr(flags.FLAGS, name)
  if value is None:
    value = os.environ.get(_ENV[name]) or None
  return None if value is None else str(value)


def _integer(name: str, text: str | None) -> int | None:
  if text is None:
    return None
  try:
    return int(text)
  except ValueError:
    raise UserError(f"{name} is {text!r} ({_ENV[name]} or --{name}); give a "
                    "whole number.") from None


def explicit_job() -> tuple[str, int, int] | None:
  """(coordinator, processes, id) named by flags or environment, else None."""
  address = _setting("coordinator_address")
  count = _integer("num_processes", _setting("num_processes"))
  index = _integer("process_id", _setting("process_id"))
  if address is None and count is None and index is None:
    return None
  if address is None or count is None or index is None:
    missing = [f"--{name} (or {_ENV[name]})" for name, value in
               (("coordinator_address", address), ("num_processes", count),
                ("process_id", index)) if value is None]
    raise UserError(f"A multi-host job needs {', '.join(missing)} as well; "
                    "set all three, or none on a single host.")
  if count < 1:
    raise UserError(f"num_processes is {count}; give 1 or more.")
  if not 0 <= index < count:
    raise UserError(f"process_id {index} is not in 0..{count - 1} for a job "
                    f"of {count} processes; number the processes from 0.")
  return address, count, index


def initialize_from_flags() -> None:
  """Joins the job the flags or environment describe; nothing on one host."""
  import jax  # pylint: disable=g-import-not-at-top
  job = explicit_job()
  if job is None and not flags.FLAGS.distributed:
    return
  timeouts = {"initialization_timeout": flags.FLAGS.initialization_timeout,
              "heartbeat_timeout_seconds": flags.FLAGS.heartbeat_timeout}
  if job is None:
    _join(None, None, None, timeouts)
    return
  address, count, index = job
  if count == 1:
    return
  # Collectives between CPU processes (the local rehearsal) go through gloo;
  # accelerators bring their own.
  jax.config.update("jax_cpu_collectives_implementation", "gloo")
  if index != 0:  # process 0 starts the coordinator; the others dial it
    _wait_for_coordinator(address, index, count,
                          flags.FLAGS.initialization_timeout)
  _join(address, count, index, timeouts)


def _wait_for_coordinator(address: str, index: int, count: int,
                          timeout: float) -> None:
  """Refuses, in one sentence, a coordinator that never answers: jax's
  runtime would abort the process with a C++ stack trace instead."""
  host, _, port = address.rpartition(":")
  if not host or not port.isdigit():
    raise UserError(f"coordinator_address {address!r} is not host:port; give "
                    "e.g. --coordinator_address=10.0.0.2:1234.")
  deadline = time.monotonic() + timeout
  while True:
    try:
      with socket.create_connection((host.strip("[]"), int(port)), timeout=2):
        return
    except OSError as error:
      if time.monotonic() >= deadline:
        raise _could_not_join(index, count, address, timeout,
                              error.strerror or str(error)) from error
      time.sleep(0.5)


def _could_not_join(index: int, count: int, address: str, timeout: float,
                    cause: str) -> UserError:
  return UserError(
      f"Process {index} of {count} could not join the job at {address} "
      f"within {timeout:g} s ({cause}); start every process with the same "
      "coordinator address, process 0 first, and check that its host and "
      "port are reachable.")


def _first_line(error: BaseException) -> str:
  """An error's first line, short enough for a one-sentence message."""
  text = str(error).strip()
  return text.splitlines()[0][:160] if text else type(error).__name__


def _join(address: str | None, count: int | None, index: int | None,
          timeouts: dict) -> None:
  """Joins, then watches the other processes (see `_watch_peers`)."""
  import jax  # pylint: disable=g-import-not-at-top
  # Without this, jax's runtime aborts a process with a C++ stack trace when
  # another one dies; with it, the loss reaches us and ends in one sentence.
  jax.config.update("jax_enable_recoverability", True)
  try:
    jax.distributed.initialize(address, count, index, **timeouts)
  except Exception as error:  # pylint: disable=broad-except
    if address is None:
      raise
    raise _could_not_join(index, count, address,
                          flags.FLAGS.initialization_timeout,
                          _first_line(error)) from error
  _watch_peers(jax.process_count(), jax.process_index())


# How long a finished process waits at exit for the others to finish.
_EXIT_WAIT_MS = 24 * 3600 * 1000
_LEAD_GRACE_SECONDS = 0.5
_ALIVE = "atm_jax/alive/"
LOST_PROCESS = ("Process {index} stopped because the job lost another "
                "process ({cause}); rerun the job to resume from its latest "
                "checkpoint.")


class _Job:
  """This process's place in a joined job, for the watcher and `leave`."""
  client = None
  count = 1
  index = 0
  done = threading.Event()
  watcher: threading.Thread | None = None


def _watch_peers(count: int, index: int, interval: float = 2.0) -> None:
  """A thread that ends this process, in one sentence, once another one
  has given no sign of life for the heartbeat timeout (or the coordinator
  is gone): a survivor waiting on a barrier would otherwise wait forever.

  Each process bumps its own counter in the coordinator's key-value store
  and watches the others' change; ages are measured on this host's clock.
  """
  from jax._src import distributed as jax_distributed  # pylint: disable=g-import-not-at-top
  client = jax_distributed.global_state.client
  _Job.client, _Job.count, _Job.index = client, count, index
  timeout = flags.FLAGS.heartbeat_timeout

  def watch() -> None:
    started = time.monotonic()
    seen: dict[str, tuple[str, float]] = {}
    beat = 0
    while not _Job.done.wait(interval):
      beat += 1
      try:
        client.key_value_set(f"{_ALIVE}{index}", str(beat),
                             allow_overwrite=True)
        beats = dict(client.key_value_dir_get(_ALIVE))
        cause = _silent_processes(beats, seen, count, started, timeout)
      except Exception as error:  # pylint: disable=broad-except
        cause = _first_line(error)
      if cause and not _Job.done.is_set():
        sys.stderr.write("error: " + LOST_PROCESS.format(index=index,
                                                          cause=cause) + "\n")
        sys.stderr.flush()
        os._exit(3)  # pylint: disable=protected-access

  _Job.watcher = threading.Thread(target=watch, name="atm-peer-watch",
                                  daemon=True)
  _Job.watcher.start()


def _silent_processes(beats: dict[str, str], seen: dict, count: int,
                      started: float, timeout: float) -> str | None:
  """Which processes' counters have not moved for `timeout` seconds."""
  now = time.monotonic()
  silent = []
  for process in range(count):
    key = f"{_ALIVE}{process}"
    value = beats.get(key)
    if key not in seen or seen[key][0] != value:
      seen[key] = (value, now if value is not None else started)
    if now - seen[key][1] > timeout:
      silent.append(process)
  if not silent:
    return None
  return f"no sign of life from process(es) {silent} for {timeout} s"


def leave(code: int) -> None:
  """Ends this process's part in the job with exit status `code`.

  jax waits for no one at exit once recoverability is on, and process 0's
  exit takes the coordinator down, which aborts a process still tearing
  down its runtime: so after a success every process first waits for the
  others, then the others leave at once (no teardown that needs the
  coordinator) and process 0 goes last. Returns only on process 0, or when
  no job was joined.
  """
  if _Job.client is None:
    return
  _Job.done.set()
  _Job.watcher.join(timeout=30)  # not inside a runtime call when we leave
  try:
    if code == 0:
      _Job.client.wait_at_barrier("atm_jax_exit", _EXIT_WAIT_MS)
  except Exception:  # pylint: disable=broad-except
    code = code or 3  # another process failed; its own error says why
  if _Job.index != 0:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # pylint: disable=protected-access
  # The others leave right after the barrier, without a word to the
  # coordinator; a moment's grace lets them go before it does.
  time.sleep(_LEAD_GRACE_SECONDS)


def lost_process(error: BaseException) -> str | None:
  """One sentence for a runtime error that says a peer went away; None
  outside a joined job."""
  if _Job.client is None:
    return None
  text = str(error)
  if not any(sign in text for sign in ("Connection closed by peer", "Gloo",
                                       "coordination", "Coordination")):
    return None
  return LOST_PROCESS.format(index=_Job.index, cause=_first_line(error))
