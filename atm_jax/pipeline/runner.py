"""Runs the pipeline's stages in order as library calls: each stage gets a
fresh gin config (its run files plus bindings), finished stages are skipped,
an interrupted training stage resumes from its own checkpoints."""
import contextlib
import dataclasses
import functools
import json
import os
import time
from collections.abc import Sequence

import gin
import jax

from atm_jax import fs
from atm_jax import cli, hosts
from atm_jax.checkpoints.init_from import find_checkpoint
from atm_jax.cli import bound_value
from atm_jax.compilation_cache import use_compilation_cache
from atm_jax.errors import UserError
from atm_jax.models.config import EncoderConfig
from atm_jax.pipeline import records, report
from atm_jax.pipeline.config import PipelineConfig
from atm_jax.pipeline.data_sources import PipelineData
from atm_jax.pipeline.stages import (PublicTeacherPlanner, Stage,
                                     StagePlanner, macro)
from atm_jax.vocab import vocabulary


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
    if hosts.is_lead():
      fs.makedirs(self.work_dir)
    hosts.barrier("work-dir")
    if self.config.compilation_cache:
      use_compilation_cache(os.path.join(self.work_dir, "compilation_cache"))
    data = self._data()
    planner = self._planner(data)
    stages = planner.all()
    results = {"bag_of_words": self._bag_of_words(data)}
    for index, stage in enumerate(stages, start=3):
      results[stage.name] = self._once(
          index, len(stages) + 2, stage.name, stage.settings(),
          lambda stage=stage: self._execute(stage))
    speed = self._speed(planner.speed_models())
    return report.write_report(self.config, data, stages, results, planner,
                               speed)

  def _bag_of_words(self, data: PipelineData) -> dict:
    """The floor every model must beat: TF-IDF intents and each word's most
    frequent tag, on the same test utterances."""
    from atm_jax.baselines import bag_of_words  # pylint: disable=g-import-not-at-top
    out_dir = os.path.join(self.work_dir, "bag_of_words")
    settings = {"data_dir": data.nlu_data_dir, "format": data.nlu_format,
                "locale": data.nlu_locale}

    def work() -> dict:
      result = bag_of_words.run(data.nlu_data_dir, data.nlu_format,
                                data.nlu_locale, out_dir)
      return {**result,
              "predictions": os.path.join(out_dir, "predictions.jsonl")}

    return self._once(0, 0, "bag_of_words", settings, work, local=True)

  def _speed(self, model_files: dict[str, str]) -> dict:
    """Inference speed of each model size against the teacher's."""
    from atm_jax.pipeline import speed  # pylint: disable=g-import-not-at-top
    batch, length = 32, self.config.sequence_length

    def work() -> dict:
      configs = {}
      for name, model_file in model_files.items():
        with stage_config([model_file], []):
          configs[name] = EncoderConfig()
      return speed.speed_table(configs, "teacher", batch, length)

    settings = {"models": model_files, "batch": batch, "length": length}
    return self._once(0, 0, "inference_speed", settings, work,
                      local=True)["result"]

  def _planner(self, data: PipelineData) -> StagePlanner:
    """The ATM plan with its own vocabulary, or the imported-teacher plan
    with the teacher's."""
    scoped = functools.cache(scoped_model_bindings)
    if not self.config.teacher_import:
      return StagePlanner(self.config, data, self._vocabulary(data), scoped)
    run_dir = self._import_teacher()
    with stage_config([os.path.join(run_dir, "model.gin")], []):
      vocab_size = EncoderConfig().vocab_size
    return PublicTeacherPlanner(self.config, data,
                                os.path.join(run_dir, "vocab"), scoped,
                                vocab_size)

  def _import_teacher(self) -> str:
    from atm_jax.convert import importer  # pylint: disable=g-import-not-at-top
    folder = self.config.teacher_import
    run_dir = os.path.join(self.work_dir, "teacher_import")

    def work() -> dict:
      if fs.isdir(run_dir):  # an import killed before its record
        fs.rmtree(run_dir)
      config = importer.convert(folder, run_dir)
      return {"path": run_dir, "layers": config.num_layers,
              "embed_dim": config.embed_dim}

    record = self._once(2, 0, "teacher_import", {"checkpoint": folder}, work)
    return record["result"]["path"]

  # -- stages ----------------------------------------------------------------
  def _once(self, index: int, total: int, name: str, settings: dict,
            work, local: bool = False) -> dict:
    """Runs `work` unless a record says the stage finished; returns the
    stage's record.

    On several hosts process 0's view of the records decides what to skip.
    A training or evaluation stage runs on every host together; a `local`
    one (data, vocabulary, baselines) runs on process 0 alone, and the
    others read its record. Process 0 writes every record.
    """
    done = records.read_record(self.work_dir, name, settings)
    skip = bool(hosts.lead_value([int(done is not None)])[0])
    where = f"[{index}/{total}] {name}" if total else name
    if skip:
      done = done or records.read_record(self.work_dir, name, settings)
      self._say(f"==> {where}: finished earlier ({done['seconds']:.0f} s), "
                "skipped")
      return done
    self._say(f"==> {where}")
    if local and not hosts.is_lead():
      hosts.barrier(f"stage-{name}")
      return records.read_record(self.work_dir, name, settings)
    started = time.time()
    try:
      result = work()
      seconds = time.time() - started
      if not hosts.is_lead():
        return {"stage": name, "settings": settings, "result": result,
                "seconds": round(seconds, 1)}
      record = records.write_record(self.work_dir, name, settings, result,
                                    seconds)
    finally:
      if local:
        hosts.barrier(f"stage-{name}")
    self._say(f"==> {name} finished in {record['seconds']:.0f} s")
    return record

  @staticmethod
  def _say(message: str) -> None:
    if hosts.is_lead():
      print(message, flush=True)

  def _data(self) -> PipelineData:
    out_dir = os.path.join(self.work_dir, "data")
    settings = {"data": self.data_settings}
    record = self._once(1, 0, "data", settings, lambda: dataclasses.asdict(
        self.config.data(out_dir)), local=True)
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
            languages=c.languages, alpha=c.language_alpha)}, local=True)
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
    folder = os.path.join(stage.run_dir, "eval", split)
    with fs.open(os.path.join(folder, f"metrics-{step}.json"),
              encoding="utf-8") as f:
      result = json.load(f)
    result["predictions"] = os.path.join(folder, f"predictions-{step}.jsonl")
    return result


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
  with fs.open(os.path.join(run_dir, "metrics.jsonl"), encoding="utf-8") as f:
    for line in f:
      entry = json.loads(line)
      split = entry.pop("split")
      entry.pop("step")
      last[split] = {k: v for k, v in entry.items()
                     if k not in ("seconds_per_step", "tokens_per_second")}
  return last
