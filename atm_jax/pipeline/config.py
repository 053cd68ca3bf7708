"""What one pipeline run is: models, data, and each stage's settings."""
import dataclasses
from collections.abc import Callable, Mapping, Sequence

import gin

from atm_jax.errors import UserError
from atm_jax.field_types import check_field_types
from atm_jax.pipeline.data_sources import PipelineData


@gin.configurable
@dataclasses.dataclass(frozen=True)
class PipelineConfig:
  """Settings of every stage, bound in a `pipeline_*.gin` experiment.

  Each `*_bindings` list holds gin bindings (as on a command line, e.g.
  "TRAIN_STEPS = 300") added on top of the stage's run file; `common_bindings`
  go to every training and evaluation stage first.

  Attributes:
    work_dir: every stage's run folder, the stage records and the report.
    data: called with `{work_dir}/data`; prepares and returns the data paths.
    teacher_model / student_model: model files of gin_configs/models/.
    vocab_size: SentencePiece pieces, trained on the Stage 1 public text.
    languages: Stage 1 language codes (file names), None for all found.
    language_alpha, spoken_share, in_domain_rate: the Stage 1 and 2 mixtures.
    student_bindings: for the distilled students and the MLM baseline alike
      (same data, steps and optimizer); `distill_bindings` add to the former.
    xnli: fine-tune and evaluate the teachers on XNLI when the data has it.
    nlu_seeds: NLU fine-tuning runs per model (seeds 0, 1, ...); the report
      gives mean and standard deviation, and pools the seeds' predictions for
      its confidence intervals.
    scratch_controls: also fine-tune each model size from random
      initialisation (the no-pretraining control).
    bootstrap_replicates: resamples of the test utterances per comparison.
    teacher_import: a released checkpoint folder (config.json,
      model.safetensors, tokenizer) to use as the teacher instead of
      pretraining one: it is imported, its vocabulary is used throughout, and
      each of `student_models` is distilled from it (see
      PublicTeacherPlanner).
    student_models: student model files of the imported-teacher plan.
    size_distill_bindings: extra distillation bindings for one student size
      (keyed by its model file's base name), e.g. initialising a student of
      the teacher's width from some of its layers.
    compilation_cache: keep compiled steps in WORK_DIR/compilation_cache, so
      that the seeds and the models of one shape compile once (a cache named
      by JAX_COMPILATION_CACHE_DIR is used instead).
  """
  work_dir: str = gin.REQUIRED
  data: Callable[[str], PipelineData] = gin.REQUIRED
  teacher_model: str = "gin_configs/models/tiny.gin"
  student_model: str = "gin_configs/models/tiny.gin"
  vocab_size: int = 1000
  languages: Sequence[str] | None = None
  language_alpha: float = 0.3
  spoken_share: float = 0.7
  in_domain_rate: float = 0.5
  sequence_length: int = 64
  common_bindings: Sequence[str] = ()
  stage1_bindings: Sequence[str] = ()
  stage2_bindings: Sequence[str] = ()
  student_bindings: Sequence[str] = ()
  distill_bindings: Sequence[str] = ()
  finetune_bindings: Sequence[str] = ()
  xnli_bindings: Sequence[str] = ()
  xnli: bool = True
  nlu_seeds: int = 3
  scratch_controls: bool = True
  bootstrap_replicates: int = 2000
  teacher_import: str | None = None
  student_models: Sequence[str] = ()
  size_distill_bindings: Mapping[str, Sequence[str]] = dataclasses.field(
      default_factory=dict)
  compilation_cache: bool = True

  def __post_init__(self):
    check_field_types(self)
    if self.nlu_seeds < 1:
      raise UserError(f"PipelineConfig.nlu_seeds must be at least 1, got "
                      f"{self.nlu_seeds}.")
