"""Checksums of a checkpoint's files, written before it is committed.

Orbax makes a save atomic (a step folder appears only once complete) but
cannot tell when a committed step is damaged later: a deleted or truncated
array file, an emptied metadata file or a zeroed block inside an array all
either fail deep inside TensorStore or, worse, restore silently. So every
save records the size and SHA-256 of each of its files in `MANIFEST`, inside
the temporary folder before orbax renames it, and a restore first checks the
files against it.

The two files orbax writes at the step's top level when it commits, after
the manifest (`_CHECKPOINT_METADATA` with the commit time and the
`commit_success.txt` marker), are left out; restoring does not read them.
"""
from __future__ import annotations

import hashlib
import json

from etils import epath

MANIFEST = "atm_checksums.json"
_UNHASHED = frozenset({MANIFEST, "_CHECKPOINT_METADATA", "commit_success.txt"})
_CHUNK = 1 << 22


def _files(step_dir: epath.Path) -> list[str]:
  """Every file under `step_dir`, as sorted "/"-joined relative paths."""
  found = []
  pending = [(step_dir, "")]
  while pending:
    folder, prefix = pending.pop()
    for child in folder.iterdir():
      relative = prefix + child.name
      if child.is_dir():
        pending.append((child, relative + "/"))
      elif relative not in _UNHASHED:
        found.append(relative)
  return sorted(found)


def _digest(path: epath.Path) -> str:
  digest = hashlib.sha256()
  with path.open("rb") as f:
    while chunk := f.read(_CHUNK):
      digest.update(chunk)
  return digest.hexdigest()


def write_manifest(step_dir: str | epath.Path) -> None:
  """Records size and SHA-256 of every file of a finished, uncommitted save."""
  step_dir = epath.Path(step_dir)
  files = {name: {"size": (step_dir / name).stat().length,
                  "sha256": _digest(step_dir / name)}
           for name in _files(step_dir)}
  (step_dir / MANIFEST).write_text(
      json.dumps({"algorithm": "sha256", "files": files}, indent=1))


def folder_bytes(step_dir: str | epath.Path) -> int:
  """Total size of a checkpoint's files."""
  step_dir = epath.Path(step_dir)
  return sum((step_dir / name).stat().length for name in _files(step_dir))


def has_manifest(step_dir: str | epath.Path) -> bool:
  return (epath.Path(step_dir) / MANIFEST).exists()


def damage(step_dir: str | epath.Path) -> str | None:
  """What is wrong with a checkpoint's files, or None if they match their
  manifest. A step without a manifest (saved by an older version) is not
  judged here; restoring it is the test."""
  step_dir = epath.Path(step_dir)
  if not has_manifest(step_dir):
    return None
  try:
    files = json.loads((step_dir / MANIFEST).read_text())["files"]
  except (ValueError, KeyError, TypeError):
    return f"its checksum file {MANIFEST} is unreadable"
  for name, expected in sorted(files.items()):
    path = step_dir / name
    if not path.exists():
      return f"{name} is missing"
    size = path.stat().length
    if size != expected["size"]:
      return f"{name} has {size} bytes instead of {expected['size']}"
    if _digest(path) != expected["sha256"]:
      return f"{name} fails its checksum"
  return None
