"""An orbax item holding the input stream's saved position (opaque bytes).

Every host's stream is in the same position (`data.stream`), so process 0
alone writes it and every host reads it back.
"""
from __future__ import annotations

import dataclasses

import jax
import orbax.checkpoint as ocp
from etils import epath

_FILE = "position.bin"


class InputPositionHandler(ocp.CheckpointHandler):
  """Writes and reads one file of bytes; small enough to write in line."""

  def save(self, directory: epath.Path, args: InputPositionSave) -> None:
    if jax.process_index() == 0:
      (epath.Path(directory) / _FILE).write_bytes(args.position)

  def restore(self, directory: epath.Path,
              args: InputPositionRestore | None = None) -> bytes:
    del args
    return (epath.Path(directory) / _FILE).read_bytes()

  def metadata(self, directory: epath.Path) -> None:
    del directory


@ocp.args.register_with_handler(InputPositionHandler, for_save=True)
@dataclasses.dataclass
class InputPositionSave(ocp.args.CheckpointArgs):
  position: bytes


@ocp.args.register_with_handler(InputPositionHandler, for_restore=True)
@dataclasses.dataclass
class InputPositionRestore(ocp.args.CheckpointArgs):
  pass
