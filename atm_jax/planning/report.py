"""A plan as numbers (JSON-ready) and as text, and the fits-or-not verdict."""
import math

import jax

from atm_jax.errors import UserError
from atm_jax.models.param_count import count_parameters
from atm_jax.planning import flops, memory
from atm_jax.planning.compile_step import CompiledStep
from atm_jax.planning.hardware import Accelerator, step_seconds
from atm_jax.planning.run_config import PlannedRun

GIB = memory.GIB


def _parameters(run: PlannedRun, step: CompiledStep) -> dict:
  model = run.model
  counts = {"trained": sum(math.prod(leaf.shape) for leaf in
                           jax.tree.leaves(step.state.params)),
            "trained_non_embedding":
                count_parameters(model.config)["non_embedding"]}
  if step.frozen is not None:
    counts["frozen"] = sum(math.prod(leaf.shape)
                           for leaf in jax.tree.leaves(step.frozen))
    counts["frozen_non_embedding"] = count_parameters(
        model.teacher)["non_embedding"]
  return counts


def _flops(run: PlannedRun, step: CompiledStep) -> dict:
  cfg = run.config
  tokens = cfg.batch_size * cfg.sequence_length
  non_embedding = count_parameters(run.model.config)["non_embedding"]
  cost = step.compiled.cost_analysis() or {}
  model = flops.model_flops(run.model, cfg.batch_size, cfg.sequence_length)
  return {
      "six_n_d": 6.0 * non_embedding * tokens,
      "model_trained": model["trained"],
      "model_teacher_forward": model["teacher_forward"],
      "model": model["total"],
      "traced_matmuls": flops.jaxpr_matmul_flops(step.jaxpr),
      "xla_cost_analysis_per_device": float(cost.get("flops", 0.0))}


def build(run: PlannedRun, step: CompiledStep, accelerator: Accelerator,
          assumed_mfu: float) -> dict:
  """Every figure of the plan, in bytes, FLOPs and seconds."""
  cfg, encoder = run.config, run.model.config
  devices = math.prod(step.mesh_shape.values())
  compiled = memory.compiled_memory(step.compiled)
  budget = int(accelerator.hbm_gib * GIB)
  step_flops = _flops(run, step)
  seconds = step_seconds(step_flops["model"], devices,
                         accelerator.peak_tflops, assumed_mfu)
  # Adam's moments share each parameter's shape and sharding: not repeated.
  arrays = {"params": step.state.params, "frozen": step.frozen}
  return {
      "model": type(run.model).__name__,
      "mesh": step.mesh_shape, "devices": devices,
      "batch_size": cfg.batch_size, "sequence_length": cfg.sequence_length,
      "num_microbatches": cfg.num_microbatches,
      "compute_dtype": encoder.dtype, "remat_policy": encoder.remat_policy,
      "parameters": _parameters(run, step),
      "bytes_per_device": {
          "parameters": memory.per_device_bytes(step.state.params),
          "optimizer_state": memory.per_device_bytes(step.state.opt_state),
          "frozen_parameters": memory.per_device_bytes(step.frozen),
          "batch": memory.per_device_bytes(step.batch),
          "compiled": compiled},
      "hbm_budget_bytes": budget, "fits": compiled["total"] <= budget,
      "flops_per_step": step_flops,
      "largest_arrays": memory.largest_arrays(arrays),
      "step_time": {"accelerator": accelerator.name,
                    "peak_tflops": accelerator.peak_tflops,
                    "assumed_mfu": assumed_mfu, "seconds": seconds,
                    "tokens_per_second":
                        cfg.batch_size * cfg.sequence_length / seconds},
      "compile_seconds": {"lower": round(step.lower_seconds, 1),
                          "compile": round(step.compile_seconds, 1)}}


def _bytes(value: float) -> str:
  for unit, size in (("GiB", GIB), ("MiB", 2**20)):
    if value >= size:
      return f"{value / size:,.2f} {unit}"
  return f"{value / 2**10:,.2f} KiB"


def _flop(value: float) -> str:
  for unit, size in (("PFLOP", 1e15), ("TFLOP", 1e12), ("GFLOP", 1e9)):
    if value >= size:
      return f"{value / size:,.2f} {unit}"
  return f"{value / 1e6:,.2f} MFLOP"


def _header_lines(plan: dict) -> list[str]:
  mesh = " ".join(f"{k}={v}" for k, v in plan["mesh"].items())
  params = plan["parameters"]
  lines = [
      f"Plan: {plan['model']} on mesh {mesh} ({plan['devices']} devices)",
      f"Run: batch {plan['batch_size']} x {plan['sequence_length']} tokens, "
      f"{plan['num_microbatches']} microbatch(es), compute "
      f"{plan['compute_dtype']}, remat {plan['remat_policy']}",
      f"Parameters: {params['trained']:,} trained "
      f"({params['trained_non_embedding']:,} non-embedding)"]
  if "frozen" in params:
    lines.append(f"  frozen teacher: {params['frozen']:,} "
                 f"({params['frozen_non_embedding']:,} non-embedding)")
  return lines


def _memory_lines(plan: dict) -> list[str]:
  per_device = plan["bytes_per_device"]
  compiled = per_device["compiled"]
  lines = ["Per device, from the state's shardings:",
           f"  parameters         {_bytes(per_device['parameters'])}",
           f"  optimizer state    {_bytes(per_device['optimizer_state'])}"]
  if "frozen" in plan["parameters"]:
    lines.append(
        f"  frozen teacher     {_bytes(per_device['frozen_parameters'])}")
  return lines + [
      f"  batch              {_bytes(per_device['batch'])}",
      "Per device, from XLA's buffer assignment of the compiled step:",
      f"  arguments {_bytes(compiled['argument'])}, outputs "
      f"{_bytes(compiled['output'])}, aliased (donated) "
      f"{_bytes(compiled['alias'])}, temporaries {_bytes(compiled['temp'])}",
      f"  total {_bytes(compiled['total'])} of a "
      f"{_bytes(plan['hbm_budget_bytes'])} budget: "
      + ("fits" if plan["fits"] else "DOES NOT FIT")]


def _flops_lines(plan: dict) -> list[str]:
  flop = plan["flops_per_step"]
  teacher = flop["model_teacher_forward"]
  return [
      "FLOPs per step:",
      f"  model, whole step: {_flop(flop['model'])} = trained encoder "
      f"{_flop(flop['model_trained'])} (6ND {_flop(flop['six_n_d'])} + "
      "attention + MLM head)"
      + (f" + teacher forward {_flop(teacher)}" if teacher else ""),
      f"  traced matmuls incl. remat, whole step: "
      f"{_flop(flop['traced_matmuls'])} "
      f"({flop['traced_matmuls'] / flop['model']:.2f}x model)",
      f"  XLA cost_analysis, per device, loop bodies counted once: "
      f"{_flop(flop['xla_cost_analysis_per_device'])}"]


def _array_and_time_lines(plan: dict) -> list[str]:
  timing = plan["step_time"]
  lines = ["Largest arrays (global shape, PartitionSpec, per device):"]
  lines += [f"  {a['path']} {tuple(a['shape'])} {a['dtype']} {a['spec']} "
            f"{_bytes(a['bytes_per_device'])}" for a in plan["largest_arrays"]]
  return lines + [
      f"Step time at {timing['assumed_mfu']:.0%} MFU of "
      f"{timing['peak_tflops']:g} TFLOPs ({timing['accelerator']}) x "
      f"{plan['devices']}: {timing['seconds']:.3f} s "
      f"({timing['tokens_per_second']:,.0f} tokens/s)",
      f"Compile on this host: lower {plan['compile_seconds']['lower']} s, "
      f"compile {plan['compile_seconds']['compile']} s"]


def render(plan: dict) -> str:
  """The plan as a short human-readable report."""
  return "\n".join(_header_lines(plan) + _memory_lines(plan) +
                   _flops_lines(plan) + _array_and_time_lines(plan))


def check_fits(plan: dict) -> None:
  """One sentence on what does not fit and by how much."""
  if plan["fits"]:
    return
  compiled = plan["bytes_per_device"]["compiled"]
  over = compiled["total"] - plan["hbm_budget_bytes"]
  raise UserError(
      f"The train step needs {compiled['total'] / GIB:.2f} GiB per device "
      f"(arguments {compiled['argument'] / GIB:.2f}, temporaries "
      f"{compiled['temp'] / GIB:.2f}), {over / GIB:.2f} GiB over the "
      f"{plan['hbm_budget_bytes'] / GIB:.2f} GiB budget; see the biggest "
      "buffers with --memory_report_dir=DIR, then split more (fsdp, model), "
      "lower the batch per device or remat more.")
