"""`python -m atm_jax.launch_local`: rehearse a multi-host job on one machine.

  python -m atm_jax.launch_local --num_processes=2 --devices_per_process=2 \\
      -- train --gin_file=gin_configs/experiments/pretrain_tiny.gin \\
      --gin.MODEL_DIR="'/tmp/run'" --gin.TEXT_GLOB="'/data/*.txt'"

Starts `--num_processes` copies of an atm_jax command (train, eval,
pipeline, or any program after `--`), each a jax process with
`--devices_per_process` CPU devices, joined through a coordinator on
localhost. Every line a process prints is prefixed with its index. When one
process fails, the others get `--grace_seconds` to stop on their own and are
then killed; the exit code is the first failure's.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from absl import app, flags

from atm_jax import cli

_TOOLS = {"train": "atm_jax.train", "eval": "atm_jax.eval",
          "pipeline": "atm_jax.pipeline"}

flags.DEFINE_integer("num_processes", 2, "Processes to start.")
flags.DEFINE_integer("devices_per_process", 1, "CPU devices of each process.")
flags.DEFINE_integer("port", 0, "Coordinator port on localhost; 0 picks a "
                     "free one.")
flags.DEFINE_float("grace_seconds", 30.0,
                   "After one process fails, how long the others may take to "
                   "stop on their own before they are killed.")
FLAGS = flags.FLAGS


def _free_port() -> int:
  with socket.socket() as probe:
    probe.bind(("localhost", 0))
    return probe.getsockname()[1]


def command_line(argv: list[str]) -> list[str]:
  """`train ...` -> python -m atm_jax.train ...; anything else as given."""
  if not argv:
    raise app.UsageError("Give the command to run after --, e.g. "
                         "-- train --gin_file=...")
  if argv[0] in _TOOLS:
    return [sys.executable, "-m", _TOOLS[argv[0]], *argv[1:]]
  return argv


def process_environment(index: int, count: int, port: int,
                        devices: int) -> dict[str, str]:
  """What makes process `index` one of `count` CPU hosts of one job."""
  environment = dict(os.environ)
  xla_flags = environment.get("XLA_FLAGS", "")
  xla_flags = " ".join(flag for flag in xla_flags.split() if not flag.startswith(
      "--xla_force_host_platform_device_count"))
  environment.update(
      JAX_COORDINATOR_ADDRESS=f"localhost:{port}",
      JAX_NUM_PROCESSES=str(count), JAX_PROCESS_ID=str(index),
      JAX_PLATFORMS="cpu",
      XLA_FLAGS=f"{xla_flags} --xla_force_host_platform_device_count={devices}"
      .strip())
  return environment


def _relay(stream, prefix: str, out) -> None:
  for line in iter(stream.readline, ""):
    out.write(prefix + line)
    out.flush()


def run_job(command: list[str], count: int, devices: int, port: int,
            grace_seconds: float) -> int:
  """Starts the processes, relays their output, returns the exit code."""
  port = port or _free_port()
  processes, relays = [], []
  for index in range(count):
    process = subprocess.Popen(
        command, env=process_environment(index, count, port, devices),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes.append(process)
    for stream, out in ((process.stdout, sys.stdout),
                        (process.stderr, sys.stderr)):
      relay = threading.Thread(target=_relay, daemon=True,
                               args=(stream, f"[{index}] ", out))
      relay.start()
      relays.append(relay)
  # A scheduler's SIGTERM (preemption) reaches every process, as on a pod.
  signal.signal(signal.SIGTERM, lambda signum, frame: [
      process.send_signal(signum) for process in processes
      if process.poll() is None])
  code = _wait(processes, grace_seconds)
  for relay in relays:
    relay.join(timeout=5)
  return code


def _wait(processes: list[subprocess.Popen], grace_seconds: float) -> int:
  """The first non-zero exit code (0 if all succeed); stragglers killed."""
  failed_at = None
  code = 0
  while any(p.poll() is None for p in processes):
    for index, process in enumerate(processes):
      if process.poll() not in (None, 0) and failed_at is None:
        failed_at, code = time.monotonic(), process.returncode
        print(f"launch_local: process {index} exited with code "
              f"{process.returncode}; the others have {grace_seconds:g} s to "
              "stop.", file=sys.stderr, flush=True)
    if failed_at is not None and time.monotonic() - failed_at > grace_seconds:
      for process in processes:
        if process.poll() is None:
          process.kill()
      break
    time.sleep(0.2)
  for process in processes:
    process.wait()
    if code == 0 and process.returncode:
      code = process.returncode
  return code if code >= 0 else 128 - code


def _main(argv: list[str]) -> None:
  command = command_line(argv[1:])
  sys.exit(run_job(command, FLAGS.num_processes, FLAGS.devices_per_process,
                   FLAGS.port, FLAGS.grace_seconds))


def run() -> None:
  """Console-script entry point."""
  cli.show_usage(__doc__)
  app.run(_main)


if __name__ == "__main__":
  run()
