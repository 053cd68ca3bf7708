"""Serving speed of fine-tuned NLU students: JAX, the SavedModel, ONNX Runtime,
against Hugging Face PyTorch `BertModel` of the same shape with linear heads,
eager and exported to ONNX Runtime through `torch.onnx`.

  .venv/bin/python benchmarks/serving.py --models=tiny,student_17m \
      --nlu_data=../shared/data/massive --work_dir=/tmp/atm_jax_serving
  .venv/bin/python benchmarks/serving.py --runs=tiny:runs/nlu_tiny \
      --texts=utterances.txt

With --models, each model is first fine-tuned from scratch on the MASSIVE
data (en-US) for --train_steps steps, with a 4000-piece vocabulary trained on
its utterances, unless --work_dir already holds that run: speed does not
depend on how well a model is trained, and every export is still checked
against atm_jax.predict.

Two tables per run, on the same utterances (MASSIVE's test split by default):
- end to end, text to intent and slots: atm_jax.predict's predictor (jit),
  the SavedModel (tokenizer in the graph) and the ONNX export's client;
- the model alone, on the same token ids: our ONNX graph, the JAX function,
  and Hugging Face eager and ONNX. The goals compare these.
Batch 1: latency per utterance (p50, p99). Batch 32: utterances per second.
Variants are timed in turn within each of `--repeats` rounds, so their
ratios hold when other jobs load the machine; the 1-minute load is recorded.
Appends JSON lines to `--out`.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from absl import app, flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import gin  # noqa: E402
import jax  # noqa: E402
import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from atm_jax.data import nlu_features  # noqa: E402
from atm_jax.export import exporter  # noqa: E402
from atm_jax.export import onnx_client  # noqa: E402
from atm_jax.export import saved_model  # noqa: E402
from atm_jax.prediction import inputs, nlu  # noqa: E402
from atm_jax.vocab import vocabulary  # noqa: E402

flags.DEFINE_list("runs", [], "name:MODEL_DIR of fine-tuned NLU runs.")
flags.DEFINE_list("models", [], "gin_configs/models/ names to fine-tune on "
                  "--nlu_data and time.")
flags.DEFINE_string("nlu_data", os.path.join(ROOT, "..", "shared", "data",
                                             "massive"),
                    "A MASSIVE folder (with en-US.jsonl) for --models.")
flags.DEFINE_string("work_dir", "/tmp/atm_jax_serving", "Where --models runs "
                    "and their vocabulary go.")
flags.DEFINE_integer("train_steps", 300, "Fine-tuning steps of --models.")
flags.DEFINE_string("texts", None, "Utterances (any atm_jax.predict input; "
                    "MASSIVE's test split of a .jsonl file); --nlu_data's "
                    "en-US test split when unset.")
flags.DEFINE_integer("utterances", 200, "Utterances timed at batch 1.")
flags.DEFINE_integer("batch", 32, "Batch of the throughput timing.")
flags.DEFINE_integer("batches", 10, "Batches timed for throughput.")
flags.DEFINE_integer("repeats", 3, "Interleaved rounds.")
flags.DEFINE_string("out", os.path.join(os.path.dirname(__file__), "results",
                                        "serving.jsonl"), "JSON lines added.")
FLAGS = flags.FLAGS


def _texts(path: str) -> list[str]:
  if path.endswith(".jsonl"):
    with open(path, encoding="utf-8") as f:
      rows = [json.loads(line) for line in f]
    if any("partition" in row for row in rows):
      return [row["utt"] for row in rows if row.get("partition") == "test"]
  return inputs.read_texts(path)


def _vocabulary(work_dir: str, massive: str) -> str:
  path = os.path.join(work_dir, "vocab", "spm.model")
  if not os.path.exists(path):
    text = os.path.join(work_dir, "text", "en.txt")
    os.makedirs(os.path.dirname(text), exist_ok=True)
    with open(text, "w", encoding="utf-8") as f:
      f.writelines(row["utt"] + "\n" for row in _rows(massive)
                   if row["partition"] == "train")
    vocabulary.train_sentencepiece([text], 4000, path)
  return path


def _rows(massive: str) -> list[dict]:
  with open(os.path.join(massive, "en-US.jsonl"), encoding="utf-8") as f:
    return [json.loads(line) for line in f]


def _fine_tuned(model: str, work_dir: str, massive: str, steps: int) -> str:
  """A run of `model` fine-tuned from scratch on MASSIVE en-US."""
  run_dir = os.path.join(work_dir, f"nlu_{model}")
  if os.path.isdir(os.path.join(run_dir, "checkpoints")):
    return run_dir  # trained before: reuse its latest checkpoint
  vocab = _vocabulary(work_dir, massive)
  print(f"Fine-tuning {model} for {steps} steps into {run_dir}...", flush=True)
  subprocess.run([
      sys.executable, "-m", "atm_jax.train",
      f"--gin_file=gin_configs/models/{model}.gin",
      "--gin_file=gin_configs/runs/finetune_nlu.gin",
      f"--gin.MODEL_DIR='{run_dir}'", f"--gin.NLU_DATA_DIR='{massive}'",
      "--gin.NLU_FORMAT='massive'", "--gin.NLU_LOCALE='en-US'",
      f"--gin.VOCAB_PATH='{vocab}'", "--gin.VOCAB_SIZE=4000",
      f"--gin.TRAIN_STEPS={steps}", "--gin.TrainConfig.eval_every=0",
      f"--gin.TrainConfig.checkpoint_every={steps}",
      f"--gin.TrainConfig.log_every={max(steps // 5, 1)}",
      "--gin.OptimizerConfig.peak_learning_rate=5e-4",
      "--gin.EncoderConfig.dropout_rate=0.0"], cwd=ROOT, check=True)
  return run_dir


class HfNlu(torch.nn.Module):
  """BertModel of our encoder's shape, intent head on the first token and a
  slot head gathered at the words' first pieces."""

  def __init__(self, model, intents: int, tags: int):
    super().__init__()
    config = model.config
    self.bert = transformers.BertModel(transformers.BertConfig(
        vocab_size=config.vocab_size, hidden_size=config.embed_dim,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        intermediate_size=config.mlp_dim,
        max_position_embeddings=config.max_length), add_pooling_layer=False)
    self.intent = torch.nn.Linear(config.embed_dim, intents)
    self.slots = torch.nn.Linear(config.embed_dim, tags)

  def forward(self, tokens, mask, word_positions):
    hidden = self.bert(input_ids=tokens, attention_mask=mask).last_hidden_state
    words = torch.gather(hidden, 1, word_positions[..., None].expand(
        -1, -1, hidden.shape[-1]))
    return self.intent(hidden[:, 0]), self.slots(words)


def _hf_onnx(module: HfNlu, sample: dict, folder: str):
  path = os.path.join(folder, "hf.onnx")
  args = tuple(torch.from_numpy(sample[k].astype(np.int64))
               for k in ("tokens", "segment_ids", "word_positions"))
  torch.onnx.export(module, args, path, dynamo=False, opset_version=17,
                    input_names=["tokens", "mask", "word_positions"],
                    output_names=["intent_logits", "slot_logits"],
                    dynamic_axes={name: {0: "b", 1: "t"} for name in
                                  ("tokens", "mask", "word_positions")})
  session = onnxruntime.InferenceSession(path,
                                         providers=["CPUExecutionProvider"])
  return lambda x: session.run(None, {
      "tokens": x["tokens"].astype(np.int64),
      "mask": x["segment_ids"].astype(np.int64),
      "word_positions": x["word_positions"].astype(np.int64)})


def _torch_eager(module: HfNlu):
  def run(x):
    with torch.inference_mode():
      return module(*(torch.from_numpy(x[k].astype(np.int64)) for k in
                      ("tokens", "segment_ids", "word_positions")))
  return run


def _variants(name: str, run_dir: str, folder: str, texts: list[str]):
  """(end-to-end variants on texts, model-only variants on encoded ids)."""
  parity = os.path.join(folder, "parity.txt")
  with open(parity, "w", encoding="utf-8") as f:
    f.write("\n".join(texts[:100]) + "\n")
  for export_format in exporter.FORMATS:
    gin.clear_config()
    exporter.export(run_dir, export_format,
                      os.path.join(folder, f"{name}_{export_format}"),
                      parity_input=parity)
  gin.clear_config()
  predictor = nlu.NluPredictor(run_dir)
  served = saved_model.tf.saved_model.load(
      os.path.join(folder, f"{name}_saved_model")).signatures[
          saved_model.SIGNATURE]
  client = onnx_client.Model(os.path.join(folder, f"{name}_onnx"))
  end_to_end = {
      "jax": lambda t: list(predictor.predict(t, len(t))),
      "saved_model": lambda t: served(texts=saved_model.tf.constant(t)),
      "onnx": client,
  }
  hf = HfNlu(predictor.model, len(predictor.labels.intents),
             len(predictor.labels.slot_tags)).eval()
  sample = client.encode(texts[:2])[0]
  jax_model = predictor._serve  # pylint: disable=protected-access

  def jax_only(x):
    width = nlu_features.length_bucket(x["tokens"].shape[1], predictor.sequence_length)
    padded = {k: np.pad(v, ((0, 0), (0, width - v.shape[1])))
              for k, v in x.items()}
    with predictor.partitioner.activate():
      return jax.block_until_ready(jax_model(
          predictor.params, predictor.partitioner.global_batch(padded)))

  model_only = {
      "onnx": lambda x: client.session.run(None, x),
      "jax": jax_only,
      "hf_eager": _torch_eager(hf),
      "hf_onnx": _hf_onnx(hf, sample, folder),
  }
  return predictor, end_to_end, model_only, client


def _time(fn, arg) -> float:
  start = time.perf_counter()
  fn(arg)
  return time.perf_counter() - start


def _measure(variants: dict, singles: list, batches: list, repeats: int):
  """Batch-1 latencies pooled over rounds, batch throughput per round."""
  latency = {name: [] for name in variants}
  throughput = {name: [] for name in variants}
  for fn in variants.values():  # warm-up: compile, allocate
    fn(singles[0])
    fn(batches[0])
  for _ in range(repeats):
    for name, fn in variants.items():
      # Let the previous variant's worker threads stop spin-waiting first:
      # on 2 cores they would take the CPU from this one.
      time.sleep(0.5)
      latency[name] += [_time(fn, x) for x in singles]
      seconds = sum(_time(fn, x) for x in batches)
      throughput[name].append(len(batches) * FLAGS.batch / seconds)
  return {name: {
      "p50_ms": round(1e3 * float(np.percentile(latency[name], 50)), 3),
      "p99_ms": round(1e3 * float(np.percentile(latency[name], 99)), 3),
      "batch_per_second": round(statistics.median(throughput[name]), 1)}
          for name in variants}


def _table(title: str, figures: dict) -> None:
  print(f"\n{title}\n| variant | batch 1 p50 ms | p99 ms | batch "
        f"{FLAGS.batch} utterances/s |\n|---|---|---|---|")
  for name, row in figures.items():
    print(f"| {name} | {row['p50_ms']} | {row['p99_ms']} | "
          f"{row['batch_per_second']} |")


def main(argv):
  del argv
  massive = os.path.abspath(FLAGS.nlu_data)
  if FLAGS.models and not os.path.isfile(os.path.join(massive, "en-US.jsonl")):
    sys.exit(f"error: {massive} holds no en-US.jsonl; give --nlu_data a "
             "MASSIVE folder, or --runs of fine-tuned runs and --texts.")
  runs = [spec.split(":", 1) for spec in FLAGS.runs] + [
      (model, _fine_tuned(model, FLAGS.work_dir, massive, FLAGS.train_steps))
      for model in FLAGS.models]
  texts = _texts(FLAGS.texts or os.path.join(massive, "en-US.jsonl"))
  singles_text = [[t] for t in texts[:FLAGS.utterances]]
  batch_text = [texts[i * FLAGS.batch:(i + 1) * FLAGS.batch]
                for i in range(FLAGS.batches)]
  machine = {"machine": platform.processor() or platform.machine(),
             "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
             "jax": jax.__version__, "onnxruntime": onnxruntime.__version__,
             "torch": torch.__version__}
  with tempfile.TemporaryDirectory() as folder:
    for name, run_dir in runs:
      _, end_to_end, model_only, client = _variants(name, run_dir, folder,
                                                     texts)
      load_before = os.getloadavg()[0]
      e2e = _measure(end_to_end, singles_text, batch_text, FLAGS.repeats)
      singles_ids = [client.encode(t)[0] for t in singles_text]
      batch_ids = [client.encode(t)[0] for t in batch_text]
      alone = _measure(model_only, singles_ids, batch_ids, FLAGS.repeats)
      record = {"run": name, "run_dir": run_dir, "end_to_end": e2e,
                "model_only": alone, "utterances": len(singles_text),
                "load_1min": [load_before, os.getloadavg()[0]], **machine,
                "onnx_vs_hf_onnx_p50": round(alone["onnx"]["p50_ms"] /
                                             alone["hf_onnx"]["p50_ms"], 3),
                "hf_eager_vs_onnx_p50": round(alone["hf_eager"]["p50_ms"] /
                                              alone["onnx"]["p50_ms"], 3)}
      _table(f"{name}: text to intent and slots", e2e)
      _table(f"{name}: model alone, same token ids", alone)
      print(json.dumps(record), flush=True)
      with open(FLAGS.out, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
  sys.exit(app.run(main))
