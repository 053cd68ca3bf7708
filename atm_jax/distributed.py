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
    jax.distributed.initialize(**timeouts)
    return
  address, count, index = job
  if count == 1:
    return
  # Collectives between CPU processes (the local rehearsal) go through gloo;
  # accelerators bring their own.
  jax.config.update("jax_cpu_collectives_implementation", "gloo")
  try:
    jax.distributed.initialize(address, count, index, **timeouts)
  except Exception as error:  # pylint: disable=broad-except
    cause = str(error).strip().splitlines()[0][:160] if str(error) else ""
    raise UserError(
        f"Process {index} of {count} could not join the job at {address} "
        f"within {flags.FLAGS.initialization_timeout} s ({cause}); start "
        "every process with the same coordinator address, process 0 first, "
        "and check that its host and port are reachable.") from error
