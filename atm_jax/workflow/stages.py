"""The pipeline as a list of stages, each an ordinary run with its gin files
and bindings, in the order the paper's method needs them."""
import dataclasses
import os

from atm_jax.workflow.config import PipelineConfig
from atm_jax.workflow.data_sources import PipelineData

RUNS = "gin_configs/runs"
TEACHERS = ("stage1_teacher", "stage2_teacher")
STUDENTS = ("student_from_stage1", "student_from_stage2",
            "student_mlm_baseline")
NLU_MODELS = TEACHERS + STUDENTS


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


def macro(name: str, value) -> str:
  """A gin binding of a Python value (str, number, None or list)."""
  return f"{name} = {value!r}"


class StagePlanner:
  """Turns a PipelineConfig, its data and vocabulary into stages."""

  def __init__(self, config: PipelineConfig, data: PipelineData,
               vocab_path: str, scoped_models: dict[str, tuple[str, ...]]):
    self.config = config
    self.data = data
    self.vocab_path = vocab_path
    self.scoped_models = scoped_models  # "teacher"/"student" -> bindings

  def run_dir(self, name: str) -> str:
    return os.path.join(self.config.work_dir, name)

  def _common(self) -> tuple[str, ...]:
    c = self.config
    return (macro("VOCAB_SIZE", c.vocab_size),
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
                       *self._mixture(name), *self.scoped_models["teacher"],
                       *self.scoped_models["student"],
                       macro("TEACHER_CHECKPOINT", self.run_dir(teacher)),
                       *c.student_bindings, *c.distill_bindings)

  def nlu(self) -> list[Stage]:
    """Fine-tune every pretrained model on the NLU task, then score its test
    split."""
    data = (macro("NLU_DATA_DIR", self.data.nlu_data_dir),
            macro("NLU_FORMAT", self.data.nlu_format),
            macro("NLU_LOCALE", self.data.nlu_locale))
    return [stage for model in NLU_MODELS for stage in self._fine_tune(
        "nlu", model, f"{RUNS}/finetune_nlu.gin", data, "test",
        self.config.finetune_bindings)]

  def xnli(self) -> list[Stage]:
    """Fine-tune each teacher on XNLI (one language), score every language."""
    if not (self.config.xnli and self.data.xnli_dir):
      return []
    data = (macro("XNLI_DIR", self.data.xnli_dir),)
    return [stage for model in TEACHERS for stage in self._fine_tune(
        "xnli", model, f"{RUNS}/finetune_xnli.gin", data, "dev",
        self.config.xnli_bindings)]

  def _fine_tune(self, task: str, model: str, run_file: str,
                 data: tuple[str, ...], split: str,
                 bindings: tuple[str, ...]) -> list[Stage]:
    """A fine-tuning run from `model`'s run, and the evaluation of its last
    checkpoint on `split`."""
    files = (self._model_file(model), run_file)
    name = f"{task}_{model}"
    train = self._train(name, files, macro("MODEL_DIR", self.run_dir(name)),
                        *data, macro("INIT_CHECKPOINT", self.run_dir(model)),
                        *bindings)
    evaluate = Stage(f"{name}_eval", f"{task}_eval",
                     files + (f"{RUNS}/eval.gin",),
                     self._common() + data + (macro("EVAL_SPLIT", split),)
                     + tuple(bindings), self.run_dir(name))
    return [train, evaluate]

  def _model_file(self, model: str) -> str:
    return (self.config.teacher_model if model in TEACHERS
            else self.config.student_model)

  def all(self) -> list[Stage]:
    return self.pretraining() + self.nlu() + self.xnli()
