"""Multi-host jobs rehearsed on this machine with `atm_jax.launch_local`:
2 processes x 2 CPU devices pretrain and distil exactly like 1 x 4, a job
killed on two hosts resumes exactly on one, and every bad launch ends in one
sentence."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from atm_jax.data.synthetic import write_text_file
from atm_jax.vocab.vocabulary import train_sentencepiece
from tests.xla_flags import FAST_COMPILE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = 12
TRAIN = ["--gin_file=gin_configs/experiments/pretrain_tiny.gin",
         f"--gin.TRAIN_STEPS={STEPS}", "--gin.BATCH_SIZE=16",
         "--gin.SEQUENCE_LENGTH=64", "--gin.VOCAB_SIZE=500",
         "--gin.TrainConfig.log_every=1",
         "--gin.TrainConfig.checkpoint_every=4",
         "--gin.TrainConfig.eval_every=0"]

pytestmark = pytest.mark.slow


def _environment() -> dict[str, str]:
  return {**os.environ, "XLA_FLAGS": FAST_COMPILE}


def _launch(processes: int, devices: int, *command: str) -> list[str]:
  return [sys.executable, "-m", "atm_jax.launch_local",
          f"--num_processes={processes}", f"--devices_per_process={devices}",
          "--grace_seconds=20", "--", *command]


def _run(command: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
  return subprocess.run(command, cwd=ROOT, env=_environment(), text=True,
                        capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> list[str]:
  folder = tmp_path_factory.mktemp("text")
  text = write_text_file(str(folder / "lines.txt"), 3000, seed=0)
  vocab = train_sentencepiece([text], 500, str(folder / "spm.model"))
  return [f"--gin.TEXT_GLOB='{text}'", f"--gin.VOCAB_PATH='{vocab}'"]


def _losses(model_dir: str) -> dict[int, float]:
  """The train loss by step; a step logged again after a resume counts once,
  as the resumed run logged it."""
  losses = {}
  with open(os.path.join(model_dir, "metrics.jsonl")) as f:
    for line in f:
      record = json.loads(line)
      if record["split"] == "train":
        losses[record["step"]] = record["loss"]
  return losses


def _wait_for_step(model_dir: str, step: int, checkpoint: int,
                   job: subprocess.Popen) -> None:
  """Until `step` is logged and checkpoint `checkpoint` is committed (its
  folder renamed from the temporary one), so a kill has a step to resume."""
  path = os.path.join(model_dir, "metrics.jsonl")
  committed = os.path.join(model_dir, "checkpoints", str(checkpoint))
  deadline = time.monotonic() + 300
  while time.monotonic() < deadline and job.poll() is None:
    if (os.path.exists(path) and max(_losses(model_dir), default=0) >= step
        and os.path.isdir(committed)):
      return
    time.sleep(0.2)
  raise AssertionError(f"step {step} never came: {job.communicate()[1][-2000:]}")


@pytest.fixture(scope="module")
def single(data, tmp_path_factory) -> str:
  """The pretraining run on 1 process x 4 devices."""
  model_dir = str(tmp_path_factory.mktemp("single"))
  reference = _run(_launch(1, 4, "train", *TRAIN, *data,
                           f"--gin.MODEL_DIR='{model_dir}'"))
  assert reference.returncode == 0, reference.stderr[-3000:]
  return model_dir


def test_two_hosts_train_like_one_and_resume_exactly_on_one(data, single,
                                                            tmp_path):
  double = str(tmp_path / "double")

  # Both processes killed (SIGKILL, no chance to save) after step 5.
  job = subprocess.Popen(
      _launch(2, 2, "train", *TRAIN, *data, f"--gin.MODEL_DIR='{double}'"),
      cwd=ROOT, env=_environment(), text=True, stdout=subprocess.PIPE,
      stderr=subprocess.PIPE, start_new_session=True)
  _wait_for_step(double, 5, 4, job)
  os.killpg(job.pid, signal.SIGKILL)
  job.communicate()
  killed_at = max(_losses(double))
  assert killed_at < STEPS
  two_host_losses = _losses(double)

  resumed = _run(_launch(1, 4, "train", *TRAIN, *data,
                         f"--gin.MODEL_DIR='{double}'"))
  assert resumed.returncode == 0, resumed.stderr[-3000:]
  assert "Resuming from step" in resumed.stdout
  assert "skipping" not in resumed.stdout  # the saved position, no replay

  expected = _losses(single)
  assert sorted(expected) == list(range(1, STEPS + 1))
  for step, loss in two_host_losses.items():
    assert loss == pytest.approx(expected[step], abs=1e-5), step
  for step, loss in _losses(double).items():
    assert loss == pytest.approx(expected[step], abs=1e-5), step


def test_two_hosts_distil_like_one(data, single, tmp_path):
  """The teacher and student step, sharded over two hosts."""
  distill = ["--gin_file=gin_configs/experiments/distill_tiny.gin",
             "--gin.TRAIN_STEPS=3", "--gin.BATCH_SIZE=16",
             "--gin.SEQUENCE_LENGTH=64", "--gin.TrainConfig.log_every=1",
             "--gin.TrainConfig.eval_every=0", "--gin.VOCAB_SIZE=500", *data,
             f"--gin.TEACHER_CHECKPOINT='{single}'"]
  losses = {}
  for processes, devices in ((1, 4), (2, 2)):
    model_dir = str(tmp_path / f"{processes}x{devices}")
    result = _run(_launch(processes, devices, "train", *distill,
                          f"--gin.MODEL_DIR='{model_dir}'"))
    assert result.returncode == 0, result.stderr[-3000:]
    losses[processes] = _losses(model_dir)
  assert sorted(losses[1]) == [1, 2, 3]
  # The summed distillation loss is about 137, where one float32 step is
  # 1.5e-5: the sharded sums may differ in their last bit, so compare
  # relatively (1e-6 of the loss).
  assert losses[2] == pytest.approx(losses[1], rel=1e-6)


def _worker(*flags: str) -> list[str]:
  return [sys.executable, "-m", "tests.multihost_worker", *flags]


def test_a_job_agrees_across_processes():
  result = _run(_launch(2, 1, *_worker("--rounds=20")), timeout=120)
  assert result.returncode == 0, result.stderr[-3000:]
  assert "[0] process 0 of 2 done" in result.stdout
  assert "[1] process 1 of 2 done" in result.stdout


def test_a_sigterm_to_one_process_stops_all_at_the_same_round():
  result = _run(_launch(2, 1, *_worker("--rounds=100000", "--term_after=30")),
                timeout=120)
  assert result.returncode == 0, result.stderr[-3000:]
  assert "[1] process 1 stopped after round 30 (SIGTERM)" in result.stdout
  assert ("[0] process 0 stopped after round 30 (a signal to another "
          "process)") in result.stdout


def test_a_lost_process_ends_the_other_in_one_sentence():
  started = time.monotonic()
  result = _run(_launch(2, 1, *_worker("--rounds=100000", "--die_after=20",
                                       "--heartbeat_timeout=10")),
                timeout=120)
  assert result.returncode != 0
  survivor = [line for line in result.stderr.splitlines()
              if line.startswith("[0] error:")]
  assert len(survivor) == 1, result.stderr[-3000:]
  assert "lost another process" in survivor[0]
  assert "Traceback" not in result.stderr
  assert time.monotonic() - started < 60


def _error_line(result: subprocess.CompletedProcess) -> str:
  lines = [line for line in result.stderr.splitlines()
           if line.startswith("error:")]
  assert result.returncode == 2 and len(lines) == 1, result.stderr[-3000:]
  return lines[0]


def test_a_process_id_outside_the_job_is_refused(tmp_path):
  result = _run([sys.executable, "-m", "atm_jax.eval", "--process_id=2",
                 "--num_processes=2", "--coordinator_address=localhost:1"],
                timeout=120)
  assert "process_id 2 is not in 0..1" in _error_line(result)


@pytest.mark.parametrize("settings, message", [
    ({"JAX_NUM_PROCESSES": "2", "JAX_PROCESS_ID": "0"},
     "needs --coordinator_address (or JAX_COORDINATOR_ADDRESS) as well"),
    ({"JAX_COORDINATOR_ADDRESS": "localhost:1", "JAX_NUM_PROCESSES": "two",
      "JAX_PROCESS_ID": "0"}, "num_processes is 'two'"),
])
def test_incomplete_settings_are_refused(settings, message):
  environment = {k: v for k, v in _environment().items()
                 if not k.startswith("JAX_")}
  result = subprocess.run(_worker(), cwd=ROOT, env={**environment, **settings},
                          text=True, capture_output=True, timeout=120)
  assert message in _error_line(result)


def test_an_unreachable_coordinator_is_named_after_the_timeout():
  import socket  # pylint: disable=g-import-not-at-top
  with socket.socket() as probe:
    probe.bind(("localhost", 0))
    port = probe.getsockname()[1]
  result = _run(_worker(f"--coordinator_address=localhost:{port}",
                        "--num_processes=2", "--process_id=1",
                        "--initialization_timeout=3"), timeout=120)
  line = _error_line(result)
  assert f"could not join the job at localhost:{port} within 3 s" in line
