"""`python -m atm_jax.plan` end to end on 8 fake devices."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _plan(*args):
  return subprocess.run([sys.executable, "-m", "atm_jax.plan", *args],
                        cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_over_budget_exits_with_one_sentence_and_keeps_the_plan(tmp_path):
  path = tmp_path / "plan.json"
  result = _plan("--gin_file=gin_configs/experiments/pretrain_tiny.gin",
                 "--mesh=data:4,fsdp:2", "--hbm_gib=0.001", f"--json={path}",
                 "--gin.BATCH_SIZE=16")
  assert result.returncode == 2, result.stderr[-2000:]
  last = result.stderr.strip().splitlines()[-1]
  assert last.startswith("error: The train step needs ")
  assert "GiB over the 0.00 GiB budget" in last
  assert last.count(". ") == 0 and last.endswith(".")
  assert "DOES NOT FIT" in result.stdout
  plan = json.loads(path.read_text())
  assert plan["fits"] is False and plan["devices"] == 8
  assert plan["batch_size"] == 16  # --gin.X=V overrides the config


def test_distillation_plan_fits_and_counts_the_teacher(tmp_path):
  result = _plan("--gin_file=gin_configs/experiments/distill_tiny.gin",
                 "--mesh=data:8", "--preset=h100",
                 f"--memory_report_dir={tmp_path}")
  assert result.returncode == 0, result.stderr[-2000:]
  assert "Biggest buffers per device" in result.stdout
  assert "Total bytes:" in result.stdout
  assert "frozen teacher:" in result.stdout
  assert "teacher forward" in result.stdout
  assert "H100 SXM" in result.stdout and ": fits" in result.stdout


def test_a_mesh_flag_typo_is_one_sentence():
  result = _plan("--gin_file=gin_configs/experiments/pretrain_tiny.gin",
                 "--mesh=data=8")
  assert result.returncode == 2
  assert result.stderr.strip().splitlines()[-1].startswith(
      "error: --mesh part 'data=8' is not AXIS:SIZE")
