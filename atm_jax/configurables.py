"""Imports every module that registers gin configurables, so gin files can
name them. The CLIs import this before parsing gin."""
# pylint: disable=unused-import
import gin

from atm_jax import evaluation  # noqa: F401
from atm_jax.data import mlm_batches, nlu_batches, pipeline_options  # noqa: F401
from atm_jax.data import xnli_batches  # noqa: F401
from atm_jax.models import config, distillation, mlm, nlu  # noqa: F401
from atm_jax.models import masking  # noqa: F401
from atm_jax.partitioning import mesh, partitioner, rules  # noqa: F401
from atm_jax.trainer import config as trainer_config  # noqa: F401
from atm_jax.trainer import loop, optimizer  # noqa: F401
from atm_jax.vocab import vocabulary  # noqa: F401

# Batch iterators a run file can hand to TrainConfig.batches.
gin.external_configurable(mlm_batches.mlm_batches, module="atm_jax.data")
gin.external_configurable(nlu_batches.nlu_batches, module="atm_jax.data")
