"""One JSON record per finished stage under WORK_DIR/stages/: what makes a
rerun skip it, and what the report reads."""
import json
import os

from atm_jax import fs
from atm_jax.errors import UserError


def record_path(work_dir: str, stage: str) -> str:
  return os.path.join(work_dir, "stages", f"{stage}.json")


def read_record(work_dir: str, stage: str, settings: dict) -> dict | None:
  """The stage's record if it finished with these settings; None if it has
  not finished. A record made with other settings is refused, since its
  results would no longer match the config."""
  path = record_path(work_dir, stage)
  if not fs.exists(path):
    return None
  with fs.open(path, encoding="utf-8") as f:
    record = json.load(f)
  if record["settings"] != settings:
    changed = _first_difference(record["settings"], settings)
    raise UserError(
        f"Stage {stage} already finished in {work_dir} with other settings "
        f"({changed}); use a new WORK_DIR, or delete {path} and the stage's "
        "folder to redo it and what follows.")
  return record


def write_record(work_dir: str, stage: str, settings: dict, result: dict,
                 seconds: float) -> dict:
  """Written last and atomically: a stage killed before this point reruns."""
  record = {"stage": stage, "settings": settings, "result": result,
            "seconds": round(seconds, 1)}
  path = record_path(work_dir, stage)
  fs.makedirs(os.path.dirname(path))
  with fs.open(path + ".tmp", "w", encoding="utf-8") as f:
    json.dump(record, f, indent=2, sort_keys=True)
  fs.replace(path + ".tmp", path)
  return record


def _first_difference(old: dict, new: dict) -> str:
  for key in sorted(set(old) | set(new)):
    before, after = old.get(key), new.get(key)
    if isinstance(before, list) and isinstance(after, list):
      for item in before:
        if item not in after:
          return f"had {item!r}"
      for item in after:
        if item not in before:
          return f"now {item!r}"
    if before != after:
      return f"{key} was {before!r}, now {after!r}"
  return "unknown difference"
