"""The pipeline as a list of stages, each an ordinary run with its gin files
and bindings, in the order the paper's method needs them."""
import dataclasses
import os
from collections.abc import Callable

from atm_jax.pipeline.config import PipelineConfig
from atm_jax.pipeline.data_sources import PipelineData

RUNS = "gin_configs/runs"
TEACHERS = ("stage1_teacher", "stage2_teacher")
STUDENTS = ("student_from_stage1", "student_from_stage2",
            "student_mlm_baseline")
# No pretraining: each model size fine-tuned from random initialisation.
SCRATCH = ("teacher_scratch", "student_scratch")
NLU_MODELS = TEACHERS + STUDENTS + SCRATCH


@dataclasses.dataclass(frozen=True)
class Stage:
  """One training or evaluation run of the pipeline.

  `kind` is "train", "nlu_eval" or "xnli_eval"; an evaluation stage scores
  the last checkpoint of the run in `run_dir`, found when it starts.
  """
  name: str
  kind: str
  gin_files: tuple[str, ...]
  bindings: tuple[str, ...]
  run_dir: str

  def settings(self) -> dict:
    """What the stage record keeps, to notice a changed stage on a rerun."""
    return {"gin_files": list(self.gin_files), "bindings": list(self.bindings)}


@dataclasses.dataclass(frozen=True)
class NluModel:
  """A model that is fine-tuned and scored: its model file and the run its
  encoder starts from (None: random initialisation, the no-pretraining
  control)."""
  name: str
  model_file: str
  init_run: str | None


def nlu_stage_name(model: str, seed: int) -> str:
  return f"nlu_{model}_seed{seed}"


def macro(name: str, value) -> str:
  """A gin binding of a Python value (str, number, None or list)."""
  return f"{name} = {value!r}"


class StagePlanner:
  """Turns a PipelineConfig, its data and vocabulary into stages."""

  def __init__(self, config: PipelineConfig, data: PipelineData,
               vocab_path: str, scoped: Callable[[str, str], tuple[str, ...]],
               vocab_size: int | None = None):
    self.config = config
    self.data = data
    self.vocab_path = vocab_path
    self.scoped = scoped  # (model file, scope) -> scoped EncoderConfig bindings
    self.vocab_size = vocab_size or config.vocab_size

  def run_dir(self, name: str) -> str:
    return os.path.join(self.config.work_dir, name)

  def _common(self) -> tuple[str, ...]:
    c = self.config
    return (macro("VOCAB_SIZE", self.vocab_size),
            macro("SEQUENCE_LENGTH", c.sequence_length),
            macro("VOCAB_PATH", self.vocab_path), *c.common_bindings)

  def _mixture(self, name: str) -> tuple[str, ...]:
    """Data macros of the Stage 1 and 2 mixtures (run files ignore extras)."""
    c, d = self.config, self.data
    return (macro("MODEL_DIR", self.run_dir(name)),
            macro("TEXT_GLOB", d.public_text_glob),
            macro("LANGUAGES", list(c.languages) if c.languages else None),
            macro("LANGUAGE_ALPHA", c.language_alpha),
            macro("SPOKEN_SHARE", c.spoken_share),
            macro("SPOKEN_CACHE_DIR", self.run_dir("spoken_cache")),
            macro("IN_DOMAIN_GLOB", d.in_domain_glob),
            macro("IN_DOMAIN_RATE", c.in_domain_rate))

  def _train(self, name: str, files: tuple[str, ...],
             *extra: str) -> Stage:
    return Stage(name, "train", files, self._common() + tuple(extra),
                 self.run_dir(name))

  def pretraining(self) -> list[Stage]:
    c = self.config
    teacher, student = c.teacher_model, c.student_model
    stage1 = self._train("stage1_teacher",
                         (teacher, f"{RUNS}/pretrain_stage1.gin"),
                         *self._mixture("stage1_teacher"), *c.stage1_bindings)
    stage2 = self._train("stage2_teacher",
                         (teacher, f"{RUNS}/pretrain_stage2.gin"),
                         *self._mixture("stage2_teacher"),
                         macro("INIT_CHECKPOINT", self.run_dir("stage1_teacher")),
                         *c.stage2_bindings)
    students = [self._distill(f"student_from_{t.split('_')[0]}", t)
                for t in TEACHERS]
    baseline = self._train("student_mlm_baseline",
                           (student, f"{RUNS}/pretrain_stage2.gin"),
                           *self._mixture("student_mlm_baseline"),
                           macro("INIT_CHECKPOINT", None), *c.student_bindings)
    return [stage1, stage2, *students, baseline]

  def _distill(self, name: str, teacher: str) -> Stage:
    c = self.config
    return self._train(name, (f"{RUNS}/distill_stage2.gin",),
                       *self._mixture(name),
                       *self.scoped(c.teacher_model, "teacher"),
                       *self.scoped(c.student_model, "student"),
                       macro("TEACHER_CHECKPOINT", self.run_dir(teacher)),
                       *c.student_bindings, *c.distill_bindings)

  def nlu_models(self) -> list[NluModel]:
    c = self.config
    models = [NluModel(m, c.teacher_model if m in TEACHERS else
                       c.student_model, self.run_dir(m))
              for m in TEACHERS + STUDENTS]
    if c.scratch_controls:
      models += [NluModel("teacher_scratch", c.teacher_model, None),
                 NluModel("student_scratch", c.student_model, None)]
    return models

  def nlu(self) -> list[Stage]:
    """Fine-tune every model on the NLU task once per seed, then score each
    run's test split."""
    data = (macro("NLU_DATA_DIR", self.data.nlu_data_dir),
            macro("NLU_FORMAT", self.data.nlu_format),
            macro("NLU_LOCALE", self.data.nlu_locale))
    return [stage for model in self.nlu_models()
            for seed in range(self.config.nlu_seeds)
            for stage in self._fine_tune(
                nlu_stage_name(model.name, seed), model, "nlu", data, "test",
                (*self.config.finetune_bindings,
                 macro("TrainConfig.seed", seed)))]

  def xnli(self) -> list[Stage]:
    """Fine-tune each teacher on XNLI (one language), score every language."""
    if not (self.config.xnli and self.data.xnli_dir):
      return []
    data = (macro("XNLI_DIR", self.data.xnli_dir),)
    return [stage for name in TEACHERS for stage in self._fine_tune(
        f"xnli_{name}", NluModel(name, self.config.teacher_model,
                                 self.run_dir(name)),
        "xnli", data, "dev", self.config.xnli_bindings)]

  def _fine_tune(self, name: str, model: NluModel, task: str,
                 data: tuple[str, ...], split: str,
                 bindings: tuple[str, ...]) -> list[Stage]:
    """A fine-tuning run from `model`, and the evaluation of its last
    checkpoint on `split`."""
    files = (model.model_file, f"{RUNS}/finetune_{task}.gin")
    train = self._train(name, files, macro("MODEL_DIR", self.run_dir(name)),
                        *data, macro("INIT_CHECKPOINT", model.init_run),
                        *bindings)
    evaluate = Stage(f"{name}_eval", f"{task}_eval",
                     files + (f"{RUNS}/eval.gin",),
                     self._common() + data + (macro("EVAL_SPLIT", split),)
                     + tuple(bindings), self.run_dir(name))
    return [train, evaluate]

  def all(self) -> list[Stage]:
    return self.pretraining() + self.nlu() + self.xnli()

  def speed_models(self) -> dict[str, str]:
    """Model files whose inference speed the report compares, the reference
    (the teacher) first."""
    return {"teacher": self.config.teacher_model,
            "student": self.config.student_model}

  def comparisons(self) -> list[tuple[str, str, str, str]]:
    """(title, model A, model B, the expected direction of B's error)."""
    pairs = list(PAPER_COMPARISONS)
    if self.config.scratch_controls:
      pairs += SCRATCH_COMPARISONS
    return pairs + [
        (f"{name} vs the bag-of-words floor", "bag_of_words", model, "lower")
        for name, model in (("Stage 2 teacher", "stage2_teacher"),
                            ("distilled student (Stage 2 teacher)",
                             "student_from_stage2"))]


# (title, model A, model B, the paper's direction of B's error vs A's)
PAPER_COMPARISONS = (
    ("Stage 2 teacher vs Stage 1 teacher", "stage1_teacher", "stage2_teacher",
     "lower"),
    ("student from Stage 2 teacher vs from Stage 1 teacher",
     "student_from_stage1", "student_from_stage2", "lower"),
    ("distilled student (Stage 2 teacher) vs MLM-only baseline student",
     "student_mlm_baseline", "student_from_stage2", "lower"),
    ("distilled student (Stage 1 teacher) vs MLM-only baseline student",
     "student_mlm_baseline", "student_from_stage1", "lower"),
    ("student vs its teacher (Stage 2)", "stage2_teacher",
     "student_from_stage2", "higher"),
)
SCRATCH_COMPARISONS = (
    ("Stage 2 teacher vs no pretraining (teacher size)", "teacher_scratch",
     "stage2_teacher", "lower"),
    ("Stage 1 teacher vs no pretraining (teacher size)", "teacher_scratch",
     "stage1_teacher", "lower"),
    ("distilled student (Stage 2 teacher) vs no pretraining (student size)",
     "student_scratch", "student_from_stage2", "lower"),
    ("MLM-only baseline student vs no pretraining (student size)",
     "student_scratch", "student_mlm_baseline", "lower"),
)


def size_name(model_file: str) -> str:
  """A student size's name in stage names: its model file's base name."""
  return os.path.splitext(os.path.basename(model_file))[0]


class PublicTeacherPlanner(StagePlanner):
  """A released encoder (imported into `{work_dir}/teacher_import`) as the
  teacher: each student size is distilled from it and, as controls, trained
  MLM-only on the same text and steps, and fine-tuned from scratch; the
  teacher is fine-tuned too. There is no Stage 1 or Stage 2 and no XNLI."""

  @property
  def teacher_run(self) -> str:
    return self.run_dir("teacher_import")

  @property
  def teacher_file(self) -> str:
    return os.path.join(self.teacher_run, "model.gin")

  def student_files(self) -> list[str]:
    return list(self.config.student_models or [self.config.student_model])

  def pretraining(self) -> list[Stage]:
    c, stages = self.config, []
    for student in self.student_files():
      size = size_name(student)
      stages.append(self._train(
          f"distill_{size}", (f"{RUNS}/distill_stage2.gin",),
          *self._mixture(f"distill_{size}"),
          *self.scoped(self.teacher_file, "teacher"),
          *self.scoped(student, "student"),
          macro("TEACHER_CHECKPOINT", self.teacher_run),
          *c.student_bindings, *c.distill_bindings,
          *c.size_distill_bindings.get(size, ())))
      stages.append(self._train(
          f"mlm_{size}", (student, f"{RUNS}/pretrain_stage2.gin"),
          *self._mixture(f"mlm_{size}"), macro("INIT_CHECKPOINT", None),
          *c.student_bindings))
    return stages

  def nlu_models(self) -> list[NluModel]:
    models = [NluModel("teacher", self.teacher_file, self.teacher_run)]
    for student in self.student_files():
      size = size_name(student)
      models += [NluModel(f"distilled_{size}", student,
                          self.run_dir(f"distill_{size}")),
                 NluModel(f"mlm_{size}", student, self.run_dir(f"mlm_{size}")),
                 NluModel(f"scratch_{size}", student, None)]
    return models

  def xnli(self) -> list[Stage]:
    return []

  def speed_models(self) -> dict[str, str]:
    return {"teacher": self.teacher_file,
            **{size_name(f): f for f in self.student_files()}}

  def comparisons(self) -> list[tuple[str, str, str, str]]:
    pairs = []
    for student in self.student_files():
      size = size_name(student)
      pairs += [
          (f"distilled {size} vs no pretraining", f"scratch_{size}",
           f"distilled_{size}", "lower"),
          (f"distilled {size} vs MLM-only on the same text",
           f"mlm_{size}", f"distilled_{size}", "lower"),
          (f"MLM-only {size} vs no pretraining", f"scratch_{size}",
           f"mlm_{size}", "lower"),
          (f"distilled {size} vs its teacher", "teacher",
           f"distilled_{size}", "higher"),
          (f"distilled {size} vs the bag-of-words floor", "bag_of_words",
           f"distilled_{size}", "lower")]
    return pairs + [("teacher vs the bag-of-words floor", "bag_of_words",
                     "teacher", "lower")]
