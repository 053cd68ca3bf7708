"""Markdown table of benchmarks/train_step.py JSON lines, for gpu.sh.

  python benchmarks/gpu_table.py RESULTS.jsonl >> benchmarks/RESULTS.md
"""
import datetime
import json
import sys


def table(records: list[dict]) -> str:
  device = records[0]["device"] if records else "no result"
  lines = [
      "", f"### GPU step, bf16 ({device}, "
      f"{datetime.date.today().isoformat()}, benchmarks/gpu.sh)", "",
      "| model | batch x length | remat | attention | s/step | tokens/s | "
      "model TFLOP/s | MFU (measured bf16 matmul peak) | MFU (datasheet) | "
      "loss first → last |",
      "|---|---|---|---|---|---|---|---|---|---|"]
  for r in records:
    lines.append(
        f"| {r['model']} | {r['batch']} x {r['length']} | {r['remat']} | "
        f"{r['attention']} | {r['seconds_per_step']} | "
        f"{r['tokens_per_second']:,.0f} | {r['model_tflops_per_second']:.1f} "
        f"| {r['mfu']:.1%} of {r['matmul_peak_tflops']:.0f} | "
        f"{r.get('mfu_nominal', float('nan')):.1%} of "
        f"{r.get('nominal_peak_tflops', float('nan')):.0f} | "
        f"{r['first_loss']} → {r['last_loss']} |")
  return "\n".join(lines) + "\n"


def main(path: str) -> None:
  with open(path) as f:
    records = [json.loads(line) for line in f if line.startswith("{")]
  sys.stdout.write(table(records))


if __name__ == "__main__":
  main(sys.argv[1])
