"""The import rules of docs/architecture.md, checked on the source.

Every import statement counts, those inside functions too: a late import is
still a dependency. One runtime check backs the static one: importing every
model module loads neither TensorFlow nor SeqIO.
"""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

# package -> module prefixes it must never import.
FORBIDDEN = {
    "atm_jax.models": ("atm_jax.data", "atm_jax.trainer", "atm_jax.pipeline",
                       "atm_jax.evaluation", "atm_jax.configurables", "tasks",
                       "tensorflow", "seqio"),
    "atm_jax.data": ("atm_jax.models", "atm_jax.trainer", "atm_jax.pipeline",
                     "atm_jax.evaluation", "atm_jax.configurables",
                     "atm_jax.planning", "atm_jax.convert"),
    "atm_jax.convert": ("atm_jax.data", "atm_jax.trainer", "atm_jax.pipeline",
                        "tasks"),
    "atm_jax.partitioning": ("atm_jax.models", "atm_jax.data",
                             "atm_jax.trainer", "tensorflow", "seqio"),
    "atm_jax.trainer": ("atm_jax.pipeline", "atm_jax.planning",
                        "atm_jax.evaluation", "tasks"),
    "tasks": ("atm_jax.models", "atm_jax.trainer", "atm_jax.pipeline",
              "atm_jax.evaluation"),
}
# Leaves import nothing of the project but these.
LEAVES = {"atm_jax.vocab": ("atm_jax.vocab", "atm_jax.errors", "atm_jax.fs")}
# Files shipped inside exports, run where neither atm_jax nor JAX is
# installed: everything they import.
STANDALONE = {"atm_jax/export/onnx_client.py": (
    "__future__", "json", "os", "re", "sys", "numpy", "onnxruntime",
    "sentencepiece")}


def _module_name(path: pathlib.Path) -> str:
  return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(path: pathlib.Path) -> set[str]:
  """Absolute names every import statement of the file brings in."""
  names = set()
  for node in ast.walk(ast.parse(path.read_text(), str(path))):
    if isinstance(node, ast.Import):
      names.update(alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
      names.add(node.module)
      names.update(f"{node.module}.{alias.name}" for alias in node.names)
  return names


def _files(package: str) -> list[pathlib.Path]:
  folder = ROOT.joinpath(*package.split("."))
  return sorted(folder.rglob("*.py"))


def _within(name: str, prefix: str) -> bool:
  return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_none_of_its_forbidden_layers(package):
  broken = sorted(
      f"{_module_name(path)} imports {name}"
      for path in _files(package) for name in _imports(path)
      if any(_within(name, prefix) for prefix in FORBIDDEN[package]))
  assert not broken, broken


@pytest.mark.parametrize("package", sorted(LEAVES))
def test_leaf_package_imports_only_itself_and_errors(package):
  broken = sorted(
      f"{_module_name(path)} imports {name}"
      for path in _files(package) for name in _imports(path)
      if (_within(name, "atm_jax") or _within(name, "tasks"))
      and name != "atm_jax"  # `from atm_jax import x`: x is checked
      and not any(_within(name, allowed) for allowed in LEAVES[package]))
  assert not broken, broken


@pytest.mark.parametrize("path", sorted(STANDALONE))
def test_standalone_files_import_only_what_they_ship_with(path):
  allowed = STANDALONE[path]
  extra = sorted(name for name in _imports(ROOT / path)
                 if not any(_within(name, prefix) for prefix in allowed))
  assert not extra, f"{path} imports {extra}"


def test_the_rules_see_real_imports():
  """The checker itself: it finds a known import, late ones included."""
  trainer_loop = ROOT / "atm_jax" / "trainer" / "loop.py"
  assert "atm_jax.data.registry" in _imports(trainer_loop)
  bag_of_words = ROOT / "atm_jax" / "baselines" / "bag_of_words.py"
  assert "tasks.nlu" in _imports(bag_of_words)  # imported inside a function


def test_models_load_without_tensorflow_or_seqio():
  modules = [_module_name(path) for path in _files("atm_jax.models")
             if path.name != "__init__.py"]
  code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
          "print(sorted(m for m in ('tensorflow', 'seqio') if m in sys.modules))")
  result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                          capture_output=True, text=True)
  assert result.stdout.strip() == "[]", result.stdout
