"""Unknown gin bindings are refused in one sentence with the nearest names;
every binding the experiment files document is accepted."""
import glob
import os
import re
import shlex

import gin
import pytest

from atm_jax import cli
from atm_jax import configurables  # noqa: F401  (registers gin names)
from atm_jax import gin_checks
from atm_jax.errors import UserError
from atm_jax.pipeline import config as workflow_config  # noqa: F401
from atm_jax.pipeline import data_sources  # noqa: F401  (gin names)
from atm_jax.planning import run_config

PRETRAIN = "gin_configs/experiments/pretrain_tiny.gin"
REQUIRED = ["MODEL_DIR = '/tmp/run'", "TEXT_GLOB = '/data/*.txt'"]


@gin.configurable(module="gin_checks_test")
def probe(steps=1, width=2):
  return steps, width


@pytest.fixture(autouse=True)
def _fresh_gin():
  gin.clear_config()
  yield
  gin.clear_config()


def _typed(files, bindings):
  """Parse as a CLI does: every binding was typed by the user."""
  gin.clear_config()
  cli.parse_gin(files, bindings)


def _refusal(files, bindings) -> str:
  with pytest.raises(UserError) as caught:
    _typed(files, bindings)
  message = str(caught.value)
  assert "\n" not in message.strip()
  return message


# -- macros ---------------------------------------------------------------


def test_misspelt_macro_is_refused_with_the_nearest_name():
  message = _refusal([PRETRAIN], REQUIRED + ["TRAIN_STEPZ = 5"])
  assert message == (
      "--gin.TRAIN_STEPZ is not a setting of this config (no gin file uses "
      "%TRAIN_STEPZ); did you mean TRAIN_STEPS? See the header of the run's "
      "gin file for the settings it takes.")


def test_nearest_names_are_at_most_three_and_ignore_case():
  message = _refusal([PRETRAIN], REQUIRED + ["sequence_lenght = 5"])
  assert "did you mean SEQUENCE_LENGTH?" in message
  hint = re.search(r"did you mean (.*)\?", _refusal(
      [PRETRAIN], REQUIRED + ["VOCAB_SIZ = 5"])).group(1)
  names = re.split(r", | or ", hint)
  assert names[0] == "VOCAB_SIZE" and len(names) <= 3


def test_unrelated_macro_is_refused_without_a_guess():
  message = _refusal([PRETRAIN], REQUIRED + ["COLOUR = 'blue'"])
  assert message.startswith("--gin.COLOUR is not a setting of this config")
  assert "did you mean" not in message
  assert message.endswith("see the header of the run's gin file for the "
                          "settings it takes.")


def test_macros_of_included_files_and_overrides_are_accepted():
  # TEXT_GLOB and VOCAB_PATH are declared in the included runs/pretrain.gin,
  # TRAIN_STEPS in the experiment file itself.
  _typed([PRETRAIN], REQUIRED + ["TRAIN_STEPS = 5", "VOCAB_PATH = '/v'",
                                 "INIT_CHECKPOINT = None", "VOCAB_SIZE = 64"])
  assert gin.query_parameter("TrainConfig.train_steps").scoped_selector == (
      "TRAIN_STEPS/gin.macro")


def test_macro_used_only_in_another_macros_value_counts(tmp_path):
  path = tmp_path / "chain.gin"
  path.write_text("OUTER = %INNER\nINNER = 3\n"
                  "gin_checks_test.probe.steps = %OUTER\n")
  _typed([str(path)], ["INNER = 4"])
  # A binding may also make another binding's macro used.
  _typed([str(path)], ["OUTER = %MINE", "MINE = 9"])
  assert "did you mean INNER?" in _refusal([str(path)], ["INNERR = 1"])


def test_macro_whose_only_use_was_overridden_is_refused(tmp_path):
  path = tmp_path / "run.gin"
  path.write_text("STEPS = 1\ngin_checks_test.probe.steps = %STEPS\n")
  _typed([str(path)], ["STEPS = 2"])
  message = _refusal([str(path)], ["gin_checks_test.probe.steps = 3",
                                   "STEPS = 2"])
  assert message.startswith("--gin.STEPS is not a setting of this config")


def test_parameter_include_and_import_bindings_are_not_macros():
  _typed([PRETRAIN], REQUIRED + ["TrainConfig.log_every = 3",
                                 "teacher/EncoderConfig.embed_dim = 8",
                                 "import tasks.text_mlm"])


def test_library_built_bindings_are_exempt_unless_typed():
  """Only what a user typed is checked; a binding list a library builds
  (pipeline stages, planner placeholders) may set macros the stage's files
  do not use."""
  bindings = REQUIRED + ["IN_DOMAIN_GLOB = '/d/x.txt'"]
  cli.parse_gin([PRETRAIN], bindings, typed=REQUIRED)
  gin_checks.check_bindings([])
  with pytest.raises(UserError, match="IN_DOMAIN_GLOB"):
    gin_checks.check_bindings(["IN_DOMAIN_GLOB = '/d/x.txt'"])
  gin.clear_config()
  with pytest.raises(UserError, match="IN_DOMAIN_GLOB"):
    cli.parse_gin([PRETRAIN], bindings)


def test_referenced_macros_reads_the_parsed_config():
  cli.parse_gin([PRETRAIN], REQUIRED)
  used = gin_checks.referenced_macros()
  assert {"MODEL_DIR", "TEXT_GLOB", "TRAIN_STEPS", "VOCAB_SIZE",
          "VOCAB_PATH", "INIT_CHECKPOINT"} <= used
  assert "gin.REQUIRED" not in used


# -- unknown configurables and parameters ----------------------------------


@pytest.mark.parametrize("binding, expected", [
    ("TrainConfig.train_stepz = 3",
     "--gin.TrainConfig.train_stepz sets train_stepz, which is not a parameter "
     "of TrainConfig; did you mean TrainConfig.train_steps? Check the "
     "spelling against TrainConfig's parameters."),
    ("OptimizerConfig.peak_lr = 0.1",
     "--gin.OptimizerConfig.peak_lr sets peak_lr, which is not a parameter of "
     "OptimizerConfig; did you mean OptimizerConfig.peak_learning_rate? Check "
     "the spelling against OptimizerConfig's parameters."),
    ("teacher/EncoderConfig.embed_dims = 8",
     "--gin.teacher/EncoderConfig.embed_dims sets embed_dims, which is not a "
     "parameter of EncoderConfig; did you mean "
     "teacher/EncoderConfig.embed_dim or teacher/EncoderConfig.head_dim? "
     "Check the spelling against "
     "EncoderConfig's parameters."),
])
def test_unknown_parameter_names_the_nearest(binding, expected):
  assert _refusal([PRETRAIN], REQUIRED + [binding]) == expected


def test_unknown_configurable_names_the_nearest():
  message = _refusal([PRETRAIN], REQUIRED + ["TrainConfg.train_steps = 3"])
  assert message.startswith(
      "--gin.TrainConfg.train_steps names TrainConfg, which is not a known "
      "configurable; did you mean TrainConfig")
  assert message.endswith("? Check the spelling, or import the module that "
                          "registers it.")


def test_unknown_reference_names_the_nearest():
  message = _refusal([PRETRAIN],
                     REQUIRED + ["TrainConfig.batches = @mlm_batchez"])
  assert message.startswith(
      "--gin.TrainConfig.batches refers to @mlm_batchez, which is not a known "
      "configurable; did you mean @mlm_batches")


def test_unknown_name_in_a_gin_file_names_file_and_line(tmp_path):
  path = tmp_path / "typo.gin"
  path.write_text(f"include '{PRETRAIN}'\n\nMeshConfig.fdsp = 2\n")
  message = _refusal([str(path)], REQUIRED)
  assert message.startswith(f"MeshConfig.fdsp in {path} line 3 sets fdsp")
  assert "did you mean MeshConfig.fsdp?" in message


def test_other_gin_errors_keep_the_generic_sentence():
  with pytest.raises(UserError, match="could not be parsed"):
    cli.parse_gin([PRETRAIN], REQUIRED + ["TrainConfig.log_every = 3 3"])
  assert gin_checks.unknown_name_error(ValueError("something else")) is None


# -- every experiment's documented command ---------------------------------

EXPERIMENTS = sorted(glob.glob(os.path.join(
    cli.PROJECT_ROOT, "gin_configs/experiments/*.gin")))


def _header(path: str) -> str:
  """The leading comment block, `# ` stripped, continuation lines joined."""
  lines = []
  with open(path, encoding="utf-8") as f:
    for line in f:
      if not line.startswith("#"):
        break
      lines.append(line[1:].strip())
  return "\n".join(lines).replace("\\\n", " ")


def _commands(header: str):
  """(module, gin files, bindings) of every `python -m atm_jax.X` command
  in the header that names a gin file."""
  for line in header.splitlines():
    start = line.find("python -m atm_jax.")
    if start < 0:
      continue
    args = shlex.split(line[start:].split("`")[0])
    files = [a.split("=", 1)[1] for a in args if a.startswith("--gin_file=")]
    if files:
      bindings = [a.split("=", 1)[1] for a in cli.rewrite_gin_args(args)
                  if a.startswith("--gin_bindings=")]
      yield args[2], files, bindings


def _local(path: str) -> str:
  """A file the header's command makes first (a converted model's
  model.gin) is stood in for by the tiny model."""
  if os.path.exists(os.path.join(cli.PROJECT_ROOT, path)):
    return path
  assert path.endswith("model.gin"), path
  return "gin_configs/models/tiny.gin"


@pytest.mark.parametrize("experiment", [os.path.basename(p)
                                        for p in EXPERIMENTS])
def test_every_documented_binding_of_every_experiment_is_accepted(experiment):
  header = _header(os.path.join(cli.PROJECT_ROOT, "gin_configs/experiments",
                                experiment))
  commands = list(_commands(header))
  assert commands, f"{experiment} documents no command"
  for module, files, bindings in commands:
    files = [_local(f) for f in files]
    gin.clear_config()
    if module == "atm_jax.plan":
      run_config.load(files, bindings)
      # "The same file trains on the pod (with MODEL_DIR, ... set)."
      named = re.search(r"\(with ([A-Z_, and\n]+) set\)", header)
      assert named, f"{experiment} names no macros to train with"
      bindings = [f"{name} = '/x'" for name in
                  re.findall(r"[A-Z][A-Z_]+", named.group(1))]
    _typed(files, bindings)
    if "runs/eval.gin" in header and module == "atm_jax.train":
      # "Evaluate with the same files plus gin_configs/runs/eval.gin and
      # --gin.CHECKPOINT_PATH=...", in the prose after the command.
      prose = " ".join(line for line in header.splitlines()
                       if "python -m" not in line)
      extra = [a.split("=", 1)[1] for a in cli.rewrite_gin_args(
          shlex.split(" ".join(re.findall(r"--gin\.\w+=\S+?(?=\.?(?:\s|$))",
                                          prose))))]
      assert extra == ["CHECKPOINT_PATH = '/tmp/snips_minilm'"]
      _typed(files + ["gin_configs/runs/eval.gin"], bindings + extra)
