"""Runs the pipeline's stages in order as library calls: each stage gets a
fresh gin config (its run files plus bindings), finished stages are skipped,
an interrupted training stage resumes from its own checkpoints."""
import contextlib
import dataclasses
import json
import os
import time
from collections.abc import Sequence

import gin
import jax

from atm_jax import cli
from atm_jax.checkpoints.init_from import find_checkpoint
from atm_jax.data import vocabulary
from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig
from atm_jax.workflow import records, report
from atm_jax.workflow.config import PipelineConfig
from atm_jax.workflow.data_sources import PipelineData
from atm_jax.workflow.stages import Stage, StagePlanner, macro


@contextlib.contextmanager
def stage_config(gin_files: Sequence[str], bindings: Sequence[str]):
  """Only this stage's bindings are live inside; none leak to the next.
  The pipeline builds them for every stage alike, so a macro that a stage's
  files do not use is not an error."""
  gin.clear_config()
  try:
    cli.parse_gin(gin_files, bindings, typed=())
    yield
  finally:
    gin.clear_config()
    jax.clear_caches()


def bound_value(selector: str):
  """The value bound to `selector`, following macros (`%TRAIN_STEPS`)."""
  value = gin.query_parameter(selector)
  while (isinstance(value, gin.config.ConfigurableReference)
         and value.configurable.name in ("macro", "gin.macro")):
    value = gin.query_parameter(f"{value.scoped_selector}.value")
  return value


def scoped_model_bindings(model_file: str, scope: str) -> tuple[str, ...]:
  """A model file's EncoderConfig as `scope/EncoderConfig.*` bindings, for a
  run that holds two models (distillation); the vocabulary size stays shared."""
  with stage_config([model_file], []):
    config = EncoderConfig()
  return tuple(macro(f"{scope}/EncoderConfig.{field.name}",
                     getattr(config, field.name))
               for field in dataclasses.fields(config)
               if field.name != "vocab_size")


class PipelineRunner:
  """Data, vocabulary, then the planned stages, then the report."""

  def __init__(self, config: PipelineConfig):
    self.config = config
    self.work_dir = config.work_dir
    # Read now: later stages replace the gin config.
    self.data_settings = _describe(config.data)

  def run(self) -> dict:
    os.makedirs(self.work_dir, exist_ok=True)
    data = self._data()
    vocab_path = self._vocabulary(data)
    scoped = {scope: scoped_model_bindings(model, scope) for scope, model in
              (("teacher", self.config.teacher_model),
               ("student", self.config.student_model))}
    stages = StagePlanner(self.config, data, vocab_path, scoped).all()
    results = {}
    for index, stage in enumerate(stages, start=3):
      results[stage.name] = self._once(
          index, len(stages) + 2, stage.name, stage.settings(),
          lambda stage=stage: self._execute(stage))
    return report.write_report(self.config, data, stages, results)

  # -- stages ----------------------------------------------------------------
  def _once(self, index: int, total: int, name: str, settings: dict,
            work) -> dict:
    """Runs `work` unless a record says the stage finished; returns the
    stage's record."""
    done = records.read_record(self.work_dir, name, settings)
    where = f"[{index}/{total}] {name}" if total else name
    if done is not None:
      print(f"==> {where}: finished earlier ({done['seconds']:.0f} s), "
            "skipped", flush=True)
      return done
    print(f"==> {where}", flush=True)
    started = time.time()
    result = work()
    seconds = time.time() - started
    if jax.process_index() != 0:  # one writer; every host ran the stage
      return {"stage": name, "settings": settings, "result": result,
              "seconds": round(seconds, 1)}
    record = records.write_record(self.work_dir, name, settings, result,
                                  seconds)
    print(f"==> {name} finished in {record['seconds']:.0f} s", flush=True)
    return record

  def _data(self) -> PipelineData:
    out_dir = os.path.join(self.work_dir, "data")
    settings = {"data": self.data_settings}
    record = self._once(1, 0, "data", settings, lambda: dataclasses.asdict(
        self.config.data(out_dir)))
    return PipelineData(**record["result"])

  def _vocabulary(self, data: PipelineData) -> str:
    c = self.config
    settings = {"text_glob": data.public_text_glob, "size": c.vocab_size,
                "languages": list(c.languages or []),
                "alpha": c.language_alpha}
    record = self._once(2, 0, "vocab", settings, lambda: {
        "path": vocabulary.ensure_vocabulary(
            None, data.public_text_glob,
            os.path.join(self.work_dir, "vocab_run"), c.vocab_size,
            languages=c.languages, alpha=c.language_alpha)})
    return record["result"]["path"]

  def _execute(self, stage: Stage) -> dict:
    if stage.kind == "train":
      return self._train(stage)
    return self._evaluate(stage)

  def _train(self, stage: Stage) -> dict:
    # Imported here: importing the trainer pulls in TF, which the CLI's
    # --help does not need.
    from atm_jax.trainer import loop  # pylint: disable=g-import-not-at-top
    with stage_config(stage.gin_files, stage.bindings):
      train_steps = bound_value("TrainConfig.train_steps")
      loop.train()
    _, latest = find_checkpoint(stage.run_dir)
    if latest < train_steps:
      raise UserError(
          f"Stage {stage.name} stopped at step {latest} of {train_steps}; "
          "rerun the same command to resume it from that checkpoint.")
    return {"run_dir": stage.run_dir, "final_step": latest,
            **_last_metrics(stage.run_dir)}

  def _evaluate(self, stage: Stage) -> dict:
    from atm_jax import evaluation  # pylint: disable=g-import-not-at-top
    checkpoints_dir, step = find_checkpoint(stage.run_dir)
    checkpoint = os.path.join(checkpoints_dir, str(step))
    with stage_config(stage.gin_files, stage.bindings +
                      (macro("CHECKPOINT_PATH", checkpoint),)):
      split = bound_value("evaluate.split")
      evaluation.evaluate()
    path = os.path.join(stage.run_dir, "eval", split, f"metrics-{step}.json")
    with open(path, encoding="utf-8") as f:
      return json.load(f)


def _describe(value) -> dict:
  """A gin-bound callable's name and bindings, so changed data settings are
  noticed on a rerun."""
  try:
    bindings = gin.get_bindings(value)
  except ValueError:  # a plain function, not a gin configurable
    bindings = {}
  return {"name": getattr(value, "__name__", repr(value)),
          **{k: repr(v) for k, v in sorted(bindings.items())}}


def _last_metrics(run_dir: str) -> dict:
  """The last logged train and validation scalars of a run."""
  last = {}
  with open(os.path.join(run_dir, "metrics.jsonl"), encoding="utf-8") as f:
    for line in f:
      entry = json.loads(line)
      split = entry.pop("split")
      entry.pop("step")
      last[split] = {k: v for k, v in entry.items()
                     if k not in ("seconds_per_step", "tokens_per_second")}
  return last
