"""The training loop: plain Python around one jitted, sharded step."""
import dataclasses
import functools
import os
import time
from collections.abc import Iterator

import gin
import jax
import numpy as np

from atm_jax import fs
from atm_jax import paths
from atm_jax.checkpoints.init_from import (checkpoint_params,
                                           find_checkpoint,
                                           init_params_from_checkpoint,
                                           restore_params)
from atm_jax.checkpoints.manager import Checkpointer
from atm_jax.data import mlm_batches, registry
from atm_jax.data.rows import numeric_arrays
from atm_jax.data.stream import BatchStream, NotCheckpointable
from atm_jax.errors import UserError
from atm_jax.models.base import Model
from atm_jax.partitioning.mesh import MeshConfig, create_mesh
from atm_jax.partitioning.partitioner import Partitioner
from atm_jax.trainer.config import TrainConfig
from atm_jax.trainer.metrics_writer import MetricsWriter
from atm_jax.trainer.optimizer import OptimizerConfig
from atm_jax.trainer.setup import StepSetup, StepShape
from atm_jax.trainer.signals import StopRequest
from atm_jax.trainer.state import TrainState
from atm_jax.vocab import files as vocab_files
from atm_jax.vocab.vocabulary import load_vocabulary

_TOKEN_EMBEDDING = "encoder/embeddings/token_embedding"


@dataclasses.dataclass(frozen=True)
class Resume:
  """Where a run's input starts: batches already read and, when the
  checkpoint has it, the stream's saved position."""
  batches: int
  position: bytes | None = None


class Trainer:
  """Builds state, data and the jitted step for one `TrainConfig` on its
  registered task, then runs."""

  def __init__(self, config: TrainConfig, task: registry.RegisteredTask,
               model: Model, partitioner: Partitioner,
               optimizer_config: OptimizerConfig):
    self.config = config
    self.task = task
    self.model = model
    self.partitioner = partitioner
    self.is_lead = jax.process_index() == 0
    self._position_unavailable = False
    self.setup = StepSetup.build(model, partitioner, optimizer_config,
                                 StepShape.of(config))
    self.checkpointer = Checkpointer(
        os.path.join(config.model_dir, "checkpoints"),
        save_interval_steps=config.checkpoint_every,
        max_to_keep=config.keep_checkpoints)

  # -- state -----------------------------------------------------------------
  def load_frozen(self):
    """The frozen parameters, restored whole from TEACHER_CHECKPOINT."""
    if self.setup.frozen_abstract is None:
      return None
    if not self.config.teacher_checkpoint:
      raise UserError("This model distils from a teacher but "
                      "TEACHER_CHECKPOINT is not set; add "
                      "--gin.TEACHER_CHECKPOINT=\"'/path/to/teacher_run'\".")
    self._say(f"Loading the teacher from {self.config.teacher_checkpoint}")
    unused = () if "mlm_head" in self.setup.frozen_abstract else ("mlm_head",)
    return restore_params(self.config.teacher_checkpoint,
                          self.setup.frozen_abstract, unused=unused)

  def initial_state(self, frozen=None) -> tuple[TrainState, Resume]:
    """Own latest checkpoint, else `init_checkpoint` params, else scratch."""
    resumed = self.checkpointer.restore_latest_intact(self.setup.abstract_state)
    if resumed is not None:
      latest, state, data_state = resumed
      self._say(f"Resuming from step {latest} in {self.checkpointer.directory}")
      return state, Resume(int(data_state["batches"]),
                           data_state.get("input_position"))
    state = self.setup.initial_state()
    if self.config.init_checkpoint:
      params = init_params_from_checkpoint(
          self.config.init_checkpoint, self.setup.abstract_state.params,
          state.params, assignment_map=self.config.init_assignment_map,
          fallback_to_scratch=self.config.init_fallback_to_scratch)
      state = state.replace(params=params)
    elif frozen is not None:
      adjust = jax.jit(self.model.adjust_initial_params,
                       out_shardings=self.setup.state_shardings.params,
                       donate_argnums=0)
      state = state.replace(params=adjust(state.params, frozen))
    return state, Resume(0)

  # -- data ------------------------------------------------------------------
  def _batches(self, split: str, start_batch: int = 0,
               num_epochs: int | None = None) -> Iterator[dict]:
    """Whole batches (every host reads all rows; strings stay as they are)."""
    cfg = self.config
    batches = cfg.batches or functools.partial(mlm_batches.mlm_batches,
                                               pack=cfg.pack)
    return batches(self.task.name, split, cfg.sequence_length, cfg.batch_size,
                   seed=cfg.seed, start_batch=start_batch,
                   shuffle=num_epochs is None, num_epochs=num_epochs)

  def _train_stream(self, resume: Resume) -> Iterator[dict]:
    """The training batches from where the run stopped: the stream's saved
    position when the checkpoint has one (no replay), else by skipping."""
    if resume.position is not None and resume.batches:
      stream = self._batches("train")
      if isinstance(stream, BatchStream):
        stream.restore(resume.position)
        return stream
    if resume.batches:
      self._say(f"The checkpoint holds no input position; skipping "
                f"{resume.batches} batches to resume the data stream.")
    return self._batches("train", start_batch=resume.batches)

  def _input_position(self, stream: Iterator[dict]) -> bytes | None:
    """The stream's position to save with a checkpoint; None when the
    stream cannot write it down (said once per run)."""
    if not isinstance(stream, BatchStream) or self._position_unavailable:
      return None
    try:
      return stream.state()
    except NotCheckpointable as error:
      self._position_unavailable = True
      self._say(f"The input pipeline's position cannot be saved ({error}); "
                "a resumed run will skip the batches already read instead.")
      return None

  def check_vocabulary(self) -> None:
    self.check_teacher()
    pieces = self.task.vocabulary.vocab_size
    model_vocab = self.model.config.vocab_size
    if pieces > model_vocab:
      raise UserError(
          f"The vocabulary of task {self.task.name!r} has {pieces} pieces "
          f"but the model's vocab_size is {model_vocab}; set VOCAB_SIZE to at "
          "least the vocabulary size.")

  def check_teacher(self) -> None:
    """The teacher checkpoint fits the model (MLM head, vocabulary) and its
    vocabulary is the student's; read from metadata, before any compute."""
    if self.setup.frozen_abstract is None or not self.config.teacher_checkpoint:
      return
    stored = checkpoint_params(self.config.teacher_checkpoint)
    self._check_teacher_head(stored)
    self._check_teacher_vocabulary()
    self._check_teacher_vocab_size(stored)

  def _check_teacher_head(self, stored: dict) -> None:
    """A teacher without an MLM head is refused naming the setting to
    change, not as a restore mismatch."""
    if "mlm_head" in self.setup.frozen_abstract and not any(
        name.startswith("mlm_head/") for name in stored):
      raise UserError(
          f"The teacher {self.config.teacher_checkpoint} has no MLM head; set "
          "DistillationModel.teacher_head = False and distil with the hidden "
          "and attention terms (e.g. DistillationModel.loss_config = "
          "@minilm_loss()).")

  def _check_teacher_vocab_size(self, stored: dict) -> None:
    rows = stored.get(_TOKEN_EMBEDDING)
    embeddings = self.setup.frozen_abstract["encoder"]["embeddings"]
    wanted = embeddings["token_embedding"]
    if rows is not None and rows.shape[0] != wanted.shape[0]:
      raise UserError(
          f"The teacher {self.config.teacher_checkpoint} has a vocabulary of "
          f"{rows.shape[0]} pieces but VOCAB_SIZE is {wanted.shape[0]}; set "
          f"VOCAB_SIZE = {rows.shape[0]}.")

  def _check_teacher_vocabulary(self) -> None:
    """The student's vocabulary must be the teacher's, when the teacher's run
    keeps it in its run dir: a trained spm.model, or the tokenizer of a
    checkpoint imported by atm_jax.convert.hf."""
    teacher_vocab = teacher_vocab_path(self.config.teacher_checkpoint)
    if teacher_vocab is None:
      return
    vocabulary = self.task.vocabulary
    if fs.isdir(teacher_vocab):
      same = vocabulary == load_vocabulary(teacher_vocab)
    else:
      with fs.open(teacher_vocab, "rb") as f:
        same = getattr(vocabulary, "sp_model", None) == f.read()
    if not same:
      name = getattr(vocabulary, "sentencepiece_model_file", None) or getattr(
          vocabulary, "path", vocabulary)
      raise UserError(
          f"The student's vocabulary ({name}) is not the teacher's "
          f"({teacher_vocab}); set VOCAB_PATH to {teacher_vocab}.")

  # -- running ---------------------------------------------------------------
  def prepare(self) -> tuple[TrainState, object, Resume]:
    """Every check that reads the run's inputs (vocabulary, teacher, the
    checkpoint to resume from), then (state, frozen, first step); the run's
    config and metrics are written only after this."""
    self.check_vocabulary()
    frozen = self.load_frozen()
    state, resume = self.initial_state(frozen)
    return state, frozen, resume

  def run(self, prepared: tuple[TrainState, object, Resume] | None = None
          ) -> TrainState:
    state, frozen, resume = prepared or self.prepare()
    writer = MetricsWriter(self.config.model_dir, self.config.train_steps,
                           is_lead=self.is_lead)
    try:
      with StopRequest() as stop:
        state = self._loop(state, frozen, resume, writer, stop)
    finally:
      self.checkpointer.wait_until_finished()
      self.checkpointer.close()
      writer.close()
    return state

  def _loop(self, state, frozen, resume: Resume, writer: MetricsWriter,
            stop: StopRequest):
    cfg = self.config
    train_step = self.setup.train_step
    batches = self._train_stream(resume)
    pending: list[dict] = []
    clock = time.time()
    for step in range(resume.batches, cfg.train_steps):
      batch = self.partitioner.global_batch(numeric_arrays(next(batches)))
      with self.partitioner.activate():
        state, metrics = train_step(state, batch, frozen)
      self.checkpointer.check_last_save()
      pending.append(metrics)
      done = step + 1
      saving = done % cfg.checkpoint_every == 0 or done == cfg.train_steps
      stopping = stop.agreed()
      # Log (and so check for NaN) before every save: only good states land.
      if done % cfg.log_every == 0 or saving or stopping:
        self._log(done, pending, clock, writer)
        pending, clock = [], time.time()
      if cfg.eval_every and done % cfg.eval_every == 0:
        self.evaluate(state.params, frozen, done, writer)
      if stopping:
        self._save(done, state, batches, force=True)
        self._say(f"Stopped by {stopping} after step {done}; "
                  "checkpoint saved, rerun the same command to resume.")
        return state
      if saving:
        self._save(done, state, batches, force=done == cfg.train_steps)
    if not cfg.eval_every or cfg.train_steps % cfg.eval_every:
      self.evaluate(state.params, frozen, cfg.train_steps, writer)
    return state

  def _save(self, step: int, state, batches: Iterator[dict],
            force: bool) -> None:
    self.checkpointer.save(step, state, {"batches": step},
                           input_position=self._input_position(batches),
                           force=force)

  def _log(self, step: int, pending: list[dict], since: float,
           writer: MetricsWriter) -> None:
    fetched = jax.device_get(pending)  # waits for the steps to finish
    seconds = time.time() - since
    bad = [step - len(fetched) + i + 1 for i, m in enumerate(fetched)
           if m["nonfinite"]]
    if bad:
      self.checkpointer.wait_until_finished()
      last = self.checkpointer.latest_step()
      kept = (f"the last good checkpoint (step {last}) is kept"
              if last is not None else "no checkpoint had been saved yet")
      raise UserError(
          f"The loss or gradient became NaN/inf at step {bad[0]}; training "
          f"stopped and {kept}; lower the learning rate or enable clipping "
          "and rerun.")
    scalars = {k: float(np.mean([m[k] for m in fetched])) for k in fetched[0]
               if k not in ("nonfinite", "learning_rate", "skipped")}
    scalars["learning_rate"] = float(fetched[-1]["learning_rate"])
    if "skipped" in fetched[0]:  # the loss spike guard is on
      scalars["skipped"] = float(sum(int(m["skipped"]) for m in fetched))
    steps = len(fetched)
    tokens = steps * self.config.batch_size * self.config.sequence_length
    scalars["seconds_per_step"] = seconds / steps
    scalars["tokens_per_second"] = tokens / max(seconds, 1e-9)
    writer.write(step, scalars)

  def evaluate(self, params, frozen, step: int,
               writer: MetricsWriter) -> dict:
    """The model's loss metrics on the validation split, if the task has one."""
    if "validation" not in registry.provider(self.task.name).splits:
      self._say(f"Task {self.task.name!r} has no validation split; "
                "skipping evaluation.")
      return {}
    eval_step = self.setup.eval_step
    totals: dict[str, float] = {}
    for index, batch in enumerate(self._batches("validation", num_epochs=1)):
      if index >= self.config.eval_batches:
        break
      with self.partitioner.activate():
        sums = eval_step(params, self.partitioner.global_batch(numeric_arrays(batch)),
                         index, frozen)
      for key, value in jax.device_get(sums).items():
        totals[key] = totals.get(key, 0.0) + float(value)
    if not totals.get("weight"):
      self._say("No validation examples; skipping evaluation.")
      return {}
    means = {k: v / totals["weight"] for k, v in totals.items()
             if k != "weight"}
    writer.write(step, means, prefix="validation")
    return means

  def _say(self, message: str) -> None:
    if self.is_lead:
      print(message, flush=True)


def teacher_vocab_path(teacher_checkpoint: str) -> str | None:
  """The vocabulary kept next to the teacher's checkpoints: vocab/spm.model
  of our runs, or the vocab/ folder of an imported checkpoint; else None."""
  checkpoints_dir, _ = find_checkpoint(teacher_checkpoint)
  vocab_dir = os.path.join(os.path.dirname(checkpoints_dir), "vocab")
  spm_model = os.path.join(vocab_dir, "spm.model")
  if fs.exists(spm_model):
    return spm_model
  if vocab_files.descriptor_path(vocab_dir):
    return vocab_dir
  return None


@gin.configurable
def teacher_vocabulary(teacher_checkpoint: str | None = gin.REQUIRED) -> str:
  """VOCAB_PATH's default in the distillation runs: the student must share
  the teacher's vocabulary, so take it from the teacher's run."""
  if not teacher_checkpoint:
    raise UserError("VOCAB_PATH is not set and there is no "
                    "TEACHER_CHECKPOINT to take it from; set VOCAB_PATH or "
                    "TEACHER_CHECKPOINT.")
  path = teacher_vocab_path(teacher_checkpoint)
  if path is None:
    raise UserError(
        f"The teacher run {teacher_checkpoint} keeps no vocabulary (no vocab/ "
        "folder next to its checkpoints/); set VOCAB_PATH to the teacher's "
        "vocabulary.")
  return path


@gin.configurable
def train(model: Model = gin.REQUIRED,
          config: TrainConfig = gin.REQUIRED,
          optimizer: OptimizerConfig | None = None,
          mesh: MeshConfig | None = None):
  """Entry point bound by gin: build the mesh and trainer, run to the end.

  Preparing the run registers its task first, the one step that may write
  before the checks (a vocabulary the run trains for itself, kept in
  MODEL_DIR/vocab). The resolved config goes to MODEL_DIR/config.gin once
  every check has passed (mesh, batch, vocabulary, resume checkpoint), so a
  refused rerun leaves an existing run's files as they were.
  """
  paths.check_output_folder(config.model_dir, "MODEL_DIR")
  fs.makedirs(config.model_dir)
  task = registry.registered(config.task)
  model = model.for_task(task)
  partitioner = Partitioner(create_mesh(mesh or MeshConfig()))
  trainer = Trainer(config, task, model, partitioner,
                    optimizer or OptimizerConfig())
  prepared = trainer.prepare()
  if jax.process_index() == 0:
    with fs.open(os.path.join(config.model_dir, "config.gin"), "w") as f:
      f.write(gin.config_str())
  return trainer.run(prepared)
