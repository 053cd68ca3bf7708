"""The metrics sinks: metrics.jsonl is the record, TensorBoard may fail."""
import json
import os

from atm_jax.trainer.metrics_writer import MetricsWriter


def _records(model_dir):
  with open(os.path.join(model_dir, "metrics.jsonl")) as f:
    return [json.loads(line) for line in f]


def test_every_step_reaches_the_jsonl_and_tensorboard(tmp_path):
  writer = MetricsWriter(str(tmp_path), 10, is_lead=True)
  writer.write(1, {"loss": 2.5})
  writer.write(2, {"loss": 2.0}, prefix="validation")
  writer.close()
  assert _records(tmp_path) == [
      {"step": 1, "split": "train", "loss": 2.5},
      {"step": 2, "split": "validation", "loss": 2.0}]
  assert os.listdir(tmp_path / "tensorboard")


def test_a_failing_tensorboard_is_one_warning_and_the_run_goes_on(
    tmp_path, capsys):
  writer = MetricsWriter(str(tmp_path), 10, is_lead=True)
  calls = []

  def full_disk(*args):
    calls.append(args)
    raise OSError(28, "No space left on device")

  writer._tensorboard.write_scalars = full_disk  # pylint: disable=protected-access
  for step in (1, 2, 3):
    writer.write(step, {"loss": 1.0})
  writer.close()
  assert len(calls) == 1  # dropped after the first failure
  assert [r["step"] for r in _records(tmp_path)] == [1, 2, 3]
  err = capsys.readouterr().err
  assert err.count("warning:") == 1
  assert (f"TensorBoard summaries in {tmp_path / 'tensorboard'} stopped (No "
          "space left on device); metrics.jsonl keeps every logged step."
          in err)
  assert "Traceback" not in err


def test_other_processes_write_nothing(tmp_path):
  writer = MetricsWriter(str(tmp_path), 10, is_lead=False)
  writer.write(1, {"loss": 1.0})
  writer.close()
  assert not os.listdir(tmp_path)
